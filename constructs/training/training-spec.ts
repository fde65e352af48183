import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { describeValue, ProblemList } from '../private/errors';
import { checkTags, ENVIRONMENT_RULES, grantJobBasics, integer, prune, renderHyperparameters, renderTags, renderVpcConfig, seconds, stringMap } from '../private/job-render';
import type { Channel, CreateTrainingJobRequest, ResourceConfig, TrainingInstanceType } from '@aws-sdk/client-sagemaker';

/**
 * An instance type as the request types it. The SDK's union is closed; ours is open on purpose
 * (types newer than the SDK, and tokens, pass through and are checked by the API at deploy).
 */
const trainingInstanceType = (t: InstanceType) => t.name as TrainingInstanceType;

/** The Debugger and profiler members of a CreateTrainingJob request. */
type DebuggerRequestMembers = Pick<CreateTrainingJobRequest, 'DebugHookConfig' | 'DebugRuleConfigurations' | 'ProfilerConfig' | 'ProfilerRuleConfigurations'>;
import { grantKeyReadWrite, grantVolumeKey } from '../private/kms';

/** How a training container receives a channel's data. */
export enum TrainingInputMode {
  /** Downloaded to the instance before training starts. */
  FILE = 'File',
  /** Streamed through a FIFO pipe. */
  PIPE = 'Pipe',
  /** Mounted, streamed on first read (S3 prefix data only). */
  FAST_FILE = 'FastFile',
}

/** Compression of a channel's objects or of the model artifact. */
export enum Compression {
  /** Not compressed. */
  NONE = 'None',
  /** gzip. */
  GZIP = 'Gzip',
}

