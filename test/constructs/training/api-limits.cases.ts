// Inputs SageMaker refuses, refused at synth instead: each message starts with the construct path,
// names the prop the user set and its value, and says what is allowed. Values known only at deploy
// (pipeline parameters) pass and are never read as numbers.
import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BuiltInAlgorithm, ContainerImage, Framework, HyperparameterRange, HyperparameterTuningSpec, HyperparameterTuningSpecProps, ImageScope, InstanceType,
  ObjectiveType, ProcessingSpec, ProcessingSpecProps, S3Location, TrainingSpec, TrainingSpecProps,
} from '../../../constructs';
import { Pipeline, PipelineParameter, TuningStep } from '../../../constructs/pipelines';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';

const ENV = { account: '111122223333', region: 'us-east-1' };
const loc = (prefix: string) => S3Location.fromUri(`s3://ml-data-bucket/${prefix}`);
const CUSTOM = ContainerImage.fromImageUri('111122223333.dkr.ecr.us-east-1.amazonaws.com/my-trainer:1.0');
const algorithm = (a: BuiltInAlgorithm) => ContainerImage.builtInAlgorithm(a);

function setup() {
  const stack = plainStack('Test', { env: ENV });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const key = new kms.Key(stack, 'Key');
  const training = (overrides: Partial<TrainingSpecProps> = {}) => new TrainingSpec({
    image: algorithm(BuiltInAlgorithm.XGBOOST),
    inputs: [{ name: 'train', location: loc('train/') }],
    outputLocation: loc('models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(20),
    ...overrides,
  });
  const tuning = (overrides: Partial<HyperparameterTuningSpecProps> = {}) => new HyperparameterTuningSpec({
    trainingSpec: training(),
    objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
    ranges: [HyperparameterRange.integer('max_depth', 3, 10)],
    ...overrides,
  });
  const processing = (overrides: Partial<ProcessingSpecProps> = {}) => new ProcessingSpec({
    image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }),
    inputs: [{ name: 'raw', location: loc('raw/') }],
    outputs: [{ name: 'train', location: loc('train/') }],
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    ...overrides,
  });
  const render = (spec: TrainingSpec | HyperparameterTuningSpec | ProcessingSpec) => stack.resolve(spec.render(stack, { role, jobName: 'job-1' }));
  return { stack, role, key, training, tuning, processing, render };
}

describe('built-in algorithms: the instances they train on', () => {
  const { training, render } = setup();

  test('a GPU-only algorithm (Image Classification) on a CPU instance type', () => {
    const spec = (instanceType: InstanceType) => training({ image: algorithm(BuiltInAlgorithm.IMAGE_CLASSIFICATION), resources: { instanceType } });
    expect(() => render(spec(InstanceType.ML_M5_XLARGE)))
      .toThrow(/^\[Test\] resources.instanceType 'ml.m5.xlarge' has no GPU: BuiltInAlgorithm.IMAGE_CLASSIFICATION trains on GPU instances only; use a p or g instance type, e.g. 'ml.p3.2xlarge'/);
    expect(() => render(spec(InstanceType.ML_P3_2XLARGE))).not.toThrow();
    // Trainium is an accelerator, not a GPU; each group of a heterogeneous cluster is checked.
    expect(() => render(training({ image: algorithm(BuiltInAlgorithm.SEQ2SEQ), resources: { instanceGroups: [{ name: 'a', instanceType: InstanceType.of('ml.trn1.2xlarge'), instanceCount: 1 }] } })))
      .toThrow(/instance type of group 'a' 'ml.trn1.2xlarge' has no GPU: BuiltInAlgorithm.SEQ2SEQ trains on GPU instances only/);
  });

  test('a single-instance algorithm (LDA) with instanceCount 2; BlazingText only in batch_skipgram mode', () => {
    expect(() => render(training({ image: algorithm(BuiltInAlgorithm.LDA), resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 } })))
      .toThrow(/^\[Test\] resources.instanceCount 2: BuiltInAlgorithm.LDA trains on a single instance only; use instanceCount 1/);
    const blazing = (mode: string) => training({ image: algorithm(BuiltInAlgorithm.BLAZINGTEXT), hyperparameters: { mode }, resources: { instanceType: InstanceType.ML_C5_XLARGE, instanceCount: 3 } });
    expect(() => render(blazing('supervised'))).toThrow(/resources.instanceCount 3 with BlazingText mode 'supervised': BlazingText trains on several instances only in mode 'batch_skipgram'/);
    expect(() => render(blazing('batch_skipgram'))).not.toThrow();
    // Factorization Machines train on many instances.
    expect(() => render(training({ image: algorithm(BuiltInAlgorithm.FACTORIZATION_MACHINES), resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 } }))).not.toThrow();
  });
});

