import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BuiltInAlgorithm, Condition, ExecutionVariable, ConditionStep, ContainerImage, DataBucket, DebuggerRule, FailStep, Framework, ImageScope,
  IFeatureGroup, InstanceType, IModelRegistry, JobExceptionType, ModelApprovalStatus, Pipeline, PipelineFunctions, PipelineParameter,
  ProcessingCode, ProcessingSpec, ProcessingStep, PropertyFile, RegisterModelStep, RetryPolicy, S3Location, StepExceptionType,
  TrainingChannel, TrainingSpec, TrainingStep,
} from '../constructs';

/** The XGBoost image the sample trains with, and serves and evaluates with. */
export const XGBOOST_IMAGE = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');

/**
 * The sample's training job: built-in XGBoost on the churn data, with Debugger rules. One spec
 * type serves the deploy-time job and the pipeline step; only the input channels differ.
 */
export function churnTrainingSpec(data: DataBucket, inputs: TrainingChannel[], tags: { [key: string]: string } = {}): TrainingSpec {
  return new TrainingSpec({
    image: XGBOOST_IMAGE,
    hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 100, max_depth: 4, eta: 0.2, subsample: 0.8 },
    inputs,
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE, volumeSizeGb: 10 },
    maxRuntime: Duration.minutes(30),
    debugger: { rules: [DebuggerRule.LOSS_NOT_DECREASING, DebuggerRule.OVERTRAINING] },
    tags,
  });
}

export interface ChurnPipelineProps {
  readonly data: DataBucket;
  readonly registry: IModelRegistry;
  /** S3 URI of the raw data the pipeline starts from. */
  readonly rawDataUri: string;
  /**
   * A feature group the preprocessing step feeds (one record per customer).
   * @default - none
   */
  readonly features?: IFeatureGroup;
}

/**
 * preprocess (scikit-learn) → train (XGBoost) → evaluate (writes evaluation.json) → if AUC ≥
 * threshold: register the model (PendingManualApproval by default) into the registry, else fail
 * with the AUC in the message.
 */
export function churnPipeline(scope: Construct, id: string, props: ChurnPipelineProps): Pipeline {
  const { data, registry } = props;
  const inputData = PipelineParameter.string('InputDataUri', { defaultValue: props.rawDataUri });
  const aucThreshold = PipelineParameter.float('AucThreshold', { defaultValue: 0.7 });
  const approval = PipelineParameter.string('ModelApprovalStatus', {
    defaultValue: ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
    enumValues: [ModelApprovalStatus.PENDING_MANUAL_APPROVAL, ModelApprovalStatus.APPROVED],
  });
  const retries = [
    RetryPolicy.step([StepExceptionType.SERVICE_FAULT, StepExceptionType.THROTTLING], { interval: Duration.seconds(10), maxAttempts: 3 }),
    RetryPolicy.job([JobExceptionType.CAPACITY_ERROR, JobExceptionType.JOB_INTERNAL_ERROR], { interval: Duration.minutes(1), maxAttempts: 2 }),
  ];
  const cache = { expireAfter: Duration.days(30) };
  // Each execution writes under its own prefix: pipeline/<execution id>/...
  const run = `pipeline/${ExecutionVariable.PIPELINE_EXECUTION_ID}`;

  const preprocess = new ProcessingStep('Preprocess', {
    spec: new ProcessingSpec({
      image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }),
      code: ProcessingCode.fromAsset(path.join(__dirname, 'pipeline', 'preprocess.py')),
      inputs: [{ name: 'raw', location: S3Location.fromUri(inputData.value), destination: '/opt/ml/processing/input/raw' }],
      outputs: ['train', 'validation', 'test'].map((name) => ({ name, location: S3Location.inDataBucket(data, `${run}/${name}/`) })),
      resources: { instanceType: InstanceType.ML_M5_XLARGE },
      maxRuntime: Duration.minutes(30),
      ...(props.features ? { environment: { FEATURE_GROUP_NAME: props.features.featureGroupName } } : {}),
    }),
    cache,
    retryPolicies: retries,
  });

  const train = new TrainingStep('Train', {
    spec: churnTrainingSpec(data, ['train', 'validation'].map((name) => ({
      name,
      location: S3Location.fromUri(preprocess.outputUri(name)),
      contentType: 'text/csv',
    }))),
    cache,
    retryPolicies: retries,
  });

  const report = new PropertyFile('EvaluationReport', 'evaluation', 'evaluation.json');
  // No trailing slash: the metrics URI below joins it with '/' (as the SDK's examples do).
  const evaluation = S3Location.inDataBucket(data, `${run}/evaluation`);
  const evaluate = new ProcessingStep('Evaluate', {
    spec: new ProcessingSpec({
      image: ContainerImage.framework(Framework.XGBOOST, { version: '1.7-1', scope: ImageScope.TRAINING }),
      code: ProcessingCode.fromAsset(path.join(__dirname, 'pipeline', 'evaluate.py')),
      inputs: [
        { name: 'model', location: S3Location.fromUri(train.modelArtifacts), destination: '/opt/ml/processing/input/model' },
        { name: 'test', location: S3Location.fromUri(preprocess.outputUri('test')), destination: '/opt/ml/processing/input/test' },
      ],
      outputs: [{ name: 'evaluation', location: evaluation }],
      resources: { instanceType: InstanceType.ML_M5_XLARGE },
      maxRuntime: Duration.minutes(30),
    }),
    propertyFiles: [report],
    cache,
    retryPolicies: retries,
  });

  const auc = PipelineFunctions.jsonGet(evaluate, report, 'metrics.auc.value');
  const register = new RegisterModelStep('RegisterModel', {
    registry,
    image: XGBOOST_IMAGE,
    modelData: train.modelArtifacts,
    approvalStatus: approval.value,
    contentTypes: ['text/csv'],
    responseTypes: ['text/csv'],
    inferenceInstanceTypes: [InstanceType.ML_M5_LARGE, InstanceType.ML_M5_XLARGE],
    transformInstanceTypes: [InstanceType.ML_M5_XLARGE],
    // From the Evaluate step's output property, which follows the cache: on a cache hit it names
    // the earlier execution's prefix, where evaluation.json was written (this execution's id would
    // name a prefix never written). A Std:Join, so it is a String where S3Uri takes one.
    modelMetrics: { statisticsUri: PipelineFunctions.join([evaluate.outputUri('evaluation'), 'evaluation.json'], '/') },
  });
  const fail = new FailStep('AucTooLow', {
    errorMessage: PipelineFunctions.join(['Model AUC ', auc, ' is below the threshold ', aucThreshold.value, ': not registered'], ''),
  });
  const check = new ConditionStep('CheckAuc', {
    condition: Condition.greaterThanOrEqualTo(auc, aucThreshold.value),
    ifSteps: [register],
    elseSteps: [fail],
  });

  const pipeline = new Pipeline(scope, id, {
    description: 'Churn model: preprocess, train XGBoost, evaluate, register when AUC is high enough',
    parameters: [inputData, aucThreshold, approval],
    steps: [preprocess, train, evaluate, check],
    maxParallelSteps: 4,
  });
  props.features?.grantIngest(pipeline);
  return pipeline;
}
