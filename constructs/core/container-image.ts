import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Fact, FactName } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../private/errors';

/**
 * SageMaker's built-in algorithms. The values are the SageMaker Python SDK's framework keys.
 */
export enum BuiltInAlgorithm {
  /** XGBoost (the open-source algorithm in SageMaker's container; pin a version such as '1.7-1'). */
  XGBOOST = 'xgboost',
  /** Linear Learner. */
  LINEAR_LEARNER = 'linear-learner',
  /** K-Means. */
  KMEANS = 'kmeans',
  /** Principal Component Analysis. */
  PCA = 'pca',
  /** Random Cut Forest. */
  RANDOM_CUT_FOREST = 'randomcutforest',
  /** k-Nearest Neighbors. */
  KNN = 'knn',
  /** Factorization Machines. */
  FACTORIZATION_MACHINES = 'factorization-machines',
  /** BlazingText. */
  BLAZINGTEXT = 'blazingtext',
  /** Object2Vec. */
  OBJECT2VEC = 'object2vec',
  /** Image Classification (MXNet). */
  IMAGE_CLASSIFICATION = 'image-classification',
  /** Object Detection (MXNet). */
  OBJECT_DETECTION = 'object-detection',
  /** Semantic Segmentation. */
  SEMANTIC_SEGMENTATION = 'semantic-segmentation',
  /** DeepAR forecasting. */
  DEEPAR = 'forecasting-deepar',
  /** Sequence-to-Sequence. */
  SEQ2SEQ = 'seq2seq',
  /** Latent Dirichlet Allocation. */
  LDA = 'lda',
  /** Neural Topic Model. */
  NTM = 'ntm',
  /** IP Insights. */
  IP_INSIGHTS = 'ipinsights',
}

/** The framework containers SageMaker provides (the SageMaker Python SDK's framework keys). */
export enum Framework {
  /** PyTorch (AWS Deep Learning Containers). */
  PYTORCH = 'pytorch',
  /** TensorFlow (AWS Deep Learning Containers; TensorFlow Serving for inference). */
  TENSORFLOW = 'tensorflow',
  /** scikit-learn. */
  SKLEARN = 'sklearn',
  /** XGBoost (framework mode: your own training script). */
  XGBOOST = 'xgboost',
  /** Hugging Face Transformers on PyTorch or TensorFlow. */
  HUGGINGFACE = 'huggingface',
}

/** What a framework image is used for. */
export enum ImageScope {
  /** Training jobs (and processing jobs that run a framework script). */
  TRAINING = 'training',
  /** Hosting: models, endpoints, batch transform. */
  INFERENCE = 'inference',
}

/** The processor type an image is built for. */
export enum Processor {
  /** CPU instances. */
  CPU = 'cpu',
  /** GPU instances (CUDA). */
  GPU = 'gpu',
}

