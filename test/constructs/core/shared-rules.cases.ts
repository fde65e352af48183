// One rule of the API, enforced the same way by every construct that takes such a value: the
// rules are written once (constructs/private/job-render.ts, validate.ts) and each construct calls them.
import { Duration, Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, HyperparameterTuningSpec, InstanceType, Model, ModelData, ModelRegistry, ModelStep, ObjectiveType,
  HyperparameterRange, Pipeline, PipelineParameter, ProcessingSpec, RegisterModelStep, S3Location, TrainingSpec, TransformStep,
} from '../../../constructs';
import { plainStack } from '../../support/stacks';

type TagTaker = (tags: { [key: string]: string }) => void;

function takers(): Array<[string, TagTaker]> {
  const stack = plainStack('Rules');
  const data = new DataBucket(stack, 'Data');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const image = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
  const training = (tags: { [key: string]: string } = {}) => new TrainingSpec({
    image, outputLocation: S3Location.inDataBucket(data, 'models/'), resources: { instanceType: InstanceType.ML_M5_XLARGE }, maxRuntime: Duration.minutes(20), tags,
  });
  let n = 0;
  return [
    ['TrainingSpec', (tags) => { training(tags).render(stack, { role }); }],
    ['ProcessingSpec', (tags) => {
      new ProcessingSpec({ image, resources: { instanceType: InstanceType.ML_M5_XLARGE }, maxRuntime: Duration.minutes(20), tags }).render(stack, { role });
    }],
    ['HyperparameterTuningSpec', (tags) => {
      new HyperparameterTuningSpec({
        trainingSpec: training(), objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE }, ranges: [HyperparameterRange.integer('max_depth', 3, 10)], tags,
      }).render(stack, { role });
    }],
    ['ModelRegistry', (tags) => { new ModelRegistry(stack, `Registry${n++}`, { tags }); }],
  ];
}

describe('tags: one rule everywhere', () => {
  test.each(takers())('%s refuses the reserved aws: prefix, naming it', (_name, take) => {
    expect(() => take({ 'aws:cost-center': 'ml' })).toThrow(/tags key 'aws:cost-center' uses the reserved prefix 'aws:'/);
  });

  test.each(takers())('%s refuses more than 50 tags and over-long keys and values', (_name, take) => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(() => take(many)).toThrow(/tags has 51 entries: at most 50/);
    expect(() => take({ ['k'.repeat(129)]: 'v' })).toThrow(/invalid tags key/);
    expect(() => take({ team: 'v'.repeat(257) })).toThrow(/tags 'team' is 257 characters long: at most 256/);
  });

  test.each(takers())('%s accepts valid tags and tokens', (_name, take) => {
    expect(() => take({ team: 'ml', 'cost:center': 'a b/c=d+e@f', owner: Lazy.string({ produce: () => 'someone' }) })).not.toThrow();
  });
});

describe('model containers: one environment rule and one model-data rule', () => {
  const image = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
  const DATA = 's3://ml-data-bucket/models/model.tar.gz';

  test('an environment key that is not a variable name is refused by Model and by ModelStep', () => {
    const stack = plainStack('Env');
    expect(() => new Model(stack, 'M', { containers: [{ image, modelData: ModelData.fromS3Location(S3Location.fromUri(DATA)), environment: { 'BAD-KEY': '1' } }] }))
      .toThrow(/invalid containers\[0\]\.environment key 'BAD-KEY'/);
    const step = new ModelStep('Model', { image, modelData: DATA, environment: { 'BAD-KEY': '1' } });
    expect(() => new Pipeline(stack, 'P', { steps: [step] })).toThrow(/invalid environment of step 'Model' key 'BAD-KEY'/);
  });

  test.each([
    ['not an S3 URI', 'https://example.com/model.tar.gz', /invalid modelData of step '\w+' 'https:\/\/example\.com\/model\.tar\.gz': use an s3:\/\/bucket\/prefix URI/],
    ['not a .tar.gz', 's3://ml-data-bucket/models/model.zip', /invalid modelData of step '\w+' .*a key ending in '\.tar\.gz'/],
  ])('a model URL %s is refused by ModelStep and by RegisterModelStep alike', (_what, modelData, error) => {
    const stack = plainStack('Url');
    const registry = new ModelRegistry(stack, 'Registry');
    expect(() => new Pipeline(stack, 'A', { steps: [new ModelStep('Model', { image, modelData })] })).toThrow(error);
    const register = new RegisterModelStep('Register', {
      registry, image, modelData, contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_LARGE],
    });
    expect(() => new Pipeline(stack, 'B', { steps: [register] })).toThrow(error);
  });
});

describe('numbers that are tokens are left to the deploy, never read as numbers', () => {
  test('a pipeline Integer parameter as a transform instance count renders as a Get; a literal 0 is refused', () => {
    const stack = plainStack('Tokens');
    const data = new DataBucket(stack, 'Data');
    const count = PipelineParameter.integer('Count', { defaultValue: 2 });
    const transform = (instanceCount: number) => new TransformStep('Score', {
      modelName: 'churn', input: S3Location.inDataBucket(data, 'in/'), output: S3Location.inDataBucket(data, 'out/'), instanceType: InstanceType.ML_M5_XLARGE, instanceCount,
    });
    const pipeline = new Pipeline(stack, 'P', { parameters: [count], steps: [transform(count.asNumber)] });
    expect(stack.resolve(pipeline.definition).Steps[0].Arguments.TransformResources.InstanceCount).toEqual({ Get: 'Parameters.Count' });
    expect(() => new Pipeline(stack, 'Q', { steps: [transform(0)] })).toThrow(/invalid instanceCount of step 'Score' 0: use a whole number of 1 or more/);
  });
});
