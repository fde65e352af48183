import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BuiltInAlgorithm, Framework, FrameworkImageOptions, ImageScope, LlmServingContainer, LlmServingImageOptions, SparkProcessingImageOptions } from './aws-image-options';
import { NeoServingImageOptions } from './neo';
import { AwsImageRequest, builtInAlgorithmOfUri, renderAwsImageUri, resolveAwsImage, tablePartitions, tableRegions, tableVersions } from './private/aws-images';
import { ImageFacts, UNKNOWN_IMAGE } from './private/image-facts';
import { neoImageRequest } from './private/neo-images';
import { describeValue, SageMakerConstructError } from '../private/errors';

/** Options for an image built from a local Dockerfile. */
export interface AssetImageOptions {
  /**
   * Build arguments (`--build-arg`).
   * @default - none
   */
  readonly buildArgs?: { [key: string]: string };
  /**
   * The Dockerfile's path, relative to the directory.
   * @default 'Dockerfile'
   */
  readonly file?: string;
  /**
   * The target platform, e.g. 'linux/amd64' or 'linux/arm64'.
   * @default - the platform of the machine that builds the image
   */
  readonly platform?: string;
}

/** The result of binding a container image. */
export interface ContainerImageConfig {
  /** The image URI to put in a training job, processing job or model. */
  readonly imageUri: string;
}

/**
 * A container image for SageMaker training, processing or hosting: an image SageMaker provides
 * (built-in algorithm, framework with its Neuron and Graviton variants, LLM serving, Spark, Data
 * Wrangler, Debugger, Model Monitor, Clarify) resolved for the stack's region in any partition, an
 * image in your ECR repository, an image built from a local Dockerfile, or any image URI.
 */
export abstract class ContainerImage {
  /**
   * The image of a SageMaker built-in algorithm.
   *
   * @param algorithm the algorithm
   * @param version the algorithm version. Most algorithms have one version, '1'. XGBoost lists
   * several (`ContainerImage.versions('xgboost')`); '1' is the legacy built-in XGBoost. Default:
   * the newest version in the bundled table (for XGBoost, pin a version: the newest changes when
   * the table is regenerated).
   */
  public static builtInAlgorithm(algorithm: BuiltInAlgorithm, version?: string): ContainerImage {
    return new AwsOwnedImage({ key: algorithm, scope: ImageScope.TRAINING, version, defaultToNewest: true }, 'algorithm');
  }

  /**
   * A framework image (PyTorch, TensorFlow, scikit-learn, XGBoost, Hugging Face). With
   * `options.instanceType`, the Neuron image on Inferentia/Trainium and the Graviton inference image
   * on Graviton instance types, as the SageMaker Python SDK picks them.
   */
  public static framework(framework: Framework, options: FrameworkImageOptions): ContainerImage {
    return new AwsOwnedImage({
      key: framework,
      scope: options.scope,
      version: options.version,
      versionRequired: true,
      processor: options.processor,
      pythonVersion: options.pythonVersion,
      baseFrameworkVersion: options.baseFrameworkVersion,
      instanceType: options.instanceType?.name,
    }, 'framework');
  }

  /**
   * An LLM or embedding serving image for a model: Hugging Face TGI, TEI or vLLM, or DJL Serving
   * (LMI, DeepSpeed, TensorRT-LLM, NeuronX). The model's environment configures it (for TGI
   * `HF_MODEL_ID`, `SM_NUM_GPUS`...; see each container's documentation).
   *
   * @param container the serving container
   * @param options version and instance type
   */
  public static llmServing(container: LlmServingContainer, options: LlmServingImageOptions = {}): ContainerImage {
    return new AwsOwnedImage({
      key: container,
      scope: ImageScope.INFERENCE,
      version: options.version,
      defaultToNewest: true,
      instanceType: options.instanceType?.name,
    }, 'framework');
  }

  /**
   * The image that hosts a model compiled by SageMaker Neo for a SageMaker target device, as the
   * SageMaker Python SDK picks it: `xgboost-neo` for XGBoost; for PyTorch, TensorFlow and MXNet the
   * `inferentia-<framework>` image on `ml_inf1` and the `neo-<framework>` image (GPU build on the p
   * and g families) on the other targets. Edge devices and platforms, Graviton, Inf2, Trainium and
   * Elastic Inference targets, and the other frameworks have no image here: a synth error says so
   * (a deploy-time `CompilationJob` also returns the image Neo recommends, `inferenceImageUri`).
   */
  public static neo(options: NeoServingImageOptions): ContainerImage {
    return new NeoImage(options);
  }

