#!/usr/bin/env node
// Regenerates constructs/core/images/image-table.json, the per-region table of the container
// images SageMaker provides (built-in algorithms, framework containers, Debugger rules, Model
// Monitor, Clarify), from a local copy of the SageMaker Python SDK's image URI config files:
//
//   node scripts/gen-image-table.mjs <dir-with-image_uri_config-json-files> [--commit <sha>] [--date <YYYY-MM-DD>] [--out <file>]
//
// The SDK keeps those files in sagemaker-core/src/sagemaker/core/image_uri_config/ (v3) or
// src/sagemaker/image_uri_config/ (v2). --commit and --date record which SDK commit the data came
// from. The output is deterministic (sorted keys) so a regeneration gives a clean diff.
//
// What is kept: the commercial (`aws` partition) regions only; the 'training' and 'inference' scopes
// of the frameworks (no Elastic Inference, no Graviton); the cpu and gpu processors. Registry maps
// (region -> account) are stored once each under a content-derived id and referenced by id.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { RegionInfo } = require('aws-cdk-lib/region-info');

/** SDK config file (= framework key) -> the scopes we keep. */
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
  // frameworks (xgboost is both)
  'huggingface': ['inference', 'training'],
  'pytorch': ['inference', 'training'],
  'sklearn': ['inference', 'training'],
  'tensorflow': ['inference', 'training'],
  'xgboost': ['inference', 'training'],
  // AWS-owned tool images
  'clarify': ['processing'],
  'debugger': ['debugger'],
  'model-monitor': ['monitoring'],
};
const PROCESSORS = ['cpu', 'gpu'];
/** Fields of a version config the generator understands; anything else fails the run. */
const VARIANT_FIELDS = new Set(['registries', 'repository', 'processors', 'py_versions', 'container_version', 'tag_prefix']);
/** Partitions other than `aws`, by region prefix, for regions this aws-cdk-lib does not know yet. */
const NON_COMMERCIAL_PREFIXES = ['cn-', 'us-gov-', 'us-iso', 'eu-isoe-', 'eusc-'];

function parseArgs(argv) {
  const args = { dir: undefined, commit: undefined, date: undefined, out: join(root, 'constructs/core/images/image-table.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--commit') args.commit = argv[++i];
    else if (a === '--date') args.date = argv[++i];
    else if (a === '--out') args.out = argv[++i];
    else if (!args.dir && !a.startsWith('--')) args.dir = a;
    else throw new Error(`unexpected argument '${a}'`);
  }
  if (!args.dir) {
    throw new Error('usage: node scripts/gen-image-table.mjs <dir-with-image_uri_config-json-files> [--commit <sha>] [--date <YYYY-MM-DD>] [--out <file>]');
  }
  return args;
}

const warnings = new Set();

