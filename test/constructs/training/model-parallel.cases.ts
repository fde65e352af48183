// Distribution.modelParallel() (SMP v2) and Distribution.modelParallelV1() (SMP v1): the
// hyperparameters are the ones the SageMaker Python SDK v2 writes for the same distribution
// (aws/sagemaker-python-sdk@8326c232e7cd5f18688772e7516cf792b993b685, the parent of 6a4e165):
// `estimator.Framework._distribution_configuration` (mpi, smdistributed), `fw_utils.get_mp_parameters`
// (the parameters dict, or nothing when it is empty), `pytorch/estimator.py
// _pytorch_distribution_configuration` (SMP v2: torch_distributed adds sagemaker_torch_distributed_enabled),
// each value encoded by `EstimatorBase._json_encode_hyperparameters` (`json.dumps`: ", " and ": ").
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  ContainerImage, DataBucket, Distribution, Framework, IDataBucket, ImageScope, InstanceType, ModelParallelOptimize, ModelParallelPipeline, ModelParallelPlacement,
  S3Location, TrainingCode, TrainingJob, TrainingSpec, TrainingSpecProps,
} from '../../../constructs';
import { pythonJsonDumps } from '../../../constructs/private/python-json';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';

const SRC = path.join(__dirname, '..', '..', 'fixtures', 'script-mode', 'src');
const ENV = { account: '111122223333', region: 'eu-west-1' };
const SMP_IMAGE = ContainerImage.fromImageUri('658645717510.dkr.ecr.eu-west-1.amazonaws.com/smdistributed-modelparallel:2.4.1-gpu-py311-cu121');
const framework = (f: Framework, version: string) => ContainerImage.framework(f, { version, scope: ImageScope.TRAINING });
const P4D = InstanceType.of('ml.p4d.24xlarge');

function spec(data: IDataBucket, overrides: Partial<TrainingSpecProps>): TrainingSpec {
  return new TrainingSpec({
    image: SMP_IMAGE,
    code: TrainingCode.fromAsset(SRC, { entryPoint: 'train.py' }),
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: P4D, instanceCount: 2 },
    maxRuntime: Duration.minutes(30),
    ...overrides,
  });
}

/** The hyperparameters the distribution adds (the script-mode ones left out), after checking the whole request against the API model. */
function launcherHyperparameters(overrides: Partial<TrainingSpecProps>): Record<string, string> {
  const stack = plainStack('Test', { env: ENV });
  const job = new TrainingJob(stack, 'Train', { spec: spec(new DataBucket(stack, 'Data'), overrides) });
  const r = stack.resolve(job.spec.render(job, { role: job.role }));
  expectValidSageMakerRequest('CreateTrainingJob', { ...r, TrainingJobName: 'x' }, { isDeferred: (v: unknown) => typeof v === 'object' });
  const out: Record<string, string> = { ...r.HyperParameters };
  for (const name of ['sagemaker_program', 'sagemaker_submit_directory', 'sagemaker_region', 'sagemaker_container_log_level']) delete out[name];
  return out;
}

describe('pythonJsonDumps writes json.dumps', () => {
  test.each<[unknown, string]>([
    [{ a: 1, b: [true, null, 'x'] }, '{"a": 1, "b": [true, null, "x"]}'],
    [{ nested: { k: 0.5 } }, '{"nested": {"k": 0.5}}'],
    ['caf\u00e9 \u{1f600} "q"\n', '"caf\\u00e9 \\ud83d\\ude00 \\"q\\"\\n"'],
    [[], '[]'],
    [{}, '{}'],
  ])('%j', (value, python) => expect(pythonJsonDumps(value)).toBe(python));
});

