import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, DebuggerRule, HyperparameterRange, HyperparameterTuningJob, HyperparameterTuningSpec,
  HyperparameterTuningSpecProps, IDataBucket, InstanceType, ObjectiveType, S3Location, ScalingType, TrainingSpec, TrainingSpecProps, TuningStrategy,
  WarmStartType,
} from '../../../constructs';
import { JOB_NAME_LIMITS, MAX_JOB_ATTEMPTS } from '../../../constructs/training/handlers/sagemaker-job';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';

const ENV = { account: '111122223333', region: 'us-east-1' };

function trainingSpec(data: IDataBucket, overrides: Partial<TrainingSpecProps> = {}): TrainingSpec {
  return new TrainingSpec({
    image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
    hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 100, eta: 0.2, max_depth: 5 },
    inputs: [
      { name: 'train', location: S3Location.inDataBucket(data, 'processed/train/'), contentType: 'text/csv' },
      { name: 'validation', location: S3Location.inDataBucket(data, 'processed/validation/'), contentType: 'text/csv' },
    ],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(20),
    tags: { team: 'ml' },
    ...overrides,
  });
}

const RANGES = [
  HyperparameterRange.integer('max_depth', 3, 10),
  HyperparameterRange.continuous('eta', 0.01, 0.5, ScalingType.LOGARITHMIC),
  HyperparameterRange.continuous('subsample', 0.5, 0.99, ScalingType.REVERSE_LOGARITHMIC),
  HyperparameterRange.integer('min_child_weight', 1, 10, ScalingType.LINEAR),
  HyperparameterRange.continuous('alpha', 0, 2, ScalingType.AUTO),
  HyperparameterRange.categorical('booster', ['gbtree', 'dart']),
];

function setup() {
  const stack = plainStack('Test', { env: ENV });
  const data = new DataBucket(stack, 'Data');
  const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const tuning = (overrides: Partial<HyperparameterTuningSpecProps> = {}, training: Partial<TrainingSpecProps> = {}) => new HyperparameterTuningSpec({
    trainingSpec: trainingSpec(data, training),
    objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
    ranges: RANGES,
    ...overrides,
  });
  const render = (spec: HyperparameterTuningSpec, jobName = 'churn-tuning-1') => stack.resolve(spec.render(stack, { role, jobName }));
  const renderUnnamed = (spec: HyperparameterTuningSpec) => stack.resolve(spec.render(stack, { role }));
  return { stack, data, role, tuning, render, renderUnnamed };
}

