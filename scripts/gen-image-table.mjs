#!/usr/bin/env node
// Regenerates constructs/core/images/image-table.json, the per-region table of the container
// images SageMaker provides (built-in algorithms, framework containers, LLM serving containers,
// Neuron and Graviton variants, Neo serving images, Spark, Data Wrangler, Debugger rules, Model
// Monitor, Clarify), from
// a local copy of the SageMaker Python SDK's image URI config files:
//
//   node scripts/gen-image-table.mjs <dir-with-image_uri_config-json-files> [--commit <sha>] [--date <YYYY-MM-DD>]
//       [--out <file>] [--fixture <file.json.gz>]
//   node scripts/gen-image-table.mjs --from-fixture <file.json.gz> [--out <file>]
//
// The SDK keeps those files in sagemaker-core/src/sagemaker/core/image_uri_config/ (v3) or
// src/sagemaker/image_uri_config/ (v2). --commit and --date record which SDK commit the data came
// from. --fixture also writes the generator's whole input (the config files it reads, minified,
// with their sha256 and the commit) as a gzipped bundle: test/fixtures/sdk-image-uri-config.json.gz
// is that bundle, and a test regenerates the table from it and compares it with the vendored one.
// The output is deterministic (sorted keys, no dependency on the installed aws-cdk-lib) so a
// regeneration gives a clean diff.
//
// What is kept: every partition the SDK lists (aws, aws-cn, aws-us-gov, the ISO partitions,
// aws-eusc); the 'training' and 'inference' scopes of the frameworks plus their Graviton inference
// scope (no Elastic Inference); the cpu, gpu and Neuron processors. Registry maps (region ->
// account) are stored once each under a content-derived id and referenced by id.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** SDK config file (= image key) -> the scopes we keep. */
const SOURCES = {
  // built-in algorithms
  'blazingtext': ['inference', 'training'],
  'factorization-machines': ['inference', 'training'],
  'forecasting-deepar': ['inference', 'training'],
  'image-classification': ['inference', 'training'],
  'ipinsights': ['inference', 'training'],
  'kmeans': ['inference', 'training'],
  'knn': ['inference', 'training'],
  'lda': ['inference', 'training'],
  'linear-learner': ['inference', 'training'],
  'ntm': ['inference', 'training'],
  'object-detection': ['inference', 'training'],
  'object2vec': ['inference', 'training'],
  'pca': ['inference', 'training'],
  'randomcutforest': ['inference', 'training'],
  'semantic-segmentation': ['inference', 'training'],
  'seq2seq': ['inference', 'training'],
  // frameworks (xgboost is both), with their Graviton inference images
  'huggingface': ['inference', 'training'],
  'pytorch': ['inference', 'inference_graviton', 'training'],
  'sklearn': ['inference', 'inference_graviton', 'training'],
  'tensorflow': ['inference', 'inference_graviton', 'training'],
  'xgboost': ['inference', 'inference_graviton', 'training'],
  // the SageMaker model parallelism (SMP v2) image the SDK picks for PyTorch with its distribution
  'pytorch-smp': ['training'],
  // Neuron (Inferentia, Trainium) variants of the frameworks
  'huggingface-neuron': ['inference'],
  // not its training scope: the SDK cannot build those tags (container_version keyed 'inf' for a
  // 'trn' processor, no SDK version in the tag)
  'huggingface-neuronx': ['inference'],
  'pytorch-neuron': ['training'],
  // LLM and embedding serving containers
  'djl-deepspeed': ['inference'],
  'djl-lmi': ['inference'],
  'djl-neuronx': ['inference'],
  'djl-tensorrtllm': ['inference'],
  'huggingface-llm': ['inference'],
  'huggingface-llm-neuronx': ['inference'],
  'huggingface-tei': ['inference'],
  'huggingface-tei-cpu': ['inference'],
  'huggingface-vllm': ['inference'],
  'huggingface-vllm-neuronx': ['inference'],
  // Neo serving images for compiled models (the SDK's `_compilation_image_uri` picks them by target)
  'image-classification-neo': ['inference'],
  'inferentia-mxnet': ['inference'],
  'inferentia-pytorch': ['inference'],
  'inferentia-tensorflow': ['inference'],
  'neo-mxnet': ['inference'],
  'neo-pytorch': ['inference'],
  'neo-tensorflow': ['inference'],
  'xgboost-neo': ['inference'],
  // AWS-owned tool images
  'clarify': ['processing'],
  'data-wrangler': ['processing'],
  'debugger': ['debugger'],
  'model-monitor': ['monitoring'],
  'spark': ['processing'],
};
const PROCESSORS = ['cpu', 'gpu', 'inf', 'inf2', 'trn', 'neuronx'];
/** Fields of a version config the generator understands; anything else fails the run. */
const VARIANT_FIELDS = new Set(['registries', 'repository', 'processors', 'py_versions', 'container_version', 'tag_prefix', 'sdk_versions']);

