// A pipeline with every step type and every expression kind the DSL offers. The code between the
// README markers is the README's "A pipeline with every step type" example, character for
// character (a test below compares them), so the example always renders and validates.
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AutoMLMetric, AutoMLProblemType, AutoMLStep, BuiltInAlgorithm, CallbackStep, CheckDatasetFormat, ClarifyCheckConfig, ClarifyCheckStep,
  ClarifyValues, Condition, ConditionStep, ContainerImage, DataBucket, EmrStep, EndpointConfigStep, EndpointStep, ExecutionVariable, FailStep, HyperparameterRange,
  HyperparameterTuningSpec, InstanceType, LambdaStep, ModelRegistry, ModelStep, NotebookJobInput, NotebookJobStep, ObjectiveType, OutputType,
  Pipeline, PipelineExperiment, PipelineExperimentProperty, PipelineFunctions, PipelineParameter, ProcessingCode, ProcessingSpec, ProcessingStep,
  PropertyFile, QualityCheckConfig, QualityCheckStep, RegisterModelStep, S3Location, StepFlag, TrainingSpec, TrainingStep, TransformStep, TuningStep,
} from '../../../constructs';
import { checkPipelinesWithCdkOut } from '../../support/pipeline-schema';

const SCRIPT = path.join(__dirname, '..', '..', 'fixtures', 'preprocess.py');
const NOTEBOOK = path.join(__dirname, '..', '..', 'fixtures', 'report.ipynb');

