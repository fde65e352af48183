import { ArnFormat, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  AlertsTopic, CallbackStep, Condition, ConditionStep, ContainerImage, DataBucket, ExecutionVariable, FailStep, Framework,
  HyperparameterRange, HyperparameterTuningSpec, IModelRegistry, ImageScope, InstanceType, JobExceptionType, LambdaStep,
  ModelApprovalStatus, ModelStep, ObjectiveType, OutputType, Pipeline, PipelineExecutionStatus, PipelineExpression,
  PipelineFunctions, PipelineParameter, ProcessingCode, ProcessingSpec, ProcessingStep, PropertyFile, RegisterModelStep,
  RetryPolicy, S3Location, StepExceptionType, TrainingSpec, TrainingStep, TransformStep, TuningStep, TuningStrategy,
} from 'sagemaker-lifecycle-constructs';
import { PIPELINE_NAME, PROCESS_SCRIPT, XGBOOST } from './shared';

export interface ConsumerPipelinesStackProps extends StackProps {
  readonly data: DataBucket;
  readonly registry: IModelRegistry;
  readonly alerts: AlertsTopic;
}

/**
 * Weekly retraining: prepare → train a reference model and tune → evaluate the best trial → create a
 * model → batch-score the holdout → notify (Lambda) → manual review (SQS callback) → register when
 * the gate passes, otherwise fail.
 */
