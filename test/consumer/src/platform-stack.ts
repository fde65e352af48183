import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  AlertsTopic, DataBucket, DataQualityMonitor, DataSeed, DebuggerRule, Endpoint, EndpointDeployment, Framework,
  HyperparameterRange, HyperparameterTuningJob, HyperparameterTuningSpec, IDataBucket, ImageScope, InstanceType,
  LatestApprovedModelPackage, Model, ModelData, ModelQualityMonitor, ModelRegistry, MonitoringScheduleExpression,
  ObjectiveType, Pipeline, PipelineExecutionStatus, ProblemType, ProcessingCode, ProcessingJob, ProcessingSpec, S3Location, ScalableInstanceCount,
  ScalableProvisionedConcurrency, ScalingType, SpaceSharing, StudioAppType, StudioDomain, StudioSpace, StudioUserProfile,
  TrainingChannel, TrainingJob, TrainingSpec, TuningStrategy, VariantScalableTarget, ContainerImage,
} from 'sagemaker-lifecycle-constructs';
import { ML_ENV, PIPELINE_NAME, PROCESS_SCRIPT, REGISTRY_NAME, SHARED_BUCKET_NAME, XGBOOST, dataFile } from './shared';

/**
 * The ML platform, environment-agnostic: Studio for the team, deploy-time training, tuning and
 * profiling jobs, and three endpoints (real-time with monitoring, asynchronous, serverless serving
 * the newest approved registry version).
 */
export class ConsumerPlatformStack extends Stack {
  readonly scalableTargets: VariantScalableTarget[] = [];

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const artifacts = new DataBucket(this, 'Artifacts', { removalPolicy: RemovalPolicy.DESTROY });
    const alerts = new AlertsTopic(this, 'Alerts', { displayName: 'Consumer platform alarms', removalPolicy: RemovalPolicy.DESTROY });

    // Studio: VPC-only (default), two users, a shared Code Editor space and a private JupyterLab one.
    const studio = new StudioDomain(this, 'Studio', {
      idleTimeout: Duration.hours(3),
      defaultSpaceEbsSizeGb: 10,
      maxSpaceEbsSizeGb: 50,
    });
    const ana: StudioUserProfile = studio.addUserProfile('ana');
    const ben: StudioUserProfile = studio.addUserProfile('ben');
    const teamSpace: StudioSpace = studio.addSpace('team-editor', {
      owner: ana,
      appType: StudioAppType.CODE_EDITOR,
      sharing: SpaceSharing.SHARED,
      ebsSizeGb: 20,
      displayName: 'Team Code Editor',
    });
    studio.addSpace('ben-lab', { owner: ben });
    studio.addLifecycleConfig('LabSetup', {
      appType: StudioAppType.JUPYTER_LAB,
      script: '#!/bin/bash\nset -eu\npip install --quiet xgboost==1.7.6\n',
    });
    artifacts.grantReadWrite(studio, 'datasets/');
    artifacts.grantRead(studio, 'monitoring/');

    // Training data shipped with the app.
    const seeds = ['train', 'validation'].map((channel) => new DataSeed(this, `Seed-${channel}`, {
      bucket: artifacts,
      key: `datasets/churn/${channel}/churn-${channel}.csv`,
      source: dataFile(`churn-${channel}.csv`),
    }));
    const channels: TrainingChannel[] = ['train', 'validation'].map((name) => ({
      name,
      location: S3Location.inDataBucket(artifacts, `datasets/churn/${name}/`),
      contentType: 'text/csv',
    }));