  /** The image that hosts a built-in Image Classification model compiled by SageMaker Neo (`image-classification-neo`). */
  public static neoImageClassification(): ContainerImage {
    return new AwsOwnedImage({ key: 'image-classification-neo', scope: ImageScope.INFERENCE, defaultToNewest: true }, 'framework');
  }

  /**
   * An image SageMaker provides, from the bundled table, for the library's own choices (the SMP v2
   * image a PyTorch spec with model parallelism trains in).
   * @internal
   */
  public static _awsOwned(request: AwsImageRequest): ContainerImage {
    return new AwsOwnedImage(request, 'framework');
  }

  /**
   * The SageMaker Spark processing image (repository `sagemaker-spark-processing`), for processing
   * jobs that run PySpark or Spark applications.
   */
  public static sparkProcessing(options: SparkProcessingImageOptions = {}): ContainerImage {
    return new SparkImage(options);
  }

  /**
   * The SageMaker Data Wrangler processing image (repository `sagemaker-data-wrangler-container`),
   * for processing jobs that run a Data Wrangler flow.
   *
   * @param version the major version, e.g. '3.x'. Default: the newest in the bundled table.
   */
  public static dataWrangler(version?: string): ContainerImage {
    return new AwsOwnedImage({ key: 'data-wrangler', scope: 'processing', version, defaultToNewest: true }, 'tool');
  }

  /** The SageMaker Debugger rule evaluator image (repository `sagemaker-debugger-rules`). */
  public static debuggerRules(): ContainerImage {
    return new AwsOwnedImage({ key: 'debugger', scope: 'debugger', defaultToNewest: true }, 'tool');
  }

  /**
   * The SageMaker Model Monitor analyzer image (repository `sagemaker-model-monitor-analyzer`).
   * Like the SDK, the URI has no tag, so the registry's default (latest) image is used.
   */
  public static modelMonitor(): ContainerImage {
    return new AwsOwnedImage({ key: 'model-monitor', scope: 'monitoring', defaultToNewest: true }, 'tool');
  }

  /** The SageMaker Clarify processing image (repository `sagemaker-clarify-processing`). */
  public static clarify(): ContainerImage {
    return new AwsOwnedImage({ key: 'clarify', scope: 'processing', defaultToNewest: true }, 'tool');
  }

  /**
   * An image in an ECR repository. Binding grants the grantee pull access to the repository.
   *
   * @param tagOrDigest a tag, or a digest starting with 'sha256:'. Default: 'latest'.
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest?: string): ContainerImage {
    return new EcrImage(repository, tagOrDigest ?? 'latest');
  }

  /**
   * An image built from a local directory with a Dockerfile and pushed to the CDK assets
   * repository at deploy time. The asset is created in the scope of the first `bind` in each stack;
   * binding grants the grantee pull access.
   */
  public static fromAsset(directory: string, options: AssetImageOptions = {}): ContainerImage {
    return new AssetImage(directory, options);
  }

  /**
   * Any image URI, `<registry>/<repository>[:tag|@digest]`. No permission is granted: grant pull
   * access yourself if the image is in a private ECR repository of yours.
   */
  public static fromImageUri(uri: string): ContainerImage {
    return new UriImage(uri);
  }

  /**
   * Every region of a partition the bundled image table knows, sorted.
   *
   * @param partition 'aws' (commercial), 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e',
   * 'aws-iso-f' or 'aws-eusc' (`ContainerImage.supportedPartitions()`). Default: 'aws'.
   */
  public static supportedRegions(partition?: string): string[] {
    return tableRegions(partition ?? 'aws');
  }

  /** The partitions the bundled image table has regions in, sorted. */
  public static supportedPartitions(): string[] {
    return tablePartitions();
  }

  /**
   * The versions of a built-in algorithm, framework, serving or tool image ('xgboost', 'pytorch',
   * 'huggingface-llm', 'djl-lmi', 'spark', 'debugger', ...: the SageMaker Python SDK's keys) in the
   * bundled table, oldest first, across training and inference scopes (not the Graviton variants).
   * Aliases are not listed. Returns an empty list for an unknown key.
   */
  public static versions(algorithmOrFrameworkKey: string): string[] {
    return tableVersions(algorithmOrFrameworkKey);
  }