function everyStep(stack: Stack): Pipeline {
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn');
  const notifier = lambda.Function.fromFunctionArn(stack, 'Notifier', 'arn:aws:lambda:eu-west-1:111122223333:function:notify');
  const approvals = sqs.Queue.fromQueueArn(stack, 'Approvals', 'arn:aws:sqs:eu-west-1:111122223333:approvals');
  // README:begin
  const xgboost = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
  const at = (prefix: string) => S3Location.inDataBucket(data, prefix);
  // parameters of every type, and execution variables
  const inputUri = PipelineParameter.string('InputUri', { defaultValue: 's3://ml-data/raw/' });
  const rounds = PipelineParameter.integer('Rounds', { defaultValue: 100 });
  const threshold = PipelineParameter.float('AucThreshold', { defaultValue: 0.7 });
  const skipChecks = PipelineParameter.boolean('SkipChecks', { defaultValue: false });
  const run = `runs/${ExecutionVariable.PIPELINE_EXECUTION_ID}`;

  const report = new PropertyFile('Report', 'report', 'report.json');
  const prep = new ProcessingStep('Prep', {
    spec: new ProcessingSpec({
      image: xgboost, code: ProcessingCode.fromAsset(SCRIPT),
      inputs: [{ name: 'raw', location: S3Location.fromUri(inputUri.value), destination: '/opt/ml/processing/input' }],
      outputs: [{ name: 'train', location: at(`${run}/train/`) }, { name: 'report', location: at(`${run}/report/`) }],
      resources: { instanceType: InstanceType.ML_M5_XLARGE },
    }),
    propertyFiles: [report],
    cache: { expireAfter: Duration.days(7) },
  });
  const trainSpec = new TrainingSpec({
    image: xgboost,
    hyperparameters: { objective: 'binary:logistic', num_round: rounds.value },   // an Integer where a string goes: Std:Join
    inputs: [{ name: 'train', location: S3Location.fromUri(prep.outputUri('train')), contentType: 'text/csv' }],
    outputLocation: at('models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
  });
  const train = new TrainingStep('Train', { spec: trainSpec });
  const tune = new TuningStep('Tune', {
    spec: new HyperparameterTuningSpec({
      trainingSpec: trainSpec, objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
      ranges: [HyperparameterRange.continuous('eta', 0.1, 0.5)], maxJobs: 4, maxParallelJobs: 2,
    }),
  });
  const model = new ModelStep('Model', { image: xgboost, modelData: tune.topModelArtifacts(0) });
  const score = new TransformStep('Score', {
    modelName: model.modelName, input: S3Location.fromUri(prep.outputUri('train')), output: at(`${run}/scores/`),
    instanceType: InstanceType.ML_M5_XLARGE, contentType: 'text/csv',
  });
  const quality = new QualityCheckStep('DataQuality', {
    check: QualityCheckConfig.dataQuality({ baselineDataset: S3Location.fromUri(prep.outputUri('train')), datasetFormat: CheckDatasetFormat.csv(), outputLocation: at('checks/quality/') }),
    skipCheck: StepFlag.fromParameter(skipChecks), registerNewBaseline: StepFlag.fromParameter(skipChecks), modelPackageGroup: registry,
  });
  const bias = new ClarifyCheckStep('DataBias', {
    check: ClarifyCheckConfig.dataBias({
      data: { dataset: at('train/'), outputLocation: at('checks/bias/'), label: 'churned', headers: ['churned', 'tenure', 'contract'] },
      bias: { labelValuesOrThreshold: ClarifyValues.numbers([1]), facets: [{ name: 'contract' }] },
    }),
    skipCheck: StepFlag.fromParameter(skipChecks), registerNewBaseline: StepFlag.fromParameter(skipChecks), modelPackageGroup: registry,
    analysisConfig: at('clarify/analysis_config.json'),
  });
  const etl = new EmrStep('Etl', { clusterId: 'j-2AXXXXXXGAPLF', stepConfig: { jar: 'command-runner.jar', args: ['spark-submit', 's3://ml-data/etl.py'] } });
  const automl = new AutoMLStep('AutoML', {
    inputs: [{ location: at('train/'), targetAttributeName: 'churned' }], outputLocation: at('automl/'),
    problemType: AutoMLProblemType.BINARY_CLASSIFICATION, objective: AutoMLMetric.F1, maxCandidates: 5,
  });
  const notebook = new NotebookJobStep('Report', {
    input: NotebookJobInput.fromAsset(NOTEBOOK), image: ContainerImage.fromImageUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/notebook:1'),
    kernelName: 'python3', outputLocation: at('notebooks/'), parameters: { candidate: automl.bestCandidateName },
  });
  const notify = new LambdaStep('Notify', { function: notifier, inputs: { auc: train.finalMetric('validation:auc') }, outputs: [{ name: 'ok', type: OutputType.BOOLEAN }] });
  const approve = new CallbackStep('Approve', { queue: approvals, inputs: { model: model.modelName }, outputs: [{ name: 'decision' }] });
  const register = new RegisterModelStep('Register', {
    registry, image: xgboost, modelData: train.modelArtifacts, contentTypes: ['text/csv'], responseTypes: ['text/csv'],
    inferenceInstanceTypes: [InstanceType.ML_M5_LARGE],
    modelMetrics: { statisticsUri: PipelineFunctions.join([prep.outputUri('report'), 'report.json'], '/') },
  });
  const endpointConfig = new EndpointConfigStep('EndpointConfig', { variants: [{ variantName: 'primary', modelName: model.modelName, instanceType: InstanceType.ML_M5_LARGE }] });
  const deploy = new EndpointStep('Deploy', { endpointConfigName: endpointConfig.endpointConfigName, endpointName: PipelineFunctions.join(['churn', ExecutionVariable.PIPELINE_EXECUTION_ID], '-') });
  // every kind of condition, on a JsonGet, a typed property, a step output and a Lambda output
  const auc = PipelineFunctions.jsonGet(prep, report, 'metrics.auc');
  const check = new ConditionStep('Check', {
    condition: Condition.and(
      Condition.greaterThanOrEqualTo(auc, threshold.value),
      Condition.or(Condition.equalTo(notify.output('ok'), true), Condition.isIn(approve.output('decision'), ['approve', 'override'])),
      Condition.not(Condition.lessThan(train.property('FinalMetricDataList[0].Value'), 0.5)),
    ),
    ifSteps: [register, endpointConfig, deploy],
    elseSteps: [new FailStep('TooWeak', { errorMessage: PipelineFunctions.join(['AUC ', auc, ' below ', threshold.value, ' in ', PipelineExperimentProperty.TRIAL_NAME]) })],
  });
  const extra = PipelineFunctions.jsonGetFromS3(PipelineFunctions.join([at('config/').uri, 'limits.json']), 'maxRounds');
  return new Pipeline(stack, 'EveryStep', {
    parameters: [inputUri, rounds, threshold, skipChecks],
    steps: [prep, train, tune, model, score, quality, bias, etl, automl, notebook, notify, approve, check,
      new FailStep('Limits', { errorMessage: PipelineFunctions.join(['max rounds ', extra]), dependsOn: [etl] })],
    experiment: PipelineExperiment.default(),
    maxParallelSteps: 8,
  });
  // README:end
}

describe('a pipeline with every step type and every expression kind', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const pipeline = everyStep(stack);
  const definition = stack.resolve(pipeline.definition);

  test('renders every step type the service has', () => {
    const types = new Set<string>();
    const walk = (steps: any[]) => steps.forEach((s) => { types.add(s.Type); walk([...(s.Arguments?.IfSteps ?? []), ...(s.Arguments?.ElseSteps ?? [])]); });
    walk(definition.Steps);
    expect([...types].sort()).toEqual(['AutoML', 'Callback', 'ClarifyCheck', 'Condition', 'EMR', 'Endpoint', 'EndpointConfig', 'Fail', 'Lambda', 'Model', 'Processing', 'QualityCheck', 'RegisterModel', 'Training', 'Transform', 'Tuning']);
    expect(definition.PipelineExperimentConfig).toEqual({ ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } });
  });

  test("check-cdk-out's pipeline checks pass, except the public schema's known EMR defects (the SDK's shape is rendered)", () => {
    const problems = checkPipelinesWithCdkOut(Template.fromStack(stack).toJSON());
    expect(problems.filter((p: string) => !/\[Etl \(EMR\)\]/.test(p))).toEqual([]);
  });

  test("the README's example is this code, character for character", () => {
    const source = fs.readFileSync(__filename.replace(/\.js$/, '.ts'), 'utf8');
    const region = /\/\/ README:begin\n([\s\S]*?)\n {2}\/\/ README:end/.exec(source)![1].split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /### A pipeline with every step type\n[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(readme);
    expect(block && block[1]).toBe(region);
  });
});
