import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  CompilationJob, CompilationSpec, CompilationSpecProps, DataBucket, IDataBucket, NeoFramework, NeoTarget, S3Location,
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

  test('no finding (cdk-nag, CloudFormation validation)', () => {
    const stack = testStack();
    new CompilationJob(stack, 'Compile', { spec: spec(new DataBucket(stack, 'Data'), { framework: NeoFramework.XGBOOST, dataInputConfig: undefined, frameworkVersion: undefined }) });
    expectNoFindings(stack);
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