describe('Distribution.modelParallel (SMP v2, torchrun)', () => {
  test('parameters become mp_parameters; torch_distributed launches it', () => {
    // SDK: PyTorch(distribution={"torch_distributed": {"enabled": True}, "smdistributed": {"modelparallel":
    //   {"enabled": True, "parameters": {"hybrid_shard_degree": 8, "tensor_parallel_degree": 2}}}},
    //   instance_type="ml.p4d.24xlarge", image_uri=<SMP image>).hyperparameters()
    expect(launcherHyperparameters({ distribution: Distribution.modelParallel({ hybridShardDegree: 8, tensorParallelDegree: 2 }) })).toEqual({
      mp_parameters: '{"hybrid_shard_degree": 8, "tensor_parallel_degree": 2}',
      sagemaker_distributed_dataparallel_enabled: 'false',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
      sagemaker_torch_distributed_enabled: 'true',
    });
  });

  test('every typed parameter by its SMP v2 name, then the additional ones, in order', () => {
    // SDK: the same, "parameters": {"hybrid_shard_degree": 4, "sm_activation_offloading": True,
    //   "activation_loading_horizon": 2, "fsdp_cache_flush_warnings": False, "allow_empty_shards": True,
    //   "tensor_parallel_degree": 2, "context_parallel_degree": 2, "expert_parallel_degree": 1,
    //   "random_seed": 12345, "delayed_param": True, "moe": {"top_k": 2}}
    const hp = launcherHyperparameters({
      distribution: Distribution.modelParallel({
        hybridShardDegree: 4, smActivationOffloading: true, activationLoadingHorizon: 2, fsdpCacheFlushWarnings: false, allowEmptyShards: true,
        tensorParallelDegree: 2, contextParallelDegree: 2, expertParallelDegree: 1, randomSeed: 12345,
        additionalParameters: { delayed_param: true, moe: { top_k: 2 } },
      }),
    });
    expect(hp.mp_parameters).toBe('{"hybrid_shard_degree": 4, "sm_activation_offloading": true, "activation_loading_horizon": 2, '
      + '"fsdp_cache_flush_warnings": false, "allow_empty_shards": true, "tensor_parallel_degree": 2, "context_parallel_degree": 2, '
      + '"expert_parallel_degree": 1, "random_seed": 12345, "delayed_param": true, "moe": {"top_k": 2}}');
  });

  test('no parameters: no mp_parameters (get_mp_parameters returns {}, which is falsy)', () => {
    // SDK: "modelparallel": {"enabled": True} -> _distribution_configuration skips mp_parameters
    expect(launcherHyperparameters({ distribution: Distribution.modelParallel() })).toEqual({
      sagemaker_distributed_dataparallel_enabled: 'false',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
      sagemaker_torch_distributed_enabled: 'true',
    });
  });
});

describe('Distribution.modelParallelV1 (SMP v1, MPI)', () => {
  test('PyTorch: the MPI launcher and mp_parameters', () => {
    // SDK: PyTorch(framework_version="1.13.1", instance_type="ml.p4d.24xlarge", distribution={
    //   "smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2, "microbatches": 4,
    //     "pipeline": "interleaved", "optimize": "speed", "placement_strategy": "spread", "ddp": True}}},
    //   "mpi": {"enabled": True, "processes_per_host": 8, "custom_mpi_options": "--mca btl_vader_single_copy_mechanism none"}})
    // -> _distribution_configuration (torch_distributed not enabled)
    expect(launcherHyperparameters({
      image: framework(Framework.PYTORCH, '1.13.1'),
      distribution: Distribution.modelParallelV1({
        partitions: 2, microbatches: 4, pipeline: ModelParallelPipeline.INTERLEAVED, optimize: ModelParallelOptimize.SPEED,
        placementStrategy: ModelParallelPlacement.SPREAD, ddp: true,
        processesPerHost: 8, customMpiOptions: '--mca btl_vader_single_copy_mechanism none',
      }),
    })).toEqual({
      sagemaker_mpi_enabled: 'true',
      sagemaker_mpi_num_of_processes_per_host: '8',
      sagemaker_mpi_custom_mpi_options: '"--mca btl_vader_single_copy_mechanism none"',
      mp_parameters: '{"partitions": 2, "microbatches": 4, "pipeline": "interleaved", "optimize": "speed", "placement_strategy": "spread", "ddp": true}',
      sagemaker_distributed_dataparallel_enabled: 'false',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
    });
  });

  test('PyTorch: pipeline_parallel_degree, tensor parallelism, sharded data parallelism and additional parameters', () => {
    // SDK: "parameters": {"pipeline_parallel_degree": 2, "memory_weight": 0.4, "ddp": True, "ddp_port": 29501,
    //   "ddp_dist_backend": "nccl", "active_microbatches": 4, "tensor_parallel_degree": 4,
    //   "sharded_data_parallel_degree": 1, "fp16": True, "sdp_reduce_bucket_size": 500000000}, "mpi": {"enabled": True}
    expect(launcherHyperparameters({
      image: framework(Framework.PYTORCH, '1.13.1'),
      distribution: Distribution.modelParallelV1({
        pipelineParallelDegree: 2, memoryWeight: 0.4, ddp: true, ddpPort: 29501, ddpDistBackend: 'nccl', activeMicrobatches: 4,
        tensorParallelDegree: 4, shardedDataParallelDegree: 1, fp16: true, additionalParameters: { sdp_reduce_bucket_size: 500000000 },
      }),
    })).toEqual({
      sagemaker_mpi_enabled: 'true',
      sagemaker_mpi_custom_mpi_options: '""',
      mp_parameters: '{"pipeline_parallel_degree": 2, "memory_weight": 0.4, "ddp": true, "ddp_port": 29501, "ddp_dist_backend": "nccl", '
        + '"active_microbatches": 4, "tensor_parallel_degree": 4, "sharded_data_parallel_degree": 1, "fp16": true, "sdp_reduce_bucket_size": 500000000}',
      sagemaker_distributed_dataparallel_enabled: 'false',
      sagemaker_instance_type: '"ml.p4d.24xlarge"',
    });
  });

  test('TensorFlow with Horovod', () => {
    // SDK: TensorFlow(framework_version="2.6.3", instance_type="ml.p3.16xlarge", distribution={
    //   "smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2, "auto_partition": False,
    //     "default_partition": 1, "contiguous": False, "horovod": True}}}, "mpi": {"enabled": True, "processes_per_host": 8}})
    // (TensorFlow.hyperparameters also adds model_dir "/opt/ml/model" under MPI, which the library does not write for any TensorFlow job)
    const hp = launcherHyperparameters({
      image: framework(Framework.TENSORFLOW, '2.6.3'),
      resources: { instanceType: InstanceType.of('ml.p3.16xlarge'), instanceCount: 2 },
      distribution: Distribution.modelParallelV1({ partitions: 2, autoPartition: false, defaultPartition: 1, contiguous: false, horovod: true, processesPerHost: 8 }),
    });
    expect(hp).toEqual({
      sagemaker_mpi_enabled: 'true',
      sagemaker_mpi_num_of_processes_per_host: '8',
      sagemaker_mpi_custom_mpi_options: '""',
      mp_parameters: '{"partitions": 2, "auto_partition": false, "default_partition": 1, "contiguous": false, "horovod": true}',
      sagemaker_distributed_dataparallel_enabled: 'false',
      sagemaker_instance_type: '"ml.p3.16xlarge"',
    });
  });
});

