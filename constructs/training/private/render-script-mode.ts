import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  DATA_PARALLEL_FRAMEWORK_VERSIONS, DATA_PARALLEL_INSTANCE_TYPES, frameworkOf, isGpuInstance, isTrainiumInstance, TORCH_DISTRIBUTED_GPU_VERSIONS,
  TORCH_DISTRIBUTED_TRAINIUM_VERSIONS,
} from './distribution-rules';
import {
  mpConfigProblems, mpTokenProblems, SMP_V1_UNSUPPORTED_IMAGE_TAGS, SMP_V1_UNSUPPORTED_INSTANCE, SMP_V2_IMAGE_KEY, smpV2ContainerVersion, smpV2PytorchVersions,
} from './model-parallel-rules';
import { EncodedHyperparameter, pythonJsonDumps } from '../../private/python-json';
import { ContainerImage } from '../../core/container-image';
import type { ImageFacts } from '../../core/private/image-facts';
import { describeValue, ProblemList } from '../../private/errors';
import type { Distribution, TrainingCode, TrainingCodeConfig } from '../training-code';
import type { TrainingResources } from '../training-resources';

/** The hyperparameters the framework containers' script mode reads, besides the user's. */
const SCRIPT_MODE_NAMES = ['sagemaker_program', 'sagemaker_submit_directory', 'sagemaker_region', 'sagemaker_container_log_level', 'sagemaker_job_name'];
/** logging.INFO, the SDK's default container log level. */
const CONTAINER_LOG_LEVEL = 20;

/**
 * A hyperparameter value as the SDK's framework estimators encode it (`json.dumps`, so `[64, 128]`
 * and `"caf\u00e9"`): strings quoted, numbers and booleans as JSON. A deploy-time value (a token)
 * goes as it is, as the SDK passes pipeline variables (`to_string()`); the containers decode what
 * is not JSON as a plain string.
 */