describe('HyperparameterTuningSpec rendering', () => {
  const { tuning, render, renderUnnamed } = setup();

  test('defaults: Bayesian, 10 jobs 2 at a time, early stopping off; a valid CreateHyperParameterTuningJob request', () => {
    const request = render(tuning());
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request);
    expect(request.HyperParameterTuningJobName).toBe('churn-tuning-1');
    expect(request.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        IntegerParameterRanges: [
          { Name: 'max_depth', MinValue: '3', MaxValue: '10' },
          { Name: 'min_child_weight', MinValue: '1', MaxValue: '10', ScalingType: 'Linear' },
        ],
        ContinuousParameterRanges: [
          { Name: 'eta', MinValue: '0.01', MaxValue: '0.5', ScalingType: 'Logarithmic' },
          { Name: 'subsample', MinValue: '0.5', MaxValue: '0.99', ScalingType: 'ReverseLogarithmic' },
          { Name: 'alpha', MinValue: '0', MaxValue: '2', ScalingType: 'Auto' },
        ],
        CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }],
      },
      TrainingJobEarlyStoppingType: 'Off',
    });
    expect(request.WarmStartConfig).toBeUndefined();
    expect(request.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  test('the training job definition is the training spec, with the tuned hyperparameters left out of the static ones', () => {
    const request = render(tuning());
    const definition = request.TrainingJobDefinition;
    expect(definition.StaticHyperParameters).toEqual({ objective: 'binary:logistic', eval_metric: 'auc', num_round: '100' });
    expect(definition.AlgorithmSpecification).toEqual({ TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' });
    expect(definition.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^JobRole/), 'Arn'] });
    expect(definition.InputDataConfig.map((c: any) => c.ChannelName)).toEqual(['train', 'validation']);
    expect(definition.ResourceConfig).toEqual({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1200 });
    // A tuning job names its trials itself, and has no place for these.
    for (const member of ['TrainingJobName', 'HyperParameters', 'Tags', 'DebugHookConfig', 'ProfilerConfig']) expect(definition[member]).toBeUndefined();
  });

  test('no static hyperparameters when every hyperparameter is tuned', () => {
    const request = render(tuning({ ranges: [HyperparameterRange.integer('max_depth', 3, 10)] }, { hyperparameters: { max_depth: 5 } }));
    expect(request.TrainingJobDefinition.StaticHyperParameters).toBeUndefined();
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request);
  });

  test('Random with limits, a total runtime, early stopping Auto and a minimizing objective', () => {
    const request = render(tuning({
      strategy: TuningStrategy.RANDOM, maxJobs: 20, maxParallelJobs: 4, maxRuntime: Duration.hours(2), earlyStopping: true,
      objective: { metricName: 'validation:logloss', type: ObjectiveType.MINIMIZE },
      tags: { purpose: 'tuning' },
    }));
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request);
    const config = request.HyperParameterTuningJobConfig;
    expect(config.Strategy).toBe('Random');
    expect(config.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 4, MaxRuntimeInSeconds: 7200 });
    expect(config.TrainingJobEarlyStoppingType).toBe('Auto');
    expect(config.HyperParameterTuningJobObjective).toEqual({ Type: 'Minimize', MetricName: 'validation:logloss' });
    expect(request.Tags).toEqual([{ Key: 'purpose', Value: 'tuning' }]);
  });

  test('Hyperband with min and max resource', () => {
    const request = render(tuning({ strategy: TuningStrategy.HYPERBAND, hyperbandMinResource: 10, hyperbandMaxResource: 100 }));
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request);
    expect(request.HyperParameterTuningJobConfig.Strategy).toBe('Hyperband');
    expect(request.HyperParameterTuningJobConfig.StrategyConfig).toEqual({ HyperbandStrategyConfig: { MinResource: 10, MaxResource: 100 } });
    expect(request.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType).toBe('Off');
  });

  test("Hyperband without resource settings leaves them to SageMaker's defaults", () => {
    const request = render(tuning({ strategy: TuningStrategy.HYPERBAND }));
    expect(request.HyperParameterTuningJobConfig.StrategyConfig).toBeUndefined();
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request);
  });

  test('Grid: categorical ranges only, and no MaxNumberOfTrainingJobs', () => {
    const request = render(tuning({
      strategy: TuningStrategy.GRID,
      ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart']), HyperparameterRange.categorical('max_depth', ['3', '5', '7'])],
    }));
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request);
    const config = request.HyperParameterTuningJobConfig;
    expect(config.Strategy).toBe('Grid');
    expect(config.ResourceLimits).toEqual({ MaxParallelTrainingJobs: 2 });
    expect(config.ParameterRanges).toEqual({
      CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }, { Name: 'max_depth', Values: ['3', '5', '7'] }],
    });
    expect(request.TrainingJobDefinition.StaticHyperParameters).toEqual({ objective: 'binary:logistic', eval_metric: 'auc', num_round: '100', eta: '0.2' });
  });

  test('warm start: identical data and algorithm by default, or transfer learning', () => {
    const identical = render(tuning({ warmStartFrom: ['churn-tuning-0'] }));
    expect(identical.WarmStartConfig).toEqual({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-tuning-0' }], WarmStartType: 'IdenticalDataAndAlgorithm' });
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', identical);
    const transfer = render(tuning({ warmStartFrom: ['a', 'b'], warmStartType: WarmStartType.TRANSFER_LEARNING }));
    expect(transfer.WarmStartConfig).toEqual({
      ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'a' }, { HyperParameterTuningJobName: 'b' }],
      WarmStartType: 'TransferLearning',
    });
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', transfer);
  });

  test('without a job name (a pipeline TuningStep) the request has none', () => {
    const request = renderUnnamed(tuning());
    expect(request.HyperParameterTuningJobName).toBeUndefined();
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request, { allowMissing: ['HyperParameterTuningJobName'] });
  });

  test('maxWaitSeconds: the total runtime if set, else every wave of trials', () => {
    expect(tuning({ maxRuntime: Duration.minutes(90) }).maxWaitSeconds).toBe(5400);
    // 10 jobs, 2 at a time: 5 waves of 20 minutes.
    expect(tuning().maxWaitSeconds).toBe(6000);
    expect(tuning({ maxJobs: 4, maxParallelJobs: 4 }).maxWaitSeconds).toBe(1200);
  });

  test('maxWaitSeconds of a grid search counts every combination (a grid has no maxJobs)', () => {
    const grid = tuning({
      strategy: TuningStrategy.GRID,
      ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart', 'gblinear']), HyperparameterRange.categorical('max_depth', ['3', '5', '7', '9'])],
    });
    // 12 combinations, 2 at a time: 6 waves of 20 minutes.
    expect(grid.maxWaitSeconds).toBe(7200);
  });
});