/** Which framework image to use. */
export interface FrameworkImageOptions {
  /**
   * The framework version, as the SageMaker Python SDK lists it: a full version ('2.8.0', '1.2-1')
   * or one of its aliases ('2.8'). An alias also appears in the tag, as the SDK does.
   * `ContainerImage.versions(framework)` lists the versions.
   */
  readonly version: string;
  /** Training or inference image. */
  readonly scope: ImageScope;
  /**
   * The processor type.
   * @default Processor.CPU, or the only processor the image is built for (Hugging Face training
   * images are GPU only). Ignored for images that serve both (XGBoost 1.2-1 and later).
   */
  readonly processor?: Processor;
  /**
   * The Python version, e.g. 'py312'.
   * @default - the newest Python version listed for that framework version. Ignored for images
   * whose tag carries no Python version (TensorFlow Serving, XGBoost 1.2-1 and later), as the SDK does.
   */
  readonly pythonVersion?: string;
  /**
   * Hugging Face only: the PyTorch or TensorFlow version underneath, e.g. 'pytorch2.1.0' (or an
   * alias such as 'pytorch2.1'). Its number appears in the tag, as the SDK does.
   * @default - the only base framework of that Transformers version; required when there are several
   */
  readonly baseFrameworkVersion?: string;
}

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
 * (built-in algorithm, framework, Debugger, Model Monitor, Clarify) resolved for the stack's region,
 * an image in your ECR repository, an image built from a local Dockerfile, or any image URI.
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
    return new AwsOwnedImage({ key: algorithm, scope: ImageScope.TRAINING, version, defaultToNewest: true });
  }

  /** A framework image (PyTorch, TensorFlow, scikit-learn, XGBoost, Hugging Face). */
  public static framework(framework: Framework, options: FrameworkImageOptions): ContainerImage {
    return new AwsOwnedImage({
      key: framework,
      scope: options.scope,
      version: options.version,
      versionRequired: true,
      processor: options.processor,
      pythonVersion: options.pythonVersion,
      baseFrameworkVersion: options.baseFrameworkVersion,
    });
  }

  /** The SageMaker Debugger rule evaluator image (repository `sagemaker-debugger-rules`). */
  public static debuggerRules(): ContainerImage {
    return new AwsOwnedImage({ key: 'debugger', scope: 'debugger', defaultToNewest: true });
  }

  /**
   * The SageMaker Model Monitor analyzer image (repository `sagemaker-model-monitor-analyzer`).
   * Like the SDK, the URI has no tag, so the registry's default (latest) image is used.
   */
  public static modelMonitor(): ContainerImage {
    return new AwsOwnedImage({ key: 'model-monitor', scope: 'monitoring', defaultToNewest: true });
  }

  /** The SageMaker Clarify processing image (repository `sagemaker-clarify-processing`). */
  public static clarify(): ContainerImage {
    return new AwsOwnedImage({ key: 'clarify', scope: 'processing', defaultToNewest: true });
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

  /** Every region (commercial partition) the bundled image table knows, sorted. */
  public static supportedRegions(): string[] {
    const regions = new Set<string>();
    for (const map of Object.values(imageTable().registries)) {
      Object.keys(map).forEach((r) => regions.add(r));
    }
    return [...regions].sort();
  }

  /**
   * The versions of a built-in algorithm, framework or tool image ('xgboost', 'pytorch',
   * 'debugger', ...) in the bundled table, oldest first, across training and inference scopes.
   * Aliases are not listed. Returns an empty list for an unknown key.
   */
  public static versions(algorithmOrFrameworkKey: string): string[] {
    const scopes = imageTable().images[algorithmOrFrameworkKey];
    if (!scopes) return [];
    const versions = new Set<string>();
    for (const scope of Object.values(scopes)) Object.keys(scope.versions).forEach((v) => versions.add(v));
    return [...versions].sort(compareVersions);
  }

  /**
   * Resolves the image URI for the scope's stack and grants the grantee what it needs to pull the
   * image. Images SageMaker provides need no grant.
   *
   * @param scope the construct that uses the image (its stack determines the region)
   * @param grantee the role SageMaker uses to pull the image
   */
  public abstract bind(scope: Construct, grantee?: iam.IGrantable): ContainerImageConfig;
}

// ---------------------------------------------------------------------------------------------
// The bundled table (scripts/gen-image-table.mjs writes it; see images/README.md)

interface Variant {
  readonly registry: string;
  readonly repository: string;
  readonly processors?: string[];
  readonly pyVersions?: string[];
  readonly containerVersion?: { [processor: string]: string };
  readonly tagPrefix?: string;
}

/** A version: a variant, a map python version -> variant, or (Hugging Face) base framework -> node. */
interface VersionNode extends Partial<Variant> {
  readonly pythonVersions?: { [py: string]: Variant };
  readonly baseFrameworks?: { [base: string]: VersionNode };
  readonly baseFrameworkAliases?: { [alias: string]: string };
}

interface ScopeTable {
  readonly versions: { [version: string]: VersionNode };
  readonly aliases?: { [alias: string]: string };
}

interface ImageTable {
  readonly images: { [key: string]: { [scope: string]: ScopeTable } };
  readonly registries: { [id: string]: { [region: string]: string } };
}

let loadedTable: ImageTable | undefined;

/** Read at first use (a JSON file next to the sources, so no JSON import for jsii). */
function imageTable(): ImageTable {
  if (!loadedTable) {
    loadedTable = JSON.parse(fs.readFileSync(path.join(__dirname, 'images', 'image-table.json'), 'utf8')) as ImageTable;
  }
  return loadedTable;
}