/** What a channel's S3 URI names. */
export enum S3DataType {
  /** Every object under the prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest (JSON lines with labels). */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** How a channel's objects are spread over the instances of a distributed job. */
export enum S3DataDistribution {
  /** Every instance gets every object. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets a share of the objects. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** Debugger rules built into SageMaker, evaluated by the Debugger rule image. */
export enum DebuggerRule {
  /** The loss stops decreasing. */
  LOSS_NOT_DECREASING = 'LossNotDecreasing',
  /** Validation loss diverges from training loss. */
  OVERFIT = 'Overfit',
  /** Training goes on after the model stops improving. */
  OVERTRAINING = 'Overtraining',
  /** Gradients become too small. */
  VANISHING_GRADIENT = 'VanishingGradient',
  /** Tensors contain NaN or infinite values. */
  EXPLODING_TENSOR = 'ExplodingTensor',
  /** Weights were badly initialized. */
  POOR_WEIGHT_INITIALIZATION = 'PoorWeightInitialization',
  /** Activation layers saturate. */
  SATURATED_ACTIVATION = 'SaturatedActivation',
  /** ReLU units die. */
  DEAD_RELU = 'DeadRelu',
  /** Classes are imbalanced. */
  CLASS_IMBALANCE = 'ClassImbalance',
  /** XGBoost trees grow too deep. */
  TREE_DEPTH = 'TreeDepth',
  /** A few features dominate (XGBoost). */
  FEATURE_IMPORTANCE_OVERWEIGHT = 'FeatureImportanceOverweight',
  /** Confusion matrix checks for classifiers. */
  CONFUSION = 'Confusion',
}

/** One input channel of a training job. */
export interface TrainingChannel {
  /** The channel name the algorithm expects (e.g. `train`, `validation`): 1-64 of `A-Za-z0-9._-`. */
  readonly name: string;
  /** Where the data is. */
  readonly location: S3Location;
  /**
   * The MIME type of the data, e.g. `text/csv`.
   * @default - none: the algorithm's default
   */
  readonly contentType?: string;
  /**
   * Compression of the objects.
   * @default Compression.NONE
   */
  readonly compression?: Compression;
  /**
   * How the container receives the data.
   * @default - the job's input mode (File)
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * What the URI names.
   * @default S3DataType.S3_PREFIX
   */
  readonly s3DataType?: S3DataType;
  /**
   * How objects are spread over instances.
   * @default S3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: S3DataDistribution;
  /**
   * Shuffle the objects with this seed each epoch (Pipe mode, or per copy in File mode).
   * @default - no shuffling
   */
  readonly shuffleSeed?: number;
  /**
   * Wrap records in RecordIO (Pipe mode).
   * @default false
   */
  readonly recordIoWrapper?: boolean;
}

/** One group of a heterogeneous cluster. */
export interface InstanceGroup {
  /** The group's name (1-64 characters), referenced by channels' instance group names. */
  readonly name: string;
  /** Instance type of the group. */
  readonly instanceType: InstanceType;
  /** Number of instances (1 or more). */
  readonly instanceCount: number;
}

/** Compute of a training job. */
export interface TrainingResources {
  /**
   * The instance type. Required unless `instanceGroups` is given.
   * @default - none
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances; more than 1 is distributed training.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Heterogeneous cluster: groups of different instance types, instead of instanceType/instanceCount.
   * @default - a homogeneous cluster
   */
  readonly instanceGroups?: InstanceGroup[];
  /**
   * ML storage volume per instance, in GB (1-16384).
   * @default 30
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key encrypting the storage volumes.
   * @default - AWS-managed encryption
   */
  readonly volumeKey?: kms.IKey;
  /**
   * Keep the instances warm this long after the job (warm pool, 0 to 60 minutes) so the next job starts fast.
   * @default - no warm pool
   */
  readonly keepAlive?: Duration;
}

/** Managed spot training. */
export interface SpotTraining {
  /**
   * Longest total time including waiting for spot capacity; at least the maximum runtime.
   * @default - twice the maximum runtime, at most 28 days
   */
  readonly maxWaitTime?: Duration;
}

/** Where training checkpoints are kept, so an interrupted (spot) job resumes. */
export interface CheckpointOptions {
  /** The S3 location of checkpoints. */
  readonly location: S3Location;
  /**
   * The path in the container that SageMaker syncs with `location`.
   * @default '/opt/ml/checkpoints'
   */
  readonly localPath?: string;
}

/** A metric the algorithm prints, read from its logs by a regular expression. */
export interface MetricDefinition {
  /** The metric's name (1-255 characters). */
  readonly name: string;
  /** A regular expression whose first group is the value. */
  readonly regex: string;
}

/** Debugger and profiler settings of a training job. */
export interface DebuggerOptions {
  /**
   * Built-in rules to evaluate while the job runs (each in its own small processing job).
   * @default - none
   */
  readonly rules?: DebuggerRule[];
  /**
   * Where the Debugger hook writes tensors and rule results.
   * @default - `debugger/` under the job's output location
   */
  readonly outputLocation?: S3Location;
  /**
   * Collect system metrics (profiling) every this many milliseconds: 100, 200, 500, 1000, 5000 or 60000.
   * @default 500
   */
  readonly profilingIntervalMs?: number;
  /**
   * Turn the profiler off.
   * @default false
   */
  readonly disableProfiler?: boolean;
  /**
   * Also run the built-in `ProfilerReport` rule.
   * @default true
   */
  readonly profilerReport?: boolean;
}

/** Properties of a TrainingSpec. */
export interface TrainingSpecProps {
  /**
   * The training image. Exactly one of `image` and `algorithmName`.
   * @default - none
   */
  readonly image?: ContainerImage;
  /**
   * A SageMaker algorithm resource (name or ARN), e.g. from AWS Marketplace. Exactly one of `image` and `algorithmName`.
   * @default - none
   */
  readonly algorithmName?: string;
  /**
   * Hyperparameters: strings, numbers or booleans, rendered as strings (at most 100).
   * @default - none
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: strings, numbers and booleans share one map
  readonly hyperparameters?: { [name: string]: any };
  /**
   * The input channels (at most 20, names unique).
   * @default - none
   */
  readonly inputs?: TrainingChannel[];
  /** Where the model artifact (`<job>/output/model.tar.gz`) goes. */
  readonly outputLocation: S3Location;
  /**
   * KMS key encrypting the model artifact.
   * @default - the output bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * Compression of the model artifact.
   * @default Compression.GZIP
   */
  readonly outputCompression?: Compression;
  /** Compute: instance type and count, volume, warm pool, heterogeneous groups. */
  readonly resources: TrainingResources;
  /**
   * Stop the job after this long (1 second to 28 days).
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;
  /**
   * Default input mode of the channels.
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * Use managed spot instances (up to 90% cheaper, may be interrupted). Needs `checkpoint`
   * unless `allowSpotWithoutCheckpoint` is set.
   * @default - on-demand instances
   */
  readonly spot?: SpotTraining;
  /**
   * Accept that an interrupted spot job restarts from scratch.
   * @default false
   */
  readonly allowSpotWithoutCheckpoint?: boolean;
  /**
   * Checkpoints synced to S3.
   * @default - no checkpoints
   */
  readonly checkpoint?: CheckpointOptions;
  /**
   * VPC, network isolation and inter-container encryption.
   * @default - SageMaker's network, no isolation
   */
  readonly network?: JobNetworkOptions;
  /**
   * Environment variables of the container (at most 100).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Metrics read from the logs (not for built-in algorithms, which publish their own).
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];
  /**
   * Retry the job this many times (1-30) after an internal SageMaker error.
   * @default - no retries
   */
  readonly retryAttempts?: number;
  /**
   * Debugger rules and profiler.
   * @default - SageMaker's defaults (profiler on, no rules)
   */
  readonly debugger?: DebuggerOptions;
  /**
   * Tags of the job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** What a rendered spec needs from its user. */
export interface RenderOptions {
  /** The role the job runs as. */
  readonly role: iam.IRole;
  /**
   * The job's name. Omitted for pipeline steps (the pipeline names each execution's job).
   * @default - no name in the request
   */
  readonly jobName?: string;
}

const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;

/** The tensor collections the Debugger hook must save for each built-in rule to have data. */
const RULE_COLLECTIONS: Record<string, string[]> = {
  LossNotDecreasing: ['losses'],
  Overfit: ['losses'],
  Overtraining: ['losses'],
  VanishingGradient: ['gradients'],
  ExplodingTensor: ['gradients', 'weights'],
  PoorWeightInitialization: ['weights'],
  SaturatedActivation: ['relu_activations'],
  DeadRelu: ['relu_activations'],
  ClassImbalance: ['labels', 'predictions'],
  TreeDepth: ['tree'],
  FeatureImportanceOverweight: ['feature_importance'],
  Confusion: ['labels', 'predictions'],
};
const MAX_RUNTIME = 28 * 24 * 3600;

/**
 * One training job, described once and rendered to the exact `CreateTrainingJob` request. The same
 * spec runs at deploy time (`TrainingJob`), as a pipeline `TrainingStep`, or inside a tuning job, and
 * derives the IAM its role needs (`grantTo`).
 */
export class TrainingSpec {
  constructor(public readonly props: TrainingSpecProps) {}