  /**
   * Resolves the image URI for the scope's stack and grants the grantee what it needs to pull the
   * image. Images SageMaker provides need no grant.
   *
   * @param scope the construct that uses the image (its stack determines the region)
   * @param grantee the role SageMaker uses to pull the image
   */
  public abstract bind(scope: Construct, grantee?: iam.IGrantable): ContainerImageConfig;

  /**
   * What the library knows about the image without binding it (a built-in algorithm, the scope of a
   * framework image), for the rules of the specs and models that use it. Images of subclasses of
   * your own are unknown: those rules pass them.
   * @internal
   */
  public _facts(): ImageFacts {
    return UNKNOWN_IMAGE;
  }
}

const BUILT_IN_ALGORITHMS: readonly string[] = Object.values(BuiltInAlgorithm);

// ---------------------------------------------------------------------------------------------
// Images SageMaker provides (resolved from the bundled table: private/aws-images.ts)

class AwsOwnedImage extends ContainerImage {
  constructor(private readonly request: AwsImageRequest, private readonly kind: 'algorithm' | 'framework' | 'tool') {
    super();
  }

  public _facts(): ImageFacts {
    const { key, scope, version } = this.request;
    const named = `${key}${version !== undefined && !Token.isUnresolved(version) ? ` ${version}` : ''}`;
    if (this.kind === 'algorithm') return { known: true, builtInAlgorithm: key, description: `built-in algorithm ${named}` };
    // XGBoost in framework mode is the algorithm's own image: SageMaker treats it as the algorithm.
    const builtInAlgorithm = this.kind === 'framework' && BUILT_IN_ALGORITHMS.includes(key) ? key : undefined;
    return { known: true, builtInAlgorithm, scope, description: `${this.kind} ${named} (${scope})` };
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ContainerImageConfig {
    return this.bindRequest(scope, grantee, {});
  }

  protected bindRequest(scope: Construct, _grantee: iam.IGrantable | undefined, extra: Partial<AwsImageRequest>): ContainerImageConfig {
    // SageMaker pulls its own images with its service principal: nothing to grant.
    return { imageUri: renderAwsImageUri(scope, resolveAwsImage(scope, { ...this.request, ...extra })) };
  }
}

/** The Spark image: the SDK's PySparkProcessor takes a Python and a container version together or neither. */
class SparkImage extends AwsOwnedImage {
  constructor(private readonly options: SparkProcessingImageOptions) {
    super({ key: 'spark', scope: 'processing', version: options.version, defaultToNewest: true, pythonVersion: options.pythonVersion }, 'tool');
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ContainerImageConfig {
    const { pythonVersion, containerVersion } = this.options;
    if ((pythonVersion === undefined) !== (containerVersion === undefined)) {
      throw new SageMakerConstructError(scope, `sparkProcessing: pythonVersion ${describeValue(pythonVersion)} and containerVersion ${describeValue(containerVersion)}: give both or neither`);
    }
    if (containerVersion !== undefined && !Token.isUnresolved(containerVersion) && !/^\d+(\.\d+)*$/.test(containerVersion)) {
      throw new SageMakerConstructError(scope, `sparkProcessing: invalid containerVersion ${describeValue(containerVersion)}: use a number such as '1' (the tag gets 'v1')`);
    }
    return this.bindRequest(scope, grantee, containerVersion !== undefined ? { containerVersion: `v${containerVersion}` } : {});
  }
}

/** A Neo serving image: the image key and processor follow from the compilation's framework and target. */
class NeoImage extends ContainerImage {
  constructor(private readonly options: NeoServingImageOptions) {
    super();
  }

  public _facts(): ImageFacts {
    const version = this.options.frameworkVersion;
    const device = this.options.target.device;
    return {
      known: true,
      scope: ImageScope.INFERENCE,
      description: `Neo serving image for ${this.options.framework}${version !== undefined && !Token.isUnresolved(version) ? ` ${version}` : ''}${device ? ` compiled for ${device}` : ''}`,
      compiledFor: device?.startsWith('ml_') ? device.slice('ml_'.length) : undefined,
    };
  }

