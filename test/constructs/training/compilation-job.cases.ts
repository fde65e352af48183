import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  CompilationJob, CompilationSpec, CompilationSpecProps, ContainerImage, DataBucket, Endpoint, IDataBucket, InferenceComponentEndpoint, InstanceType, Model, ModelData, NeoFramework, NeoTarget, S3Location,
} from '../../../constructs';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

function spec(data: IDataBucket, overrides: Partial<CompilationSpecProps> = {}): CompilationSpec {
  return new CompilationSpec({
    modelData: S3Location.inDataBucket(data, 'models/resnet/model.tar.gz'),
    framework: NeoFramework.PYTORCH,
    frameworkVersion: '1.13',
    dataInputConfig: '{"input0":[1,3,224,224]}',
    target: NeoTarget.ML_C5,
    outputLocation: S3Location.inDataBucket(data, 'compiled/'),
    ...overrides,
  });
}

function requestOf(stack: Stack): any {
  const cr: any = Object.values(Template.fromStack(stack).findResources('Custom::SageMakerCompilationJob'))[0];
  const raw = cr.Properties.Request;
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((p: unknown) => typeof p === 'string' ? p : 'TOKEN').join('');
  return { cr, request: JSON.parse(text) };
}

describe('CompilationJob (SageMaker Neo at deploy time)', () => {
  test('a Custom::SageMakerCompilationJob whose Request is a valid CreateCompilationJob request; attributes; the role reads the model and writes the output', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const job = new CompilationJob(stack, 'Compile', { spec: spec(data) });
    const { cr, request } = requestOf(stack);
    expect(cr.Properties.ServiceTimeout).toBe('3600');
    expect(request.InputConfig).toEqual({ S3Uri: 's3://TOKEN/models/resnet/model.tar.gz', Framework: 'PYTORCH', FrameworkVersion: '1.13', DataInputConfig: '{"input0":[1,3,224,224]}' });
    expect(request.OutputConfig).toEqual({ S3OutputLocation: 's3://TOKEN/compiled/', TargetDevice: 'ml_c5' });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 900 });
    expectValidSageMakerRequest('CreateCompilationJob', { ...request, CompilationJobName: 'x', RoleArn: 'arn:aws:iam::111122223333:role/x' });
    expect(stack.resolve(job.compiledModelDataUri)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Compile/), 'CompiledModelDataUri'] });
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(text).toContain('/models/resnet/*');
    expect(text).toContain('/compiled/*');
    expect(text).toContain(':compilation-job/');
    expect(text).toContain('sagemaker:StopCompilationJob');
  });

  test('a target platform instead of a device', () => {
    const stack = plainStack();
    new CompilationJob(stack, 'Compile', { spec: spec(new DataBucket(stack, 'Data'), { target: NeoTarget.platform('LINUX', 'ARM64', 'NVIDIA'), compilerOptions: '{"gpu-code":"sm_72"}' }) });
    expect(requestOf(stack).request.OutputConfig).toEqual({ S3OutputLocation: 's3://TOKEN/compiled/', TargetPlatform: { Os: 'LINUX', Arch: 'ARM64', Accelerator: 'NVIDIA' }, CompilerOptions: '{"gpu-code":"sm_72"}' });
  });

  test('XGBoost needs no input shapes or version (the README example\'s stack is the cdk-nag check)', () => {
    const stack = plainStack();
    new CompilationJob(stack, 'Compile', { spec: spec(new DataBucket(stack, 'Data'), { framework: NeoFramework.XGBOOST, dataInputConfig: undefined, frameworkVersion: undefined }) });
    const { request } = requestOf(stack);
    expect(request.InputConfig).toEqual({ S3Uri: 's3://TOKEN/models/resnet/model.tar.gz', Framework: 'XGBOOST' });
    expectValidSageMakerRequest('CreateCompilationJob', { ...request, CompilationJobName: 'x', RoleArn: 'arn:aws:iam::111122223333:role/x' });
  });
});

