import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { AssetLocation } from './private/asset-location';
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
