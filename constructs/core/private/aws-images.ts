import * as fs from 'fs';
import * as path from 'path';
import { Aws, CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { Fact, FactName } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../../private/errors';
import { Processor } from '../aws-image-options';

// ---------------------------------------------------------------------------------------------
// The bundled table (scripts/gen-image-table.mjs writes it; see ../images/README.md)

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
  /** The SDK's `inference_tool` for these images ('neuron', 'neuronx'): in the tag instead of the processor. */
  readonly inferenceTool?: string;
  /** Hugging Face Neuron images: the tag has the full versions, not the aliases given. */
  readonly fullVersionInTag?: boolean;
  /** Spark: no Python version in the tag unless one is given. */
  readonly pythonOptional?: boolean;
}

interface ImageTable {
  readonly images: { [key: string]: { [scope: string]: ScopeTable } };
  /** partition -> the DNS suffix of its ECR hosts */
  readonly partitions: { [partition: string]: { readonly dnsSuffix: string } };
  /** region -> partition */
  readonly regions: { [region: string]: string };
  readonly registries: { [id: string]: { [region: string]: string } };
}

let loadedTable: ImageTable | undefined;

/** Read at first use (a JSON file in core/images/, so no JSON import for jsii; the build copies it to dist/core/images/). */
function imageTable(): ImageTable {
  if (!loadedTable) {
    loadedTable = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'images', 'image-table.json'), 'utf8')) as ImageTable;
  }
  return loadedTable;
}

/** Every region of a partition ('aws', 'aws-cn', 'aws-us-gov', ...) the table knows, sorted. */
export function tableRegions(partition: string): string[] {
  const regions = imageTable().regions;
  return Object.keys(regions).filter((r) => regions[r] === partition).sort();
}

/** The partitions the table knows, sorted. */
export function tablePartitions(): string[] {
  return Object.keys(imageTable().partitions).sort();
}

/** The versions of an image key in the table, oldest first, across its training and inference scopes (not Graviton); none for an unknown key. */
export function tableVersions(key: string): string[] {
  const scopes = imageTable().images[key];
  if (!scopes) return [];
  const versions = new Set<string>();
  for (const [name, scope] of Object.entries(scopes)) {
    if (name !== GRAVITON_SCOPE) Object.keys(scope.versions).forEach((v) => versions.add(v));
  }
  return [...versions].sort(compareVersions);
}

/** The version aliases of an image key's scope ('2.9' -> '2.9.2'...); none for an unknown key or scope. */
export function tableAliases(key: string, scope: string): string[] {
  return Object.keys(imageTable().images[key]?.[scope]?.aliases ?? {});
}

