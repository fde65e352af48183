// Definitions the service accepts (issue 13): typed expressions (a non-string value where a string
// goes is a Std:Join, a string where a number goes is refused), retry policies only where SageMaker
// retries, property files only on processing steps, tuning ranks, cache and retry durations,
// references across condition branches, EnumValues. Each error names the pipeline's path.
import * as path from 'path';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  BuiltInAlgorithm, CallbackStep, Condition, ConditionStep, ContainerImage, DataBucket, FailStep, HyperparameterRange, HyperparameterTuningSpec,
  InstanceType, LambdaStep, ModelStep, ObjectiveType, OutputType, ParameterType, Pipeline, PipelineFunctions, PipelineParameter, PipelineProps,
  ProcessingCode, ProcessingSpec, ProcessingStep, PropertyFile, RetryPolicy, S3Location, Step, StepExceptionType, TrainingSpec, TrainingStep,
  TransformStep, TuningStep,
} from '../../../constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { checkPipelinesWithCdkOut, expectValidPipelineDefinition, validatePipelineDefinition } from '../../support/pipeline-schema';
import { validateSageMakerRequest } from '../../support/sagemaker-api';

const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
const ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:notify';

function env() {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const trainingSpec = (hyperparameters: { [name: string]: any } = {}, environment?: { [name: string]: string }) => new TrainingSpec({
    image: XGBOOST,
    hyperparameters: { objective: 'binary:logistic', ...hyperparameters },
    environment,
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
  });
  const processingSpec = (args?: string[], environment?: { [name: string]: string }) => new ProcessingSpec({
    image: XGBOOST,
    code: ProcessingCode.fromAsset(path.join(__dirname, '../../fixtures/preprocess.py')),
    arguments: args,
    environment,
    outputs: [{ name: 'report', location: S3Location.inDataBucket(data, 'report') }],
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
  });
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', ARN);
  const queue = sqs.Queue.fromQueueArn(stack, 'Q', 'arn:aws:sqs:eu-west-1:111122223333:review');
  return { stack, data, trainingSpec, processingSpec, fn, queue };
}

type Env = ReturnType<typeof env>;

function render(steps: (e: Env) => Step[], props: Partial<PipelineProps> = {}): any {
  const e = env();
  const p = new Pipeline(e.stack, 'P', { steps: steps(e), ...props });
  return e.stack.resolve(p.definition);
}

/** The definition and the errors check-cdk-out reports for the synthesized template. */
function renderAndCheck(steps: (e: Env) => Step[], props: Partial<PipelineProps> = {}): { definition: any; cdkOut: string[] } {
  const e = env();
  const p = new Pipeline(e.stack, 'P', { steps: steps(e), ...props });
  return { definition: e.stack.resolve(p.definition), cdkOut: checkPipelinesWithCdkOut(Template.fromStack(e.stack).toJSON()) };
}

function build(steps: (e: Env) => Step[], props: Partial<PipelineProps> = {}): () => unknown {
  return () => render(steps, props);
}

function step(definition: any, name: string): any {
  const all = (steps: any[]): any[] => steps.flatMap((s) => [s, ...(s.Type === 'Condition' ? all([...s.Arguments.IfSteps, ...s.Arguments.ElseSteps]) : [])]);
  return all(definition.Steps).find((s) => s.Name === name);
}

const join = (...values: unknown[]) => ({ 'Std:Join': { On: '', Values: values } });