    // Deploy-time training: managed spot with checkpoints and a Debugger rule.
    const training = new TrainingJob(this, 'Train', {
      jobNamePrefix: 'consumer-churn',
      spec: new TrainingSpec({
        image: XGBOOST,
        hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 50, max_depth: 5, eta: 0.3 },
        inputs: channels,
        outputLocation: S3Location.inDataBucket(artifacts, 'models/deploy-time/'),
        resources: { instanceType: InstanceType.ML_M5_LARGE, volumeSizeGb: 5 },
        maxRuntime: Duration.minutes(20),
        spot: { maxWaitTime: Duration.minutes(40) },
        checkpoint: { location: S3Location.inDataBucket(artifacts, 'checkpoints/train/') },
        retryAttempts: 2,
        debugger: { rules: [DebuggerRule.TREE_DEPTH], profilerReport: false },
        tags: { purpose: 'deploy-time-baseline-model' },
      }),
    });
    waitFor(training, ...seeds);

    // Deploy-time tuning over three hyperparameters.
    const tuning = new HyperparameterTuningJob(this, 'Tune', {
      jobNamePrefix: 'consumer-hpo',
      runId: '1',
      spec: new HyperparameterTuningSpec({
        trainingSpec: new TrainingSpec({
          image: XGBOOST,
          hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 50 },
          inputs: channels,
          outputLocation: S3Location.inDataBucket(artifacts, 'models/tuning/'),
          resources: { instanceType: InstanceType.ML_M5_LARGE },
          maxRuntime: Duration.minutes(15),
        }),
        objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
        ranges: [
          HyperparameterRange.continuous('eta', 0.05, 0.5, ScalingType.LOGARITHMIC),
          HyperparameterRange.integer('max_depth', 2, 8),
          HyperparameterRange.categorical('tree_method', ['hist', 'approx']),
        ],
        strategy: TuningStrategy.RANDOM,
        maxJobs: 6,
        maxParallelJobs: 3,
        maxRuntime: Duration.minutes(45),
      }),
    });
    waitFor(tuning, ...seeds);

    // Deploy-time processing: the data-quality baseline of the training data.
    const baseline = new ProcessingJob(this, 'Baseline', {
      spec: new ProcessingSpec({
        image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }),
        code: ProcessingCode.fromAsset(PROCESS_SCRIPT),
        arguments: ['--mode', 'baseline'],
        inputs: [{ name: 'train', location: S3Location.inDataBucket(artifacts, 'datasets/churn/train/') }],
        outputs: [{ name: 'baseline', location: S3Location.inDataBucket(artifacts, 'baselines/data-quality/') }],
        resources: { instanceType: InstanceType.ML_M5_LARGE, volumeSizeGb: 5 },
        maxRuntime: Duration.minutes(15),
        environment: { PYTHONUNBUFFERED: '1' },
      }),
    });
    baseline.resource.node.addDependency(...seeds);

    // Models: the deploy-time one, and the best trial (whose URI is a token: grant its prefix).
    const trainedModel = new Model(this, 'TrainedModel', {
      containers: [{ image: XGBOOST, modelData: ModelData.fromTrainingJob(training) }],
    });
    const tunedModel = new Model(this, 'TunedModel', {
      containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.fromUri(tuning.bestModelDataUri)) }],
    });
    artifacts.grantRead(tunedModel, 'models/tuning/');

    // Real-time endpoint: trained model, the tuned one as a shadow, data capture, linear rollout,
    // autoscaling on invocations and CPU, data- and model-quality monitors.
    const realtime = new Endpoint(this, 'Realtime', {
      variants: [{
        variantName: 'trained',
        model: trainedModel,
        instanceType: InstanceType.ML_M5_LARGE,
        initialInstanceCount: 2,
        volumeSizeGb: 10,
        containerStartupTimeout: Duration.minutes(10),
        modelDataDownloadTimeout: Duration.minutes(10),
      }],
      shadowVariants: [{ variantName: 'tuned-shadow', model: tunedModel, instanceType: InstanceType.ML_M5_LARGE, initialWeight: 0.5 }],
      dataCapture: {
        location: S3Location.inDataBucket(artifacts, 'capture/realtime/'),
        samplingPercentage: 50,
        csvContentTypes: ['text/csv'],
        jsonContentTypes: ['application/json'],
      },
      deployment: EndpointDeployment.linear({
        stepPercent: 50,
        waitInterval: Duration.minutes(5),
        terminationWait: Duration.minutes(5),
        maximumExecutionTimeout: Duration.minutes(30),
      }),
      alarms: { topic: alerts.topic, latencyThreshold: Duration.millis(300), errorThreshold: 5 },
      encryptionKeyRemovalPolicy: RemovalPolicy.DESTROY,
    });
    const realtimeScaling: ScalableInstanceCount = realtime.autoScaleInstanceCount('trained', { minCapacity: 2, maxCapacity: 6 });
    realtimeScaling.scaleOnInvocationsPerInstance('Invocations', { targetInvocationsPerInstance: 300, scaleInCooldown: Duration.minutes(10) });
    realtimeScaling.scaleOnMetric('Cpu', { metric: realtime.metricCpuUtilization({ variantName: 'trained' }), targetValue: 70 });
    this.scalableTargets.push(realtimeScaling);

    const dataQuality = new DataQualityMonitor(this, 'DataQuality', {
      endpoint: realtime,
      outputLocation: S3Location.inDataBucket(artifacts, 'monitoring/data-quality/'),
      baseline: {
        statistics: S3Location.inDataBucket(artifacts, 'baselines/data-quality/statistics.json'),
        constraints: S3Location.inDataBucket(artifacts, 'baselines/data-quality/constraints.json'),
      },
      schedule: MonitoringScheduleExpression.cron('cron(0 0/6 ? * * *)'),
      instanceType: InstanceType.ML_M5_LARGE,
      volumeSizeGb: 10,
      maxRuntime: Duration.hours(2),
    });
    dataQuality.node.addDependency(baseline.resource);
    dataQuality.alarmOnFeatureDrift('TenureDrift', 'tenure', 0.2, alerts.topic);

    new ModelQualityMonitor(this, 'ModelQuality', {
      endpoint: realtime,
      outputLocation: S3Location.inDataBucket(artifacts, 'monitoring/model-quality/'),
      problemType: ProblemType.BINARY_CLASSIFICATION,
      groundTruth: S3Location.inDataBucket(artifacts, 'ground-truth/'),
      probabilityAttribute: '0',
      probabilityThreshold: 0.6,
      schedule: MonitoringScheduleExpression.daily(5),
      startTimeOffset: '-P1D',
      endTimeOffset: '-PT1H',
      maxRuntime: Duration.minutes(30),
    });

    // Asynchronous endpoint: the tuned model, scaling to zero on its backlog.
    const batch = new Endpoint(this, 'Async', {
      variants: [{ variantName: 'tuned', model: tunedModel, instanceType: InstanceType.ML_C5_XLARGE }],
      asyncInference: {
        outputLocation: S3Location.inDataBucket(artifacts, 'async/output/'),
        failureLocation: S3Location.inDataBucket(artifacts, 'async/failures/'),
        successTopic: alerts.topic,
        errorTopic: alerts.topic,
        maxConcurrentInvocationsPerInstance: 4,
      },
      deployment: EndpointDeployment.allAtOnce({ waitInterval: Duration.minutes(2), terminationWait: Duration.minutes(5) }),
      alarms: { topic: alerts.topic },
      encryptionKeyRemovalPolicy: RemovalPolicy.DESTROY,
    });
    const batchScaling = batch.autoScaleInstanceCount('tuned', { minCapacity: 0, maxCapacity: 3 });
    batchScaling.scaleOnBacklogSizePerInstance('Backlog', { targetBacklogPerInstance: 10 });
    this.scalableTargets.push(batchScaling);

    // Serverless endpoint: the newest Approved version of the registry the pipelines stack fills.
    // The registered artifacts live in the shared data bucket (registered by the pipelines).
    const registry = ModelRegistry.fromModelRegistryAttributes(this, 'ChurnRegistry', { modelPackageGroupName: REGISTRY_NAME, artifactsBucket: sharedData(this), artifactsPrefix: 'pipelines/' });
    const refresh: unknown = this.node.tryGetContext('refresh');
    const latest = new LatestApprovedModelPackage(this, 'LatestApproved', {
      registry,
      ...(typeof refresh === 'string' ? { refreshToken: refresh } : {}),
    });
    // The role may describe the versions and read their artifacts: the registry comes with the ARN.
    const approvedModel = new Model(this, 'ApprovedModel', { containers: [{ modelPackageArn: latest.modelPackageArn }] });
    const approved = new Endpoint(this, 'Approved', {
      variants: [{ variantName: 'approved', model: approvedModel, serverless: { memorySizeMb: 2048, maxConcurrency: 10, provisionedConcurrency: 2 } }],
      deployment: EndpointDeployment.allAtOnce(),
      alarms: { topic: alerts.topic },
    });
    const concurrency: ScalableProvisionedConcurrency = approved.autoScaleProvisionedConcurrency('approved', { minCapacity: 1, maxCapacity: 10 });
    concurrency.scaleOnUtilization('Utilization', { targetUtilization: 0.7 });
    this.scalableTargets.push(concurrency);

    // Studio users may call the endpoints, read the registry and start the retraining pipeline.
    for (const endpoint of [realtime, batch, approved]) endpoint.grantInvoke(studio);
    registry.grantRead(studio);
    Pipeline.fromPipelineName(this, 'Retrain', PIPELINE_NAME).grantStartExecution(studio);
    // the same pipeline by ARN: its environment is the ARN's, the shared ML account and region
    const retrainArn = `arn:aws:sagemaker:${ML_ENV.region}:${ML_ENV.account}:pipeline/${PIPELINE_NAME}`;
    Pipeline.fromPipelineArn(this, 'RetrainByArn', retrainArn).onExecutionStatusChange('RetrainFailed', { statuses: [PipelineExecutionStatus.FAILED] });

    new CfnOutput(this, 'StudioUrl', { value: studio.domainUrl });
    new CfnOutput(this, 'TeamSpace', { value: teamSpace.spaceName });
    new CfnOutput(this, 'TrainedAuc', { value: training.metric('validation:auc') });
    new CfnOutput(this, 'BestTrainingJob', { value: tuning.bestTrainingJobName });
    new CfnOutput(this, 'BestObjective', { value: tuning.bestObjectiveValue });
    new CfnOutput(this, 'ApprovedVersion', { value: latest.modelPackageVersion });
    new CfnOutput(this, 'RealtimeEndpoint', { value: realtime.endpointName });
    new CfnOutput(this, 'AsyncEndpoint', { value: batch.endpointName });
  }
}

/** Makes a deploy-time job (its resource, not its role) wait for `dependencies`. */
function waitFor(job: Construct, ...dependencies: Construct[]): void {
  const resource = job.node.defaultChild;
  if (!resource) throw new Error(`${job.node.path} has no default child`);
  resource.node.addDependency(...dependencies);
}

/**
 * The shared data bucket of the data stack, in another environment: imported by name, with its key
 * when `-c sharedDataKeyArn=<DataKeyArn output>` is given (grants then include decrypt).
 */
function sharedData(scope: Construct): IDataBucket {
  const keyArn: unknown = scope.node.tryGetContext('sharedDataKeyArn');
  if (typeof keyArn === 'string') {
    return DataBucket.fromBucketAttributes(scope, 'SharedData', {
      bucketName: SHARED_BUCKET_NAME,
      encryptionKey: kms.Key.fromKeyArn(scope, 'SharedDataKey', keyArn),
    });
  }
  return DataBucket.fromBucketName(scope, 'SharedData', SHARED_BUCKET_NAME);
}