describe('CompilationJob: hosting the compiled model', () => {
  test("servingImage() is the Neo image of the spec's framework and target in the stack's region; inferenceImageUri is Neo's recommendation", () => {
    const stack = plainStack('Test', { env: { account: '111122223333', region: 'us-east-1' } });
    const data = new DataBucket(stack, 'Data');
    const job = new CompilationJob(stack, 'Compile', { spec: spec(data) });
    const inf1 = new CompilationJob(stack, 'CompileInf1', { spec: spec(data, { target: NeoTarget.ML_INF1, frameworkVersion: '1.9' }) });
    new Model(stack, 'Compiled', { containers: [{ image: job.servingImage(), modelData: ModelData.fromS3Location(S3Location.fromUri(job.compiledModelDataUri)) }] });
    new Model(stack, 'CompiledInf1', { containers: [{ image: inf1.servingImage(), modelData: ModelData.fromS3Location(S3Location.fromUri(inf1.compiledModelDataUri)) }] });
    new Model(stack, 'Recommended', { containers: [{ image: ContainerImage.fromImageUri(job.inferenceImageUri), modelData: ModelData.fromS3Location(S3Location.fromUri(job.compiledModelDataUri)) }] });
    const models = Template.fromStack(stack).findResources('AWS::SageMaker::Model');
    const images = Object.entries(models).map(([id, m]: [string, any]) => [id.replace(/[0-9A-F]{8}$/, ''), m.Properties.PrimaryContainer.Image]);
    expect(images).toEqual([
      ['Compiled', '785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-inference-pytorch:1.13-cpu-py3'],
      ['CompiledInf1', '785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-neo-pytorch:1.9-inf-py3'],
      ['Recommended', { 'Fn::GetAtt': [expect.stringMatching(/^Compile[0-9A-F]{8}$/), 'InferenceImage'] }],
    ]);
  });

  test('a target SageMaker does not host has no serving image: the error names the job', () => {
    const stack = plainStack();
    const job = new CompilationJob(stack, 'Compile', { spec: spec(new DataBucket(stack, 'Data'), { target: NeoTarget.targetDevice('jetson_nano') }) });
    expect(() => new Model(stack, 'Compiled', { containers: [{ image: job.servingImage() }] })).toThrow(/\[Test\/Compiled\] a Neo compilation for the edge device 'jetson_nano' runs on that device/);
  });
});

describe('a compiled model runs on the instance family it was compiled for', () => {
  const compiledModel = (stack: Stack, target = NeoTarget.ML_C5) => {
    const job = new CompilationJob(stack, 'Compile', { spec: spec(new DataBucket(stack, 'Data'), { target, frameworkVersion: target === NeoTarget.ML_INF1 ? '1.9' : '1.13' }) });
    return new Model(stack, 'Compiled', { containers: [{ image: job.servingImage(), modelData: ModelData.fromS3Location(S3Location.fromUri(job.compiledModelDataUri)) }] });
  };

  test('an endpoint variant on another family is a synth error; the family itself (or a token) passes', () => {
    const stack = plainStack();
    const model = compiledModel(stack);
    expect(() => new Endpoint(stack, 'Wrong', { variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_M5_XLARGE }] }))
      .toThrow(/\[Test\/Wrong\].*variants\[0\]\.instanceType runs 'ml\.m5\.xlarge', but its model was compiled by Neo for ml_c5: .*use an ml\.c5\.\* instance type or compile for ml_m5/);
    new Endpoint(stack, 'Right', { variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_C5_XLARGE }] });
  });

  test('on an inference component endpoint too', () => {
    const stack = plainStack();
    const model = compiledModel(stack, NeoTarget.ML_INF1);
    const shared = new InferenceComponentEndpoint(stack, 'Shared', { instanceType: InstanceType.ML_M5_XLARGE });
    expect(() => shared.addComponent({ componentId: 'compiled', model, compute: { minMemoryMb: 1024, cpuCores: 1 } }))
      .toThrow(/instanceType \(model Test\/Compiled\) runs 'ml\.m5\.xlarge', but its model was compiled by Neo for ml_inf1/);
  });
});