describe('typed expressions: non-string values in string arguments (issue 13, defect 2)', () => {
  const rounds = PipelineParameter.integer('Rounds', { defaultValue: 50 });
  const eta = PipelineParameter.float('Eta', { defaultValue: 0.2 });
  const verbose = PipelineParameter.boolean('Verbose', { defaultValue: false });
  const mode = PipelineParameter.string('Mode', { defaultValue: 'full' });
  const parameters = [rounds, eta, verbose, mode];

  test('expressions carry their type', () => {
    expect(rounds.expression.valueType).toBe(ParameterType.INTEGER);
    expect(mode.expression.valueType).toBe(ParameterType.STRING);
  });

  test('an Integer, Float or Boolean parameter in hyperparameters is wrapped in Std:Join (asNumber or value); a String one is not', () => {
    const { definition: d, cdkOut } = renderAndCheck((e) => [new TrainingStep('Train', { spec: e.trainingSpec({ num_round: rounds.asNumber, eta: eta.value, verbose: verbose.value, mode: mode.value }) })], { parameters });
    expect(cdkOut).toEqual([]);
    expect(step(d, 'Train').Arguments.HyperParameters).toEqual({
      objective: 'binary:logistic',
      num_round: join({ Get: 'Parameters.Rounds' }),
      eta: join({ Get: 'Parameters.Eta' }),
      verbose: join({ Get: 'Parameters.Verbose' }),
      mode: { Get: 'Parameters.Mode' },
    });
    expectValidPipelineDefinition(d);
  });

  test('an Integer parameter in container arguments and environment is wrapped in Std:Join', () => {
    const { definition: d, cdkOut } = renderAndCheck((e) => [
      new ProcessingStep('Prep', { spec: e.processingSpec(['--rounds', rounds.value], { ROUNDS: rounds.value, MODE: mode.value }) }),
      new TrainingStep('Train', { spec: e.trainingSpec({}, { ROUNDS: rounds.value }) }),
    ], { parameters });
    expect(cdkOut).toEqual([]);
    expect(step(d, 'Prep').Arguments.AppSpecification.ContainerArguments).toEqual(['--rounds', join({ Get: 'Parameters.Rounds' })]);
    expect(step(d, 'Prep').Arguments.Environment).toEqual({ ROUNDS: join({ Get: 'Parameters.Rounds' }), MODE: { Get: 'Parameters.Mode' } });
    expect(step(d, 'Train').Arguments.Environment).toEqual({ ROUNDS: join({ Get: 'Parameters.Rounds' }) });
  });

  test('finalMetric (a Float) in a model environment is wrapped; modelArtifacts (a String) is not', () => {
    const { definition: d, cdkOut } = renderAndCheck((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec() });
      return [train, new ModelStep('Model', { image: XGBOOST, modelData: train.modelArtifacts, environment: { AUC: train.finalMetric('validation:auc') } })];
    });
    expect(cdkOut).toEqual([]);
    expect(step(d, 'Model').Arguments.PrimaryContainer).toEqual(expect.objectContaining({
      ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' },
      Environment: { AUC: join({ Get: "Steps.Train.FinalMetricDataList['validation:auc'].Value" }) },
    }));
  });

  test('a Boolean Lambda output in a fail message is wrapped; an Integer parameter in Lambda inputs, conditions and Std:Join values stays bare', () => {
    const d = render((e) => {
      const notify = new LambdaStep('Notify', { function: e.fn, inputs: { rounds: rounds.value, nested: { eta: eta.asNumber } }, outputs: [{ name: 'ok', type: OutputType.BOOLEAN }] });
      const fail = new FailStep('Fail', { errorMessage: notify.output('ok') });
      const joined = new FailStep('Joined', { errorMessage: PipelineFunctions.join(['rounds ', rounds.value]) });
      return [notify, new ConditionStep('Check', { condition: Condition.greaterThan(rounds.value, eta.asNumber), ifSteps: [fail], elseSteps: [joined] })];
    }, { parameters });
    expect(step(d, 'Notify').Arguments).toEqual({ rounds: { Get: 'Parameters.Rounds' }, nested: { eta: { Get: 'Parameters.Eta' } } });
    expect(step(d, 'Fail').Arguments.ErrorMessage).toEqual(join({ Get: "Steps.Notify.OutputParameters['ok']" }));
    expect(step(d, 'Joined').Arguments.ErrorMessage).toEqual(join('rounds ', { Get: 'Parameters.Rounds' }));
    expect(step(d, 'Check').Arguments.Conditions).toEqual([{ Type: 'GreaterThan', LeftValue: { Get: 'Parameters.Rounds' }, RightValue: { Get: 'Parameters.Eta' } }]);
    expectValidPipelineDefinition(d);
  });

  test('a String value where a number goes is refused, naming the step, the argument and the value', () => {
    expect(build((e) => [new TransformStep('Score', {
      modelName: 'm', input: S3Location.inDataBucket(e.data, 'in/'), output: S3Location.inDataBucket(e.data, 'out/'),
      instanceType: InstanceType.ML_M5_XLARGE, instanceCount: Token.asNumber(mode.expression),
    })], { parameters })).toThrow(/^\[S\/P\] step 'Score': Arguments\.TransformResources\.InstanceCount takes a number, but got \{"Get":"Parameters\.Mode"\}, a String value, which the service cannot convert: use an Integer or Float parameter or property there/);
  });

  test('a Float value where a whole number goes is refused', () => {
    expect(build((e) => [new TransformStep('Score', {
      modelName: 'm', input: S3Location.inDataBucket(e.data, 'in/'), output: S3Location.inDataBucket(e.data, 'out/'),
      instanceType: InstanceType.ML_M5_XLARGE, instanceCount: eta.asNumber,
    })], { parameters })).toThrow(/^\[S\/P\] step 'Score': Arguments\.TransformResources\.InstanceCount takes a whole number, but got \{"Get":"Parameters\.Eta"\}, a Float value: use an Integer parameter or property there/);
  });

  test('an Integer parameter where a number goes stays bare', () => {
    const d = render((e) => [new TransformStep('Score', {
      modelName: 'm', input: S3Location.inDataBucket(e.data, 'in/'), output: S3Location.inDataBucket(e.data, 'out/'),
      instanceType: InstanceType.ML_M5_XLARGE, instanceCount: rounds.asNumber,
    })], { parameters });
    expect(step(d, 'Score').Arguments.TransformResources.InstanceCount).toEqual({ Get: 'Parameters.Rounds' });
  });
});