  /** The resolved maximum runtime, in seconds. */
  public get maxRuntimeSeconds(): number {
    return this.props.maxRuntime && !this.props.maxRuntime.isUnresolved() ? this.props.maxRuntime.toSeconds({ integral: false }) : 3600;
  }

  /** The longest the job can take, waiting for spot capacity included, in seconds. */
  public get maxWaitSeconds(): number {
    if (!this.props.spot) return this.maxRuntimeSeconds;
    return this.props.spot.maxWaitTime?.toSeconds({ integral: false }) ?? Math.min(2 * this.maxRuntimeSeconds, MAX_RUNTIME);
  }

  /**
   * Validates the spec and renders the `CreateTrainingJob` request. Every problem is reported at
   * once, as a construct error of `scope`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the SDK's CreateTrainingJobRequest is not a jsii type (tsc checks it below)
  public render(scope: IConstruct, options: RenderOptions): any {
    const p = this.props;
    const problems = new ProblemList();
    if ((p.image === undefined) === (p.algorithmName === undefined)) {
      problems.add(`a training spec needs exactly one of image and algorithmName, got ${p.image ? 'both' : 'neither'}`);
    }
    if (p.algorithmName !== undefined && !Token.isUnresolved(p.algorithmName) && !/^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:algorithm\/)?[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(p.algorithmName)) {
      problems.add(`invalid algorithmName ${describeValue(p.algorithmName)}: use an algorithm name (1-63 letters, digits, hyphens) or its ARN`);
    }
    if (p.spot && p.resources.keepAlive !== undefined) problems.add('resources.keepAlive with spot: SageMaker warm pools are not available for managed spot training; drop one of them');
    if (p.debugger?.outputLocation) problems.addIf(p.debugger!.outputLocation!._uriProblem('debugger.outputLocation'));
    const hyperparameters = renderHyperparameters(problems, p.hyperparameters);
    const inputs = renderChannels(scope, problems, p.inputs ?? [], p.resources);
    const resourceConfig = renderResources(scope, problems, p.resources);
    const maxRuntime = seconds(problems, 'maxRuntime', p.maxRuntime ?? Duration.hours(1), 1, MAX_RUNTIME);
    let maxWait: number | undefined;
    if (p.spot) {
      maxWait = p.spot.maxWaitTime ? seconds(problems, 'spot.maxWaitTime', p.spot.maxWaitTime, 1, MAX_RUNTIME) : this.maxWaitSeconds;
      if (maxWait !== undefined && maxRuntime !== undefined && maxWait < maxRuntime) {
        problems.add(`spot.maxWaitTime ${describeValue(maxWait)} s is shorter than maxRuntime ${describeValue(maxRuntime)} s: the wait includes the runtime, so use at least ${maxRuntime} s`);
      }
      if (!p.checkpoint && !p.allowSpotWithoutCheckpoint) {
        problems.add('spot training without checkpoint: an interrupted spot job would restart from scratch; set checkpoint (or allowSpotWithoutCheckpoint: true)');
      }
    }
    const vpcConfig = renderVpcConfig(p.network, problems);
    stringMap(problems, 'environment', p.environment, ENVIRONMENT_RULES.training);
    checkTags(problems, 'tags', p.tags);
    const retries = integer(problems, 'retryAttempts', p.retryAttempts, 1, 30);
    if (p.network?.networkIsolation && (p.environment?.SAGEMAKER_REQUIREMENTS || hyperparameters?.sagemaker_requirements)) {
      problems.add('networkIsolation with a requirements file: installing Python packages at start-up needs the network; bake them into the image or turn isolation off');
    }
    for (const m of p.metricDefinitions ?? []) {
      if (m.name.length < 1 || m.name.length > 255) problems.add(`metric name ${describeValue(m.name)} must be 1-255 characters`);
      if (m.regex.length < 1 || m.regex.length > 500) {problems.add(`metric regex of ${describeValue(m.name)} must be 1-500 characters`);} else {
        try { new RegExp(m.regex); } catch { problems.add(`metric regex ${describeValue(m.regex)} of ${describeValue(m.name)} is not a valid regular expression`); }
      }
    }
    const debuggerConfig = this.renderDebugger(scope, problems);
    problems.addIf(p.outputLocation._uriProblem('outputLocation'));
    problems.addIf(p.checkpoint?.location._uriProblem('checkpoint.location'));
    problems.throwIfAny(scope, 'the training spec');

    const image = p.image?.bind(scope as never, options.role);
    const request: CreateTrainingJobRequest = {
      TrainingJobName: options.jobName,
      RoleArn: options.role.roleArn,
      AlgorithmSpecification: {
        TrainingImage: image?.imageUri,
        AlgorithmName: p.algorithmName,
        TrainingInputMode: p.inputMode ?? TrainingInputMode.FILE,
        MetricDefinitions: p.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
      },
      HyperParameters: hyperparameters,
      InputDataConfig: inputs.length ? inputs : undefined,
      OutputDataConfig: {
        S3OutputPath: p.outputLocation.uri,
        KmsKeyId: p.outputKey?.keyArn,
        CompressionType: p.outputCompression === Compression.NONE ? 'NONE' : undefined,
      },
      ResourceConfig: resourceConfig,
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntime, MaxWaitTimeInSeconds: maxWait },
      EnableManagedSpotTraining: p.spot ? true : undefined,
      CheckpointConfig: p.checkpoint ? { S3Uri: p.checkpoint.location.uri, LocalPath: p.checkpoint.localPath } : undefined,
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: p.network?.networkIsolation,
      EnableInterContainerTrafficEncryption: p.network?.interContainerEncryption,
      Environment: p.environment,
      RetryStrategy: retries !== undefined ? { MaximumRetryAttempts: retries } : undefined,
      ...debuggerConfig,
      Tags: renderTags(p.tags),
    };
    return prune(request);
  }

  /**
   * Grants `grantee` (the job's role) what the job needs: read the channels, write the output,
   * checkpoints and Debugger data, use the KMS keys, write logs and metrics, manage ENIs in the VPC.
   * Image pull permissions are granted when the spec is rendered.
   */
  public grantTo(scope: IConstruct, grantee: iam.IGrantable): void {
    const p = this.props;
    for (const channel of p.inputs ?? []) channel.location.grantRead(grantee);
    p.outputLocation.grantWrite(grantee);
    if (p.checkpoint) {
      p.checkpoint.location.grantRead(grantee);
      p.checkpoint.location.grantWrite(grantee);
    }
    if (p.debugger) {
      // Rule evaluations run as processing jobs with this role: they read what the hook wrote.
      const location = p.debugger.outputLocation ?? p.outputLocation;
      location.grantWrite(grantee);
      location.grantRead(grantee);
      if ((p.debugger.rules?.length ?? 0) > 0 || (!p.debugger.disableProfiler && (p.debugger.profilerReport ?? true))) {
        grantJobBasics(scope, grantee, '/aws/sagemaker/ProcessingJobs');
      }
    }
    grantKeyReadWrite(p.outputKey, grantee);
    grantVolumeKey(p.resources.volumeKey, grantee);
    grantJobBasics(scope, grantee, '/aws/sagemaker/TrainingJobs', p.network?.vpc);
  }

