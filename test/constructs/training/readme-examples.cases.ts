// The README's "### Script mode: your own `train.py` in a framework container" and "### Distributed
// training" examples. The code between each pair of README markers is the README's example,
// character for character (a test below compares them), so the examples always compile, synthesize
// and render requests the SageMaker API accepts.
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import {
  ContainerImage, DataBucket, Distribution, Framework, ImageScope, InstanceType, Pipeline, S3Location, TrainingCode, TrainingJob, TrainingSpec, TrainingStep,
} from '../../../constructs';
import { expectValidPipelineDefinition } from '../../support/pipeline-schema';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

/** The examples' working directory: it has `src/` with `train.py`, as the README assumes. */
const PROJECT = path.join(__dirname, '..', '..', 'fixtures', 'script-mode');

function scriptMode(stack: Stack): void {
  // README:begin script-mode
  const data = new DataBucket(stack, 'Data');
  const spec = new TrainingSpec({
    image: ContainerImage.framework(Framework.PYTORCH, { version: '2.8.0', scope: ImageScope.TRAINING }),
    code: TrainingCode.fromAsset('src/', { entryPoint: 'train.py' }),   // or TrainingCode.fromS3(location, { entryPoint })
    hyperparameters: { epochs: 10, lr: 0.001, model: 'resnet50' },        // reach the script as --epochs 10 ...
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_G5_XLARGE },
    maxRuntime: Duration.minutes(45),                                     // a deploy-time job runs at most 50 minutes
  });
  new TrainingJob(stack, 'Train', { spec });                              // or new TrainingStep('Train', { spec }) in a pipeline
  // README:end script-mode
}

function distributed(stack: Stack): void {
  // README:begin distributed
  const data = new DataBucket(stack, 'Data');
  const common = {
    code: TrainingCode.fromAsset('src/', { entryPoint: 'train.py' }),
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
  };
  const pytorch = (version: string) => ContainerImage.framework(Framework.PYTORCH, { version, scope: ImageScope.TRAINING });
  const p4d = InstanceType.of('ml.p4d.24xlarge');

  const torchrun = new TrainingSpec({ ...common, image: pytorch('2.8.0'),    // torchrun on every instance
    resources: { instanceType: p4d, instanceCount: 4 },
    distribution: Distribution.torchDistributed(),
  });
  const smddp = new TrainingSpec({ ...common, image: pytorch('2.2.0'),       // SageMaker distributed data parallel
    resources: { instanceType: p4d, instanceCount: 2 },
    distribution: Distribution.dataParallel(),
  });
  const horovod = new TrainingSpec({ ...common, image: pytorch('2.8.0'),     // MPI in one group of a heterogeneous cluster
    resources: { instanceGroups: [
      { name: 'cpu', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 },
      { name: 'gpu', instanceType: p4d, instanceCount: 1 },
    ] },
    distribution: Distribution.mpi({ processesPerHost: 8, instanceGroup: 'gpu' }),
  });
  const smp = new TrainingSpec({ ...common, image: pytorch('2.4.1'),     // SageMaker model parallelism v2: trains in the SMP image
    resources: { instanceType: p4d, instanceCount: 2 },
    distribution: Distribution.modelParallel({ hybridShardDegree: 8, tensorParallelDegree: 2 }),
  });
  const parameterServers = new TrainingSpec({ ...common,                     // TensorFlow; or Distribution.multiWorkerMirrored()
    image: ContainerImage.framework(Framework.TENSORFLOW, { version: '2.16.2', scope: ImageScope.TRAINING }),
    resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 },
    distribution: Distribution.parameterServer(),
  });
  new Pipeline(stack, 'Distributed', {
    steps: Object.entries({ torchrun, smddp, horovod, smp, parameterServers }).map(([name, spec]) => new TrainingStep(name, { spec })),
  });
  // README:end distributed
}

/** Runs `example` in the examples' working directory (TrainingCode.fromAsset('src/') is relative to it). */
function inProject<T>(example: () => T): T {
  const cwd = process.cwd();
  process.chdir(PROJECT);
  try {
    return example();
  } finally {
    process.chdir(cwd);
  }
}