describe('volume keys on instance types with local NVMe storage', () => {
  const { key, training, processing, render } = setup();

  test('a training or processing volumeKey on a type whose storage is local NVMe', () => {
    expect(() => render(training({ resources: { instanceType: InstanceType.of('ml.p4d.24xlarge'), volumeKey: key } })))
      .toThrow(/^\[Test\] resources.volumeKey was given for 'ml.p4d.24xlarge', whose storage is local NVMe encrypted by the instance's hardware: SageMaker refuses VolumeKmsKeyId for such types; remove resources.volumeKey/);
    expect(() => render(processing({ resources: { instanceType: InstanceType.ML_G5_XLARGE, volumeKey: key } }))).toThrow(/resources.volumeKey was given for 'ml.g5.xlarge'/);
    expect(() => render(training({ resources: { instanceType: InstanceType.ML_P3_2XLARGE, volumeKey: key } }))).not.toThrow();
  });
});

describe('metric definitions and tuning objectives', () => {
  const { training, tuning, render } = setup();
  const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `m${i}`, regex: `m${i}=([0-9.]+)` }));

  test('more than 40 metric definitions, in a training or a tuning job', () => {
    expect(() => render(training({ image: CUSTOM, metricDefinitions: metrics(41) })))
      .toThrow(/^\[Test\] metricDefinitions has 41 entries: at most 40/);
    expect(() => render(tuning({ trainingSpec: training({ image: CUSTOM, metricDefinitions: metrics(41) }), objective: { metricName: 'm0', type: ObjectiveType.MAXIMIZE } })))
      .toThrow(/metricDefinitions has 41 entries: at most 40/);
    expectValidSageMakerRequest('CreateTrainingJob', render(training({ image: CUSTOM, metricDefinitions: metrics(40) })));
  });

  test('an objective that a custom image defines no metric for; built-in algorithms have their own', () => {
    const custom = (metricName: string) => tuning({ trainingSpec: training({ image: CUSTOM, metricDefinitions: metrics(2) }), objective: { metricName, type: ObjectiveType.MAXIMIZE } });
    expect(() => render(custom('validation:auc')))
      .toThrow(/^\[Test\] objective.metricName 'validation:auc' is not a metric of the training spec: its image \(image '111122223333.*my-trainer:1.0'\) is not a built-in algorithm, .* the spec defines only 'm0', 'm1'; add a metric definition named 'validation:auc'/);
    expect(() => render(custom('m1'))).not.toThrow();
    // The URI of SageMaker's own XGBoost image is the built-in algorithm.
    expect(() => render(tuning({ trainingSpec: training({ image: ContainerImage.fromImageUri('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1') }) }))).not.toThrow();
  });

  test('categorical values over 256 characters, and range names', () => {
    expect(() => render(tuning({ ranges: [HyperparameterRange.categorical('booster', ['gbtree', 'x'.repeat(257)])] })))
      .toThrow(/^\[Test\] categorical range 'booster' value 1 'x+\.\.\.' is 257 characters long: at most 256/);
    expect(() => render(tuning({ ranges: [HyperparameterRange.integer('p'.repeat(257), 1, 2)] }))).toThrow(/invalid range name 'p+\.\.\.' \(length 257\): a hyperparameter name has at most 256 characters/);
    expect(() => render(tuning({ ranges: [HyperparameterRange.categorical('booster', ['x'.repeat(256)])] }))).not.toThrow();
  });
});

describe('image scopes', () => {
  const { training, render } = setup();

  test('an inference image in a training spec', () => {
    const image = (scope: ImageScope) => ContainerImage.framework(Framework.PYTORCH, { version: '2.6.0', scope });
    expect(() => render(training({ image: image(ImageScope.INFERENCE) })))
      .toThrow(/^\[Test\] image is the framework pytorch 2.6.0 \(inference\) image: a training job needs a training image; use ContainerImage.framework\(\.\.\., \{ scope: ImageScope.TRAINING \}\)/);
    expect(() => render(training({ image: image(ImageScope.TRAINING) }))).not.toThrow();
  });
});

describe('ProcessingSpec: container lists and paths, named by the prop the user set', () => {
  const { processing, render } = setup();

  test('empty arguments or entrypoint (the API takes 1 to 100 entries)', () => {
    expect(() => render(processing({ arguments: [] }))).toThrow(/^\[Test\] arguments has 0 entries: use 1 to 100; to pass none, omit it$/);
    expect(() => render(processing({ entrypoint: [] }))).toThrow(/^\[Test\] entrypoint has 0 entries: use 1 to 100; to pass none, omit it$/);
    expect(() => render(processing({ arguments: ['--x', 'y'.repeat(257)] }))).toThrow(/arguments\[1\] 'y+\.\.\.' is 257 characters long: at most 256/);
  });

  test('an input or output name too long for its default container path, and a destination over 256 characters', () => {
    expect(() => render(processing({ inputs: [{ name: 'n'.repeat(240), location: S3Location.fromUri('s3://ml-data-bucket/raw/') }] })))
      .toThrow(/^\[Test\] invalid inputs\[0\].name 'n+\.\.\.' \(length 240\): without a destination, the container path is \/opt\/ml\/processing\/input\/<name>, at most 256 characters, so use a name of at most 231 characters or set inputs\[0\].destination$/);
    expect(() => render(processing({ outputs: [{ name: 'o'.repeat(231), location: S3Location.fromUri('s3://ml-data-bucket/out/') }] })))
      .toThrow(/invalid outputs\[0\].name 'o+\.\.\.' \(length 231\): .* at most 230 characters or set outputs\[0\].source/);
    expect(() => render(processing({ inputs: [{ name: 'raw', location: S3Location.fromUri('s3://ml-data-bucket/raw/'), destination: `/opt/ml/processing/${'d'.repeat(240)}` }] })))
      .toThrow(/invalid inputs\[0\].destination '\/opt\/ml\/processing\/d+\.\.\.' \(length 259\): use at most 256 characters/);
    expectValidSageMakerRequest('CreateProcessingJob', render(processing({ inputs: [{ name: 'n'.repeat(231), location: S3Location.fromUri('s3://ml-data-bucket/raw/') }] })));
  });
});

