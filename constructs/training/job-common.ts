import * as ec2 from 'aws-cdk-lib/aws-ec2';
/** Network settings of a SageMaker job. */
export interface JobNetworkOptions {
  /**
   * Run the job's containers in this VPC (ENIs in `vpcSubnets`, with `securityGroups`).
   * @default - no VPC: SageMaker's own network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc`.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the job's ENIs. Required with `vpc` (1 to 5).
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Block all outbound network calls from the containers (SageMaker still moves S3 data).
   * @default false
   */
  readonly networkIsolation?: boolean;
  /**
   * Encrypt traffic between the instances of a distributed job.
   * @default false
   */
  readonly interContainerEncryption?: boolean;
}
