import * as path from 'path';
import * as zlib from 'zlib';
import * as fs from 'fs';
import * as os from 'os';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, Distribution, Framework, IDataBucket, ImageScope, InstanceType, S3Location, TrainingCode, TrainingJob,
  TrainingSpec, TrainingSpecProps,
} from '../../../constructs';
import { tarGzip } from '../../../constructs/private/tar';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';

const SRC = path.join(__dirname, '..', '..', 'fixtures', 'script-mode', 'src');
const pytorch = (version = '2.8.0') => ContainerImage.framework(Framework.PYTORCH, { version, scope: ImageScope.TRAINING });
const ENV = { account: '111122223333', region: 'eu-west-1' };

function spec(data: IDataBucket, overrides: Partial<TrainingSpecProps> = {}): TrainingSpec {
  return new TrainingSpec({
    image: pytorch(),
    code: TrainingCode.fromAsset(SRC, { entryPoint: 'train.py' }),
    hyperparameters: { epochs: 10, lr: 0.001, model: 'resnet50', pretrained: true, layers: [64, 128] },
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_G5_XLARGE },
    maxRuntime: Duration.minutes(30),
    ...overrides,
  });
}

function request(stack: Stack, overrides: Partial<TrainingSpecProps> = {}): any {
  const data = new DataBucket(stack, 'Data');
  const job = new TrainingJob(stack, 'Train', { spec: spec(data, overrides) });
  return { request: stack.resolve(job.spec.render(job, { role: job.role })), job };
}