describe('model parallelism: what the SDK refuses fails at synth, naming the construct, the value and what is allowed', () => {
  const v1 = (o: Parameters<typeof Distribution.modelParallelV1>[0]) => ({ image: framework(Framework.PYTORCH, '1.13.1'), distribution: Distribution.modelParallelV1(o) });
  const cpuGroups = { instanceGroups: [{ name: 'cpu', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 }, { name: 'gpu', instanceType: P4D, instanceCount: 2 }] };
  test.each<[string, Partial<TrainingSpecProps>, RegExp]>([
    // fw_utils.validate_mp_config
    ['v1 without partitions (the library requires them)', v1({ microbatches: 4 }), /distribution smdistributed modelparallel without partitions: the library requires the number of partitions \(partitions, or pipelineParallelDegree for PyTorch\)/],
    ['a pipeline it does not know (additionalParameters)', v1({ partitions: 2, additionalParameters: { pipeline: 'fast' } }), /distribution smdistributed modelparallel pipeline 'fast': use one of simple, interleaved, _only_forward/],
    ['a placement strategy it does not know', v1({ partitions: 2, additionalParameters: { placement_strategy: 'DPT' } }), /placement_strategy 'DPT': use one of spread, cluster/],
    ['microbatches below 1', v1({ partitions: 2, microbatches: 0 }), /distribution smdistributed modelparallel microbatches 0: use a whole number, 1 or more/],
    ['partitions not a whole number', v1({ partitions: 1.5 }), /partitions 1.5: use a whole number, 1 or more/],
    ['a boolean parameter that is not a boolean', v1({ partitions: 2, additionalParameters: { load_partition: 'yes' } }), /load_partition 'yes': use true or false/],
    ['partition_file not a string', v1({ partitions: 2, additionalParameters: { partition_file: 3 } }), /partition_file 3: use a string/],
    ['auto_partition off without default_partition', v1({ partitions: 2, autoPartition: false }), /auto_partition false without default_partition: give default_partition/],
    ['default_partition not below partitions', v1({ partitions: 2, defaultPartition: 2 }), /default_partition 2 with partitions 2: it must be less than partitions \(0 to 1\)/],
    ['default_partition without partitions', v1({ pipelineParallelDegree: 2, defaultPartition: 0 }), /default_partition 0 without partitions: give partitions/],
    ['memory_weight above 1', v1({ partitions: 2, memoryWeight: 1.5 }), /memory_weight 1.5: use a number from 0.0 to 1.0/],
    ['ddp_port without ddp', v1({ partitions: 2, ddpPort: 29501 }), /ddp_port 29501 without ddp: set ddp as well/],
    ['ddp_dist_backend without ddp', v1({ partitions: 2, ddpDistBackend: 'nccl' }), /ddp_dist_backend 'nccl' without ddp: set ddp as well/],
    ['a negative ddp_port', v1({ partitions: 2, ddp: true, ddpPort: -1 }), /ddp_port -1: use a port number/],
    ['ddp and horovod together', v1({ partitions: 2, ddp: true, horovod: true }), /distribution smdistributed modelparallel with both ddp and horovod: enable at most one of them/],
    ['SMP v2 parameters are validated the same way', { distribution: Distribution.modelParallel({ additionalParameters: { microbatches: -1 } }) }, /distribution smdistributed modelparallel v2 microbatches -1: use a whole number, 1 or more/],
    ['a typed option again in additionalParameters', v1({ partitions: 2, additionalParameters: { partitions: 4 } }), /additionalParameters.partitions is also a typed option; give it once, as the typed option/],
    ['a deploy-time value', v1({ partitions: Token.asNumber({ Ref: 'Partitions' }) }), /partitions is a deploy-time value: mp_parameters are validated and written as JSON at synth; give a literal/],
    // estimator.Framework._distribution_configuration
    ['SMP v1 on p5', { ...v1({ partitions: 2 }), resources: { instanceType: InstanceType.of('ml.p5.48xlarge') } }, /distribution smdistributed modelparallel on ml.p5.48xlarge: SMP v1 does not support p5 instances; use Distribution.modelParallel\(\)/],
    ['SMP v1 with the image the SDK refuses (CUDA 12.1)', { ...v1({ partitions: 2 }), image: ContainerImage.fromImageUri('763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.0.1-gpu-py310-cu121-ubuntu20.04-sagemaker') }, /SMP v1 is incompatible with the 2.0.1-gpu-py310-cu121 images/],
    ['SMP v1 with a scikit-learn image', { ...v1({ partitions: 2 }), image: framework(Framework.SKLEARN, '1.2-1') }, /distribution smdistributed modelparallel needs a PyTorch, TensorFlow or Hugging Face image, got framework sklearn 1.2-1 \(training\)/],
    // fw_utils.validate_distribution_for_instance_type: several strategies (smdistributed + torch_distributed) on Trainium
    ['SMP v1 on Trainium', { ...v1({ partitions: 2 }), resources: { instanceType: InstanceType.of('ml.trn1.32xlarge') } }, /distribution smdistributed modelparallel on ml.trn1.32xlarge: Trainium instances support only Distribution.torchDistributed\(\)/],
    ['SMP v2 on Trainium', { distribution: Distribution.modelParallel(), resources: { instanceType: InstanceType.of('ml.trn1.32xlarge') } }, /distribution smdistributed modelparallel v2 on ml.trn1.32xlarge: Trainium instances support only Distribution.torchDistributed\(\)/],
    // image_uris.get_training_image_uri: pytorch-smp (GPU only, its versions), the image the SDK picks
    ['SMP v2 on a CPU instance', { distribution: Distribution.modelParallel(), resources: { instanceType: InstanceType.ML_M5_XLARGE } }, /distribution smdistributed modelparallel v2 on ml.m5.xlarge: the SMP v2 image is for GPU instances only/],
    ['SMP v2 with the PyTorch framework image', { distribution: Distribution.modelParallel(), image: framework(Framework.PYTORCH, '2.4.0') }, /distribution smdistributed modelparallel v2 does not support PyTorch 2.4.0: the SDK has SMP v2 images for 2.0, 2.0.1, 2.1, 2.1.2, 2.2, 2.2.0, 2.3.0, 2.3.1, 2.4.1, 2.5.0, 2.5.1, 2.7.0, 2.8.0/],
    ['SMP v2 with a TensorFlow image', { distribution: Distribution.modelParallel(), image: framework(Framework.TENSORFLOW, '2.16.2') }, /distribution smdistributed modelparallel v2 needs PyTorch \(the SMP v2 image\), got framework tensorflow 2.16.2 \(training\)/],
    // heterogeneous clusters: _distribution_configuration refuses instance groups without mpi or smddp (SMP v2); SMP does not run in one group
    ['SMP v2 in a heterogeneous cluster', { distribution: Distribution.modelParallel(), resources: cpuGroups }, /distribution smdistributed modelparallel v2 with instanceGroups: SageMaker runs only MPI and smdistributed dataparallel in one group/],
    ['SMP v1 in a heterogeneous cluster', { ...v1({ partitions: 2 }), resources: cpuGroups }, /distribution smdistributed modelparallel with instanceGroups: SageMaker runs only MPI and smdistributed dataparallel in one group/],
    // mixing with other strategies: one distribution per spec; their hyperparameters by hand are refused
    ['mp_parameters by hand as well', { distribution: Distribution.modelParallel({ tensorParallelDegree: 2 }), hyperparameters: { mp_parameters: '{}' } }, /hyperparameter mp_parameters is set by distribution \(smdistributed modelparallel v2\): remove it from hyperparameters/],
    ['smddp switched on by hand', { distribution: Distribution.modelParallel(), hyperparameters: { sagemaker_distributed_dataparallel_enabled: true } }, /hyperparameter sagemaker_distributed_dataparallel_enabled is set by distribution \(smdistributed modelparallel v2\)/],
    ['MPI processes per host below 1', v1({ partitions: 2, processesPerHost: 0 }), /invalid mpi processesPerHost 0: use a whole number, 1 or more/],
  ])('%s', (_what, overrides, message) => {
    const stack = plainStack('Test', { env: ENV });
    const data = new DataBucket(stack, 'Data');
    let error: Error | undefined;
    try {
      new TrainingJob(stack, 'Train', { spec: spec(data, overrides) });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^\[Test\/Train\] /);
    expect(error?.message).toMatch(message);
  });
});

