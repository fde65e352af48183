import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { AssetLocation } from './private/asset-location';
import type { ModelParallelConfig } from './private/model-parallel-rules';
import { EncodedHyperparameter, pythonJsonDumps } from '../private/python-json';
import { S3Location } from '../core/s3-location';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { tarGzip } from '../private/tar';

/** Options of a training script. */
export interface TrainingCodeOptions {
  /**
   * The script the framework container runs (`train.py`), relative to the source directory. A
   * `requirements.txt` at the top of the directory is installed first by the container.
   */
  readonly entryPoint: string;
}

/** Where a training script's code is, once bound. */
export interface TrainingCodeConfig {
  /** The S3 location of `sourcedir.tar.gz`. */
  readonly location: S3Location;
  /** The entry point, relative to the source directory. */
  readonly entryPoint: string;
}

/**
 * Your training code for the script mode of SageMaker's framework containers (PyTorch, TensorFlow,
 * scikit-learn, XGBoost, Hugging Face): a source directory packed as `sourcedir.tar.gz` and an
 * entry point. The spec sets the hyperparameters those containers read (`sagemaker_program`,
 * `sagemaker_submit_directory`, `sagemaker_region`, `sagemaker_container_log_level`), as the
 * SageMaker Python SDK's estimators do, and JSON-encodes your hyperparameters as they do.
 */
export abstract class TrainingCode {
  /**
   * A local directory, packed at synth into a deterministic `sourcedir.tar.gz` (the same files give
   * the same archive, so an unchanged directory never retrains) and uploaded as a file asset.
   * `.git`, `__pycache__` and `*.pyc` are left out.
   */
  public static fromAsset(directory: string, options: TrainingCodeOptions): TrainingCode {
    return new AssetTrainingCode(directory, options.entryPoint);
  }

  /** A `sourcedir.tar.gz` already in S3 (e.g. built by your CI). */
  public static fromS3(location: S3Location, options: TrainingCodeOptions): TrainingCode {
    return new S3TrainingCode(location, options.entryPoint);
  }

  /** Checks the code and returns where it is; a local directory becomes an asset of `scope`. */
  public abstract bind(scope: Construct): TrainingCodeConfig;
}

/** The entry point's problem, if any: a relative path inside the source directory. */
function entryPointProblem(entryPoint: string): string | undefined {
  if (Token.isUnresolved(entryPoint)) return undefined;
  if (entryPoint.length === 0 || entryPoint.startsWith('/') || entryPoint.split('/').includes('..') || /\s$|^\s/.test(entryPoint)) {
    return `invalid code entryPoint ${describeValue(entryPoint)}: use the script's path relative to the source directory (e.g. 'train.py'), without '..' or a leading '/'`;
  }
  return undefined;
}

class AssetTrainingCode extends TrainingCode {
  constructor(private readonly directory: string, private readonly entryPoint: string) {
    super();
  }

  public bind(scope: Construct): TrainingCodeConfig {
    const problem = entryPointProblem(this.entryPoint);
    if (problem) throw new SageMakerConstructError(scope, problem);
    if (!fs.existsSync(this.directory) || !fs.statSync(this.directory).isDirectory()) {
      throw new SageMakerConstructError(scope, `training code ${describeValue(this.directory)} is not a directory: pass the source directory that holds ${describeValue(this.entryPoint)}`);
    }
    if (!fs.existsSync(path.join(this.directory, this.entryPoint))) {
      throw new SageMakerConstructError(scope, `the entry point ${describeValue(this.entryPoint)} is not in ${describeValue(this.directory)}: the container runs it from the unpacked source directory`);
    }
    const archive = packed(this.directory);
    const id = `Code${crypto.createHash('sha256').update(path.resolve(this.directory)).digest('hex').slice(0, 8)}`;
    const asset = (scope.node.tryFindChild(id) as s3_assets.Asset | undefined) ?? new s3_assets.Asset(scope, id, { path: archive });
    return { location: new AssetLocation(asset), entryPoint: this.entryPoint };
  }
}

/** Archives already packed in this process, by directory and content. */
const PACKED = new Map<string, string>();

