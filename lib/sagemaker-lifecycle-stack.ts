import * as path from 'path';
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { churnPipeline, churnTrainingSpec, XGBOOST_IMAGE } from './churn';
import { customModelPipeline } from './custom-model';
import {
  AlertsTopic, DataBucket, DataQualityMonitor, DataSeed, Endpoint, InstanceType, Model, ModelData, ModelRegistry, Pipeline, S3Location,
  StudioAppType, StudioDomain, StudioNetworkMode, TrainingJob, TrainingSpec, FeatureGroup, FeatureType, OfflineStoreTableFormat,
  ModelBiasMonitor, MonitoringScheduleExpression, NotebookInstance, PrivateWorkforce, WorkTeam,
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
  /** The customers' features, fed by the pipeline's preprocessing step (offline store). */
  public readonly features: FeatureGroup;
  /** One TrainingStep running lib/custom-model/train.py in the scikit-learn container's script mode. */
  public readonly customModelPipeline: Pipeline;
  public readonly endpoint: Endpoint;
  public readonly alerts: sns.Topic;

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
    const lean = config.profile === 'lean';
    this.studio = new StudioDomain(this, 'Studio', {
      removalPolicy,
      // lean: SageMaker's internet for Studio apps, so no interface endpoints ($100+ a month) idle.
      networkMode: lean ? StudioNetworkMode.PUBLIC_INTERNET_ONLY : StudioNetworkMode.VPC_ONLY,
    });
    const scientist = this.studio.addUserProfile('data-scientist');
    this.studio.addSpace('data-scientist-lab', { owner: scientist, appType: StudioAppType.JUPYTER_LAB, ebsSizeGb: lean ? 5 : 20 });
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
    // Feature Store: every customer's features, written by the pipeline's preprocessing step into an
    // offline store (Iceberg) in the data bucket; offline only, so it idles at no cost.
    this.features = new FeatureGroup(this, 'CustomerFeatures', {
      features: [
        { featureName: 'customer_id', featureType: FeatureType.STRING },
        { featureName: 'event_time', featureType: FeatureType.FRACTIONAL },
        ...['churned', 'tenure_months', 'support_calls', 'contract', 'late_payments'].map((featureName) => ({ featureName, featureType: FeatureType.INTEGRAL })),
        ...['monthly_charges', 'data_usage_gb'].map((featureName) => ({ featureName, featureType: FeatureType.FRACTIONAL })),
      ],
      recordIdentifierFeatureName: 'customer_id',
      eventTimeFeatureName: 'event_time',
      onlineStore: { enabled: false },
      offlineStore: { bucket: this.dataBucket, tableFormat: OfflineStoreTableFormat.ICEBERG },
      removalPolicy,
    });
    this.features.grantQuery(this.studio);
    this.pipeline = churnPipeline(this, 'Pipeline', {
      data: this.dataBucket,
      registry: this.registry,
      rawDataUri: this.dataBucket.s3Uri(`${DATA_PREFIXES.raw}churn/`),
      features: this.features,
    });
    this.pipeline.node.defaultChild!.node.addDependency(raw);
    // The input comes from a parameter, which names no location the steps could grant: grant it here.
    this.dataBucket.grantRead(this.pipeline, DATA_PREFIXES.raw);
    this.pipeline.grantStartExecution(this.studio);
    // The custom-model path: your own scikit-learn script in script mode, on the seeded data.
    this.customModelPipeline = customModelPipeline(this, 'CustomModelPipeline', this.dataBucket, DATA_PREFIXES.processed);
    for (const seed of seeds) this.customModelPipeline.node.defaultChild!.node.addDependency(seed);
    this.customModelPipeline.grantStartExecution(this.studio);

    // Hosting: serve the model trained at deploy. standard: real-time endpoint with data capture,
    // autoscaling and an hourly data-quality monitor; lean: a serverless endpoint.
    this.alerts = new AlertsTopic(this, 'Alerts', {
      displayName: `SageMaker ${config.stage} alarms`,
      emails: config.alertEmail ? [config.alertEmail] : [],
      removalPolicy,
    }).topic;
    const model = new Model(this, 'Model', { containers: [{ image: XGBOOST_IMAGE, modelData: ModelData.fromTrainingJob(this.training) }] });
    if (lean) {
      this.endpoint = new Endpoint(this, 'Endpoint', {
        variants: [{ variantName: 'primary', model, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } }],
        alarms: { topic: this.alerts },
      });
    } else {
      this.endpoint = new Endpoint(this, 'Endpoint', {
        variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 1 }],
        dataCapture: { location: S3Location.inDataBucket(this.dataBucket, 'capture/'), samplingPercentage: 20, csvContentTypes: ['text/csv'] },
        alarms: { topic: this.alerts, latencyThreshold: Duration.millis(500) },
        encryptionKeyRemovalPolicy: removalPolicy,
      });
      this.endpoint.autoScaleInstanceCount('primary', { minCapacity: 1, maxCapacity: 2 })
        .scaleOnInvocationsPerInstance('Invocations', { targetInvocationsPerInstance: 200 });
      // Statistics of the captured traffic every hour. Give it a baseline (statistics.json and
      // constraints.json from a baselining job) to get violations, drift metrics and drift alarms.
      new DataQualityMonitor(this, 'DataQuality', {
        endpoint: this.endpoint,
        outputLocation: S3Location.inDataBucket(this.dataBucket, 'monitoring/data-quality/'),
      });
      // Bias drift once a day (SageMaker Clarify): the churn predictions across contract types,
      // against the ground truth you upload to ground-truth/ (merged with the capture by event id).
      const biasConfig = new DataSeed(this, 'Seed-bias-config', {
        bucket: this.dataBucket,
        key: 'clarify/bias/analysis_config.json',
        source: path.join(__dirname, 'data', 'clarify-bias-analysis-config.json'),
      });
      const bias = new ModelBiasMonitor(this, 'Bias', {
        endpoint: this.endpoint,
        outputLocation: S3Location.inDataBucket(this.dataBucket, 'monitoring/bias/'),
        analysisConfig: S3Location.inDataBucket(this.dataBucket, 'clarify/bias/'),
        groundTruth: S3Location.inDataBucket(this.dataBucket, 'ground-truth/'),
        probabilityAttribute: '0',
        probabilityThreshold: 0.5,
        schedule: MonitoringScheduleExpression.daily(3),
        startTimeOffset: '-P1D',
      });
      bias.node.addDependency(biasConfig);
    }

    // Opt-in: a notebook instance in the Studio VPC that stops itself after an hour idle.
    if (config.notebook) {
      const notebook = new NotebookInstance(this, 'Notebook', { vpc: this.studio.vpc, removalPolicy });
      this.dataBucket.grantRead(notebook);
      this.registry.grantRead(notebook);
    }
    // Opt-in (one private workforce per account and region): a Ground Truth work team, no members.
    if (config.labeling) {
      const workforce = new PrivateWorkforce(this, 'Workforce', { removalPolicy });
      new WorkTeam(this, 'Annotators', { workforce, description: `Labelers of the ${config.stage} churn data` });
    }
    this.endpoint.grantInvoke(this.studio);

    new CfnOutput(this, 'EndpointName', { value: this.endpoint.endpointName });
    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'CustomModelPipelineName', { value: this.customModelPipeline.pipelineName });
    new CfnOutput(this, 'ModelDataUri', { value: this.training.modelDataUri });
    new CfnOutput(this, 'ValidationAuc', { value: this.training.metric('validation:auc') });
    new CfnOutput(this, 'StudioDomainId', { value: this.studio.domainId });
    new CfnOutput(this, 'StudioUrl', { value: this.studio.domainUrl });
    new CfnOutput(this, 'DataBucketName', { value: this.dataBucket.bucketName, description: `Data bucket: ${Object.values(DATA_PREFIXES).join(', ')}` });
    new CfnOutput(this, 'ModelPackageGroupName', { value: this.registry.modelPackageGroupName });
  }
}