describe('retry policies only where SageMaker retries (defect 3)', () => {
  const retry = () => [RetryPolicy.step([StepExceptionType.THROTTLING])];
  test.each<[string, (e: Env) => Step]>([
    ['Lambda', (e) => new LambdaStep('S', { function: e.fn, retryPolicies: retry() })],
    ['Callback', (e) => new CallbackStep('S', { queue: e.queue, retryPolicies: retry() })],
    ['Condition', () => new ConditionStep('S', { condition: Condition.equalTo(1, 1), ifSteps: [new FailStep('F', { errorMessage: 'x' })], retryPolicies: retry() })],
    ['Fail', () => new FailStep('S', { errorMessage: 'x', retryPolicies: retry() })],
  ])('RetryPolicy.step() on a %s step is refused', (type, make) => {
    expect(build((e) => [make(e)])).toThrow(new RegExp(`^\\[S/P\\] step 'S' is a ${type} step with 1 retry policy: SageMaker retries only Training, Processing, Tuning, Transform, Model, RegisterModel steps; remove retryPolicies`));
  });

  test('RetryPolicy.step() on training and model steps is accepted', () => {
    const d = render((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec(), retryPolicies: retry() });
      return [train, new ModelStep('Model', { image: XGBOOST, modelData: train.modelArtifacts, retryPolicies: retry() })];
    });
    expect(step(d, 'Model').RetryPolicies).toEqual([{ ExceptionType: ['Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5 }]);
  });
});

describe('property files are processing outputs (defect 4)', () => {
  test('jsonGet() on a training step is refused', () => {
    expect(build((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec() });
      const auc = PipelineFunctions.jsonGet(train, new PropertyFile('Report', 'report', 'r.json'), 'auc');
      return [train, new FailStep('F', { errorMessage: auc })];
    })).toThrow(/^\[S\/P\] step 'F' reads the property file 'Report' of step 'Train' with jsonGet, but 'Train' is a Training step: property files are outputs of processing steps only/);
  });

  test('jsonGet() on a processing step that declares the file is fine', () => {
    const { definition: d, cdkOut } = renderAndCheck((e) => {
      const file = new PropertyFile('Report', 'report', 'r.json');
      const prep = new ProcessingStep('Prep', { spec: e.processingSpec(), propertyFiles: [file] });
      return [prep, new FailStep('F', { errorMessage: PipelineFunctions.jsonGet(prep, file, 'auc') })];
    });
    expect(step(d, 'F').Arguments.ErrorMessage).toEqual({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.Report' }, Path: 'auc' } });
    expect(cdkOut).toEqual([]);
  });
});

describe('tuning ranks (defect 5)', () => {
  function tuning(e: Env, maxJobs: number): TuningStep {
    return new TuningStep('Tune', {
      spec: new HyperparameterTuningSpec({
        trainingSpec: e.trainingSpec(), objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
        ranges: [HyperparameterRange.continuous('eta', 0.05, 0.5)], maxJobs, maxParallelJobs: 1,
      }),
    });
  }
  const model = (t: TuningStep, k: number) => new ModelStep('M', { image: XGBOOST, modelData: t.topModelArtifacts(k) });

  test.each([-1, 1.5])('topModelArtifacts(%d) is refused', (k) => {
    expect(build((e) => { const t = tuning(e, 10); return [t, model(t, k)]; })).toThrow(new RegExp(`topModelArtifacts\\(${k}\\) of step 'Tune': use a whole rank from 0 \\(the best\\) to 9`));
  });

  test('with maxJobs 1 only rank 0 exists', () => {
    expect(build((e) => { const t = tuning(e, 1); return [t, model(t, 1)]; })).toThrow(/use a whole rank from 0 \(the best\) to 0 .*runs at most maxJobs 1/);
    expect(build((e) => { const t = tuning(e, 1); return [t, model(t, 0)]; })).not.toThrow();
  });
});

describe('cache expiry and retry durations (defect 6)', () => {
  const train = (e: Env, options: any) => new TrainingStep('Train', { spec: e.trainingSpec(), ...options });

  test.each<[string, Duration, string]>([
    ['fractional seconds', Duration.millis(1500), 'PT1.5S'],
    ['zero', Duration.seconds(0), 'PT0S'],
  ])('a cache expiring after %s is refused', (_name, expireAfter, iso) => {
    expect(build((e) => [train(e, { cache: { expireAfter } })])).toThrow(new RegExp(`^\\[S/P\\] the cache of step 'Train' expires after .* \\(ExpireAfter '${iso}'\\): use a positive whole number of seconds`));
  });

  test('whole durations render as ISO-8601', () => {
    expect(step(render((e) => [train(e, { cache: { expireAfter: Duration.minutes(90) } })]), 'Train').CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'PT1H30M' });
  });

  test.each<[string, any, RegExp]>([
    ['expireAfter 0 (ExpireAfterMin 0)', { expireAfter: Duration.minutes(0) }, /has expireAfter 0 minutes \(ExpireAfterMin 0\): use whole minutes from 1 to 14400/],
    ['expireAfter of 90 seconds', { expireAfter: Duration.seconds(90) }, /\(ExpireAfterMin 1.5\): use whole minutes from 1 to 14400/],
    ['expireAfter beyond 10 days', { expireAfter: Duration.minutes(14401) }, /\(ExpireAfterMin 14401\): use whole minutes from 1 to 14400/],
    ['an interval of 1.5 seconds', { interval: Duration.millis(1500) }, /has interval 1 second 500 millis \(IntervalSeconds 1.5\): use whole seconds from 1 to 43200/],
    ['an interval of 0 seconds', { interval: Duration.seconds(0) }, /has interval 0 seconds \(IntervalSeconds 0\): use whole seconds from 1 to 43200/],
    ['maxAttempts 21', { maxAttempts: 21 }, /has maxAttempts 21: use 1 to 20/],
  ])('a retry policy with %s is refused', (_name, options, error) => {
    expect(build((e) => [train(e, { retryPolicies: [RetryPolicy.step([StepExceptionType.THROTTLING], options)] })])).toThrow(error);
  });
});

describe('references across condition branches (defect 7)', () => {
  test('an else step reading an if step is refused', () => {
    expect(build((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec() });
      const fail = new FailStep('Fail', { errorMessage: train.trainingJobName });
      return [new ConditionStep('Check', { condition: Condition.equalTo(1, 1), ifSteps: [train], elseSteps: [fail] })];
    })).toThrow(/^\[S\/P\] step 'Fail' \(in the elseSteps of condition step 'Check'\) refers to 'Train', which is in its ifSteps: only one branch runs/);
  });

  test('an if step waiting for an else step is refused', () => {
    expect(build((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec() });
      const fail = new FailStep('Fail', { errorMessage: 'x', dependsOn: [train] });
      return [new ConditionStep('Check', { condition: Condition.equalTo(1, 1), ifSteps: [fail], elseSteps: [train] })];
    })).toThrow(/step 'Fail' \(in the ifSteps of condition step 'Check'\) refers to 'Train', which is in its elseSteps/);
  });

  test('steps of one branch may read each other', () => {
    expect(build((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec() });
      const model = new ModelStep('Model', { image: XGBOOST, modelData: train.modelArtifacts });
      return [new ConditionStep('Check', { condition: Condition.equalTo(1, 1), ifSteps: [train, model] })];
    })).not.toThrow();
  });
});