  private renderDebugger(scope: IConstruct, problems: ProblemList): DebuggerRequestMembers {
    const d = this.props.debugger;
    if (!d) return {};
    const intervals = [100, 200, 500, 1000, 5000, 60000];
    if (d.profilingIntervalMs !== undefined && !intervals.includes(d.profilingIntervalMs)) {
      problems.add(`invalid debugger.profilingIntervalMs ${describeValue(d.profilingIntervalMs)}: use one of ${intervals.join(', ')}`);
    }
    const duplicates = (d.rules ?? []).filter((r, i, all) => all.indexOf(r) !== i);
    if (duplicates.length) problems.add(`debugger.rules lists ${duplicates.join(', ')} more than once`);
    if (problems.length) return {};
    const output = (d.outputLocation ?? S3Location.fromUri(`${stripSlash(this.props.outputLocation.uri)}/debugger`)).uri;
    const evaluator = ContainerImage.debuggerRules().bind(scope as never).imageUri;
    const rules = (d.rules ?? []).map((rule) => ({
      RuleConfigurationName: `${rule}`,
      RuleEvaluatorImage: evaluator,
      RuleParameters: { rule_to_invoke: rule },
    }));
    const collections = [...new Set((d.rules ?? []).flatMap((r) => RULE_COLLECTIONS[r] ?? []))].sort();
    return prune({
      DebugHookConfig: {
        S3OutputPath: output,
        CollectionConfigurations: collections.length ? collections.map((CollectionName) => ({ CollectionName })) : undefined,
      },
      DebugRuleConfigurations: rules.length ? rules : undefined,
      ProfilerConfig: d.disableProfiler
        ? { DisableProfiler: true }
        : { S3OutputPath: output, ProfilingIntervalInMilliseconds: d.profilingIntervalMs ?? 500 },
      ProfilerRuleConfigurations: !d.disableProfiler && (d.profilerReport ?? true)
        ? [{ RuleConfigurationName: 'ProfilerReport', RuleEvaluatorImage: evaluator, RuleParameters: { rule_to_invoke: 'ProfilerReport' } }]
        : undefined,
    });
  }
}

/** Drops trailing slashes; the literal end of a URI with tokens inside is still visible. */
function stripSlash(uri: string): string {
  return uri.replace(/\/+$/, '');
}

function renderChannels(scope: IConstruct, problems: ProblemList, channels: TrainingChannel[], resources: TrainingResources): Channel[] {
  if (channels.length > 20) problems.add(`inputs has ${channels.length} channels: at most 20 are allowed`);
  const seen = new Set<string>();
  for (const c of channels) {
    if (seen.has(c.name)) problems.add(`duplicate channel name ${describeValue(c.name)}: channel names must be unique`);
    seen.add(c.name);
    if (!CHANNEL_NAME.test(c.name) || c.name.length > 64) problems.add(`invalid channel name ${describeValue(c.name)}: use 1-64 letters, digits, '.', '-' or '_'`);
    if (c.inputMode === TrainingInputMode.FAST_FILE && c.s3DataType && c.s3DataType !== S3DataType.S3_PREFIX) {
      problems.add(`channel ${describeValue(c.name)} uses FAST_FILE with ${c.s3DataType}: FastFile mode reads S3 prefixes only`);
    }
    if (c.shuffleSeed !== undefined && !Token.isUnresolved(c.shuffleSeed) && !Number.isInteger(c.shuffleSeed)) problems.add(`channel ${describeValue(c.name)} has shuffleSeed ${c.shuffleSeed}: use a whole number`);
    if (c.distribution === S3DataDistribution.SHARDED_BY_S3_KEY && (resources.instanceCount ?? 1) === 1 && !resources.instanceGroups) {
      problems.add(`channel ${describeValue(c.name)} is SHARDED_BY_S3_KEY on a single instance: sharding needs instanceCount > 1`);
    }
    problems.addIf(c.location._uriProblem(`location of channel '${c.name}'`));
  }
  return channels.map((c) => prune({
    ChannelName: c.name,
    DataSource: {
      S3DataSource: {
        S3DataType: c.s3DataType ?? S3DataType.S3_PREFIX,
        S3Uri: c.location.uri,
        S3DataDistributionType: c.distribution ?? S3DataDistribution.FULLY_REPLICATED,
      },
    },
    ContentType: c.contentType,
    CompressionType: c.compression,
    InputMode: c.inputMode,
    RecordWrapperType: c.recordIoWrapper ? 'RecordIO' : undefined,
    ShuffleConfig: c.shuffleSeed !== undefined ? { Seed: c.shuffleSeed } : undefined,
  }));
}

function renderResources(scope: IConstruct, problems: ProblemList, r: TrainingResources): ResourceConfig | undefined {
  const volume = integer(problems, 'resources.volumeSizeGb', r.volumeSizeGb ?? 30, 1, 16384);
  const keepAlive = r.keepAlive ? seconds(problems, 'resources.keepAlive', r.keepAlive, 0, 3600) : undefined;
  if (r.instanceGroups) {
    if (r.instanceType || r.instanceCount !== undefined) problems.add('resources has instanceGroups and instanceType/instanceCount: a heterogeneous cluster is described by instanceGroups alone');
    if (r.instanceGroups.length < 1 || r.instanceGroups.length > 5) problems.add(`resources.instanceGroups has ${r.instanceGroups.length} groups: use 1 to 5`);
    const names = new Set<string>();
    for (const g of r.instanceGroups) {
      if (!Token.isUnresolved(g.name) && !/^.{1,64}$/.test(g.name)) problems.add(`invalid instance group name ${describeValue(g.name)}: use 1-64 characters`);
      if (names.has(g.name)) problems.add(`duplicate instance group name ${describeValue(g.name)}`);
      names.add(g.name);
      integer(problems, `instance count of group '${g.name}'`, g.instanceCount, 1, 10000);
      problems.addIf(g.instanceType._problem(`instance type of group '${g.name}'`, InstanceUse.TRAINING));
    }
    return prune({
      InstanceGroups: r.instanceGroups.map((g) => ({ InstanceGroupName: g.name, InstanceType: trainingInstanceType(g.instanceType), InstanceCount: g.instanceCount })),
      VolumeSizeInGB: volume,
      VolumeKmsKeyId: r.volumeKey?.keyArn,
      KeepAlivePeriodInSeconds: keepAlive,
    });
  }
  if (!r.instanceType) {
    problems.add('resources.instanceType is missing: set it (or instanceGroups for a heterogeneous cluster)');
    return undefined;
  }
  problems.addIf(r.instanceType!._problem('resources.instanceType', InstanceUse.TRAINING));
  const count = integer(problems, 'resources.instanceCount', r.instanceCount ?? 1, 1, 10000);
  return prune({
    InstanceType: trainingInstanceType(r.instanceType),
    InstanceCount: count,
    VolumeSizeInGB: volume,
    VolumeKmsKeyId: r.volumeKey?.keyArn,
    KeepAlivePeriodInSeconds: keepAlive,
  });
}