/** `sourcedir.tar.gz` of `directory` in a temporary folder named by its hash (so the asset is too). */
function packed(directory: string): string {
  const data = tarGzip(directory);
  const hash = crypto.createHash('sha256').update(data).digest('hex');
  const known = PACKED.get(hash);
  if (known && fs.existsSync(known)) return known;
  const dir = path.join(os.tmpdir(), 'sagemaker-training-code', hash);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'sourcedir.tar.gz');
  if (!fs.existsSync(file)) fs.writeFileSync(file, data);
  PACKED.set(hash, file);
  return file;
}

class S3TrainingCode extends TrainingCode {
  constructor(private readonly location: S3Location, private readonly entryPoint: string) {
    super();
  }

  public bind(scope: IConstruct): TrainingCodeConfig {
    const problem = entryPointProblem(this.entryPoint) ?? this.location._uriProblem('code location');
    if (problem) throw new SageMakerConstructError(scope, problem);
    if (!Token.isUnresolved(this.location.uri) && !/\.tar\.gz$/.test(this.location.uri)) {
      throw new SageMakerConstructError(scope, `training code ${describeValue(this.location.uri)} is not a .tar.gz: the framework containers unpack sourcedir.tar.gz archives (use TrainingCode.fromAsset for a directory)`);
    }
    return { location: this.location, entryPoint: this.entryPoint };
  }
}

/** How the instances of a distributed training job work together (the framework containers' launchers). */
export abstract class Distribution {
  /**
   * PyTorch's `torchrun` on every instance (PyTorch 1.13.1 and later on GPU instances, 1.11 to 2.0
   * on Trainium): `sagemaker_torch_distributed_enabled`.
   */
  public static torchDistributed(): Distribution {
    return new LauncherDistribution('torch_distributed', { sagemaker_torch_distributed_enabled: true }, true);
  }

  /**
   * The SageMaker distributed data parallel library (smddp) for PyTorch or TensorFlow, on the
   * instance types it supports (ml.p3.16xlarge, ml.p3dn.24xlarge, ml.p4d.24xlarge, ml.p4de.24xlarge).
   */
  public static dataParallel(options: DataParallelOptions = {}): Distribution {
    return new LauncherDistribution('smdistributed dataparallel', {
      sagemaker_distributed_dataparallel_enabled: true,
      sagemaker_distributed_dataparallel_custom_mpi_options: options.customMpiOptions ?? '',
    }, true, undefined, options.instanceGroup, true);
  }

  /** MPI (e.g. Horovod): `mpirun` across the instances. */
  public static mpi(options: MpiOptions = {}): Distribution {
    return new LauncherDistribution('mpi', {
      sagemaker_mpi_enabled: true,
      ...(options.processesPerHost !== undefined ? { sagemaker_mpi_num_of_processes_per_host: options.processesPerHost } : {}),
      sagemaker_mpi_custom_mpi_options: options.customMpiOptions ?? '',
    }, false, options.processesPerHost, options.instanceGroup, true);
  }

  /** TensorFlow parameter servers. */
  public static parameterServer(): Distribution {
    return new LauncherDistribution('parameter_server', { sagemaker_parameter_server_enabled: true }, false);
  }

  /** TensorFlow's MultiWorkerMirroredStrategy. */
  public static multiWorkerMirrored(): Distribution {
    return new LauncherDistribution('multi_worker_mirrored_strategy', { sagemaker_multi_worker_mirrored_strategy_enabled: true }, false);
  }

  /**
   * The SageMaker model parallelism library v2 (SMP v2, `torch.sagemaker`) for PyTorch, launched by
   * `torchrun`: the SDK's `{ torch_distributed: { enabled: true }, smdistributed: { modelparallel:
   * { enabled: true, parameters } } }`. It renders `mp_parameters` (the parameters as JSON),
   * `sagemaker_distributed_dataparallel_enabled` false, `sagemaker_torch_distributed_enabled` and
   * `sagemaker_instance_type`. SMP v2 runs in its own image (`smdistributed-modelparallel`, which the
   * SDK picks for you): give it with `ContainerImage.fromImageUri` (a PyTorch framework image is a
   * synth error that names the image to use).
   */
  public static modelParallel(options: ModelParallelOptions = {}): Distribution {
    return new ModelParallelDistribution(2, {
      hybrid_shard_degree: options.hybridShardDegree,
      sm_activation_offloading: options.smActivationOffloading,
      activation_loading_horizon: options.activationLoadingHorizon,
      fsdp_cache_flush_warnings: options.fsdpCacheFlushWarnings,
      allow_empty_shards: options.allowEmptyShards,
      tensor_parallel_degree: options.tensorParallelDegree,
      context_parallel_degree: options.contextParallelDegree,
      expert_parallel_degree: options.expertParallelDegree,
      random_seed: options.randomSeed,
    }, options.additionalParameters);
  }

