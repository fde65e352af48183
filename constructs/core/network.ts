import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Where SageMaker runs containers (of a job, a monitor or a model): in a VPC of yours, with network
 * interfaces in its subnets and security groups, or on SageMaker's own network.
 */
export interface NetworkOptions {
  /**
   * Run the containers in this VPC (network interfaces in `vpcSubnets`, with `securityGroups`).
   * @default - no VPC: SageMaker's own network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` (1 to 16).
   * @default - the VPC's isolated subnets, or its private subnets if it has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the containers' network interfaces: 1 to 5, required with `vpc`.
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Block all network calls from and to the containers. SageMaker still moves their S3 data (a job's
   * inputs and outputs, a model's artifacts).
   * @default false
   */
  readonly networkIsolation?: boolean;
}

/** Network settings of a SageMaker job. */
export interface JobNetworkOptions extends NetworkOptions {
  /**
   * Encrypt traffic between the instances of a distributed job.
   * @default false
   */
  readonly interContainerEncryption?: boolean;
}