describe('CompilationJob: bad input fails at synth', () => {
  test.each<[string, Partial<CompilationSpecProps>, RegExp]>([
    ['no input shapes for PyTorch', { dataInputConfig: undefined }, /dataInputConfig is required for PYTORCH: give the model's input names and shapes as JSON/],
    ['an unknown target device', { target: NeoTarget.targetDevice('ml_c99') }, /invalid target device 'ml_c99': use one of lambda, ml_m4/],
    ['an unknown platform arch', { target: NeoTarget.platform('LINUX', 'RISCV') }, /invalid target platform arch 'RISCV': use one of X86_64/],
    ['a framework version the API refuses', { frameworkVersion: 'latest' }, /invalid frameworkVersion 'latest': use 3-10 characters like '1.13'/],
    ['compiler options too short', { compilerOptions: '{}' }, /compilerOptions is 2 characters: use 3-1024/],
    ['a runtime past the deploy-time wait', { maxRuntime: Duration.minutes(55) }, /the compilation spec may run 3300 s \(maxRuntime\), but a deploy-time CompilationJob waits at most 3000 s/],
  ])('%s', (_what, overrides, message) => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    expect(() => new CompilationJob(stack, 'Compile', { spec: spec(data, overrides) })).toThrow(message);
  });
});

// The README's "Neo compilation" example, character for character (a test below compares them).
function readmeExample(stack: Stack): void {
  // README:begin
  const data = new DataBucket(stack, 'Data');
  const compiled = new CompilationJob(stack, 'Compile', {
    spec: new CompilationSpec({
      modelData: S3Location.inDataBucket(data, 'models/resnet50/model.tar.gz'),  // or S3Location.fromUri(trainingJob.modelDataUri)
      framework: NeoFramework.PYTORCH, frameworkVersion: '1.13',
      dataInputConfig: '{"input0":[1,3,224,224]}',
      target: NeoTarget.ML_C5,            // or ML_M5, ML_P3, ML_G4DN, ML_INF1; an edge device: NeoTarget.targetDevice('jetson_nano')
      outputLocation: S3Location.inDataBucket(data, 'compiled/'),
    }),
  });
  const model = new Model(stack, 'Compiled', { containers: [{
    image: compiled.servingImage(),     // sagemaker-inference-pytorch:1.13-cpu-py3 of the stack's region
    modelData: ModelData.fromS3Location(S3Location.fromUri(compiled.compiledModelDataUri)),
  }] });
  new Endpoint(stack, 'Endpoint', { variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_C5_XLARGE }] });
  // README:end
}

describe("the README's Neo example", () => {
  test("the README's example is this code, character for character", () => {
    const source = fs.readFileSync(__filename.replace(/\.js$/, '.ts'), 'utf8');
    const region = /\/\/ README:begin\n([\s\S]*?)\n {2}\/\/ README:end/.exec(source)![1].split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Neo compilation\n');
    expect(start).toBeGreaterThan(0);
    expect(/```ts\n([\s\S]*?)\n```/.exec(readme.slice(start))?.[1]).toBe(region);
  });

  test('it renders a valid CreateCompilationJob request, and its stack has no cdk-nag or CloudFormation validation finding', () => {
    const stack = testStack();
    readmeExample(stack);
    const { request } = requestOf(stack);
    expectValidSageMakerRequest('CreateCompilationJob', { ...request, CompilationJobName: 'x', RoleArn: 'arn:aws:iam::111122223333:role/x' });
    const model: any = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Model'))[0];
    expect(JSON.stringify(model.Properties.PrimaryContainer.Image)).toContain('sagemaker-inference-pytorch:1.13-cpu-py3');
    expectNoFindings(stack);
  });
});
