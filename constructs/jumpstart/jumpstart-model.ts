import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { catalog, catalogVersions, contentBucket, imageUri, InferenceConfig, lookup, ModelVersion, regionsWith, TrainingConfig, variantFor } from './private/catalog';
import { checkEula, fineTunable, HostingResolution, label, resolveHosting } from './private/resolve';
import { ContainerImage, ContainerImageConfig } from '../core/container-image';
import { InstanceType } from '../core/instance-type';
import { JobNetworkOptions, NetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { ImageFacts } from '../core/private/image-facts';
import { hasLocalStorage } from '../core/private/instance-families';
import { EndpointVariant } from '../hosting/endpoint-variant';
import { InferenceComponentCompute } from '../hosting/inference-components';
import { Model } from '../hosting/model';
import { ModelData, ModelDataConfig } from '../hosting/model-data';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { Compression, TrainingChannel, TrainingInputMode } from '../training/training-channel';
import { MetricDefinition, TrainingSpec } from '../training/training-spec';

/** The SDK's entry point of JumpStart training scripts (TRAINING_ENTRY_POINT_SCRIPT_NAME). */
const TRAINING_ENTRY_POINT = 'transfer_learning.py';
/** Where a network-isolated script-mode job finds its code channel (CONTAINER_CODE_CHANNEL_SOURCEDIR_PATH). */
const CODE_CHANNEL_SOURCEDIR = '/opt/ml/input/data/code/sourcedir.tar.gz';

/**
 * A model of the SageMaker JumpStart catalog, by id and version, as the bundled catalog subset
 * describes it (generated from JumpStart's public model specs by scripts/gen-jumpstart-catalog.mjs):
 * its images per region and instance family, its artifacts, default instance type, container
 * environment, EULA, and fine-tuning support. Host it with `JumpStartHostedModel` on any endpoint
 * kind; fine-tune it with `trainingSpec`. Nothing is looked up over the network: an id or version
 * the catalog does not have fails at synth, naming what it has.
 */
export class JumpStartModel {
  /**
   * A JumpStart model by id, e.g. 'meta-textgeneration-llama-3-1-70b'.
   *
   * @param modelId the JumpStart model id
   * @param version the model version, e.g. '2.16.2'. Default: the newest version in the bundled
   * catalog (pin a version: the newest changes when the catalog is regenerated).
   */
  public static of(modelId: string, version?: string): JumpStartModel {
    return new JumpStartModel(modelId, version);
  }

  /** The ids of the models in the bundled catalog, sorted. */
  public static catalogModelIds(): string[] {
    return Object.keys(catalog().models).sort();
  }

  /** The versions of a model in the bundled catalog, oldest first; empty for an unknown id. */
  public static catalogVersions(modelId: string): string[] {
    return catalogVersions(modelId);
  }

  /** What the bundled catalog was generated from (the spec source and the date). */
  public static catalogSource(): string {
    return catalog().source.description;
  }

  /** The model id. */
  public readonly modelId: string;
  /** The version asked for. @default - the newest version in the catalog */
  public readonly requestedVersion?: string;

  private constructor(modelId: string, version?: string) {
    this.modelId = modelId;
    this.requestedVersion = version;
  }

  /** The version used: the one asked for, or the newest in the catalog. Throws for an unknown id. */
  public get version(): string {
    return this.known().version;
  }

  /** The inference configs (e.g. 'lmi'), the default first. Throws for an unknown id or version. */
  public get inferenceConfigs(): string[] {
    return Object.keys(this.known().spec.inference);
  }

  /** The default instance type for hosting (of the default inference config). */
  public get defaultInstanceType(): string {
    return this.defaultInferenceConfig().defaultInstanceType!;
  }

  /** The instance types the model supports for hosting (of the default inference config). */
  public get supportedInstanceTypes(): string[] {
    return [...this.defaultInferenceConfig().supportedInstanceTypes ?? []];
  }

  /** Whether hosting needs `acceptEula: true` (gated weights, e.g. Llama). */
  public get requiresEula(): boolean {
    const { spec } = this.known();
    return spec.gatedBucket === true || Object.values(spec.inference).some((c) => c.eulaKey !== undefined);
  }

  /** Whether the model can be fine-tuned (`trainingSpec`). */
  public get fineTuningSupported(): boolean {
    return this.known().spec.training !== undefined;
  }

  /**
   * The training spec that fine-tunes the model as the SDK's JumpStartEstimator does: the model's
   * training image for the instance type, its training script (the `code` channel, read under network
   * isolation at /opt/ml/input/data/code), the pre-trained weights (the `model` channel), the
   * default hyperparameters with yours over them, its metric definitions, network isolation and
   * inter-container encryption as the spec sets them, and, for gated models, the EULA acceptance on
   * the weights channel. Use it in a `TrainingJob`, a `TrainingStep` or a tuning spec.
   *
   * @param scope the construct that uses the spec (its stack's region selects images and buckets)
   */
  public trainingSpec(scope: Construct, options: JumpStartTrainingOptions): TrainingSpec {
    const problems = new ProblemList();
    const resolved = this.resolve(problems);
    const spec = resolved?.spec;
    let config: TrainingConfig | undefined;
    if (spec && !spec.training) {
      problems.add(`JumpStart model ${this.label(resolved!.version)} does not support fine-tuning: the catalog lists fine-tuning for ${fineTunable().join(', ') || 'no model'}`);
    } else if (spec) {
      const name = options.trainingConfig ?? spec.defaultTrainingConfig!;
      config = spec.training![name];
      if (!config) problems.add(`trainingConfig ${describeValue(options.trainingConfig)} is not a training config of ${this.label(resolved!.version)}: use one of ${Object.keys(spec.training!).join(', ')}`);
    }
    const instanceType = options.instanceType?.name ?? config?.defaultInstanceType;
    if (config && instanceType && !(config.supportedInstanceTypes ?? []).includes(instanceType)) {
      problems.add(`instanceType ${describeValue(instanceType)} is not one the JumpStart model ${this.label(resolved!.version)} trains on: use one of ${(config.supportedInstanceTypes ?? []).join(', ')}`);
    }
    if (spec) checkEula(problems, spec, undefined, options.acceptEula, this.label(resolved!.version));
    const variant = config && instanceType ? variantFor(config, instanceType) : undefined;
    if (config && instanceType && variant && !variant.image) {
      problems.add(`the JumpStart model ${this.label(resolved!.version)} has no training image for ${describeValue(instanceType)}`);
    }
    for (const name of ['code', 'model']) {
      if ((options.inputs ?? []).some((c) => c.name === name)) problems.add(`inputs has a channel named '${name}': the fine-tuning job's ${name === 'code' ? 'training script' : 'pre-trained weights'} use that channel`);
    }
    for (const name of ['sagemaker_program', 'sagemaker_submit_directory', 'sagemaker_region', 'sagemaker_container_log_level']) {
      if (options.hyperparameters && name in options.hyperparameters) problems.add(`hyperparameters sets ${name}, which the JumpStart training script's settings set: remove it`);
    }
    problems.throwIfAny(scope, `the JumpStart fine-tuning of ${describeValue(this.modelId)}`);

    const cfg = config!;
    const v = variant!;
    const what = this.label(resolved!.version);
    const gated = spec!.gatedBucket === true;
    const weightsKey = v.trainingArtifactKey ?? cfg.artifactKey!;
    const channels: TrainingChannel[] = [
      ...(options.inputs ?? []),
      // the SDK's _format_model_uri_input: File mode, fully replicated, the model content type
      {
        name: 'model',
        location: new JumpStartLocation(contentBucket(scope, gated, what), weightsKey),
        contentType: 'application/x-sagemaker-model',
        inputMode: TrainingInputMode.FILE,
        acceptEula: options.acceptEula,
      },
      { name: 'code', location: new JumpStartLocation(contentBucket(scope, false, what), cfg.scriptKey!) },
    ];
    // hyperparameters: the defaults (algorithm scope, str()), the instance's own, yours; then script
    // mode as EstimatorBase._script_mode_hyperparam_update JSON-encodes it
    const hyperparameters: { [name: string]: unknown } = {
      ...cfg.hyperparameters,
      ...v.hyperparameters,
      ...options.hyperparameters,
      sagemaker_submit_directory: JSON.stringify(CODE_CHANNEL_SOURCEDIR),
      sagemaker_program: JSON.stringify(TRAINING_ENTRY_POINT),
      sagemaker_container_log_level: '20',
      sagemaker_region: `"${Stack.of(scope).region}"`,
    };
    const metrics: MetricDefinition[] = [...(options.metricDefinitions ?? [])];
    for (const m of cfg.metricDefinitions ?? []) if (!metrics.some((x) => x.name === m.name)) metrics.push(m);
    const network: JobNetworkOptions = {
      ...options.network,
      networkIsolation: options.network?.networkIsolation ?? cfg.networkIsolation,
      interContainerEncryption: options.network?.interContainerEncryption ?? cfg.encryptInterContainerTraffic,
    };
    return new TrainingSpec({
      image: new JumpStartImage(cfg, v.image!, 'training', `the JumpStart model ${what} (training on ${instanceType})`),
      hyperparameters,
      inputs: channels,
      outputLocation: options.outputLocation,
      outputKey: options.outputKey,
      outputCompression: cfg.disableOutputCompression ? Compression.NONE : undefined,
      resources: {
        instanceType: InstanceType.of(instanceType!),
        instanceCount: options.instanceCount,
        volumeSizeGb: options.volumeSizeGb ?? (hasLocalStorage(instanceType!) ? undefined : cfg.volumeSizeGb),
        volumeKey: options.volumeKey,
      },
      maxRuntime: options.maxRuntime ?? (cfg.maxRunSeconds !== undefined ? Duration.seconds(cfg.maxRunSeconds) : undefined),
      network,
      environment: options.environment,
      metricDefinitions: metrics.length ? metrics : undefined,
      tags: options.tags,
    });
  }

  /**
   * The regions the bundled catalog has the model's image in, for an instance type, sorted.
   *
   * @param instanceType default: the model's default hosting instance type
   */
  public hostingRegions(instanceType?: InstanceType): string[] {
    const r = resolveHosting(this, new ProblemList(), { instanceType: instanceType?.name, acceptEula: true });
    return r?.variant.image ? regionsWith(r.config, r.variant.image) : [];
  }

  private resolve(problems: ProblemList): { spec: ModelVersion; version: string } | undefined {
    const r = lookup(this.modelId, this.requestedVersion);
    if ('problem' in r) {
      problems.add(r.problem);
      return undefined;
    }
    return r;
  }

  private known(): { spec: ModelVersion; version: string } {
    const r = lookup(this.modelId, this.requestedVersion);
    if ('problem' in r) throw new Error(r.problem);
    return r;
  }

  private defaultInferenceConfig(): InferenceConfig {
    const { spec } = this.known();
    return spec.inference[spec.defaultInferenceConfig];
  }

  private label(version: string): string {
    return label(this, version);
  }
}

/** Options of a JumpStart fine-tuning job. */
export interface JumpStartTrainingOptions {
  /** Where the fine-tuned model is written. */
  readonly outputLocation: S3Location;
  /**
   * Your data channels (e.g. `training`, `validation`: the model's documentation says which it
   * reads). The `model` and `code` channels are the job's own.
   * @default - none: the script's default dataset, if it has one
   */
  readonly inputs?: TrainingChannel[];
  /**
   * The training instance type: one the model supports.
   * @default - the model's default training instance type
   */
  readonly instanceType?: InstanceType;
  /**
   * Instances.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Hyperparameters over the model's defaults (e.g. `{ epochs: '3' }`).
   * @default - the model's defaults
   */
  readonly hyperparameters?: { [name: string]: string };
  /**
   * Accept the license of a gated model's weights (required for them).
   * @default - not accepted: gated models fail at synth
   */
  readonly acceptEula?: boolean;
  /**
   * The training config of a model that has several.
   * @default - the model's top-ranked training config
   */
  readonly trainingConfig?: string;
  /**
   * The longest the job may run. A deploy-time `TrainingJob` waits at most 50 minutes.
   * @default - the model's `max_run` (JumpStart specs say 100 hours), else 1 hour
   */
  readonly maxRuntime?: Duration;
  /**
   * KMS key of the output.
   * @default - the output location's encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * Storage per instance, in GB.
   * @default - the model's training volume size, else SageMaker's default
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key of the storage volumes.
   * @default - SageMaker's default
   */
  readonly volumeKey?: kms.IKey;
  /**
   * VPC and network settings. Network isolation and inter-container encryption default to the
   * model spec's settings (on for JumpStart's training scripts).
   * @default - no VPC, the spec's isolation and encryption
   */
  readonly network?: JobNetworkOptions;
  /**
   * Environment variables of the training container.
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Metric definitions of yours, before the model's own (same names: yours win).
   * @default - the model's metric definitions
   */
  readonly metricDefinitions?: MetricDefinition[];
  /**
   * Tags of the training job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Properties of a JumpStartHostedModel. */
export interface JumpStartHostedModelProps extends NetworkOptions {
  /** The JumpStart model. */
  readonly model: JumpStartModel;
  /**
   * The instance type the model is served on: it selects the image and the container environment
   * (e.g. the tensor parallel degree), and `endpointVariant` uses it. For a serverless variant, use
   * a CPU type the model supports.
   * @default - the model's default instance type
   */
  readonly instanceType?: InstanceType;
  /**
   * Accept the license of a gated model's weights (`ModelAccessConfig.AcceptEula`): required for
   * gated models (`JumpStartModel.requiresEula`).
   * @default - not accepted: gated models fail at synth
   */
  readonly acceptEula?: boolean;
  /**
   * The inference config of a model that has several (`JumpStartModel.inferenceConfigs`).
   * @default - the model's top-ranked config
   */
  readonly inferenceConfig?: string;
  /**
   * Environment variables over the model's defaults.
   * @default - the model's container environment for the instance type
   */
  readonly environment?: { [key: string]: string };
  /**
   * Model data to serve instead of JumpStart's artifact, e.g. the output of a fine-tuning job
   * (`ModelData.fromTrainingJob(job)`) whose script packs a servable model.
   * @default - the model's JumpStart artifact
   */
  readonly modelData?: ModelData;
  /**
   * The model's name.
   * @default - generated from the construct path and definition
   */
  readonly modelName?: string;
  /**
   * The execution role.
   * @default - a new least-privilege role
   */
  readonly role?: iam.IRole;
}

/** Options of the endpoint variant of a JumpStart model. */
export interface JumpStartVariantOptions {
  /**
   * The variant's name.
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
  /**
   * Instances to start with.
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * The variant's traffic weight.
   * @default 1
   */
  readonly initialWeight?: number;
}

/**
 * A SageMaker model (`AWS::SageMaker::Model`) serving a JumpStart model, resolved for the stack's
 * region as the SDK's JumpStartModel resolves it: the image of the instance type's family, JumpStart's
 * artifact (uncompressed under an S3 prefix for LLMs, `ModelDataSource`, with the EULA acceptance for
 * gated weights), the container environment, network isolation as the spec sets it. Its role may
 * read exactly that artifact. Put it on any endpoint kind: `endpointVariant()` for a real-time
 * variant with the spec's instance type, timeouts and volume size, `inferenceComponentCompute()`
 * for an inference component, or a serverless or async variant of your own.
 */
export class JumpStartHostedModel extends Model {
  /** The instance type the model was resolved for. */
  public readonly instanceType: InstanceType;
  /** The JumpStart model. */
  public readonly jumpStartModel: JumpStartModel;
  /** The inference config used. */
  public readonly inferenceConfig: string;
  private readonly resolution: HostingResolution;

  constructor(scope: Construct, id: string, props: JumpStartHostedModelProps) {
    const pending = pendingScope(scope, id);
    const problems = new ProblemList();
    const r = props.model && resolveHosting(props.model, problems, { instanceType: props.instanceType?.name, inferenceConfig: props.inferenceConfig, acceptEula: props.acceptEula });
    if (!props.model) problems.add('model is required: JumpStartModel.of(modelId, version)');
    problems.throwIfAny(pending, 'JumpStartHostedModel props');
    const resolution = r!;
    const environment = { ...resolution.config.environment, ...resolution.variant.environment, ...props.environment };
    super(scope, id, {
      modelName: props.modelName,
      role: props.role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      networkIsolation: props.networkIsolation ?? resolution.config.networkIsolation,
      containers: [{
        image: new JumpStartImage(resolution.config, resolution.variant.image!, 'inference', `the JumpStart model ${resolution.label} (on ${resolution.instanceType})`),
        modelData: props.modelData ?? new JumpStartModelData(resolution, props.acceptEula),
        environment: Object.keys(environment).length ? environment : undefined,
      }],
    });
    this.instanceType = InstanceType.of(resolution.instanceType);
    this.jumpStartModel = props.model;
    this.inferenceConfig = resolution.configName;
    this.resolution = resolution;
  }

  /**
   * A real-time endpoint variant serving this model on its instance type, with the spec's container
   * startup and model download timeouts and volume size (the SDK's deploy defaults).
   */
  public endpointVariant(options: JumpStartVariantOptions = {}): EndpointVariant {
    const c = this.resolution.config;
    return {
      variantName: options.variantName ?? 'AllTraffic',
      model: this,
      instanceType: this.instanceType,
      initialInstanceCount: options.initialInstanceCount,
      initialWeight: options.initialWeight,
      // the SDK's _retrieve_model_deploy_kwargs: the spec's volume size only where volume_size_supported
      volumeSizeGb: hasLocalStorage(this.instanceType.name) ? undefined : c.volumeSizeGb,
      containerStartupTimeout: c.containerStartupTimeoutSeconds !== undefined ? Duration.seconds(c.containerStartupTimeoutSeconds) : undefined,
      modelDataDownloadTimeout: c.modelDataDownloadTimeoutSeconds !== undefined ? Duration.seconds(c.modelDataDownloadTimeoutSeconds) : undefined,
    };
  }

  /**
   * What one copy takes on an inference-component endpoint of this instance type, from the spec's
   * resource requirements (memory and accelerators). Throws when the spec has none: give the
   * compute yourself then.
   */
  public inferenceComponentCompute(): InferenceComponentCompute {
    const req = { ...this.resolution.config.resourceRequirements, ...this.resolution.variant.resourceRequirements };
    if (req.minMemoryMb === undefined) {
      throw new SageMakerConstructError(this, `the JumpStart model ${this.resolution.label} lists no resource requirements for inference components: give InferenceComponentCompute yourself`);
    }
    return { minMemoryMb: req.minMemoryMb, acceleratorDevices: req.numAccelerators };
  }
}

/** A construct path for errors raised before the construct exists. */
function pendingScope(scope: IConstruct, id: string): IConstruct {
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  return { node: { path } } as IConstruct;
}

/** An image of a JumpStart spec: the alias of the instance type, in the stack's region. */
class JumpStartImage extends ContainerImage {
  constructor(private readonly config: InferenceConfig | TrainingConfig, private readonly alias: string, private readonly scope: string, private readonly description: string) {
    super();
  }

  public _facts(): ImageFacts {
    return { known: true, scope: this.scope, description: this.description };
  }

  public bind(scope: Construct, _grantee?: iam.IGrantable): ContainerImageConfig {
    // SageMaker pulls its own images with its service principal: nothing to grant.
    return { imageUri: imageUri(scope, this.config, this.alias, this.description) };
  }
}

/** JumpStart's hosting artifact: the SDK's model URI, S3DataSource for a prefix. */
class JumpStartModelData extends ModelData {
  constructor(private readonly r: HostingResolution, private readonly acceptEula: boolean | undefined) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    const key = this.r.variant.prepackedArtifactKey ?? this.r.config.artifactKey!;
    const location = new JumpStartLocation(contentBucket(scope, this.r.spec.gatedBucket === true, this.r.label), key);
    location.grantRead(grantee);
    // _add_model_data_to_kwargs: a prefix (ending in '/') is an uncompressed S3DataSource;
    // container_def: a .tar.gz with accept_eula becomes an S3Object/Gzip S3DataSource
    if (key.endsWith('/')) return { uri: location.uri, s3DataType: 'S3Prefix', compressionType: 'None', acceptEula: this.acceptEula };
    return { uri: location.uri, s3DataType: this.acceptEula !== undefined ? 'S3Object' : undefined, compressionType: this.acceptEula !== undefined ? 'Gzip' : undefined, acceptEula: this.acceptEula };
  }
}

/** An object or prefix in a JumpStart bucket (a literal name, or a FindInMap for any region). */
class JumpStartLocation extends S3Location {
  public readonly uri: string;

  constructor(private readonly bucket: string, private readonly key: string) {
    super();
    this.uri = `s3://${bucket}/${key}`;
  }

  public grantRead(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [`arn:${Aws.PARTITION}:s3:::${this.bucket}/${this.key}${this.key.endsWith('/') ? '*' : ''}`] });
    if (this.key.endsWith('/')) {
      iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [`arn:${Aws.PARTITION}:s3:::${this.bucket}`] });
    }
  }

  public grantWrite(_grantee: iam.IGrantable): void {
    throw new Error(`JumpStart's bucket ${this.bucket} is read-only`);
  }
}