  /**
   * The SageMaker model parallelism library v1 (`smdistributed.modelparallel`) for PyTorch or
   * TensorFlow, launched by MPI: the SDK's `{ smdistributed: { modelparallel: { enabled: true,
   * parameters } }, mpi: { enabled: true, processes_per_host, custom_mpi_options } }`. It renders
   * `sagemaker_mpi_enabled`, `sagemaker_mpi_num_of_processes_per_host`,
   * `sagemaker_mpi_custom_mpi_options`, `mp_parameters` (the parameters as JSON),
   * `sagemaker_distributed_dataparallel_enabled` false and `sagemaker_instance_type`. SMP v1 is in
   * the AWS PyTorch and TensorFlow training images up to PyTorch 2.0 and TensorFlow 2.x; use
   * `modelParallel()` (v2) for newer PyTorch.
   */
  public static modelParallelV1(options: ModelParallelV1Options): Distribution {
    return new ModelParallelDistribution(1, {
      partitions: options.partitions,
      pipeline_parallel_degree: options.pipelineParallelDegree,
      microbatches: options.microbatches,
      pipeline: options.pipeline,
      optimize: options.optimize,
      placement_strategy: options.placementStrategy,
      auto_partition: options.autoPartition,
      default_partition: options.defaultPartition,
      contiguous: options.contiguous,
      horovod: options.horovod,
      memory_weight: options.memoryWeight,
      ddp: options.ddp,
      ddp_port: options.ddpPort,
      ddp_dist_backend: options.ddpDistBackend,
      active_microbatches: options.activeMicrobatches,
      deterministic_server: options.deterministicServer,
      tensor_parallel_degree: options.tensorParallelDegree,
      sharded_data_parallel_degree: options.shardedDataParallelDegree,
      fp16: options.fp16,
      bf16: options.bf16,
      offload_activations: options.offloadActivations,
      activation_loading_horizon: options.activationLoadingHorizon,
      shard_optimizer_state: options.shardOptimizerState,
      prescaled_batch: options.prescaledBatch,
      skip_tracing: options.skipTracing,
    }, options.additionalParameters, options.processesPerHost, options.customMpiOptions);
  }

  /** @internal The launcher's name, in messages. */
  public abstract readonly _name: string;
  /** @internal The hyperparameters the framework containers read (values before JSON encoding). */
  public abstract _hyperparameters(instanceType: string | undefined, instanceGroup?: string): { [name: string]: unknown };
  /** @internal Whether the launcher reads `sagemaker_instance_type`. */
  public abstract readonly _needsInstanceType: boolean;
  /** @internal MPI processes per host, to check. */
  public abstract readonly _processesPerHost?: number;
  /** @internal The instance group that trains, in a heterogeneous cluster. */
  public abstract readonly _instanceGroup?: string;
  /** @internal Whether the launcher runs in one group of a heterogeneous cluster (MPI and smddp only). */
  public abstract readonly _supportsInstanceGroups: boolean;
  /** @internal The model parallelism library's version and parameters (`mp_parameters`), for its checks. */
  public readonly _modelParallel?: ModelParallelConfig;
}

/** Options of SageMaker distributed data parallel. */
export interface DataParallelOptions {
  /**
   * Options added to its `mpirun` command.
   * @default - none
   */
  readonly customMpiOptions?: string;
  /**
   * In a heterogeneous cluster (`resources.instanceGroups`), the group that trains (the others, e.g.
   * CPU instances preprocessing data, run your script without the launcher).
   * @default - required with several instance groups; the only group with one
   */
  readonly instanceGroup?: string;
}