/** Orders '1.2-1' < '1.10-1' < '1.10-1-py312'; numeric parts before text parts. */
export function compareVersions(a: string, b: string): number {
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

export interface AwsImageRequest {
  readonly key: string;
  readonly scope: string;
  readonly version?: string;
  readonly versionRequired?: boolean;
  readonly defaultToNewest?: boolean;
  readonly processor?: string;
  readonly pythonVersion?: string;
  readonly baseFrameworkVersion?: string;
  /** The instance type the image runs on: selects the processor and the Neuron or Graviton variant, as the SDK does. */
  readonly instanceType?: string;
  /** The container version of the tag where the table has none (Spark: 'v1'). */
  readonly containerVersion?: string;
}

const GRAVITON_SCOPE = 'inference_graviton';
/** Frameworks with Graviton (arm64) inference images: the SDK's GRAVITON_ALLOWED_FRAMEWORKS. */
const GRAVITON_FRAMEWORKS = ['pytorch', 'sklearn', 'tensorflow', 'xgboost'];
/** The Neuron variant of an image key, by instance family (`*` for any inf/trn family). */
const NEURON_VARIANTS: { [key: string]: { [family: string]: string } } = {
  'pytorch': { '*': 'pytorch-neuron' },
  'huggingface': { 'inf1': 'huggingface-neuron', '*': 'huggingface-neuronx' },
  'huggingface-llm': { '*': 'huggingface-llm-neuronx' },
  'huggingface-vllm': { '*': 'huggingface-vllm-neuronx' },
};
const NEURON_KEYS = ['djl-neuronx', 'huggingface-llm-neuronx', 'huggingface-neuron', 'huggingface-neuronx', 'huggingface-vllm-neuronx', 'pytorch-neuron'];
/** The CPU variant of a GPU-only image key. */
const CPU_VARIANTS: { [key: string]: string } = { 'huggingface-tei': 'huggingface-tei-cpu' };

/** The SDK's `_should_auto_select_container_version` table: '<key>-<tag>' -> suffix on p4d instances. */
const P4D_CONTAINER_VERSIONS: { [keyAndTag: string]: string } = {
  'tensorflow-2.3-gpu-py37': 'cu110-ubuntu18.04-v3',
  'tensorflow-2.3.1-gpu-py37': 'cu110-ubuntu18.04',
  'tensorflow-2.3.2-gpu-py37': 'cu110-ubuntu18.04',
  'tensorflow-1.15-gpu-py37': 'cu110-ubuntu18.04-v8',
  'tensorflow-1.15.4-gpu-py37': 'cu110-ubuntu18.04',
  'tensorflow-1.15.5-gpu-py37': 'cu110-ubuntu18.04',
  'pytorch-1.6-gpu-py36': 'cu110-ubuntu18.04-v3',
  'pytorch-1.6.0-gpu-py36': 'cu110-ubuntu18.04',
  'pytorch-1.6-gpu-py3': 'cu110-ubuntu18.04-v3',
  'pytorch-1.6.0-gpu-py3': 'cu110-ubuntu18.04',
};

/** Inferentia and Trainium families: inf1, inf2, trn1, trn1n, trn2... */
export function isNeuronFamily(family: string): boolean {
  return /^(inf|trn)\d/.test(family);
}

/**
 * Graviton (arm64) families: a letter, a generation, then 'g' (m6g, m6gd, c6gn, c7g, r7gd, m8g...).
 * The SDK lists m6g, m6gd, c6g, c6gd, c6gn, c7g, r6g and r6gd; the newer Graviton families follow
 * the same naming.
 */
export function isGravitonFamily(family: string): boolean {
  return /^[a-z]\d+g[a-z]*$/.test(family);
}

interface Selection {
  readonly key: string;
  readonly scope: string;
  /** The processor the instance type asks for (cpu, gpu, or the Neuron processor of the family). */
  readonly processor?: string;
  readonly neuron: boolean;
  /** Whether the processor comes from a literal instance type. */
  readonly fromInstanceType: boolean;
}

/** The image key, scope and processor for the request's instance type, as the SDK's `retrieve` picks them. */
function select(scope: IConstruct, req: AwsImageRequest): Selection {
  const instanceType = req.instanceType;
  if (instanceType === undefined || Token.isUnresolved(instanceType)) {
    return { key: req.key, scope: req.scope, processor: req.processor, neuron: NEURON_KEYS.includes(req.key), fromInstanceType: false };
  }
  if (req.processor !== undefined) {
    throw new SageMakerConstructError(scope, `processor ${describeValue(req.processor)} and instanceType ${describeValue(instanceType)} are both given: give one (the instance type selects the processor)`);
  }
  const family = instanceType.split('.')[1] ?? '';
  if (isNeuronFamily(family)) {
    const variants = NEURON_VARIANTS[req.key];
    const key = variants ? variants[family] ?? variants['*'] : req.key;
    if (!NEURON_KEYS.includes(key)) {
      const offered = [...Object.keys(NEURON_VARIANTS), 'djl-neuronx'].sort().join(', ');
      throw new SageMakerConstructError(scope, `${req.key} has no Neuron image for instance type ${describeValue(instanceType)} (AWS Inferentia or Trainium): images with Neuron variants are ${offered}`);
    }
    // the SDK's _processor: the family if the image lists it, else 'inf' or 'trn'
    return { key, scope: req.scope, processor: family.startsWith('inf') ? 'inf' : 'trn', neuron: true, fromInstanceType: true };
  }
  if (NEURON_KEYS.includes(req.key)) {
    throw new SageMakerConstructError(scope, `${req.key} runs on AWS Inferentia or Trainium instances (ml.inf*, ml.trn*), not ${describeValue(instanceType)}`);
  }
  const processor = /^[gp]\d/.test(family) ? 'gpu' : 'cpu';
  if (isGravitonFamily(family)) {
    if (!GRAVITON_FRAMEWORKS.includes(req.key) || req.scope !== 'inference') {
      const what = req.scope === 'inference' ? `${req.key} has no Graviton (arm64) inference image` : `SageMaker has no Graviton (arm64) ${req.scope} image for ${req.key}`;
      throw new SageMakerConstructError(scope, `${what}, so it cannot run on instance type ${describeValue(instanceType)}: Graviton inference images exist for ${GRAVITON_FRAMEWORKS.join(', ')}; use an x86 instance type otherwise`);
    }
    return { key: req.key, scope: GRAVITON_SCOPE, processor, neuron: false, fromInstanceType: true };
  }
  if (processor === 'cpu' && CPU_VARIANTS[req.key]) return { key: CPU_VARIANTS[req.key], scope: req.scope, processor, neuron: false, fromInstanceType: true };
  return { key: req.key, scope: req.scope, processor, neuron: false, fromInstanceType: true };
}

export interface ResolvedImage {
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
export function resolveAwsImage(scope: IConstruct, request: AwsImageRequest): ResolvedImage {
  const selection = select(scope, request);
  const req: AwsImageRequest = { ...request, key: selection.key, scope: selection.scope };
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
    // The SDK tags these images '<base number as given>-transformers<version as given>' (the
    // Neuron ones with the full versions).
    tagPrefix = table.fullVersionInTag ? `${fullBase.replace(/^(pytorch|tensorflow)/, '')}-transformers${canonical}` : `${match[2]}-transformers${version}`;
  } else if (req.baseFrameworkVersion !== undefined) {
    throw new SageMakerConstructError(scope, `baseFrameworkVersion ${describeValue(req.baseFrameworkVersion)} applies to Hugging Face images only: remove it for ${req.key}`);
  }

  // Python version: from the variant's list, or the keys of a per-Python map.
  const pyVersions = [...(node.pythonVersions ? Object.keys(node.pythonVersions) : node.pyVersions ?? [])].sort(comparePythonVersions);
  let py: string | undefined;
  if (pyVersions.length > 0 && !(table.pythonOptional && req.pythonVersion === undefined)) {
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
    const only = processors.length === 1 ? processors[0] : undefined;
    if (selection.fromInstanceType && selection.processor !== undefined && req.instanceType !== undefined) {
      // from the instance type: a Neuron family the image lists by name (inf2), else inf or trn; a
      // Neuron image built for one processor serves the other Neuron families too
      const family = req.instanceType.split('.')[1];
      processor = processors.includes(family) ? family : selection.neuron && only && !processors.includes(selection.processor) ? only : selection.processor;
      if (!processors.includes(processor)) {
        throw new SageMakerConstructError(scope, `instance type ${describeValue(req.instanceType)} needs a ${processor} image; ${description} is built for ${[...processors].sort().join(', ')}`);
      }
    } else {
      processor = selection.processor ?? (processors.includes(Processor.CPU) || !only ? Processor.CPU : only);
      if (!processors.includes(processor)) {
        throw new SageMakerConstructError(scope, `processor ${describeValue(processor)} is not offered for ${description}: ${choices([...processors].sort())}`);
      }
    }
  }
  const containerVersion = (processor !== undefined ? variant.containerVersion?.[processor] : undefined) ?? req.containerVersion;

  const prefix = tagPrefix ?? variant.tagPrefix ?? version;
  let tag = [prefix, table.inferenceTool ?? processor, py, containerVersion].filter((part) => part).join('-');
  if (selection.fromInstanceType && req.instanceType?.split('.')[1] === 'p4d') {
    // the SDK's _get_image_tag: on p4d these images get a CUDA 11 container version
    const p4d = P4D_CONTAINER_VERSIONS[`${req.key}-${tag}`];
    if (p4d) tag = `${tag}-${p4d}`;
  }
  return { registry: variant.registry, repository: variant.repository, tag: tag || undefined, description };
}

/** The URI in the scope's region: a literal for a concrete region, a FindInMap otherwise. */
export function renderAwsImageUri(scope: IConstruct, image: ResolvedImage): string {
  const stack = Stack.of(scope);
  const accounts = imageTable().registries[image.registry];
  const repositoryAndTag = image.tag ? `${image.repository}:${image.tag}` : image.repository;
  const region = stack.region;
  if (!Token.isUnresolved(region)) {
    const account = accounts[region];
    if (!account) {
      throw new SageMakerConstructError(scope, `region ${describeValue(region)} has no ${image.description} image (${image.repository}): deploy to one of ${Object.keys(accounts).sort().join(', ')}`);
    }
    const table = imageTable();
    const suffix = table.partitions[table.regions[region]]?.dnsSuffix ?? Fact.find(region, FactName.DOMAIN_SUFFIX) ?? 'amazonaws.com';
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

// ---------------------------------------------------------------------------------------------
// Recognizing SageMaker's algorithm images by URI

/**
 * The built-in algorithm (one of `keys`) whose training image `uri` is: a registry account of the
 * table for the algorithm's repository, in any region. Undefined for any other URI (your own images,
 * framework images, a repository of yours that happens to share an algorithm's name).
 */
export function builtInAlgorithmOfUri(uri: string, keys: readonly string[]): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.[a-z0-9.-]+\/([^:@]+)/.exec(uri);
  if (!m) return undefined;
  const [, account, repository] = m;
  const table = imageTable();
  for (const key of keys) {
    for (const node of Object.values(table.images[key]?.training?.versions ?? {})) {
      for (const variant of [node, ...Object.values(node.pythonVersions ?? {})]) {
        if (variant.repository === repository && variant.registry && Object.values(table.registries[variant.registry] ?? {}).includes(account)) return key;
      }
    }
  }
  return undefined;
}