describe('pipeline parameters as instance counts and job counts are deploy-time values, not numbers', () => {
  const { stack, training, tuning, render } = setup();
  const count = PipelineParameter.integer('InstanceCount', { defaultValue: 2 });
  const jobs = PipelineParameter.integer('MaxJobs', { defaultValue: 4 });
  const parallel = PipelineParameter.integer('MaxParallelJobs', { defaultValue: 2 });

  test('instanceCount renders as the parameter, even for a single-instance algorithm', () => {
    expect(render(training({ resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: count.asNumber } })).ResourceConfig.InstanceCount).toEqual({ Get: 'Parameters.InstanceCount' });
    expect(() => render(training({ image: algorithm(BuiltInAlgorithm.LDA), resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: count.asNumber } }))).not.toThrow();
  });

  test('maxJobs and maxParallelJobs render as the parameters: no comparison with the other, no number in a message', () => {
    const request = render(tuning({ maxJobs: jobs.asNumber, maxParallelJobs: 5 }));
    expect(request.HyperParameterTuningJobConfig.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: { Get: 'Parameters.MaxJobs' }, MaxParallelTrainingJobs: 5 });
    expect(render(tuning({ maxJobs: 4, maxParallelJobs: parallel.asNumber })).HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs).toEqual({ Get: 'Parameters.MaxParallelJobs' });
    // Other problems are still reported, and only with literal values.
    expect(() => render(tuning({ maxJobs: jobs.asNumber, maxParallelJobs: 101 }))).toThrow(/^\[Test\] invalid maxParallelJobs 101: use a whole number from 1 to 100$/);
    // The worst case counts at deploy time: 10000 trials, one at a time.
    expect(tuning({ maxJobs: jobs.asNumber }).maxWaitSeconds).toBe(5000 * 1200);
  });

  test('a TuningStep with every count a parameter renders in a pipeline definition', () => {
    const spec = tuning({
      trainingSpec: training({ resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: count.asNumber } }),
      maxJobs: jobs.asNumber,
      maxParallelJobs: parallel.asNumber,
    });
    const pipeline = new Pipeline(stack, 'Pipeline', { parameters: [count, jobs, parallel], steps: [new TuningStep('Tune', { spec })] });
    const args = stack.resolve(pipeline.definition).Steps[0].Arguments;
    expect(JSON.stringify(args)).not.toMatch(/e\+\d+/);
    expect(args.HyperParameterTuningJobConfig.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: { Get: 'Parameters.MaxJobs' }, MaxParallelTrainingJobs: { Get: 'Parameters.MaxParallelJobs' } });
    expect(args.TrainingJobDefinition.ResourceConfig.InstanceCount).toEqual({ Get: 'Parameters.InstanceCount' });
  });
});

describe('durations from CloudFormation parameters', () => {
  const { stack, training, processing, render } = setup();
  const seconds = new CfnParameter(stack, 'MaxRuntime', { type: 'Number' }).valueAsNumber;

  test('Duration.seconds(<parameter>) reaches the request as the parameter; comparisons with it are skipped', () => {
    const spec = training({ maxRuntime: Duration.seconds(seconds), spot: { maxWaitTime: Duration.seconds(seconds) }, allowSpotWithoutCheckpoint: true });
    expect(render(spec).StoppingCondition).toEqual({ MaxRuntimeInSeconds: { Ref: 'MaxRuntime' }, MaxWaitTimeInSeconds: { Ref: 'MaxRuntime' } });
    expect(render(processing({ maxRuntime: Duration.seconds(seconds) })).StoppingCondition).toEqual({ MaxRuntimeInSeconds: { Ref: 'MaxRuntime' } });
  });

  test('a parameter in another unit is refused, saying how to give it', () => {
    expect(() => render(training({ maxRuntime: Duration.minutes(seconds) }))).toThrow(/maxRuntime is a deploy-time value in a unit other than seconds: give it as Duration.seconds\(<token>\)/);
  });
});