/** Options of MPI. */
export interface MpiOptions {
  /**
   * Processes per instance (e.g. its GPU count).
   * @default - the container's default (one per GPU, else one)
   */
  readonly processesPerHost?: number;
  /**
   * Options added to the `mpirun` command.
   * @default - none
   */
  readonly customMpiOptions?: string;
  /**
   * In a heterogeneous cluster (`resources.instanceGroups`), the group that runs MPI.
   * @default - required with several instance groups; the only group with one
   */
  readonly instanceGroup?: string;
}

class LauncherDistribution extends Distribution {
  constructor(
    public readonly _name: string,
    private readonly values: { [name: string]: unknown },
    public readonly _needsInstanceType: boolean,
    public readonly _processesPerHost?: number,
    public readonly _instanceGroup?: string,
    public readonly _supportsInstanceGroups: boolean = false,
  ) {
    super();
  }

  public _hyperparameters(instanceType: string | undefined, instanceGroup?: string): { [name: string]: unknown } {
    return {
      ...(instanceGroup !== undefined ? { sagemaker_distribution_instance_groups: [instanceGroup] } : {}),
      ...this.values,
      ...(this._needsInstanceType && instanceType !== undefined ? { sagemaker_instance_type: instanceType } : {}),
    };
  }
}

/** The pipeline schedule of SMP v1 (`pipeline`). */
export enum ModelParallelPipeline {
  /** Microbatches interleave forward and backward passes (the library's default). */
  INTERLEAVED = 'interleaved',
  /** All forward passes, then all backward passes. */
  SIMPLE = 'simple',
}

/** What SMP v1's distributed transformer layers optimize (`optimize`). */
export enum ModelParallelOptimize {
  /** No redundant activations, more communication (the library's default). */
  MEMORY = 'memory',
  /** Less communication, activations duplicated across tensor-parallel ranks. */
  SPEED = 'speed',
}

/** How SMP v1 maps model partitions onto devices (`placement_strategy`). */
export enum ModelParallelPlacement {
  /** A model replica on neighbouring devices (the library's default). */
  CLUSTER = 'cluster',
  /** A model replica spread as far apart as possible. */
  SPREAD = 'spread',
}

/**
 * Options of the SageMaker model parallelism library v2 (its `torch.sagemaker.init` configuration,
 * passed as `mp_parameters`). See
 * https://docs.aws.amazon.com/sagemaker/latest/dg/distributed-model-parallel-v2-reference.html
 */