describe('HyperparameterTuningSpec bad input fails at synth', () => {
  const { tuning, render } = setup();

  test.each<[string, Partial<HyperparameterTuningSpecProps>, Partial<TrainingSpecProps>, RegExp]>([
    ['min > max', { ranges: [HyperparameterRange.integer('max_depth', 10, 3)] }, {}, /range 'max_depth' has min 10 > max 3: use min <= max/],
    ['duplicate range names', { ranges: [HyperparameterRange.integer('max_depth', 3, 10), HyperparameterRange.categorical('max_depth', ['3'])] }, {}, /hyperparameter 'max_depth' has more than one range/],
    ['Grid with a numeric range', { strategy: TuningStrategy.GRID, ranges: [HyperparameterRange.categorical('booster', ['gbtree']), HyperparameterRange.integer('max_depth', 3, 10)] }, {}, /strategy GRID searches categorical ranges only/],
    ['maxJobs with Grid', { strategy: TuningStrategy.GRID, maxJobs: 6, ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart'])] }, {}, /maxJobs with strategy GRID: a grid search runs every combination; leave maxJobs unset/],
    ['Hyperband with earlyStopping', { strategy: TuningStrategy.HYPERBAND, earlyStopping: true }, {}, /earlyStopping with strategy HYPERBAND/],
    ['hyperband settings without Hyperband', { hyperbandMaxResource: 100 }, {}, /hyperbandMinResource\/hyperbandMaxResource need strategy HYPERBAND/],
    ['maxParallelJobs > maxJobs', { maxJobs: 4, maxParallelJobs: 5 }, {}, /maxParallelJobs 5 exceeds maxJobs 4/],
    ['Logarithmic with min 0', { ranges: [HyperparameterRange.continuous('eta', 0, 0.5, ScalingType.LOGARITHMIC)] }, {}, /range 'eta' is Logarithmic with min 0: logarithmic scaling needs min > 0/],
    ['Logarithmic with a negative min', { ranges: [HyperparameterRange.integer('depth', -1, 5, ScalingType.LOGARITHMIC)] }, {}, /range 'depth' is Logarithmic with min -1/],
    ['ReverseLogarithmic reaching 1', { ranges: [HyperparameterRange.continuous('subsample', 0.5, 1, ScalingType.REVERSE_LOGARITHMIC)] }, {}, /range 'subsample' is ReverseLogarithmic: only continuous ranges within \[0, 1\) may use it/],
    ['ReverseLogarithmic below 0', { ranges: [HyperparameterRange.continuous('subsample', -0.1, 0.5, ScalingType.REVERSE_LOGARITHMIC)] }, {}, /range 'subsample' is ReverseLogarithmic/],
    ['ReverseLogarithmic on an integer range', { ranges: [HyperparameterRange.integer('depth', 0, 0, ScalingType.REVERSE_LOGARITHMIC)] }, {}, /range 'depth' is ReverseLogarithmic/],
    ['a categorical range with no values', { ranges: [HyperparameterRange.categorical('booster', [])] }, {}, /categorical range 'booster' needs 1 to 30 values, got 0/],
    ['a categorical range with 31 values', { ranges: [HyperparameterRange.categorical('booster', Array.from({ length: 31 }, (_, i) => `v${i}`))] }, {}, /categorical range 'booster' needs 1 to 30 values, got 31/],
    ['no ranges', { ranges: [] }, {}, /ranges is empty/],
    ['31 ranges', { ranges: Array.from({ length: 31 }, (_, i) => HyperparameterRange.integer(`p${i}`, 1, 2)) }, {}, /ranges has 31 hyperparameters: at most 30/],
    ['an integer range with fractional bounds', { ranges: [HyperparameterRange.integer('depth', 1.5, 4)] }, {}, /integer range 'depth' has non-integer bounds 1.5..4/],
    ['six warm-start parents', { warmStartFrom: ['a', 'b', 'c', 'd', 'e', 'f'] }, {}, /warmStartFrom lists 6 jobs: use 1 to 5/],
    ['maxRuntime under 2 minutes', { maxRuntime: Duration.minutes(1) }, {}, /invalid maxRuntime 1 minute: use whole seconds from 120/],
    ['a training spec with debugger settings', {}, { debugger: { rules: [DebuggerRule.OVERFIT] } }, /the training spec has debugger settings: tuning jobs do not support Debugger/],
  ])('%s', (_, overrides, training, error) => {
    expect(() => render(tuning(overrides, training))).toThrow(error);
  });

  test('a tuning job name over 32 characters', () => {
    expect(() => render(tuning(), 'x'.repeat(33))).toThrow(/invalid tuning job name 'x{33}' \(length 33\): use 1-32 letters, digits or hyphens/);
    expect(() => render(tuning(), 'x'.repeat(32))).not.toThrow();
  });

  test('problems are reported together, with the path of the rendering construct', () => {
    expect(() => render(tuning({ maxJobs: 4, maxParallelJobs: 5, ranges: [HyperparameterRange.integer('max_depth', 10, 3)] })))
      .toThrow(/^\[Test\] 2 problems in the tuning spec:\n {2}- range 'max_depth' has min 10 > max 3: use min <= max\n {2}- maxParallelJobs 5 exceeds maxJobs 4/);
  });

  test("the training spec's own problems surface too", () => {
    expect(() => render(tuning({}, { retryAttempts: 0 }))).toThrow(/invalid retryAttempts 0/);
  });
});

/**
 * The request of a deploy-time job custom resource: its `Request` property is a JSON string that
 * CloudFormation assembles with Fn::Join; each intrinsic part becomes a placeholder `@@<n>@@`.
 */
function renderedRequest(template: any, type: string) {
  const entries = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);
  expect(entries).toHaveLength(1);
  const [logicalId, resource] = entries[0];
  const raw = resource.Properties.Request;
  const intrinsics: unknown[] = [];
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((part: unknown) => typeof part === 'string' ? part : `@@${intrinsics.push(part) - 1}@@`).join(raw['Fn::Join'][0]);
  return { logicalId, resource, request: JSON.parse(text), intrinsics };
}
const isPlaceholder = (value: unknown) => typeof value === 'string' && /@@\d+@@/.test(value);
/** The NameBase property of the stack's one tuning job custom resource. */
const nameBaseOf = (stack: Stack): string => renderedRequest(Template.fromStack(stack).toJSON(), 'Custom::SageMakerTuningJob').resource.Properties.NameBase;

describe('HyperparameterTuningJob', () => {
  const stack = plainStack();
  const data = new DataBucket(stack, 'Data');
  const spec = new HyperparameterTuningSpec({
    trainingSpec: trainingSpec(data),
    objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
    ranges: RANGES,
    maxJobs: 6,
    maxParallelJobs: 3,
  });
  const job = new HyperparameterTuningJob(stack, 'Tuning', { spec });
  const json = Template.fromStack(stack).toJSON();
  const template = Template.fromStack(stack);
  const { logicalId, resource, request } = renderedRequest(json, 'Custom::SageMakerTuningJob');
  const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the tuning job Test/Tuning' } }))[0];

  test('renders a Custom::SageMakerTuningJob whose Request is a valid CreateHyperParameterTuningJob request without a name, and a NameBase', () => {
    expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SageMakerConstructsProvider/), 'Arn'] });
    expect(Object.keys(resource.Properties).sort()).toEqual(['NameBase', 'Request', 'ServiceTimeout', 'ServiceToken']);
    // The handler names the job from the resolved values.
    expect(request.HyperParameterTuningJobName).toBeUndefined();
    expectValidSageMakerRequest('CreateHyperParameterTuningJob', request, { isDeferred: isPlaceholder, allowMissing: ['HyperParameterTuningJobName'] });
    expect(request.HyperParameterTuningJobConfig.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 3 });
  });

  test('the NameBase is <prefix>-<6 hex>, short enough that every name the handler makes of it has at most 32 characters', () => {
    const base = resource.Properties.NameBase;
    expect(base).toMatch(/^[a-z0-9]+-[0-9a-f]{8}-[0-9a-f]{6}$/);
    expect(base.length).toBeLessThanOrEqual(JOB_NAME_LIMITS.tuning.maxBaseLength);
    // <base>-<6 hex>-r20
    expect(`${base}-${'0'.repeat(JOB_NAME_LIMITS.tuning.resolvedHashLength)}-r${MAX_JOB_ATTEMPTS}`.length).toBeLessThanOrEqual(32);
    const longStack = plainStack('AVeryLongStackNameForTuning');
    new HyperparameterTuningJob(longStack, 'HyperparameterTuningOfTheChurnModel', {
      spec: new HyperparameterTuningSpec({ ...spec.props, trainingSpec: trainingSpec(new DataBucket(longStack, 'Other')) }),
    });
    const long = nameBaseOf(longStack);
    expect(long.length).toBeLessThanOrEqual(JOB_NAME_LIMITS.tuning.maxBaseLength);
    expect(long).toMatch(/^[a-z0-9](-*[a-z0-9])*$/);
    expect(() => new HyperparameterTuningJob(plainStack(), 'Tuning', { spec, jobNamePrefix: 'x'.repeat(15) }))
      .toThrow(/^\[Test\/Tuning\] invalid jobNamePrefix 'x{15}': use 1-14 letters, digits or hyphens/);
    const s = plainStack();
    new HyperparameterTuningJob(s, 'Tuning', { spec: new HyperparameterTuningSpec({ ...spec.props, trainingSpec: trainingSpec(new DataBucket(s, 'Data')) }), jobNamePrefix: 'x'.repeat(14) });
    expect(nameBaseOf(s)).toHaveLength(JOB_NAME_LIMITS.tuning.maxBaseLength);
  });

  test('a new runId gives a new NameBase (the resource updates and a new job runs)', () => {
    const base = (runId?: string) => {
      const s = plainStack();
      new HyperparameterTuningJob(s, 'Tuning', { spec: new HyperparameterTuningSpec({ ...spec.props, trainingSpec: trainingSpec(new DataBucket(s, 'Data')) }), runId });
      return nameBaseOf(s);
    };
    expect(base()).toBe(base());
    expect(base('2')).not.toBe(base());
    expect(base('2').slice(0, -6)).toBe(base().slice(0, -6));
  });

  test('a new least-privilege role gets the trials\' grants; the custom resource depends on its policy', () => {
    const role: any = json.Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const [policyId, policy] = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy')).find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
    const text = JSON.stringify(policy.Properties.PolicyDocument);
    expect(text).toContain('/processed/train/*');
    expect(text).toContain('/models/*');
    expect(text).toContain('log-group:/aws/sagemaker/TrainingJobs*');
    expect(resource.DependsOn).toContain(policyId);
  });

  test('attributes are GetAtts of the custom resource, the job name included (the name of the job that actually ran)', () => {
    expect(stack.resolve(job.tuningJobName)).toEqual({ 'Fn::GetAtt': [logicalId, 'HyperParameterTuningJobName'] });
    expect(stack.resolve(job.tuningJobArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'HyperParameterTuningJobArn'] });
    expect(stack.resolve(job.bestTrainingJobName)).toEqual({ 'Fn::GetAtt': [logicalId, 'BestTrainingJobName'] });
    expect(stack.resolve(job.bestModelDataUri)).toEqual({ 'Fn::GetAtt': [logicalId, 'BestModelDataUri'] });
    expect(stack.resolve(job.bestObjectiveValue)).toEqual({ 'Fn::GetAtt': [logicalId, 'BestObjectiveValue'] });
  });

  test("the provider's role controls the tuning jobs named <NameBase>-*, describes their trials and passes its role", () => {
    const providerRoleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the SageMaker constructs custom-resource handlers' } }))[0];
    const statements: any[] = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: providerRoleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const arn = (resourceName: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resourceName}`]] });
    const control = statements.find((s) => ([] as string[]).concat(s.Action).includes('sagemaker:CreateHyperParameterTuningJob'));
    expect(([] as string[]).concat(control.Action)).toEqual(expect.arrayContaining(['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob']));
    const base = resource.Properties.NameBase;
    expect(control.Resource).toEqual(arn(`hyper-parameter-tuning-job/${prefixOf(base)}-*`));
    // Trials are named <tuning job name>-<NNN>-<id>, and the tuning job name starts with <NameBase>-.
    expect(statements).toContainEqual({ Action: 'sagemaker:DescribeTrainingJob', Effect: 'Allow', Resource: arn(`training-job/${prefixOf(base)}-*`) });
    const roleName = template.toJSON().Resources[roleId].Properties.RoleName['Fn::Join'][1][0];
    expect(statements).toContainEqual({
      Action: 'iam:PassRole', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/${roleName}`, { Ref: 'AWS::Region' }]] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  test('IAM ARNs use the lower-case name (SageMaker reports tuning job ARNs in lower case)', () => {
    const s = plainStack('Test', { env: ENV });
    new HyperparameterTuningJob(s, 'Tuning', { spec: new HyperparameterTuningSpec({ ...spec.props, trainingSpec: trainingSpec(new DataBucket(s, 'Data')) }), jobNamePrefix: 'Churn' });
    const base = nameBaseOf(s);
    expect(base).toMatch(/^Churn-[0-9a-f]{6}$/);
    const text = JSON.stringify(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'));
    expect(text).toContain(`:hyper-parameter-tuning-job/${prefixOf(base).toLowerCase()}-*"`);
    expect(text).toContain(`:training-job/${prefixOf(base).toLowerCase()}-*"`);
    expect(text).not.toContain('/Churn-');
  });

  test('a role of your own receives the grants', () => {
    const s = plainStack();
    const d = new DataBucket(s, 'Data');
    const role = new iam.Role(s, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const j = new HyperparameterTuningJob(s, 'Tuning', { spec: new HyperparameterTuningSpec({ ...spec.props, trainingSpec: trainingSpec(d) }), role });
    expect(j.role).toBe(role);
    const t = Template.fromStack(s).toJSON();
    const policyId = s.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy);
    expect(JSON.stringify(t.Resources[policyId])).toContain('/models/*');
    expect(renderedRequest(t, 'Custom::SageMakerTuningJob').resource.DependsOn).toContain(policyId);
  });

  test('a tuning job that may run over 50 minutes throws, naming the path and the value', () => {
    const s = plainStack();
    const d = new DataBucket(s, 'Data');
    // 10 trials, 2 at a time, 30 minutes each: 150 minutes.
    const slow = new HyperparameterTuningSpec({ trainingSpec: trainingSpec(d, { maxRuntime: Duration.minutes(30) }), objective: spec.props.objective, ranges: RANGES });
    expect(() => new HyperparameterTuningJob(s, 'Slow', { spec: slow }))
      .toThrow(/^\[Test\/Slow\] the tuning spec may run 9000 s, but a deploy-time HyperparameterTuningJob waits at most 3000 s \(50 minutes/);
    const capped = new HyperparameterTuningSpec({ ...slow.props, maxRuntime: Duration.minutes(51) });
    expect(() => new HyperparameterTuningJob(s, 'Capped', { spec: capped })).toThrow(/^\[Test\/Capped\] the tuning spec may run 3060 s/);
    // A grid runs every combination: 3 x 4 = 12 trials, 2 at a time, 20 minutes each.
    const grid = new HyperparameterTuningSpec({
      trainingSpec: trainingSpec(d), objective: spec.props.objective, strategy: TuningStrategy.GRID,
      ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'dart', 'gblinear']), HyperparameterRange.categorical('max_depth', ['3', '5', '7', '9'])],
    });
    expect(() => new HyperparameterTuningJob(s, 'Grid', { spec: grid })).toThrow(/^\[Test\/Grid\] the tuning spec may run 7200 s/);
    // Its own limit bounds it.
    expect(() => new HyperparameterTuningJob(s, 'Bounded', { spec: new HyperparameterTuningSpec({ ...slow.props, maxRuntime: Duration.minutes(50) }) })).not.toThrow();
  });
});

/** The construct prefix of a name base (`<prefix>-<spec hash>`): IAM scopes to it. */
function prefixOf(base: string): string {
  return base.slice(0, base.lastIndexOf('-'));
}