function isCommercialRegion(region) {
  const partition = RegionInfo.get(region).partition;
  if (partition) return partition === 'aws';
  if (NON_COMMERCIAL_PREFIXES.some((p) => region.startsWith(p))) return false;
  if (!/^[a-z]{2}-[a-z]+-\d+$/.test(region)) return false;
  warnings.add(`region ${region} is unknown to this aws-cdk-lib; kept as a commercial region`);
  return true;
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

export function generate(dir, source = {}) {
  /** id -> region map */
  const registries = {};
  const registryIds = new Map(); // canonical json -> id

  function registryId(map) {
    const filtered = {};
    for (const region of Object.keys(map).sort()) {
      if (isCommercialRegion(region)) filtered[region] = String(map[region]);
    }
    if (Object.keys(filtered).length === 0) return undefined;
    const canonical = JSON.stringify(filtered);
    let id = registryIds.get(canonical);
    if (!id) {
      id = createHash('sha256').update(canonical).digest('hex').slice(0, 8);
      if (registries[id]) throw new Error(`registry id collision on ${id}; lengthen the id`);
      registries[id] = filtered;
      registryIds.set(canonical, id);
    }
    return id;
  }

  /** A version config with a repository -> our variant, or undefined if nothing of it is kept. */
  function variant(config, where) {
    for (const k of Object.keys(config)) {
      if (!VARIANT_FIELDS.has(k)) throw new Error(`${where}: unknown field '${k}'; teach gen-image-table.mjs what it means`);
    }
    const registry = registryId(config.registries ?? {});
    if (!registry) return undefined;
    const out = { registry, repository: config.repository };
    if (config.processors?.length) {
      out.processors = config.processors.filter((p) => PROCESSORS.includes(p));
      if (out.processors.length === 0) return undefined;
    }
    if (config.py_versions?.length) out.pyVersions = [...config.py_versions];
    if (config.container_version) {
      const cv = {};
      for (const p of PROCESSORS) if (config.container_version[p]) cv[p] = config.container_version[p];
      if (Object.keys(cv).length) out.containerVersion = cv;
    }
    if (config.tag_prefix !== undefined) out.tagPrefix = config.tag_prefix;
    return out;
  }

  /** A node under a version: a variant, or a map python version -> variant. */
  function node(config, scopeProcessors, where) {
    if ('repository' in config) {
      // the SDK takes the scope's processors first, then the version's
      const merged = scopeProcessors?.length ? { ...config, processors: scopeProcessors } : config;
      return variant(merged, where);
    }
    const byPython = {};
    for (const [py, c] of Object.entries(config)) {
      const v = node(c, scopeProcessors, `${where} ${py}`);
      if (v && 'repository' in v) byPython[py] = v;
    }
    return Object.keys(byPython).length ? { pythonVersions: byPython } : undefined;
  }

  function scopeTable(config, key, where) {
    const versions = {};
    for (const [version, vc] of Object.entries(config.versions ?? {})) {
      const w = `${where} version '${version}'`;
      let entry;
      if (key === 'huggingface') {
        const bases = {};
        for (const [base, bc] of Object.entries(vc)) {
          if (base === 'version_aliases') continue;
          const n = node(bc, config.processors, `${w} ${base}`);
          if (n) bases[base] = n;
        }
        if (Object.keys(bases).length) {
          entry = { baseFrameworks: bases };
          const aliases = Object.fromEntries(Object.entries(vc.version_aliases ?? {}).filter(([, target]) => target in bases));
          if (Object.keys(aliases).length) entry.baseFrameworkAliases = aliases;
        }
      } else {
        entry = node(vc, config.processors, w);
      }
      if (entry) versions[version] = entry;
    }
    if (Object.keys(versions).length === 0) return undefined;
    const table = { versions };
    const aliases = Object.fromEntries(Object.entries(config.version_aliases ?? {}).filter(([, target]) => target in versions));
    if (Object.keys(aliases).length) table.aliases = aliases;
    return table;
  }

  const images = {};
  for (const [key, wanted] of Object.entries(SOURCES)) {
    const file = join(dir, `${key}.json`);
    if (!existsSync(file)) throw new Error(`${file} not found: is ${dir} the SDK's image_uri_config folder?`);
    const config = JSON.parse(readFileSync(file, 'utf8'));
    const scopes = {};
    if (Array.isArray(config.scope)) {
      // one config shared by every listed scope
      for (const s of config.scope.filter((x) => wanted.includes(x))) {
        const t = scopeTable(config, key, `${key}.json`);
        if (t) scopes[s] = t;
      }
    } else {
      for (const s of wanted) {
        if (!config[s]) continue;
        const t = scopeTable(config[s], key, `${key}.json ${s}`);
        if (t) scopes[s] = t;
      }
    }
    if (Object.keys(scopes).length === 0) throw new Error(`${key}.json: none of the scopes ${wanted.join(', ')} has an image in a commercial region`);
    images[key] = scopes;
  }

  const table = { images, registries };
  const src = { repository: 'aws/sagemaker-python-sdk' };
  if (source.commit) src.commit = source.commit;
  if (source.date) src.date = source.date;
  table.source = src;
  return stableStringify(table) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const text = generate(args.dir, { commit: args.commit, date: args.date });
    writeFileSync(args.out, text);
    for (const w of [...warnings].sort()) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`wrote ${args.out} (${Buffer.byteLength(text)} bytes)\n`);
  } catch (e) {
    process.stderr.write(`gen-image-table: ${e.message}\n`);
    process.exit(1);
  }
}