/**
 * Partitions by region prefix (first match wins) and the DNS suffix of their ECR hosts
 * (`<account>.dkr.ecr.<region>.<suffix>`: botocore's `ecr` endpoint, `{service}.{region}.{dnsSuffix}`).
 * A test checks this against aws-cdk-lib's region facts.
 */
const PARTITIONS = [
  ['cn-', 'aws-cn', 'amazonaws.com.cn'],
  ['us-gov-', 'aws-us-gov', 'amazonaws.com'],
  ['us-isob-', 'aws-iso-b', 'sc2s.sgov.gov'],
  ['us-isof-', 'aws-iso-f', 'csp.hci.ic.gov'],
  ['us-iso-', 'aws-iso', 'c2s.ic.gov'],
  ['eu-isoe-', 'aws-iso-e', 'cloud.adc-e.uk'],
  ['eusc-', 'aws-eusc', 'amazonaws.eu'],
  ['', 'aws', 'amazonaws.com'],
];

// What the SDK's code adds to the config files (sagemaker-core/src/sagemaker/core/image_uris.py and
// image_retriever/image_retriever.py), applied here so the runtime builds tags one way.
/** `get_training_image_uri`: Hugging Face GPU training images without a container_version get this one. */
const HUGGINGFACE_TRAINING_GPU_CONTAINER_VERSION = 'cu110-ubuntu18.04';
/** `retrieve`: these repositories prefix the container version with the newest SDK version listed. */
const SDK_VERSION_REPOSITORIES = new Set([
  'pytorch-training-neuron', 'pytorch-training-neuronx', 'huggingface-vllm-inference-neuronx',
  'huggingface-pytorch-inference-neuron', 'huggingface-pytorch-inference-neuronx',
]);
/** `_get_image_tag`: the Graviton XGBoost and scikit-learn tags, hard-coded in the SDK. */
const ARM64_TAG_PREFIXES = { 'xgboost': { '1.5-1': '1.5-1-arm64', '1.3-1': '1.3-1-arm64' }, 'sklearn': { '1.0-1': '1.0-1-arm64' } };
/**
 * The `inference_tool` the SDK's callers pass for these images (`retrieve` for Hugging Face and
 * PyTorch on inf/trn instances, `get_huggingface_llm_image_uri` for TGI on Neuron): it replaces the
 * processor in the tag.
 */
const INFERENCE_TOOLS = { 'huggingface-neuron': 'neuron', 'huggingface-neuronx': 'neuronx', 'pytorch-neuron': 'neuron', 'huggingface-llm-neuronx': 'neuronx' };
/** Hugging Face Neuron images: the tag has the full Transformers and base framework versions, not the aliases given. */
const FULL_VERSION_IN_TAG = new Set(['huggingface-neuron', 'huggingface-neuronx']);
/** `_validate_py_version_and_set_if_needed`: Spark takes no Python version unless one is given. */
const PYTHON_OPTIONAL = new Set(['spark']);

