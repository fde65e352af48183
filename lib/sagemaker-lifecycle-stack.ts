import * as path from 'path';
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, DataSeed, DebuggerRule, InstanceType, ModelRegistry, S3Location, StudioAppType,
  StudioDomain, TrainingJob, TrainingSpec,
} from '../constructs';
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
  public readonly trainingSpec: TrainingSpec;
  public readonly training: TrainingJob;

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

    // Training: built-in XGBoost on the small churn data set the project ships, written to the
    // data bucket at deploy, with Debugger rules on. The spec is reused by the pipeline.
    const seeds = ['train', 'validation'].map((channel) => new DataSeed(this, `Seed-${channel}`, {
      bucket: this.dataBucket,
      key: `${DATA_PREFIXES.processed}${channel}/churn-${channel}.csv`,
      source: path.join(__dirname, 'data', `churn-${channel}.csv`),
    }));
    this.trainingSpec = new TrainingSpec({
      image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
      hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 100, max_depth: 4, eta: 0.2, subsample: 0.8 },
      inputs: ['train', 'validation'].map((channel) => ({
        name: channel,
        location: S3Location.inDataBucket(this.dataBucket, `${DATA_PREFIXES.processed}${channel}/`),
        contentType: 'text/csv',
      })),
      outputLocation: S3Location.inDataBucket(this.dataBucket, DATA_PREFIXES.models),
      resources: { instanceType: InstanceType.ML_M5_XLARGE, volumeSizeGb: 10 },
      maxRuntime: Duration.minutes(30),
      debugger: { rules: [DebuggerRule.LOSS_NOT_DECREASING, DebuggerRule.OVERTRAINING] },
      tags: { stage: config.stage },
    });
    this.training = new TrainingJob(this, 'Training', { spec: this.trainingSpec });
    // The job (not its role) waits for the data.
    for (const seed of seeds) this.training.node.defaultChild!.node.addDependency(seed);

    new CfnOutput(this, 'ModelDataUri', { value: this.training.modelDataUri });
    new CfnOutput(this, 'ValidationAuc', { value: this.training.metric('validation:auc') });
    new CfnOutput(this, 'StudioDomainId', { value: this.studio.domainId });
    new CfnOutput(this, 'StudioUrl', { value: this.studio.domainUrl });
    new CfnOutput(this, 'DataBucketName', { value: this.dataBucket.bucketName, description: `Data bucket: ${Object.values(DATA_PREFIXES).join(', ')}` });
    new CfnOutput(this, 'ModelPackageGroupName', { value: this.registry.modelPackageGroupName });
  }
}
