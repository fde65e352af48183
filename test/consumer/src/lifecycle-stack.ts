import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  CompilationJob, CompilationSpec, ContainerImage, DataBucket, Distribution, Endpoint, FeatureGroup, FeatureType, Framework, ImageScope,
  InferenceComponentEndpoint, InstanceType, JobSecret, MlflowTrackingServer, Model, ModelApprovalStatus, ModelBiasMonitor, ModelCard,
  ModelCardStatus, ModelData, ModelExplainabilityMonitor, ModelPackage, ModelRegistry, MonitoringScheduleExpression, NeoFramework, NeoTarget,
  NotebookInstance, OfflineStoreTableFormat, PrivateWorkforce, S3Location, TrainingCode, TrainingJob, TrainingSpec, WorkTeam,
} from 'sagemaker-lifecycle-constructs';
import { XGBOOST } from './shared';

/**
 * The rest of the lifecycle, composed as a platform team would: a feature group, a notebook
 * instance, script-mode training with a secret, Neo compilation, several models on one endpoint
 * scaled to zero, Clarify monitors, and governance (a registered version, its card, MLflow).
 */
export class ConsumerLifecycleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const data = new DataBucket(this, 'Data');
    const registry = new ModelRegistry(this, 'Registry', { description: 'Consumer lifecycle models' });

    // Feature Store, with an offline store in the data bucket
    const features = new FeatureGroup(this, 'Customers', {
      features: [
        { featureName: 'customer_id', featureType: FeatureType.STRING },
        { featureName: 'event_time', featureType: FeatureType.FRACTIONAL },
        { featureName: 'tenure', featureType: FeatureType.INTEGRAL },
      ],
      recordIdentifierFeatureName: 'customer_id',
      eventTimeFeatureName: 'event_time',
      onlineStore: { ttl: Duration.days(30) },
      offlineStore: { bucket: data, tableFormat: OfflineStoreTableFormat.ICEBERG },
    });

    // A notebook instance in an isolated VPC, stopping when idle
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60719',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012'],
      isolatedSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60011', 'rtb-0a1b2c3d4e5f60012'],
    });
    const notebook = new NotebookInstance(this, 'Notebook', { vpc, idleTimeout: Duration.minutes(30) });
    data.grantRead(notebook, 'raw/');
    features.grantRead(notebook);

    // Script-mode PyTorch training at deploy time, with a token from Secrets Manager
    const token = secretsmanager.Secret.fromSecretCompleteArn(this, 'HfToken', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:hf-token-AbCdEf');
    const training = new TrainingJob(this, 'FineTune', {
      spec: new TrainingSpec({
        image: ContainerImage.framework(Framework.PYTORCH, { version: '2.8.0', scope: ImageScope.TRAINING }),
        code: TrainingCode.fromAsset(path.join(__dirname, '..', 'src', 'train'), { entryPoint: 'train.py' }),
        hyperparameters: { epochs: 3 },
        inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }],
        outputLocation: S3Location.inDataBucket(data, 'models/'),
        resources: { instanceType: InstanceType.of('ml.g5.12xlarge'), instanceCount: 2 },
        distribution: Distribution.torchDistributed(),
        maxRuntime: Duration.minutes(45),
      }),
      secretEnvironment: { HF_TOKEN: JobSecret.fromSecretsManager(token) },
    });

    // Neo: the trained model compiled for Inferentia2
    const compiled = new CompilationJob(this, 'Compile', {
      spec: new CompilationSpec({
        modelData: S3Location.fromUri(training.modelDataUri),
        framework: NeoFramework.PYTORCH,
        frameworkVersion: '1.13',
        dataInputConfig: '{"input0":[1,3,224,224]}',
        target: NeoTarget.ML_INF2,
        outputLocation: S3Location.inDataBucket(data, 'compiled/'),
      }),
    });
    // hosted with the image Neo recommends (the bundled Neo images stop at Inf1), and the same model
    // compiled for ml.c5 with its Neo image from the bundled table
    const compiledModel = (modelId: string, image: ContainerImage, job: CompilationJob) => new Model(this, modelId, {
      containers: [{ image, modelData: ModelData.fromS3Location(S3Location.fromUri(job.compiledModelDataUri)) }],
    });
    compiledModel('CompiledInf2', ContainerImage.fromImageUri(compiled.inferenceImageUri), compiled);
    const forC5 = new CompilationJob(this, 'CompileC5', { spec: new CompilationSpec({ ...compiled.spec.props, target: NeoTarget.ML_C5 }) });
    compiledModel('CompiledC5', forC5.servingImage(), forC5);

    // Several models on one endpoint, scaled to zero
    const modelOf = (modelId: string, key: string) => new Model(this, modelId, { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, key)) }] });
    const shared = new InferenceComponentEndpoint(this, 'Shared', {
      instanceType: InstanceType.ML_M5_XLARGE,
      managedInstanceScaling: { minInstanceCount: 0, maxInstanceCount: 2 },
    });
    shared.addComponent({ componentId: 'Churn', model: modelOf('ChurnModel', 'models/churn/model.tar.gz'), compute: { minMemoryMb: 1024, cpuCores: 1 }, copies: 0 })
      .autoScaleCopies({ minCopies: 0, maxCopies: 2, targetInvocationsPerCopy: 50 });
    shared.grantInvoke(notebook);

    // Clarify monitors on a capturing endpoint
    const endpoint = new Endpoint(this, 'Endpoint', {
      variants: [{ variantName: 'primary', model: modelOf('ServedModel', 'models/served/model.tar.gz'), instanceType: InstanceType.ML_M5_LARGE }],
      dataCapture: { location: S3Location.inDataBucket(data, 'capture/') },
    });
    new ModelBiasMonitor(this, 'Bias', {
      endpoint,
      outputLocation: S3Location.inDataBucket(data, 'monitoring/bias/'),
      analysisConfig: S3Location.inDataBucket(data, 'clarify/bias/analysis_config.json'),
      groundTruth: S3Location.inDataBucket(data, 'ground-truth/'),
    });
    new ModelExplainabilityMonitor(this, 'Explainability', {
      endpoint,
      outputLocation: S3Location.inDataBucket(data, 'monitoring/explainability/'),
      analysisConfig: S3Location.inDataBucket(data, 'clarify/shap/analysis_config.json'),
      schedule: MonitoringScheduleExpression.daily(4),
    });

    // Governance: a version registered at deploy time, its card, an MLflow server
    const version = new ModelPackage(this, 'Version', {
      registry,
      containers: [{ image: XGBOOST, modelData: S3Location.fromUri(compiled.compiledModelDataUri) }],
      supportedContentTypes: ['text/csv'],
      supportedResponseMimeTypes: ['text/csv'],
      approvalStatus: ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
    });
    ModelCard.forModelPackage(this, 'Card', version, {
      status: ModelCardStatus.DRAFT,
      overview: { modelDescription: 'Churn classifier', modelOwner: 'ML platform' },
    });
    const mlflow = new MlflowTrackingServer(this, 'Mlflow', { artifactBucket: data });

    // Ground Truth: a private workforce (Cognito) and a team without members
    const workforce = new PrivateWorkforce(this, 'Workforce');
    new WorkTeam(this, 'Labelers', { workforce, description: 'Labelers of the churn data' });
    mlflow.grantAccess(notebook);
  }
}