/** Orders '1.2-1' < '1.10-1' < '1.10-1-py312'; numeric parts before text parts. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const na = /^\d+$/.test(pa[i]) ? Number(pa[i]) : undefined;
    const nb = /^\d+$/.test(pb[i]) ? Number(pb[i]) : undefined;
    if (na !== undefined && nb !== undefined) {
      if (na !== nb) return na - nb;
    } else if (na !== undefined) {
      return -1;
    } else if (nb !== undefined) {
      return 1;
    } else if (pa[i] !== pb[i]) {
      return pa[i] < pb[i] ? -1 : 1;
    }
  }
  return 0;
}

/** Orders python versions: py2 < py3 < py36 < py39 < py310 < py312. */
function comparePythonVersions(a: string, b: string): number {
  const key = (v: string): [number, number] => {
    const m = /^py(\d)(\d*)$/.exec(v);
    return m ? [Number(m[1]), m[2] === '' ? -1 : Number(m[2])] : [-1, -1];
  };
  const [ma, na] = key(a);
  const [mb, nb] = key(b);
  return ma !== mb ? ma - mb : na !== nb ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}

function choices(values: string[], aliases: string[] = []): string {
  const list = `use one of ${values.join(', ')}`;
  return aliases.length ? `${list} (or an alias: ${aliases.join(', ')})` : list;
}

// ---------------------------------------------------------------------------------------------
// Images SageMaker provides

interface AwsImageRequest {
  readonly key: string;
  readonly scope: string;
  readonly version?: string;
  readonly versionRequired?: boolean;
  readonly defaultToNewest?: boolean;
  readonly processor?: string;
  readonly pythonVersion?: string;
  readonly baseFrameworkVersion?: string;
}

interface ResolvedImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  /** For error messages, e.g. "pytorch 2.8.0 (training)". */
  readonly description: string;
}

/**
 * Resolves repository and tag the way the SageMaker Python SDK's `image_uris.retrieve` does,
 * without an instance type: the processor and Python version are explicit or defaulted.
 * Validation happens here, at bind time, so the error names the construct that uses the image.
 */
function resolveAwsImage(scope: IConstruct, req: AwsImageRequest): ResolvedImage {
  const scopes = imageTable().images[req.key];
  if (!scopes) {
    throw new SageMakerConstructError(scope, `unknown image ${describeValue(req.key)}: ${choices(Object.keys(imageTable().images).sort())}`);
  }
  const table = scopes[req.scope];
  if (!table) {
    throw new SageMakerConstructError(scope, `${req.key} has no ${describeValue(req.scope)} images: ${choices(Object.keys(scopes).sort())}`);
  }
  const versions = Object.keys(table.versions).sort(compareVersions);
  const aliases = Object.keys(table.aliases ?? {}).sort(compareVersions);

  let version = req.version;
  if (version === undefined) {
    if (req.versionRequired) {
      throw new SageMakerConstructError(scope, `${req.key} needs a version: ${choices(versions, aliases)}`);
    }
    version = versions[versions.length - 1];
  }
  if (Token.isUnresolved(version)) {
    throw new SageMakerConstructError(scope, `${req.key} version ${describeValue(version)} is a token: use a literal version, one of ${versions.join(', ')}`);
  }
  const canonical = table.aliases?.[version] ?? version;
  let node = table.versions[canonical];
  if (!node) {
    throw new SageMakerConstructError(scope, `unknown ${req.key} version ${describeValue(version)} for ${req.scope}: ${choices(versions, aliases)}`);
  }
  let description = `${req.key} ${canonical} (${req.scope})`;

  // Hugging Face: the base framework (PyTorch or TensorFlow version) selects the image.
  let tagPrefix: string | undefined;
  if (node.baseFrameworks) {
    const bases = Object.keys(node.baseFrameworks).sort();
    const baseAliases = Object.keys(node.baseFrameworkAliases ?? {}).sort();
    let base = req.baseFrameworkVersion;
    if (base === undefined) {
      if (bases.length !== 1) {
        throw new SageMakerConstructError(scope, `${description} needs baseFrameworkVersion: ${choices(bases, baseAliases)}`);
      }
      base = bases[0];
    }
    const fullBase = node.baseFrameworkAliases?.[base] ?? base;
    const baseNode = node.baseFrameworks[fullBase];
    const match = /^(pytorch|tensorflow)(.*)$/.exec(base);
    if (!baseNode || !match) {
      throw new SageMakerConstructError(scope, `baseFrameworkVersion ${describeValue(base)} is not offered for ${description}: ${choices(bases, baseAliases)}`);
    }
    node = baseNode;
    description = `${req.key} ${canonical} ${fullBase} (${req.scope})`;
    // The SDK tags these images '<base number as given>-transformers<version as given>'.
    tagPrefix = `${match[2]}-transformers${version}`;
  } else if (req.baseFrameworkVersion !== undefined) {
    throw new SageMakerConstructError(scope, `baseFrameworkVersion ${describeValue(req.baseFrameworkVersion)} applies to Hugging Face images only: remove it for ${req.key}`);
  }

  // Python version: from the variant's list, or the keys of a per-Python map.
  const pyVersions = [...(node.pythonVersions ? Object.keys(node.pythonVersions) : node.pyVersions ?? [])].sort(comparePythonVersions);
  let py: string | undefined;
  if (pyVersions.length > 0) {
    py = req.pythonVersion ?? pyVersions[pyVersions.length - 1];
    if (!pyVersions.includes(py)) {
      throw new SageMakerConstructError(scope, `pythonVersion ${describeValue(py)} is not listed for ${description}: ${choices(pyVersions)}`);
    }
  }
  const variant: Variant = (py !== undefined ? node.pythonVersions?.[py] : undefined) ?? (node as Variant);

  // Processor: only when the image lists processors (otherwise one image serves both).
  let processor: string | undefined;
  const processors = variant.processors ?? [];
  if (processors.length > 0) {
    processor = req.processor ?? (processors.includes(Processor.CPU) || processors.length !== 1 ? Processor.CPU : processors[0]);
    if (!processors.includes(processor)) {
      throw new SageMakerConstructError(scope, `processor ${describeValue(processor)} is not offered for ${description}: ${choices([...processors].sort())}`);
    }
  }
  const containerVersion = processor !== undefined ? variant.containerVersion?.[processor] : undefined;

  const prefix = tagPrefix ?? variant.tagPrefix ?? version;
  const tag = [prefix, processor, py, containerVersion].filter((part) => part).join('-');
  return { registry: variant.registry, repository: variant.repository, tag: tag || undefined, description };
}