  public bind(scope: Construct, _grantee?: iam.IGrantable): ContainerImageConfig {
    // SageMaker pulls its own images with its service principal: nothing to grant.
    return { imageUri: renderAwsImageUri(scope, resolveAwsImage(scope, neoImageRequest(scope, this.options))) };
  }
}

// ---------------------------------------------------------------------------------------------
// Your images

const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
// a registry host needs a dot or a port, or is localhost (otherwise Docker reads it as a Docker Hub namespace)
const REGISTRY = `(?:localhost(?::\\d+)?|${LABEL}(?:\\.${LABEL})+(?::\\d+)?|${LABEL}:\\d+)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_URI_PATTERN = new RegExp(`^${REGISTRY}/${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$`);

class EcrImage extends ContainerImage {
  constructor(private readonly repository: ecr.IRepository, private readonly tagOrDigest: string) {
    super();
  }

  public _facts(): ImageFacts {
    return { known: true, description: 'an image of your ECR repository' };
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ContainerImageConfig {
    const t = this.tagOrDigest;
    if (!Token.isUnresolved(t)) {
      const ok = t.startsWith('sha256:') ? DIGEST_PATTERN.test(t) : TAG_PATTERN.test(t);
      if (!ok) {
        throw new SageMakerConstructError(scope, `invalid image tag or digest ${describeValue(t)}: use a tag of 1-128 letters, digits, '_', '.' or '-' (not starting with '.' or '-'), or a digest 'sha256:<64 hex digits>'`);
      }
    }
    if (grantee) this.repository.grantPull(grantee);
    return { imageUri: this.repository.repositoryUriForTagOrDigest(t) };
  }
}

class AssetImage extends ContainerImage {
  private readonly assets = new Map<Stack, DockerImageAsset>();

  constructor(private readonly directory: string, private readonly options: AssetImageOptions) {
    super();
  }

  public _facts(): ImageFacts {
    return { known: true, description: `the image built from ${describeValue(this.directory)}` };
  }

  public bind(scope: Construct, grantee?: iam.IGrantable): ContainerImageConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      asset = this.createAsset(scope);
      this.assets.set(stack, asset);
    }
    if (grantee) asset.repository.grantPull(grantee);
    return { imageUri: asset.imageUri };
  }

  private createAsset(scope: Construct): DockerImageAsset {
    const { buildArgs, file, platform } = this.options;
    const dockerfile = path.join(this.directory, file ?? 'Dockerfile');
    if (!fs.existsSync(dockerfile)) {
      throw new SageMakerConstructError(scope, `no Dockerfile at ${describeValue(dockerfile)}: fromAsset needs a directory with a Dockerfile (or options.file naming one inside it)`);
    }
    if (platform !== undefined && !Token.isUnresolved(platform) && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
      throw new SageMakerConstructError(scope, `invalid platform ${describeValue(platform)}: use <os>/<arch>[/<variant>], e.g. linux/amd64 or linux/arm64`);
    }
    // The id derives from the build inputs, so two images bound in one scope get two assets and
    // one image bound twice in one scope reuses its asset.
    const hash = crypto.createHash('sha256').update(JSON.stringify([path.resolve(this.directory), file, platform, buildArgs])).digest('hex').slice(0, 8);
    const id = `ContainerImageAsset${hash}`;
    const existing = scope.node.tryFindChild(id);
    if (existing instanceof DockerImageAsset) return existing;
    return new DockerImageAsset(scope, id, {
      directory: this.directory,
      file,
      buildArgs,
      platform: platform !== undefined ? Platform.custom(platform) : undefined,
    });
  }
}

class UriImage extends ContainerImage {
  constructor(private readonly uri: string) {
    super();
  }

  public _facts(): ImageFacts {
    if (Token.isUnresolved(this.uri)) return UNKNOWN_IMAGE;
    const builtInAlgorithm = builtInAlgorithmOfUri(this.uri, BUILT_IN_ALGORITHMS);
    return { known: true, builtInAlgorithm, description: `${builtInAlgorithm ? `built-in algorithm ${builtInAlgorithm} ` : ''}image ${describeValue(this.uri)}` };
  }

  public bind(scope: Construct, _grantee?: iam.IGrantable): ContainerImageConfig {
    if (!Token.isUnresolved(this.uri) && !IMAGE_URI_PATTERN.test(this.uri)) {
      throw new SageMakerConstructError(scope, `invalid image URI ${describeValue(this.uri)}: use <registry>/<repository>[:tag|@sha256:digest], e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:1.0`);
    }
    return { imageUri: this.uri };
  }
}