/** The region between `// README:begin <name>` and `// README:end <name>`, without the function's indentation. */
function region(name: string): string {
  const source = fs.readFileSync(__filename.replace(/\.js$/, '.ts'), 'utf8');
  const m = new RegExp(`// README:begin ${name}\\n([\\s\\S]*?)\\n {2}// README:end ${name}`).exec(source);
  return m![1].split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');
}

/** The first ```ts block under the README heading `heading`. */
function readmeBlock(heading: string): string | undefined {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  return /```ts\n([\s\S]*?)\n```/.exec(readme.slice(start))?.[1];
}

const ENV = { account: '111122223333', region: 'eu-west-1' };

describe("README: '### Script mode: your own `train.py` in a framework container'", () => {
  test('the example is this code, character for character', () => {
    expect(readmeBlock('### Script mode: your own `train.py` in a framework container')).toBe(region('script-mode'));
  });

  test('it renders a CreateTrainingJob request the API model accepts, with the script-mode hyperparameters', () => {
    const stack = plainStack('Test', { env: ENV });
    inProject(() => scriptMode(stack));
    const job = stack.node.findChild('Train') as TrainingJob;
    const r = stack.resolve(inProject(() => job.spec.render(job, { role: job.role })));
    expectValidSageMakerRequest('CreateTrainingJob', { ...r, TrainingJobName: 'x' }, { isDeferred: (v: unknown) => typeof v === 'object' });
    expect(r.HyperParameters).toEqual(expect.objectContaining({ epochs: '10', model: '"resnet50"', sagemaker_program: '"train.py"', sagemaker_region: '"eu-west-1"' }));
  });

  test('its stack has no cdk-nag or CloudFormation validation finding', () => {
    const stack = testStack();
    inProject(() => scriptMode(stack));
    expectNoFindings(stack);
  });
});

describe("README: '### Distributed training'", () => {
  test('the example is this code, character for character', () => {
    expect(readmeBlock('### Distributed training')).toBe(region('distributed'));
  });

  test('every step renders a CreateTrainingJob request the API model accepts, with its launcher hyperparameters', () => {
    const stack = plainStack('Test', { env: ENV });
    inProject(() => distributed(stack));
    const definition = stack.resolve((stack.node.findChild('Distributed') as Pipeline).definition);
    expectValidPipelineDefinition(definition);
    const steps: Record<string, any> = Object.fromEntries(definition.Steps.map((s: any) => [s.Name, s.Arguments]));
    expect(Object.keys(steps)).toEqual(['torchrun', 'smddp', 'horovod', 'smp', 'parameterServers']);
    for (const args of Object.values(steps)) {
      expectValidSageMakerRequest('CreateTrainingJob', { ...args, TrainingJobName: 'x' }, { isDeferred: (v: unknown) => typeof v === 'object' });
    }
    expect(steps.torchrun.HyperParameters.sagemaker_torch_distributed_enabled).toBe('true');
    expect(steps.smddp.HyperParameters.sagemaker_distributed_dataparallel_enabled).toBe('true');
    expect(steps.horovod.HyperParameters.sagemaker_distribution_instance_groups).toBe('["gpu"]');
    expect(steps.smp.HyperParameters).toEqual(expect.objectContaining({
      mp_parameters: '{"hybrid_shard_degree": 8, "tensor_parallel_degree": 2}',
      sagemaker_torch_distributed_enabled: 'true',
      sagemaker_distributed_dataparallel_enabled: 'false',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
    }));
    expect(steps.smp.AlgorithmSpecification.TrainingImage).toBe('658645717510.dkr.ecr.eu-west-1.amazonaws.com/smdistributed-modelparallel:2.4.1-gpu-py311-cu121');
    expect(steps.parameterServers.HyperParameters.sagemaker_parameter_server_enabled).toBe('true');
  });

  test('its stack has no cdk-nag or CloudFormation validation finding', () => {
    const stack = testStack();
    inProject(() => distributed(stack));
    expectNoFindings(stack);
  });
});
