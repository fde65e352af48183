// Every prop CloudFormation accepts as a Ref accepts a deploy-time value: each construct built with
// CfnParameter values for its names, numbers and durations synthesizes, and every parameter shows up
// in the template (passed through, not dropped, not read as a number at synth).
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AlertsTopic, BuiltInAlgorithm, ContainerImage, DataBucket, DataQualityMonitor, DataSeed, Endpoint, FailStep, InstanceType, Model, ModelData, ModelRegistry,
  Pipeline, S3Location, TrainingJob, TrainingSpec,
} from '../../constructs';

const STACKS: Stack[] = [];
const XG = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
function env() {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  STACKS.push(stack);
  const s = (n: string) => new CfnParameter(stack, n).valueAsString;
  const n = (x: string) => new CfnParameter(stack, x, { type: 'Number' }).valueAsNumber;
  return { stack, s, n };
}
const cases: Array<[string, () => void]> = [
  ['DataBucket name+prefix', () => { const { stack, s } = env(); new DataBucket(stack, 'D', { bucketName: s('B'), serverAccessLogsPrefix: s('P') }); }],
  ['Registry name+desc', () => { const { stack, s } = env(); new ModelRegistry(stack, 'R', { modelPackageGroupName: s('N'), description: s('D') }); }],
  ['Model name/env/hostname', () => { const { stack, s } = env(); const d = DataBucket.fromBucketName(stack, 'D', 'b-b-b'); new Model(stack, 'M', { modelName: s('N'), containers: [{ image: XG, modelData: ModelData.fromS3Location(S3Location.inDataBucket(d, 'm/model.tar.gz')), environment: { A: s('E') } }] }); }],
  ['Endpoint numbers', () => {
    const { stack, s, n } = env(); const d = DataBucket.fromBucketName(stack, 'D', 'b-b-b'); const m = new Model(stack, 'M', { containers: [{ image: XG }] });
    const e = new Endpoint(stack, 'E', { endpointName: s('N'), variants: [{ variantName: 'v', model: m, instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: n('C'), initialWeight: n('W'), volumeSizeGb: n('V'), containerStartupTimeout: Duration.seconds(n('T')) }],
      dataCapture: { location: S3Location.inDataBucket(d, 'c/'), samplingPercentage: n('P') }, alarms: { errorThreshold: n('ET') } });
    e.autoScaleInstanceCount('v', { minCapacity: n('Min'), maxCapacity: n('Max') }).scaleOnInvocationsPerInstance('I', { targetInvocationsPerInstance: n('Tgt') });
    new DataQualityMonitor(stack, 'DQ', { endpoint: e, outputLocation: S3Location.inDataBucket(d, 'o/'), volumeSizeGb: n('MV'), maxRuntime: Duration.seconds(n('MR')) });
  }],
  ['Serverless numbers', () => {
    const { stack, n } = env(); const m = new Model(stack, 'M', { containers: [{ image: XG }] });
    new Endpoint(stack, 'E', { variants: [{ variantName: 'v', model: m, serverless: { memorySizeMb: n('Mem'), maxConcurrency: n('MC'), provisionedConcurrency: n('PC') } }], alarms: { enabled: false } });
  }],
  ['Async numbers', () => {
    const { stack, n } = env(); const d = DataBucket.fromBucketName(stack, 'D', 'b-b-b'); const m = new Model(stack, 'M', { containers: [{ image: XG }] });
    new Endpoint(stack, 'E', { variants: [{ variantName: 'v', model: m, instanceType: InstanceType.ML_M5_LARGE }], asyncInference: { outputLocation: S3Location.inDataBucket(d, 'a/'), maxConcurrentInvocationsPerInstance: n('X') }, alarms: { enabled: false } });
  }],
  ['Pipeline', () => { const { stack, s, n } = env(); new Pipeline(stack, 'P', { pipelineName: s('N'), displayName: s('DN'), description: s('DS'), maxParallelSteps: n('MP'), steps: [new FailStep('F', { errorMessage: s('M') })] }); }],
  ['AlertsTopic', () => { const { stack, s } = env(); new AlertsTopic(stack, 'A', { displayName: s('D'), emails: [s('E')] }); }],
  ['DataSeed key', () => { const { stack, s } = env(); const d = new DataBucket(stack, 'D'); new DataSeed(stack, 'Seed', { bucket: d, key: s('K'), source: __filename }); }],
  ['TrainingJob runId+spec numbers', () => {
    const { stack, n } = env(); const d = DataBucket.fromBucketName(stack, 'D', 'b-b-b');
    new TrainingJob(stack, 'T', { spec: new TrainingSpec({ image: XG, inputs: [{ name: 'train', location: S3Location.inDataBucket(d, 't/') }], outputLocation: S3Location.inDataBucket(d, 'o/'), resources: { instanceType: InstanceType.ML_M5_LARGE, instanceCount: n('IC'), volumeSizeGb: n('VS') }, maxRuntime: Duration.minutes(30), retryAttempts: n('RA'), hyperparameters: { num_round: n('NR') } }) });
  }],
];
test.each(cases)('%s: every parameter reaches the template', (_name, build) => {
  STACKS.length = 0;
  build();
  for (const stack of STACKS) {
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    const parameters = stack.node.children.filter((c): c is CfnParameter => c instanceof CfnParameter).map((p) => stack.resolve(p.logicalId) as string).filter((id) => id !== 'BootstrapVersion');
    const dropped = parameters.filter((id) => !template.includes(`{"Ref":"${id}"}`));
    expect(dropped).toEqual([]);
  }
});

test('the props that decide something at synth refuse a deploy-time value, saying why', () => {
  const { stack, s, n } = env();
  const m = new Model(stack, 'M', { containers: [{ image: XG }] });
  expect(() => new Endpoint(stack, 'E', { variants: [{ variantName: 'v', model: m, instanceType: InstanceType.ML_M5_LARGE }], alarms: { latencyThreshold: Duration.millis(n('LT')) } }))
    .toThrow(/\[S\/E\] alarms.latencyThreshold is a deploy-time value: it needs a literal duration/);
  const d = DataBucket.fromBucketName(stack, 'D', 'b-b-b');
  const spec = new TrainingSpec({ image: XG, inputs: [{ name: 'train', location: S3Location.inDataBucket(d, 't/') }], outputLocation: S3Location.inDataBucket(d, 'o/'), resources: { instanceType: InstanceType.ML_M5_LARGE }, maxRuntime: Duration.minutes(30) });
  expect(() => new TrainingJob(stack, 'T', { runId: s('R'), spec })).toThrow(/\[S\/T\] runId is a deploy-time value: it needs a literal/);
});