export interface ModelParallelOptions {
  /**
   * The sharded (FSDP) parallelism degree (`hybrid_shard_degree`).
   * @default - the library's default (full sharding across all devices)
   */
  readonly hybridShardDegree?: number;
  /**
   * SMP's activation offloading (`sm_activation_offloading`).
   * @default - the library's default (off)
   */
  readonly smActivationOffloading?: boolean;
  /**
   * The activation offloading horizon: at most this many checkpointed or offloaded layers have
   * their inputs in GPU memory at once (`activation_loading_horizon`).
   * @default - the library's default (2)
   */
  readonly activationLoadingHorizon?: number;
  /**
   * Warn when the PyTorch memory manager flushes its cache (`fsdp_cache_flush_warnings`).
   * @default - the library's default (on)
   */
  readonly fsdpCacheFlushWarnings?: boolean;
  /**
   * Allow empty shards when a tensor does not divide evenly (`allow_empty_shards`).
   * @default - the library's default (off)
   */
  readonly allowEmptyShards?: boolean;
  /**
   * The tensor parallelism degree, 1 to the world size (`tensor_parallel_degree`).
   * @default - the library's default (1: no tensor parallelism)
   */
  readonly tensorParallelDegree?: number;
  /**
   * The context parallelism degree, 1 to the world size and at most `hybridShardDegree`
   * (`context_parallel_degree`).
   * @default - the library's default (1)
   */
  readonly contextParallelDegree?: number;
  /**
   * The expert parallelism degree of mixture-of-experts models, 1 to the world size (`expert_parallel_degree`).
   * @default - the library's default (1)
   */
  readonly expertParallelDegree?: number;
  /**
   * The seed of the random operations of SMP's tensor and expert parallel modules (`random_seed`).
   * @default - the library's default
   */
  readonly randomSeed?: number;
  /**
   * Other parameters of the library, by their `mp_parameters` name (e.g. `{ delayed_param: true }`),
   * added after the typed ones. A name a typed option also sets is a synth error.
   * @default - none
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: numbers, booleans, strings and objects share one map
  readonly additionalParameters?: { [name: string]: any };
}

/**
 * Options of the SageMaker model parallelism library v1 (`mp_parameters`) and of its MPI launcher.
 * See https://sagemaker.readthedocs.io/en/v2.199.0/api/training/smd_model_parallel_general.html
 */
export interface ModelParallelV1Options {
  /**
   * The number of partitions to split the model into (`partitions`). Required for TensorFlow; for
   * PyTorch you may give `pipelineParallelDegree` instead (one of the two is required).
   * @default - none (then pipelineParallelDegree is required)
   */
  readonly partitions?: number;
  /**
   * PyTorch (smdistributed-modelparallel 1.6 and later): the number of devices pipeline parallelism
   * spans, the newer name of `partitions` (`pipeline_parallel_degree`).
   * @default - none (then partitions is required)
   */
  readonly pipelineParallelDegree?: number;
  /**
   * The number of microbatches to pipeline over; the batch size must divide by it (`microbatches`).
   * @default - the library's default (1: no pipelining)
   */
  readonly microbatches?: number;
  /**
   * The pipeline schedule (`pipeline`).
   * @default - the library's default (ModelParallelPipeline.INTERLEAVED)
   */
  readonly pipeline?: ModelParallelPipeline;
  /**
   * What distributed transformer layers optimize (`optimize`).
   * @default - the library's default (ModelParallelOptimize.MEMORY)
   */
  readonly optimize?: ModelParallelOptimize;
  /**
   * How partitions map onto devices (`placement_strategy`).
   * @default - the library's default (ModelParallelPlacement.CLUSTER)
   */
  readonly placementStrategy?: ModelParallelPlacement;
  /**
   * Automatic partitioning (`auto_partition`); with false, give `defaultPartition`.
   * @default - the library's default (true)
   */
  readonly autoPartition?: boolean;
  /**
   * The partition of modules outside `smp.partition` contexts, below `partitions` (`default_partition`).
   * Required when `autoPartition` is false.
   * @default - the library's default (0)
   */
  readonly defaultPartition?: number;
  /**
   * TensorFlow: whether each partition is a connected part of the graph (`contiguous`).
   * @default - the library's default (true)
   */
  readonly contiguous?: boolean;
  /**
   * TensorFlow: hybrid model and data parallelism with Horovod (`horovod`). Not with `ddp`.
   * @default - the library's default (false)
   */
  readonly horovod?: boolean;
  /**
   * PyTorch: the weight of memory balancing in auto-partitioning, 0.0 to 1.0 (`memory_weight`).
   * @default - the library's default (0.2 when optimizing speed, else 0.8)
   */
  readonly memoryWeight?: number;
  /**
   * PyTorch: hybrid model and data parallelism with DistributedDataParallel (`ddp`). Not with `horovod`.
   * @default - the library's default (false)
   */
  readonly ddp?: boolean;
  /**
   * PyTorch: the port DistributedDataParallel uses (`ddp_port`); needs `ddp`.
   * @default - the port SageMaker provides (MASTER_PORT)
   */
  readonly ddpPort?: number;
  /**
   * PyTorch: the DistributedDataParallel backend, e.g. 'nccl' (`ddp_dist_backend`); needs `ddp`.
   * @default - the library's default
   */
  readonly ddpDistBackend?: string;
  /**
   * PyTorch: at most this many microbatches run at once (`active_microbatches`).
   * @default - the library's default (partitions + 2)
   */
  readonly activeMicrobatches?: number;
  /**
   * PyTorch: run pipeline requests in the same order on every data-parallel rank (`deterministic_server`).
   * @default - the library's default (false)
   */
  readonly deterministicServer?: boolean;
  /**
   * PyTorch: the tensor parallelism degree (`tensor_parallel_degree`); above 1 it needs `ddp`.
   * @default - the library's default (1)
   */
  readonly tensorParallelDegree?: number;
  /**
   * PyTorch: the sharded data parallelism degree (`sharded_data_parallel_degree`).
   * @default - the library's default (1: no sharding)
   */
  readonly shardedDataParallelDegree?: number;
  /**
   * PyTorch: FP16 training (`fp16`).
   * @default - the library's default (false)
   */
  readonly fp16?: boolean;
  /**
   * PyTorch: BF16 training (`bf16`).
   * @default - the library's default (false)
   */
  readonly bf16?: boolean;
  /**
   * PyTorch: activation offloading (`offload_activations`).
   * @default - the library's default (false)
   */
  readonly offloadActivations?: boolean;
  /**
   * PyTorch: how many pipeline tasks early activations are loaded back (`activation_loading_horizon`).
   * @default - the library's default (4)
   */
  readonly activationLoadingHorizon?: number;
  /**
   * PyTorch: shard the optimizer state across data-parallel ranks (`shard_optimizer_state`).
   * @default - the library's default (false)
   */
  readonly shardOptimizerState?: boolean;
  /**
   * PyTorch: the ranks of a tensor-parallel group receive the same batch (`prescaled_batch`).
   * @default - the library's default (false)
   */
  readonly prescaledBatch?: boolean;
  /**
   * PyTorch: skip the initial tracing step (`skip_tracing`).
   * @default - the library's default (false)
   */
  readonly skipTracing?: boolean;
  /**
   * Other parameters of the library, by their `mp_parameters` name (e.g. `{ sdp_reduce_bucket_size: 500000000 }`),
   * added after the typed ones. A name a typed option also sets is a synth error; the SDK's checks
   * of known names (e.g. `load_partition` true or false) apply to them too.
   * @default - none
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: numbers, booleans, strings and objects share one map
  readonly additionalParameters?: { [name: string]: any };
  /**
   * MPI processes per instance: one per GPU for the library (`processes_per_host`).
   * @default - the container's default (one per GPU)
   */
  readonly processesPerHost?: number;
  /**
   * Options added to the `mpirun` command (e.g. '--mca btl_vader_single_copy_mechanism none').
   * @default - none
   */
  readonly customMpiOptions?: string;
}

class ModelParallelDistribution extends Distribution {
  public readonly _name: string;
  public readonly _needsInstanceType = true;
  public readonly _instanceGroup = undefined;
  public readonly _supportsInstanceGroups = false;
  public readonly _modelParallel: ModelParallelConfig;