function parseArgs(argv) {
  const args = { dir: undefined, commit: undefined, date: undefined, out: join(root, 'constructs/core/images/image-table.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--commit') args.commit = argv[++i];
    else if (a === '--date') args.date = argv[++i];
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--fixture') args.fixture = argv[++i];
    else if (a === '--from-fixture') args.fromFixture = argv[++i];
    else if (!args.dir && !a.startsWith('--')) args.dir = a;
    else throw new Error(`unexpected argument '${a}'`);
  }
  if (!args.dir && !args.fromFixture) {
    throw new Error('usage: node scripts/gen-image-table.mjs <dir-with-image_uri_config-json-files> [--commit <sha>] [--date <YYYY-MM-DD>] [--out <file>] [--fixture <file.json.gz>] | --from-fixture <file.json.gz> [--out <file>]');
  }
  return args;
}

/** The partition of a region and its ECR DNS suffix. */
export function partitionOf(region) {
  const [, partition, dnsSuffix] = PARTITIONS.find(([prefix]) => region.startsWith(prefix));
  return { partition, dnsSuffix };
}

/** Serializes with sorted object keys, 2-space indent; arrays keep their order. */
function stableStringify(value, indent = '') {
  const next = indent + '  ';
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => next + stableStringify(v, next)).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${next}${JSON.stringify(k)}: ${stableStringify(value[k], next)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

const hash8 = (text) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** Reads the config files the generator needs from an SDK folder: key -> parsed JSON. */
export function readConfigDir(dir) {
  const configs = {};
  const files = {};
  for (const key of Object.keys(SOURCES)) {
    const file = join(dir, `${key}.json`);
    if (!existsSync(file)) throw new Error(`${file} not found: is ${dir} the SDK's image_uri_config folder?`);
    const text = readFileSync(file);
    configs[key] = JSON.parse(text.toString('utf8'));
    files[key] = createHash('sha256').update(text).digest('hex');
  }
  return { configs, files };
}

/** The gzipped bundle of the generator's input (see --fixture). */
export function writeFixture(file, input, source) {
  const bundle = { source: { repository: 'aws/sagemaker-python-sdk', ...source, sha256: input.files }, configs: input.configs };
  writeFileSync(file, gzipSync(JSON.stringify(bundle), { level: 9 }));
}

export function readFixture(file) {
  const bundle = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const { sha256, ...source } = bundle.source;
  return { configs: bundle.configs, files: sha256, source };
}

/** Builds the table's text from the parsed config files (key -> JSON). */
export function generate(configs, source = {}) {
  // Variants first point at their region -> account map's canonical JSON; ids are given at the end.
  const maps = new Map(); // canonical json -> map
  const pending = [];

  function registryRef(map) {
    const filtered = {};
    for (const region of Object.keys(map).sort()) filtered[region] = String(map[region]);
    if (Object.keys(filtered).length === 0) return undefined;
    const canonical = JSON.stringify(filtered);
    maps.set(canonical, filtered);
    return canonical;
  }

  /** A version config with a repository -> our variant, or undefined if nothing of it is kept. */
  function variant(config, key, scope, version, where) {
    for (const k of Object.keys(config)) {
      if (!VARIANT_FIELDS.has(k)) throw new Error(`${where}: unknown field '${k}'; teach gen-image-table.mjs what it means`);
    }
    const registry = registryRef(config.registries ?? {});
    if (!registry) return undefined;
    const out = { registry, repository: config.repository };
    pending.push(out); // registry is replaced by its id below
    if (config.processors?.length) {
      out.processors = config.processors.filter((p) => PROCESSORS.includes(p));
      if (out.processors.length === 0) return undefined;
    }
    if (config.py_versions?.length) out.pyVersions = [...config.py_versions];
    if (config.container_version && out.processors?.some((p) => !(p in config.container_version))) {
      // the SDK's retrieve would fail with a KeyError
      throw new Error(`${where}: container_version has no entry for every processor (${out.processors.join(', ')}); leave this scope out or teach gen-image-table.mjs what it means`);
    }
    let cv = {};
    for (const p of PROCESSORS) if (config.container_version?.[p]) cv[p] = config.container_version[p];
    if (key === 'huggingface' && scope === 'training' && Object.keys(cv).length === 0 && out.processors?.includes('gpu')) {
      cv.gpu = HUGGINGFACE_TRAINING_GPU_CONTAINER_VERSION;
    }
    if (SDK_VERSION_REPOSITORIES.has(config.repository)) {
      if (!config.sdk_versions?.length) throw new Error(`${where}: repository ${config.repository} needs sdk_versions`);
      // Python's sorted(..., reverse=True)[0] on strings, as the SDK's _get_latest_versions
      const newest = [...config.sdk_versions].sort().reverse()[0];
      cv = Object.fromEntries(Object.entries(cv).map(([p, v]) => [p, `${newest}-${v}`]));
    }
    if (config.repository === `${key}-inference-graviton`) {
      cv = Object.fromEntries(Object.entries(cv).map(([p, v]) => [p, `${v}-sagemaker`]));
    }
    if (Object.keys(cv).length) out.containerVersion = cv;
    if (config.tag_prefix !== undefined) out.tagPrefix = config.tag_prefix;
    if (scope === 'inference_graviton' && ARM64_TAG_PREFIXES[key]) {
      const prefix = ARM64_TAG_PREFIXES[key][version];
      if (!prefix) throw new Error(`${where}: the SDK hard-codes the Graviton tags of ${key}; ${version} is not among them`);
      out.tagPrefix = prefix;
    }
    return out;
  }

  /** A node under a version: a variant, or a map python version -> variant. */
  function node(config, scopeProcessors, key, scope, version, where) {
    if ('repository' in config) {
      // the SDK takes the scope's processors first, then the version's
      const merged = scopeProcessors?.length ? { ...config, processors: scopeProcessors } : config;
      return variant(merged, key, scope, version, where);
    }
    const byPython = {};
    for (const [py, c] of Object.entries(config)) {
      if (py === 'version_aliases') continue;
      const v = node(c, scopeProcessors, key, scope, version, `${where} ${py}`);
      if (v && 'repository' in v) byPython[py] = v;
    }
    return Object.keys(byPython).length ? { pythonVersions: byPython } : undefined;
  }

  function scopeTable(config, key, scope, where) {
    const versions = {};
    for (const [version, vc] of Object.entries(config.versions ?? {})) {
      const w = `${where} version '${version}'`;
      let entry;
      if (key === 'huggingface' || key === 'huggingface-neuron' || key === 'huggingface-neuronx') {
        const bases = {};
        for (const [base, bc] of Object.entries(vc)) {
          if (base === 'version_aliases') continue;
          const n = node(bc, config.processors, key, scope, version, `${w} ${base}`);
          if (n) bases[base] = n;
        }
        if (Object.keys(bases).length) {
          entry = { baseFrameworks: bases };
          const aliases = Object.fromEntries(Object.entries(vc.version_aliases ?? {}).filter(([, target]) => target in bases));
          if (Object.keys(aliases).length) entry.baseFrameworkAliases = aliases;
        }
      } else {
        entry = node(vc, config.processors, key, scope, version, w);
      }
      if (entry) versions[version] = entry;
    }
    if (Object.keys(versions).length === 0) return undefined;
    const table = { versions };
    const aliases = Object.fromEntries(Object.entries(config.version_aliases ?? {}).filter(([, target]) => target in versions));
    if (Object.keys(aliases).length) table.aliases = aliases;
    if (INFERENCE_TOOLS[key]) table.inferenceTool = INFERENCE_TOOLS[key];
    if (FULL_VERSION_IN_TAG.has(key)) table.fullVersionInTag = true;
    if (PYTHON_OPTIONAL.has(key)) table.pythonOptional = true;
    return table;
  }

  const images = {};
  for (const [key, wanted] of Object.entries(SOURCES)) {
    const config = configs[key];
    if (!config) throw new Error(`${key}.json missing from the input`);
    const scopes = {};
    if (Array.isArray(config.scope)) {
      // one config shared by every listed scope
      for (const s of config.scope.filter((x) => wanted.includes(x))) {
        const t = scopeTable(config, key, s, `${key}.json`);
        if (t) scopes[s] = t;
      }
    } else {
      for (const s of wanted) {
        if (!config[s]) throw new Error(`${key}.json has no '${s}' scope`);
        const t = scopeTable(config[s], key, s, `${key}.json ${s}`);
        if (t) scopes[s] = t;
      }
    }
    if (Object.keys(scopes).length === 0) throw new Error(`${key}.json: none of the scopes ${wanted.join(', ')} has an image`);
    images[key] = scopes;
  }

  // Registry ids. A map's id is the hash of its commercial (`aws`) regions, which keeps the ids (and
  // so the CfnMapping ids of environment-agnostic stacks) of the tables before other partitions were
  // added. Where several maps share their commercial regions, the one with only those (else the one
  // with the most regions, then the first in canonical order) keeps that id and the others get the hash of their whole map, as
  // do maps without a commercial region. The result does not depend on the order of the input.
  const byCommercial = new Map();
  for (const [canonical, map] of maps) {
    const commercial = Object.fromEntries(Object.entries(map).filter(([r]) => partitionOf(r).partition === 'aws'));
    const c = Object.keys(commercial).length ? JSON.stringify(commercial) : undefined;
    const group = byCommercial.get(c) ?? [];
    group.push(canonical);
    byCommercial.set(c, group);
  }
  const ids = new Map();
  const registries = {};
  for (const [commercial, group] of byCommercial) {
    // a map of commercial regions only has that id anyway; it goes first
    const rank = (c) => (c === commercial ? Infinity : Object.keys(maps.get(c)).length);
    group.sort((a, b) => rank(b) - rank(a) || (a < b ? -1 : a > b ? 1 : 0));
    for (const canonical of group) {
      const id = commercial !== undefined && canonical === group[0] ? hash8(commercial) : hash8(canonical);
      if (registries[id]) throw new Error(`registry id collision on ${id}; lengthen the id`);
      registries[id] = maps.get(canonical);
      ids.set(canonical, id);
    }
  }
  for (const v of pending) v.registry = ids.get(v.registry);

  const regions = {};
  for (const map of maps.values()) for (const r of Object.keys(map)) regions[r] = partitionOf(r).partition;
  const partitions = {};
  for (const [, partition, dnsSuffix] of PARTITIONS) {
    if (Object.values(regions).includes(partition)) partitions[partition] = { dnsSuffix };
  }

  const table = { images, partitions, regions, registries };
  const src = { repository: 'aws/sagemaker-python-sdk' };
  if (source.commit) src.commit = source.commit;
  if (source.date) src.date = source.date;
  table.source = src;
  return stableStringify(table) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const args = parseArgs(process.argv.slice(2));
    let input;
    let source;
    if (args.fromFixture) {
      ({ source, ...input } = readFixture(args.fromFixture));
    } else {
      input = readConfigDir(args.dir);
      source = { commit: args.commit, date: args.date };
    }
    const text = generate(input.configs, source);
    writeFileSync(args.out, text);
    if (args.fixture) writeFixture(args.fixture, input, source);
    process.stdout.write(`wrote ${args.out} (${Buffer.byteLength(text)} bytes)${args.fixture ? ` and ${args.fixture}` : ''}\n`);
  } catch (e) {
    process.stderr.write(`gen-image-table: ${e.message}\n`);
    process.exit(1);
  }
}