describe('conditions the service refuses', () => {
  test('an In without values and an Or of nothing are refused, naming where they are', () => {
    const mode = PipelineParameter.string('Mode');
    expect(build(() => [new ConditionStep('Check', {
      condition: Condition.or(Condition.isIn(mode.value, []), Condition.not(Condition.or())),
      ifSteps: [new FailStep('F', { errorMessage: 'x' })],
    })], { parameters: [mode] })).toThrow(/2 problems[\s\S]*condition step 'Check': Conditions\[0\]\.Conditions\[0\] is Condition\.isIn\(value, \[\]\) with no values[\s\S]*Conditions\[0\]\.Conditions\[1\]\.Condition is Condition\.or\(\) of nothing/);
  });
});

describe('EnumValues of String parameters (defect 9)', () => {
  test('are rendered, and pass the schema', () => {
    const stage = PipelineParameter.string('Stage', { defaultValue: 'dev', enumValues: ['dev', 'prod'] });
    const d = render(() => [new FailStep('F', { errorMessage: stage.value })], { parameters: [stage, PipelineParameter.string('Free')] });
    expect(d.Parameters).toEqual([{ Name: 'Stage', Type: 'String', DefaultValue: 'dev', EnumValues: ['dev', 'prod'] }, { Name: 'Free', Type: 'String' }]);
    expectValidPipelineDefinition(d);
  });
});