function jsonEncoded(value: unknown): string | undefined {
  if (value instanceof EncodedHyperparameter) return value.text;
  if (typeof value === 'string') return Token.isUnresolved(value) ? value : pythonJsonDumps(value);
  if (typeof value === 'number') return Token.isUnresolved(value) ? Token.asString(value) : Number.isFinite(value) ? pythonJsonDumps(value) : undefined;
  if (typeof value === 'boolean') return pythonJsonDumps(value);
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
    try {
      JSON.stringify(value); // a cycle or a value JSON cannot hold throws here
      return pythonJsonDumps(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface ScriptModeInput {
  readonly code?: TrainingCode;
  readonly distribution?: Distribution;
  readonly hyperparameters?: { [name: string]: unknown };
  readonly resources: TrainingResources;
  readonly facts?: ImageFacts;
  readonly hasImage: boolean;
}

/**
 * The hyperparameters of a spec with `code` or `distribution` (the user's JSON-encoded, plus the
 * script-mode and launcher ones), the code's location, and the image to train in instead of the
 * spec's (SMP v2 with a PyTorch framework image: the SMP image, as the SDK picks it); undefined when
 * the spec has neither code nor distribution.
 */
export function renderScriptMode(scope: IConstruct, problems: ProblemList, input: ScriptModeInput): { hyperparameters: { [name: string]: unknown }; code?: TrainingCodeConfig; image?: ContainerImage } | undefined {
  const { code, distribution, facts } = input;
  if (!code && !distribution) return undefined;
  const user = input.hyperparameters ?? {};
  if (code) {
    if (!input.hasImage) problems.add('code runs in the script mode of a framework image: give image (e.g. ContainerImage.framework(Framework.PYTORCH, ...)), not algorithmName');
    if (facts?.builtInAlgorithm && facts.builtInAlgorithm !== 'xgboost' && facts.description.startsWith('built-in algorithm')) {
      problems.add(`code was given for the ${facts.description} image, which runs its own algorithm, not scripts: use a framework image (PyTorch, TensorFlow, scikit-learn, XGBoost, Hugging Face)`);
    }
    for (const name of SCRIPT_MODE_NAMES) {
      if (name in user) problems.add(`hyperparameter ${name} is set by code: remove it from hyperparameters`);
    }
  } else if (!('sagemaker_program' in user)) {
    problems.add(`distribution (${distribution!._name}) is read by the framework containers' script mode: give code (TrainingCode.fromAsset(dir, { entryPoint }))`);
  }
  let bound: TrainingCodeConfig | undefined;
  try {
    bound = code?.bind(scope as never);
  } catch (e) {
    problems.add((e as Error).message.replace(/^\[[^\]]*\] /, ''));
  }

  const out: { [name: string]: unknown } = {};
  for (const [name, value] of Object.entries(user)) {
    const encoded = jsonEncoded(value);
    if (encoded === undefined) problems.add(`hyperparameter ${name} is ${describeValue(value)}: use a string, a finite number, a boolean, or a JSON array or object`);
    else out[name] = encoded;
  }
  if (bound) {
    out.sagemaker_program = pythonJsonDumps(bound.entryPoint);
    out.sagemaker_submit_directory = `"${bound.location.uri}"`;
    out.sagemaker_region = `"${Stack.of(scope).region}"`;
    out.sagemaker_container_log_level = JSON.stringify(CONTAINER_LOG_LEVEL);
  }
  let image: ContainerImage | undefined;
  if (distribution) {
    const group = checkDistribution(problems, distribution, input.resources, facts);
    if (distribution._modelParallel) image = checkModelParallel(problems, distribution, group.instanceType, facts);
    for (const [name, value] of Object.entries(distribution._hyperparameters(group.instanceType, group.instanceGroup))) {
      if (name in user) problems.add(`hyperparameter ${name} is set by distribution (${distribution._name}): remove it from hyperparameters`);
      out[name] = jsonEncoded(value);
    }
  }
  return { hyperparameters: out, code: bound, image };
}

/** The launcher's checks; returns the instance type (and group) the launcher runs on. */
function checkDistribution(problems: ProblemList, d: Distribution, resources: TrainingResources, facts?: ImageFacts): { instanceType?: string; instanceGroup?: string } {
  const groups = resources.instanceGroups ?? [];
  let instanceType = resources.instanceType?.name;
  let instanceGroup: string | undefined;
  if (groups.length > 0) {
    if (!d._supportsInstanceGroups) {
      problems.add(`distribution ${d._name} with instanceGroups: SageMaker runs only MPI and smdistributed dataparallel in one group of a heterogeneous cluster; use Distribution.mpi() or Distribution.dataParallel() with instanceGroup, or one instance type`);
    } else if (d._instanceGroup === undefined && groups.length > 1) {
      problems.add(`distribution ${d._name} with ${groups.length} instance groups: name the group that trains (instanceGroup: one of ${groups.map((g) => g.name).join(', ')})`);
    } else {
      const chosen = d._instanceGroup === undefined ? groups[0] : groups.find((g) => g.name === d._instanceGroup);
      if (!chosen) problems.add(`distribution instanceGroup ${describeValue(d._instanceGroup)} is not one of resources.instanceGroups (${groups.map((g) => g.name).join(', ')})`);
      instanceGroup = chosen?.name;
      instanceType = chosen?.instanceType.name;
    }
  } else if (d._instanceGroup !== undefined) {
    problems.add(`distribution instanceGroup ${describeValue(d._instanceGroup)} was given without resources.instanceGroups: it names a group of a heterogeneous cluster`);
  }
  if (d._processesPerHost !== undefined && !Token.isUnresolved(d._processesPerHost) && (!Number.isInteger(d._processesPerHost) || d._processesPerHost < 1)) {
    problems.add(`invalid mpi processesPerHost ${describeValue(d._processesPerHost)}: use a whole number, 1 or more`);
  }
  const fw = facts ? frameworkOf(facts.description) : undefined;
  const literalType = instanceType !== undefined && !Token.isUnresolved(instanceType) ? instanceType : undefined;
  if (literalType && isTrainiumInstance(literalType) && d._name !== 'torch_distributed') {
    problems.add(`distribution ${d._name} on ${literalType}: Trainium instances support only Distribution.torchDistributed()`);
  }
  switch (d._name) {
    case 'smdistributed dataparallel':
      if (literalType && !DATA_PARALLEL_INSTANCE_TYPES.includes(literalType)) {
        problems.add(`distribution smdistributed dataparallel on ${literalType}: it runs only on ${DATA_PARALLEL_INSTANCE_TYPES.join(', ')}; use Distribution.torchDistributed() elsewhere (e.g. on ml.p5.48xlarge)`);
      }
      if (fw && !(fw.framework in DATA_PARALLEL_FRAMEWORK_VERSIONS)) {
        problems.add(`distribution smdistributed dataparallel needs a PyTorch or TensorFlow image, got ${facts!.description}`);
      } else if (fw && !DATA_PARALLEL_FRAMEWORK_VERSIONS[fw.framework].includes(fw.version)) {
        problems.add(`distribution smdistributed dataparallel does not support ${fw.framework} ${fw.version}: use one of ${DATA_PARALLEL_FRAMEWORK_VERSIONS[fw.framework].join(', ')}`);
      }
      break;
    case 'torch_distributed': {
      if (fw && fw.framework !== 'pytorch') problems.add(`distribution torch_distributed needs a PyTorch image, got ${facts!.description}`);
      if (literalType && !isGpuInstance(literalType) && !isTrainiumInstance(literalType)) {
        problems.add(`distribution torch_distributed on ${literalType}: it runs on GPU (ml.p*, ml.g*) and Trainium (ml.trn*) instances`);
      } else if (fw?.framework === 'pytorch' && literalType) {
        const versions = isTrainiumInstance(literalType) ? TORCH_DISTRIBUTED_TRAINIUM_VERSIONS : TORCH_DISTRIBUTED_GPU_VERSIONS;
        if (!versions.includes(fw.version)) problems.add(`distribution torch_distributed on ${literalType} does not support PyTorch ${fw.version}: use one of ${versions.join(', ')}`);
      }
      break;
    }
    case 'parameter_server':
    case 'multi_worker_mirrored_strategy':
      if (fw && fw.framework !== 'tensorflow') problems.add(`distribution ${d._name} needs a TensorFlow image, got ${facts!.description}`);
      break;
    default:
      break;
  }
  return { instanceType, instanceGroup };
}

/**
 * The SDK's checks of the model parallelism library (see model-parallel-rules.ts): its parameters
 * (`validate_mp_config`), the instance and image `_distribution_configuration` refuses for SMP v1.
 * For SMP v2 with a PyTorch framework image, returns the SMP image `get_training_image_uri` picks
 * for that PyTorch version instead (the framework image has no SMP v2).
 */
function checkModelParallel(problems: ProblemList, d: Distribution, instanceType: string | undefined, facts: ImageFacts | undefined): ContainerImage | undefined {
  const mp = d._modelParallel!;
  const what = `distribution ${d._name}`;
  for (const name of mp.duplicates) problems.add(`${what}: additionalParameters.${name} is also a typed option; give it once, as the typed option`);
  const tokens = mpTokenProblems(what, mp.parameters);
  tokens.forEach((t) => problems.add(t));
  if (tokens.length === 0) mpConfigProblems(what, mp.parameters).forEach((t) => problems.add(t));
  const literalType = instanceType !== undefined && !Token.isUnresolved(instanceType) ? instanceType : undefined;
  const fw = facts ? frameworkOf(facts.description) : undefined;
  if (mp.version === 1) {
    if (!('partitions' in mp.parameters) && !('pipeline_parallel_degree' in mp.parameters)) {
      problems.add(`${what} without partitions: the library requires the number of partitions (partitions, or pipelineParallelDegree for PyTorch)`);
    }
    if (literalType?.includes(SMP_V1_UNSUPPORTED_INSTANCE)) {
      problems.add(`${what} on ${literalType}: SMP v1 does not support p5 instances; use Distribution.modelParallel() (SMP v2, launched by torchrun)`);
    }
    const tag = SMP_V1_UNSUPPORTED_IMAGE_TAGS.find((t) => facts?.description.includes(t));
    if (tag && facts && !fw) problems.add(`${what} with ${facts.description}: SMP v1 is incompatible with the ${tag} images (CUDA above 11); use another image or Distribution.modelParallel() (SMP v2)`);
    if (fw && !['pytorch', 'tensorflow', 'huggingface'].includes(fw.framework)) {
      problems.add(`${what} needs a PyTorch, TensorFlow or Hugging Face image, got ${facts!.description}`);
    }
    return undefined;
  }
  if (literalType && !isTrainiumInstance(literalType) && !isGpuInstance(literalType)) {
    problems.add(`${what} on ${literalType}: the SMP v2 image is for GPU instances only (ml.p*, ml.g*)`);
  }
  if (!fw || fw.framework === SMP_V2_IMAGE_KEY) return undefined;
  if (fw.framework !== 'pytorch') {
    problems.add(`${what} needs PyTorch (the SMP v2 image), got ${facts!.description}`);
    return undefined;
  }
  const versions = smpV2PytorchVersions();
  if (!versions.includes(fw.version)) {
    problems.add(`${what} does not support PyTorch ${fw.version}: the SDK has SMP v2 images for ${versions.join(', ')}`);
    return undefined;
  }
  return ContainerImage._awsOwned({ key: SMP_V2_IMAGE_KEY, scope: 'training', version: fw.version, versionRequired: true, instanceType: literalType, containerVersion: smpV2ContainerVersion(fw.version, literalType) });
}
