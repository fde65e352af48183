/**
 * The SageMaker model parallelism library (SMP) as the SageMaker Python SDK v2 validates and
 * serializes it (aws/sagemaker-python-sdk@8326c232e7cd5f18688772e7516cf792b993b685, the parent of
 * 6a4e16583938ad8ac8707e4558463d069702569b): `fw_utils.validate_mp_config` and `get_mp_parameters`,
 * `estimator.Framework._distribution_configuration`, `image_uris.get_training_image_uri` and
 * `image_uri_config/pytorch-smp.json`. The SDK refuses anything else before it calls
 * CreateTrainingJob, and so do we, at synth.
 */
import { Token } from 'aws-cdk-lib';
import { describeValue } from '../../private/errors';
import { compareVersions, tableAliases, tableVersions } from '../../core/private/aws-images';

/** What the model parallelism checks read (`Distribution._modelParallel`). */
export interface ModelParallelConfig {
  /** 1 (SMP v1, launched by MPI) or 2 (SMP v2, launched by torchrun). */
  readonly version: number;
  /** The parameters, typed ones first then the additional ones, as `mp_parameters` has them. */
  readonly parameters: { [name: string]: unknown };
  /** Names given both as a typed option and in `additionalParameters`. */
  readonly duplicates: string[];
}

/** validate_mp_config's `validate_in` lists. */
export const MP_PIPELINES = ['simple', 'interleaved', '_only_forward'];
export const MP_PLACEMENT_STRATEGIES = ['spread', 'cluster'];
export const MP_OPTIMIZE = ['speed', 'memory'];
/** validate_mp_config's `validate_positive` keys. */
const MP_POSITIVE = ['microbatches', 'partitions', 'active_microbatches'];
/** validate_mp_config's `validate_bool` keys. */
const MP_BOOLEAN = ['auto_partition', 'contiguous', 'load_partition', 'horovod', 'ddp', 'deterministic_server'];

/**
 * The problems `validate_mp_config` raises (each `ValueError`, and the `KeyError` of a
 * `default_partition` without `partitions`), in its order. `what` names the distribution.
 */
export function mpConfigProblems(what: string, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const has = (key: string) => key in config;
  const inList = (key: string, values: string[]) => {
    if (has(key) && !values.includes(config[key] as string)) problems.push(`${what} ${key} ${describeValue(config[key])}: use one of ${values.join(', ')}`);
  };
  inList('pipeline', MP_PIPELINES);
  inList('placement_strategy', MP_PLACEMENT_STRATEGIES);
  inList('optimize', MP_OPTIMIZE);
  for (const key of MP_POSITIVE) {
    if (has(key) && !(Number.isInteger(config[key]) && (config[key] as number) >= 1)) problems.push(`${what} ${key} ${describeValue(config[key])}: use a whole number, 1 or more`);
  }
  for (const key of MP_BOOLEAN) {
    if (has(key) && typeof config[key] !== 'boolean') problems.push(`${what} ${key} ${describeValue(config[key])}: use true or false`);
  }
  if (has('partition_file') && typeof config.partition_file !== 'string') problems.push(`${what} partition_file ${describeValue(config.partition_file)}: use a string (a path)`);
  if (config.auto_partition === false && !has('default_partition')) problems.push(`${what} auto_partition false without default_partition: give default_partition (the partition of modules outside smp.partition contexts)`);
  if (has('default_partition')) {
    if (!has('partitions')) {problems.push(`${what} default_partition ${describeValue(config.default_partition)} without partitions: give partitions (default_partition must be less than it)`);} else if (typeof config.default_partition === 'number' && typeof config.partitions === 'number' && config.default_partition >= config.partitions) {
      problems.push(`${what} default_partition ${describeValue(config.default_partition)} with partitions ${describeValue(config.partitions)}: it must be less than partitions (0 to ${config.partitions - 1})`);
    }
  }
  if (has('memory_weight') && !(typeof config.memory_weight === 'number' && config.memory_weight >= 0 && config.memory_weight <= 1)) {
    problems.push(`${what} memory_weight ${describeValue(config.memory_weight)}: use a number from 0.0 to 1.0`);
  }
  if (has('ddp_port') && !has('ddp')) problems.push(`${what} ddp_port ${describeValue(config.ddp_port)} without ddp: set ddp as well`);
  if (has('ddp_dist_backend') && !has('ddp')) problems.push(`${what} ddp_dist_backend ${describeValue(config.ddp_dist_backend)} without ddp: set ddp as well`);
  if (has('ddp_port') && !(Number.isInteger(config.ddp_port) && (config.ddp_port as number) >= 0)) problems.push(`${what} ddp_port ${describeValue(config.ddp_port)}: use a port number (a whole number, 0 or more)`);
  if (config.horovod && config.ddp) problems.push(`${what} with both ddp and horovod: enable at most one of them`);
  return problems;
}

/** The problem of a parameter that is a token: the SDK validates and serializes them before the job. */
export function mpTokenProblems(what: string, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const walk = (key: string, value: unknown) => {
    if ((typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value)) {
      problems.push(`${what} ${key} is a deploy-time value: mp_parameters are validated and written as JSON at synth; give a literal`);
    } else if (Array.isArray(value)) {value.forEach((v) => walk(key, v));} else if (value !== null && typeof value === 'object') {Object.values(value).forEach((v) => walk(key, v));}
  };
  for (const [key, value] of Object.entries(config)) walk(key, value);
  return problems;
}

/** `p5.48xlarge`: SMP v1 and smddp refuse it unless torch_distributed launches them. */
export const SMP_V1_UNSUPPORTED_INSTANCE = 'p5.48xlarge';
/** Framework.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM: image tags SMP v1 and smddp refuse without torch_distributed. */
export const SMP_V1_UNSUPPORTED_IMAGE_TAGS = ['2.0.1-gpu-py310-cu121'];

/**
 * The PyTorch versions the SDK finds an SMP v2 image for: the versions of `pytorch-smp` in the image
 * table (image_uri_config/pytorch-smp.json) and their aliases.
 */
export function smpV2PytorchVersions(): string[] {
  return [...new Set([...tableVersions(SMP_V2_IMAGE_KEY), ...tableAliases(SMP_V2_IMAGE_KEY, 'training')])].sort(compareVersions);
}

/** The image table's key of the SMP v2 image. */
export const SMP_V2_IMAGE_KEY = 'pytorch-smp';

/**
 * The container version (CUDA) `get_training_image_uri` gives the SMP v2 image, by its substring
 * tests: cu124 for PyTorch 2.5, cu121 on p5 instances and for PyTorch 2.1-2.4, else cu118.
 */
export function smpV2ContainerVersion(version: string, instanceType: string | undefined): string {
  if (version.includes('2.5')) return 'cu124';
  if ((instanceType !== undefined && !Token.isUnresolved(instanceType) && instanceType.includes('p5')) || ['2.1', '2.2', '2.3', '2.4'].some((v) => version.includes(v))) return 'cu121';
  return 'cu118';
}
