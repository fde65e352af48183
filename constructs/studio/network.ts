/** A VPC endpoint the domain can create in its VPC. */
export enum StudioVpcEndpoint {
  /** S3 gateway endpoint (free): data, model artifacts, Studio assets. */
  S3 = 'S3',
  /** `sagemaker.api`: the SageMaker API from notebooks (jobs, endpoints, registry). */
  SAGEMAKER_API = 'SAGEMAKER_API',
  /** `sagemaker.runtime`: invoking endpoints from notebooks. */
  SAGEMAKER_RUNTIME = 'SAGEMAKER_RUNTIME',
  /** `sts`: credentials of the execution role. */
  STS = 'STS',
  /** `logs`: CloudWatch Logs of apps and jobs. */
  CLOUDWATCH_LOGS = 'CLOUDWATCH_LOGS',
  /** `monitoring`: CloudWatch metrics. */
  CLOUDWATCH_MONITORING = 'CLOUDWATCH_MONITORING',
  /** `ecr.api` and `ecr.dkr`: custom images and bring-your-own containers. */
  ECR = 'ECR',
  /** `kms`: client-side use of KMS keys from notebooks. */
  KMS = 'KMS',
}

/** The endpoints a VPC_ONLY domain creates unless told otherwise. */
export const DEFAULT_STUDIO_VPC_ENDPOINTS: StudioVpcEndpoint[] = [
  StudioVpcEndpoint.S3, StudioVpcEndpoint.SAGEMAKER_API, StudioVpcEndpoint.SAGEMAKER_RUNTIME, StudioVpcEndpoint.STS,
  StudioVpcEndpoint.CLOUDWATCH_LOGS, StudioVpcEndpoint.CLOUDWATCH_MONITORING, StudioVpcEndpoint.ECR,
];

/** Who may reach the interface VPC endpoints a domain creates, on HTTPS (443). */
export enum StudioVpcEndpointAccess {
  /** The domain's apps and jobs only (its app security group). */
  DOMAIN_ONLY = 'DOMAIN_ONLY',
  /**
   * The domain's apps and jobs, and every workload of the VPC: HTTPS from the VPC's CIDR block
   * (`vpc.vpcCidrBlock`). The endpoints' private DNS names answer for the whole VPC, so this keeps
   * the VPC's other workloads reaching these services.
   */
  VPC_CIDR = 'VPC_CIDR',
}