describe('a pipeline exercising every fixed defect', () => {
  test("renders a definition valid against the corrected schema, the API model and check-cdk-out's checks", () => {
    const rounds = PipelineParameter.integer('Rounds', { defaultValue: 50 });
    const stage = PipelineParameter.string('Stage', { defaultValue: 'dev', enumValues: ['dev', 'prod'] });
    const { definition: d, cdkOut } = renderAndCheck((e) => {
      const file = new PropertyFile('Report', 'report', 'r.json');
      const prep = new ProcessingStep('Prep', { spec: e.processingSpec(['--rounds', rounds.value], { ROUNDS: rounds.value }), propertyFiles: [file], cache: { expireAfter: Duration.days(1) } });
      const train = new TrainingStep('Train', { spec: e.trainingSpec({ num_round: rounds.asNumber }), retryPolicies: [RetryPolicy.step([StepExceptionType.SERVICE_FAULT], { expireAfter: Duration.minutes(30) })] });
      const model = new ModelStep('Model', { image: XGBOOST, modelData: train.modelArtifacts, environment: { AUC: train.finalMetric('validation:auc') } });
      const fail = new FailStep('Fail', { errorMessage: PipelineFunctions.join(['AUC ', PipelineFunctions.jsonGet(prep, file, 'auc')]) });
      const check = new ConditionStep('Check', {
        condition: Condition.or(Condition.not(Condition.isIn(stage.value, ['prod'])), Condition.greaterThan(PipelineFunctions.jsonGet(prep, file, 'auc'), 0.5)),
        ifSteps: [train, model], elseSteps: [fail],
      });
      return [prep, check];
    }, { parameters: [rounds, stage] });
    expect(validatePipelineDefinition(d)).toEqual([]);
    expect(cdkOut).toEqual([]);
    const ops: Record<string, [string, string]> = { Training: ['CreateTrainingJob', 'TrainingJobName'], Processing: ['CreateProcessingJob', 'ProcessingJobName'], Model: ['CreateModel', 'ModelName'] };
    for (const name of ['Prep', 'Train', 'Model']) {
      const s = step(d, name);
      expect(validateSageMakerRequest(ops[s.Type][0], s.Arguments, { allowMissing: [ops[s.Type][1]] })).toEqual([]);
    }
    expect(step(d, 'Check').Arguments.Conditions[0].Conditions[0]).toEqual({ Type: 'Not', Condition: { Type: 'In', QueryValue: { Get: 'Parameters.Stage' }, Values: ['prod'] } });
  });
});