/** The file names in a .tar.gz. */
function tarNames(file: string): string[] {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const names: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const name = tar.subarray(off, off + 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.subarray(off + 124, off + 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    names.push(name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('TrainingSpec script mode (TrainingCode)', () => {
  const stack = plainStack('Test', { env: ENV });
  const { request: r } = request(stack);

  test("objects, lists and non-ASCII text are json.dumps'ed as Python writes them", () => {
    const { request: other } = request(plainStack('Other', { env: ENV }), {
      hyperparameters: { classes: { cat: 0, dog: [1, 2.5, true, null] }, label: 'café', emoji: '🙂' },
    });
    expect(other.HyperParameters).toEqual(expect.objectContaining({
      classes: '{"cat": 0, "dog": [1, 2.5, true, null]}',
      label: '"caf\\u00e9"',
      emoji: '"\\ud83d\\ude42"',
    }));
  });

  test('the hyperparameters the framework containers read, and yours JSON-encoded as the SDK does', () => {
    expect(r.HyperParameters).toEqual({
      epochs: '10',
      lr: '0.001',
      model: '"resnet50"',
      pretrained: 'true',
      layers: '[64, 128]',
      sagemaker_program: '"train.py"',
      sagemaker_submit_directory: expect.stringMatching(/^"s3:\/\/cdk-hnb659fds-assets-111122223333-eu-west-1\/[0-9a-f]{64}\.gz"$/),
      sagemaker_region: '"eu-west-1"',
      sagemaker_container_log_level: '20',
    });
    expectValidSageMakerRequest('CreateTrainingJob', { ...r, TrainingJobName: 'x' }, { isDeferred: (v: unknown) => typeof v === 'object' });
  });

  test('the source directory is one deterministic sourcedir.tar.gz asset with the script, requirements.txt and subfolders', () => {
    const assets = stack.node.findAll().filter((c) => /^Code[0-9a-f]{8}$/.test(c.node.id));
    expect(assets).toHaveLength(1);
    expect((assets[0] as any).isFile).toBe(true);
    const data = tarGzip(SRC);
    expect(tarNames(writeTemp(data))).toEqual(['lib/util.py', 'requirements.txt', 'train.py']);
    expect(tarGzip(SRC).equals(data)).toBe(true);
  });

  test('the job role reads exactly the code object', () => {
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(text).toMatch(/cdk-hnb659fds-assets-.*\/[0-9a-f]{64}\.gz/);
  });
});

function writeTemp(data: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tar-')), 'x.tar.gz');
  fs.writeFileSync(file, data);
  return file;
}

describe('TrainingSpec distribution', () => {
  test('torchrun on GPU instances: sagemaker_torch_distributed_enabled and the instance type', () => {
    const { request: r } = request(plainStack('Test', { env: ENV }), { distribution: Distribution.torchDistributed(), resources: { instanceType: InstanceType.of('ml.p4d.24xlarge'), instanceCount: 2 } });
    expect(r.HyperParameters).toEqual(expect.objectContaining({ sagemaker_torch_distributed_enabled: 'true', sagemaker_instance_type: '"ml.p4d.24xlarge"' }));
    expect(r.ResourceConfig.InstanceCount).toBe(2);
  });

  test('SageMaker distributed data parallel on a supported instance and PyTorch version', () => {
    const { request: r } = request(plainStack('Test', { env: ENV }), { image: pytorch('2.2.0'), distribution: Distribution.dataParallel({ customMpiOptions: '-verbose' }), resources: { instanceType: InstanceType.of('ml.p4d.24xlarge'), instanceCount: 2 } });
    expect(r.HyperParameters).toEqual(expect.objectContaining({
      sagemaker_distributed_dataparallel_enabled: 'true',
      sagemaker_distributed_dataparallel_custom_mpi_options: '"-verbose"',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
    }));
  });

  test('MPI in one group of a heterogeneous cluster', () => {
    const { request: r } = request(plainStack('Test', { env: ENV }), {
      distribution: Distribution.mpi({ processesPerHost: 8, instanceGroup: 'gpu' }),
      resources: { instanceGroups: [{ name: 'cpu', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 }, { name: 'gpu', instanceType: InstanceType.of('ml.p4d.24xlarge'), instanceCount: 1 }] },
    });
    expect(r.HyperParameters).toEqual(expect.objectContaining({
      sagemaker_mpi_enabled: 'true',
      sagemaker_mpi_num_of_processes_per_host: '8',
      sagemaker_mpi_custom_mpi_options: '""',
      sagemaker_distribution_instance_groups: '["gpu"]',
    }));
  });

  test('TensorFlow parameter servers', () => {
    const { request: r } = request(plainStack('Test', { env: ENV }), {
      image: ContainerImage.framework(Framework.TENSORFLOW, { version: '2.16', scope: ImageScope.TRAINING }),
      distribution: Distribution.parameterServer(), resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 },
    });
    expect(r.HyperParameters.sagemaker_parameter_server_enabled).toBe('true');
  });
});

describe('script mode and distribution: bad input fails at synth', () => {
  const p4d = InstanceType.of('ml.p4d.24xlarge');
  test.each<[string, Partial<TrainingSpecProps>, RegExp]>([
    ['code with a built-in algorithm that runs no scripts', { image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LINEAR_LEARNER) }, /code was given for the built-in algorithm linear-learner image, which runs its own algorithm, not scripts/],
    ['code and algorithmName', { image: undefined, algorithmName: 'my-algorithm' }, /code runs in the script mode of a framework image: give image/],
    ['a script-mode hyperparameter of your own', { hyperparameters: { sagemaker_program: 'other.py' } }, /hyperparameter sagemaker_program is set by code: remove it from hyperparameters/],
    ['an entry point that is not in the directory', { code: TrainingCode.fromAsset(SRC, { entryPoint: 'missing.py' }) }, /the entry point 'missing.py' is not in '.*script-mode\/src': the container runs it from the unpacked source directory/],
    ['an entry point outside the directory', { code: TrainingCode.fromAsset(SRC, { entryPoint: '../train.py' }) }, /invalid code entryPoint '..\/train.py': use the script's path relative to the source directory/],
    ['code from S3 that is not a tar.gz', { code: TrainingCode.fromS3(S3Location.fromUri('s3://bucket/code/train.py'), { entryPoint: 'train.py' }) }, /training code 's3:\/\/bucket\/code\/train.py' is not a .tar.gz/],
    ['distribution without code', { code: undefined, distribution: Distribution.torchDistributed(), resources: { instanceType: p4d } }, /distribution \(torch_distributed\) is read by the framework containers' script mode: give code/],
    ['smddp on an instance it does not run on', { image: pytorch('2.2.0'), distribution: Distribution.dataParallel(), resources: { instanceType: InstanceType.ML_G5_XLARGE } }, /distribution smdistributed dataparallel on ml.g5.xlarge: it runs only on ml.p3.16xlarge, ml.p3dn.24xlarge, ml.p4d.24xlarge, ml.p4de.24xlarge/],
    ['smddp on a PyTorch version it does not support', { distribution: Distribution.dataParallel(), resources: { instanceType: p4d } }, /distribution smdistributed dataparallel does not support pytorch 2.8.0: use one of 1.6, /],
    ['torchrun on a CPU instance', { distribution: Distribution.torchDistributed(), resources: { instanceType: InstanceType.ML_M5_XLARGE } }, /distribution torch_distributed on ml.m5.xlarge: it runs on GPU \(ml.p\*, ml.g\*\) and Trainium \(ml.trn\*\) instances/],
    ['torchrun with a TensorFlow image', { image: ContainerImage.framework(Framework.TENSORFLOW, { version: '2.16', scope: ImageScope.TRAINING }), distribution: Distribution.torchDistributed(), resources: { instanceType: p4d } }, /distribution torch_distributed needs a PyTorch image, got framework tensorflow 2.16/],
    ['parameter servers with a PyTorch image', { distribution: Distribution.parameterServer(), resources: { instanceType: InstanceType.ML_M5_XLARGE } }, /distribution parameter_server needs a TensorFlow image, got framework pytorch 2.8.0/],
    ['MPI on Trainium', { distribution: Distribution.mpi(), resources: { instanceType: InstanceType.of('ml.trn1.32xlarge') } }, /distribution mpi on ml.trn1.32xlarge: Trainium instances support only Distribution.torchDistributed\(\)/],
    ['several groups without the training group', { distribution: Distribution.mpi(), resources: { instanceGroups: [{ name: 'a', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 }, { name: 'b', instanceType: p4d, instanceCount: 1 }] } }, /distribution mpi with 2 instance groups: name the group that trains \(instanceGroup: one of a, b\)/],
    ['a training group that does not exist', { distribution: Distribution.mpi({ instanceGroup: 'c' }), resources: { instanceGroups: [{ name: 'a', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 }] } }, /distribution instanceGroup 'c' is not one of resources.instanceGroups \(a\)/],
    ['torchrun in a heterogeneous cluster', { distribution: Distribution.torchDistributed(), resources: { instanceGroups: [{ name: 'a', instanceType: p4d, instanceCount: 1 }] } }, /distribution torch_distributed with instanceGroups: SageMaker runs only MPI and smdistributed dataparallel in one group/],
    ['MPI processes per host below 1', { distribution: Distribution.mpi({ processesPerHost: 0 }) }, /invalid mpi processesPerHost 0: use a whole number, 1 or more/],
  ])('%s', (_what, overrides, message) => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    expect(() => new TrainingJob(stack, 'Train', { spec: spec(data, overrides) })).toThrow(message);
  });
});
