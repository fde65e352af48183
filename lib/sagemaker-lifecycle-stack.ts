import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DataBucket, ModelRegistry, StudioAppType, StudioDomain } from '../constructs';
import { LifecycleConfig, removalPolicyOf } from './config';

/** Key prefixes of the sample data bucket. */
export const DATA_PREFIXES = {
  /** Raw input data, as delivered. */
  raw: 'raw/',
  /** Features and splits written by processing jobs. */
  processed: 'processed/',
  /** Model artifacts written by training jobs. */
  models: 'models/',
} as const;

export interface SageMakerLifecycleStackProps extends StackProps {
  readonly config: LifecycleConfig;
}

/**
 * The sample: one complete SageMaker lifecycle environment composed from the library's constructs.
 * Environment-agnostic: no lookups, no hard-coded account or region.
 */
export class SageMakerLifecycleStack extends Stack {
  public readonly dataBucket: DataBucket;
  public readonly registry: ModelRegistry;
  public readonly studio: StudioDomain;

  constructor(scope: Construct, id: string, props: SageMakerLifecycleStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    this.dataBucket = new DataBucket(this, 'Data', { removalPolicy });
    this.registry = new ModelRegistry(this, 'Registry', {
      description: `Models of the ${config.stage} SageMaker lifecycle sample`,
      removalPolicy,
    });

    // Studio: VPC-only in a new isolated VPC, one user with a private JupyterLab space.
    this.studio = new StudioDomain(this, 'Studio', { removalPolicy });
    const scientist = this.studio.addUserProfile('data-scientist');
    this.studio.addSpace('data-scientist-lab', { owner: scientist, appType: StudioAppType.JUPYTER_LAB, ebsSizeGb: 20 });
    this.dataBucket.grantReadWrite(this.studio);
    this.registry.grantRead(this.studio);

    new CfnOutput(this, 'StudioDomainId', { value: this.studio.domainId });
    new CfnOutput(this, 'StudioUrl', { value: this.studio.domainUrl });
    new CfnOutput(this, 'DataBucketName', { value: this.dataBucket.bucketName, description: `Data bucket: ${Object.values(DATA_PREFIXES).join(', ')}` });
    new CfnOutput(this, 'ModelPackageGroupName', { value: this.registry.modelPackageGroupName });
  }
}