describe("SMP v2 with a PyTorch framework image trains in the SMP image the SDK's get_training_image_uri picks", () => {
  // image_uri_config/pytorch-smp.json from the generator's vendored SDK input, not from the table
  const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'sdk-image-uri-config.json.gz');
  const smp = JSON.parse(zlib.gunzipSync(fs.readFileSync(FIXTURE)).toString('utf8')).configs['pytorch-smp'].training;
  /** get_training_image_uri's container version: substring tests on the version and the instance type. */
  const cuda = (version: string, instanceType: string) => version.includes('2.5') ? 'cu124' : instanceType.includes('p5') || ['2.1', '2.2', '2.3', '2.4'].some((v) => version.includes(v)) ? 'cu121' : 'cu118';

  test('every version and alias, on p4d and p5, in every region the SDK lists', () => {
    const mismatches: string[] = [];
    let checked = 0;
    const versions = [...Object.keys(smp.versions), ...Object.keys(smp.version_aliases)];
    const stacks = new Map<string, { stack: Stack; data: IDataBucket; role: iam.IRole }>();
    for (const version of versions) {
      const config = smp.versions[smp.version_aliases[version] ?? version];
      for (const instanceType of ['ml.p4d.24xlarge', 'ml.p5.48xlarge']) {
        for (const [region, account] of Object.entries<string>(config.registries)) {
          if (!stacks.has(region)) {
            const stack = plainStack('Test', { env: { account: '111122223333', region } });
            stacks.set(region, { stack, data: new DataBucket(stack, 'Data'), role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }) });
          }
          const { stack, data, role } = stacks.get(region)!;
          const s = spec(data, { distribution: Distribution.modelParallel(), image: framework(Framework.PYTORCH, version), resources: { instanceType: InstanceType.of(instanceType), instanceCount: 2 } });
          const image = stack.resolve(s.render(new Construct(stack, `Spec${checked}`), { role })).AlgorithmSpecification.TrainingImage;
          const expected = `${account}.dkr.ecr.${region}.amazonaws.com/${config.repository}:${version}-gpu-${config.py_versions[0]}-${cuda(version, instanceType)}`;
          checked++;
          if (image !== expected) mismatches.push(`${version} ${instanceType} ${region}: ${image}, SDK ${expected}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(400);
  });

  test('a region without the SMP v2 image', () => {
    const stack = plainStack('Test', { env: { account: '111122223333', region: 'af-south-1' } });
    const data = new DataBucket(stack, 'Data');
    expect(() => new TrainingJob(stack, 'Train', { spec: spec(data, { distribution: Distribution.modelParallel(), image: framework(Framework.PYTORCH, '2.3.0') }) }))
      .toThrow(/\[Test\/Train\] region 'af-south-1' has no pytorch-smp 2\.3\.0 \(training\) image \(smdistributed-modelparallel\): deploy to one of ap-northeast-1, /);
  });

  test('an environment-agnostic stack gets the account from a mapping', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const job = new TrainingJob(stack, 'Train', { spec: spec(data, { distribution: Distribution.modelParallel(), image: framework(Framework.PYTORCH, '2.0.1') }) });
    const image = JSON.stringify(stack.resolve(job.spec.render(job, { role: job.role })).AlgorithmSpecification.TrainingImage);
    expect(image).toMatch(/Fn::FindInMap.*SageMakerImageRegistry.*smdistributed-modelparallel:2\.0\.1-gpu-py310-cu118/);
  });
});