/** The URI in the scope's region: a literal for a concrete region, a FindInMap otherwise. */
function renderAwsImageUri(scope: IConstruct, image: ResolvedImage): string {
  const stack = Stack.of(scope);
  const accounts = imageTable().registries[image.registry];
  const repositoryAndTag = image.tag ? `${image.repository}:${image.tag}` : image.repository;
  const region = stack.region;
  if (!Token.isUnresolved(region)) {
    const account = accounts[region];
    if (!account) {
      throw new SageMakerConstructError(scope, `region ${describeValue(region)} has no ${image.description} image (${image.repository}): deploy to one of ${Object.keys(accounts).sort().join(', ')}`);
    }
    const suffix = Fact.find(region, FactName.DOMAIN_SUFFIX) ?? 'amazonaws.com';
    return `${account}.dkr.ecr.${region}.${suffix}/${repositoryAndTag}`;
  }
  // Environment-agnostic stack: one mapping per distinct registry map, shared by every image using it.
  const id = `SageMakerImageRegistry${image.registry}`;
  let mapping = stack.node.tryFindChild(id) as CfnMapping | undefined;
  if (!mapping) {
    const entries: { [region: string]: { [key: string]: string } } = {};
    for (const r of Object.keys(accounts).sort()) entries[r] = { account: accounts[r] };
    mapping = new CfnMapping(stack, id, { mapping: entries });
  }
  return `${mapping.findInMap(region, 'account')}.dkr.ecr.${region}.${Aws.URL_SUFFIX}/${repositoryAndTag}`;
}

class AwsOwnedImage extends ContainerImage {
  constructor(private readonly request: AwsImageRequest) {
    super();
  }

  public bind(scope: Construct, _grantee?: iam.IGrantable): ContainerImageConfig {
    // SageMaker pulls its own images with its service principal: nothing to grant.
    return { imageUri: renderAwsImageUri(scope, resolveAwsImage(scope, this.request)) };
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

  public bind(scope: Construct, _grantee?: iam.IGrantable): ContainerImageConfig {
    if (!Token.isUnresolved(this.uri) && !IMAGE_URI_PATTERN.test(this.uri)) {
      throw new SageMakerConstructError(scope, `invalid image URI ${describeValue(this.uri)}: use <registry>/<repository>[:tag|@sha256:digest], e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:1.0`);
    }
    return { imageUri: this.uri };
  }
}