  constructor(
    version: number,
    typed: { [name: string]: unknown },
    additional: { [name: string]: unknown } | undefined,
    public readonly _processesPerHost?: number,
    private readonly customMpiOptions?: string,
  ) {
    super();
    this._name = version === 2 ? 'smdistributed modelparallel v2' : 'smdistributed modelparallel';
    const parameters: { [name: string]: unknown } = {};
    for (const [name, value] of Object.entries(typed)) if (value !== undefined) parameters[name] = value;
    const duplicates = Object.keys(additional ?? {}).filter((name) => name in parameters);
    for (const [name, value] of Object.entries(additional ?? {})) if (!(name in parameters)) parameters[name] = value;
    this._modelParallel = { version, parameters, duplicates };
  }

  public _hyperparameters(instanceType: string | undefined): { [name: string]: unknown } {
    // estimator.Framework._distribution_configuration, in its order; PyTorch's
    // _pytorch_distribution_configuration adds sagemaker_torch_distributed_enabled for SMP v2.
    // get_mp_parameters returns {} for no parameters, which adds no mp_parameters.
    const parameters = this._modelParallel.parameters;
    const mp = Object.keys(parameters).length > 0 ? { mp_parameters: new EncodedHyperparameter(pythonJsonDumps(parameters)) } : {};
    const common = { ...mp, sagemaker_distributed_dataparallel_enabled: false, sagemaker_instance_type: instanceType };
    if (this._modelParallel.version === 2) return { ...common, sagemaker_torch_distributed_enabled: true };
    return {
      sagemaker_mpi_enabled: true,
      ...(this._processesPerHost ? { sagemaker_mpi_num_of_processes_per_host: this._processesPerHost } : {}),
      sagemaker_mpi_custom_mpi_options: this.customMpiOptions ?? '',
      ...common,
    };
  }
}
