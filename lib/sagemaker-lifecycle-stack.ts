import * as path from 'path';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { churnPipeline, churnTrainingSpec } from './churn';
import {
  DataBucket, DataSeed, ModelRegistry, Pipeline, S3Location, StudioAppType, StudioDomain, TrainingJob, TrainingSpec,
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
  public readonly pipeline: Pipeline;

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
    this.trainingSpec = churnTrainingSpec(this.dataBucket, ['train', 'validation'].map((channel) => ({
      name: channel,
      location: S3Location.inDataBucket(this.dataBucket, `${DATA_PREFIXES.processed}${channel}/`),
      contentType: 'text/csv',
    })), { stage: config.stage });
    this.training = new TrainingJob(this, 'Training', { spec: this.trainingSpec });
    // The job (not its role) waits for the data.
    for (const seed of seeds) this.training.node.defaultChild!.node.addDependency(seed);

    // Pipeline: preprocess -> train -> evaluate -> register if AUC >= threshold, else fail.
    const raw = new DataSeed(this, 'Seed-raw', {
      bucket: this.dataBucket,
      key: `${DATA_PREFIXES.raw}churn/churn.csv`,
      source: path.join(__dirname, 'data', 'churn-raw.csv'),
    });
    this.pipeline = churnPipeline(this, 'Pipeline', {
      data: this.dataBucket,
      registry: this.registry,
      rawDataUri: this.dataBucket.s3Uri(`${DATA_PREFIXES.raw}churn/`),
    });
    this.pipeline.node.defaultChild!.node.addDependency(raw);
    this.pipeline.grantStartExecution(this.studio);

    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'ModelDataUri', { value: this.training.modelDataUri });
    new CfnOutput(this, 'ValidationAuc', { value: this.training.metric('validation:auc') });
    new CfnOutput(this, 'StudioDomainId', { value: this.studio.domainId });
    new CfnOutput(this, 'StudioUrl', { value: this.studio.domainUrl });
    new CfnOutput(this, 'DataBucketName', { value: this.dataBucket.bucketName, description: `Data bucket: ${Object.values(DATA_PREFIXES).join(', ')}` });
    new CfnOutput(this, 'ModelPackageGroupName', { value: this.registry.modelPackageGroupName });
  }
}