export class ConsumerPipelinesStack extends Stack {
  readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props: ConsumerPipelinesStackProps) {
    super(scope, id, props);
    const { data, registry, alerts } = props;

    // The user's existing integrations, imported (the app creates no function or queue of its own).
    const notifier = lambda.Function.fromFunctionArn(this, 'Notifier', this.formatArn({
      service: 'lambda', resource: 'function', resourceName: 'consumer-model-notifier', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    const reviewQueue = sqs.Queue.fromQueueArn(this, 'ReviewQueue', this.formatArn({
      service: 'sqs', resource: 'consumer-model-review', arnFormat: ArnFormat.NO_RESOURCE_NAME,
    }));

    const inputData = PipelineParameter.string('InputDataUri', { defaultValue: data.s3Uri('raw/churn/') });
    // A String parameter: hyperparameters are strings, and the DSL does not yet convert an Integer
    // parameter there with Std:Join as the SageMaker Python SDK does (typed expressions are planned).
    const maxDepth = PipelineParameter.string('MaxDepth', { defaultValue: '5' });
    const aucThreshold = PipelineParameter.float('AucThreshold', { defaultValue: 0.75 });
    const approval = PipelineParameter.string('ApprovalStatus', {
      defaultValue: ModelApprovalStatus.PENDING_MANUAL_APPROVAL,
      enumValues: [ModelApprovalStatus.PENDING_MANUAL_APPROVAL, ModelApprovalStatus.APPROVED],
    });
    const requireReview = PipelineParameter.boolean('RequireReview', { defaultValue: true });
    const depthExpression: PipelineExpression = maxDepth.expression;

    const run = `pipelines/${ExecutionVariable.PIPELINE_EXECUTION_ID}`;
    const cache = { expireAfter: Duration.days(7) };
    const jobRetries = [RetryPolicy.job([JobExceptionType.CAPACITY_ERROR, JobExceptionType.RESOURCE_LIMIT], { interval: Duration.minutes(2), backoffRate: 1.5, expireAfter: Duration.minutes(60) })];
    const callRetries = [RetryPolicy.step([StepExceptionType.THROTTLING, StepExceptionType.SERVICE_FAULT], { maxAttempts: 4 })];

    const prepare = new ProcessingStep('Prepare', {
      displayName: 'Prepare-churn-data',
      spec: new ProcessingSpec({
        image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }),
        code: ProcessingCode.fromAsset(PROCESS_SCRIPT),
        arguments: ['--mode', 'prepare'],
        inputs: [{ name: 'raw', location: S3Location.fromUri(inputData.value), destination: '/opt/ml/processing/input/raw' }],
        outputs: ['train', 'validation', 'test', 'features'].map((name) => ({ name, location: S3Location.inDataBucket(data, `${run}/${name}/`) })),
        resources: { instanceType: InstanceType.ML_M5_LARGE },
        maxRuntime: Duration.minutes(20),
      }),
      cache,
      retryPolicies: [...jobRetries, ...callRetries],
    });
    const channels = ['train', 'validation'].map((name) => ({ name, location: S3Location.fromUri(prepare.outputUri(name)), contentType: 'text/csv' }));

    const reference = new TrainingStep('TrainReference', {
      description: 'A reference model with the depth the execution asks for',
      spec: new TrainingSpec({
        image: XGBOOST,
        hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 40, max_depth: maxDepth.value },
        inputs: channels,
        outputLocation: S3Location.inDataBucket(data, `${run}/reference/`),
        resources: { instanceType: InstanceType.ML_M5_LARGE },
        maxRuntime: Duration.minutes(20),
      }),
      cache,
      retryPolicies: jobRetries,
    });

    const tune = new TuningStep('Tune', {
      spec: new HyperparameterTuningSpec({
        trainingSpec: new TrainingSpec({
          image: XGBOOST,
          hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 40 },
          inputs: channels,
          outputLocation: S3Location.inDataBucket(data, `${run}/tuning/`),
          resources: { instanceType: InstanceType.ML_M5_LARGE },
          maxRuntime: Duration.minutes(20),
        }),
        objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
        ranges: [
          HyperparameterRange.continuous('eta', 0.05, 0.4),
          HyperparameterRange.integer('max_depth', 3, 9),
          HyperparameterRange.continuous('subsample', 0.5, 1.0),
        ],
        strategy: TuningStrategy.BAYESIAN,
        maxJobs: 8,
        maxParallelJobs: 2,
        earlyStopping: true,
      }),
      cache,
      retryPolicies: jobRetries,
    });
    const bestModel = tune.topModelArtifacts(0);

    const report = new PropertyFile('Evaluation', 'evaluation', 'evaluation.json');
    const evaluate = new ProcessingStep('Evaluate', {
      spec: new ProcessingSpec({
        image: ContainerImage.framework(Framework.XGBOOST, { version: '1.7-1', scope: ImageScope.TRAINING }),
        code: ProcessingCode.fromAsset(PROCESS_SCRIPT),
        arguments: ['--mode', 'evaluate'],
        inputs: [
          { name: 'model', location: S3Location.fromUri(bestModel), destination: '/opt/ml/processing/input/model' },
          { name: 'test', location: S3Location.fromUri(prepare.outputUri('test')), destination: '/opt/ml/processing/input/test' },
        ],
        outputs: [{ name: 'evaluation', location: S3Location.inDataBucket(data, `${run}/evaluation`) }],
        resources: { instanceType: InstanceType.ML_M5_LARGE },
        maxRuntime: Duration.minutes(15),
      }),
      propertyFiles: [report],
      cache,
    });
    const auc = PipelineFunctions.jsonGet(evaluate, report, 'metrics.auc.value');

    const createModel = new ModelStep('CreateModel', { image: XGBOOST, modelData: bestModel, retryPolicies: callRetries });
    const score = new TransformStep('ScoreHoldout', {
      modelName: createModel.modelName,
      input: S3Location.fromUri(prepare.outputUri('features')),
      output: S3Location.inDataBucket(data, `${run}/scores/`),
      instanceType: InstanceType.ML_M5_LARGE,
      instanceCount: 1,
      contentType: 'text/csv',
      splitType: 'Line',
      accept: 'text/csv',
      assembleWith: 'Line',
      cache,
      retryPolicies: jobRetries,
    });

    const notify = new LambdaStep('Notify', {
      function: notifier,
      inputs: {
        pipeline: ExecutionVariable.PIPELINE_NAME,
        execution: ExecutionVariable.PIPELINE_EXECUTION_ARN,
        startedAt: ExecutionVariable.START_DATETIME,
        model: createModel.modelName,
        bestTrainingJob: tune.bestTrainingJobName,
        referenceJob: reference.trainingJobName,
        maxDepth: depthExpression,
        auc,
      },
      outputs: [{ name: 'ticketId' }, { name: 'driftScore', type: OutputType.FLOAT }],
    });
    const review = new CallbackStep('ManualReview', {
      queue: reviewQueue,
      inputs: { scores: score.outputUri, ticket: notify.output('ticketId'), at: ExecutionVariable.CURRENT_DATETIME },
      outputs: [{ name: 'decision' }, { name: 'reviewer' }],
    });

    const register = new RegisterModelStep('Register', {
      registry,
      image: XGBOOST,
      modelData: bestModel,
      approvalStatus: approval.value,
      contentTypes: ['text/csv'],
      responseTypes: ['text/csv'],
      inferenceInstanceTypes: [InstanceType.ML_M5_LARGE, InstanceType.ML_C5_XLARGE],
      transformInstanceTypes: [InstanceType.ML_M5_XLARGE],
      modelMetrics: { statisticsUri: PipelineFunctions.join([evaluate.outputUri('evaluation'), 'evaluation.json'], '/') },
      modelPackageDescription: 'XGBoost churn model, best trial of the weekly tuning',
      customerMetadata: { source: 'consumer-churn-retrain' },
      retryPolicies: callRetries,
    });
    const rejected = new FailStep('GateFailed', {
      errorMessage: PipelineFunctions.join(['AUC ', auc, ' (threshold ', aucThreshold.value, '), review: ', review.output('decision')], ''),
    });
    const gate = new ConditionStep('QualityGate', {
      condition: Condition.and(
        Condition.greaterThanOrEqualTo(auc, aucThreshold.value),
        Condition.greaterThan(auc, reference.finalMetric('validation:auc')),
        Condition.lessThanOrEqualTo(notify.output('driftScore'), 0.3),
        Condition.or(
          Condition.equalTo(requireReview.value, false),
          Condition.isIn(review.output('decision'), ['approve', 'approve-with-notes']),
        ),
        Condition.not(Condition.lessThan(auc, 0.5)),
      ),
      ifSteps: [register],
      elseSteps: [rejected],
    });

    this.pipeline = new Pipeline(this, 'Retrain', {
      pipelineName: PIPELINE_NAME,
      displayName: 'Consumer-churn-retraining',
      description: 'Prepare, tune, evaluate, batch-score, review and register the churn model',
      parameters: [inputData, maxDepth, aucThreshold, approval, requireReview],
      steps: [prepare, reference, tune, evaluate, createModel, score, notify, review, gate],
      maxParallelSteps: 3,
      schedules: [{
        expression: 'cron(0 6 ? * MON *)',
        timezone: 'Europe/Dublin',
        parameters: { AucThreshold: '0.8' },
        description: 'Weekly retraining on Monday morning',
      }],
    });
    // The raw input comes from a parameter, which names no location the steps could grant.
    data.grantRead(this.pipeline, 'raw/');
    this.pipeline.onExecutionStatusChange('OnFailed', {
      statuses: [PipelineExecutionStatus.FAILED, PipelineExecutionStatus.STOPPED],
      target: new targets.SnsTopic(alerts.topic),
      description: 'Tells the on-call channel that a retraining failed or was stopped',
    });

    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'PipelineGraph', { value: this.pipeline.toMermaid().split('\n')[0] ?? '' });
  }
}
