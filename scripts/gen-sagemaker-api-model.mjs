#!/usr/bin/env node
// Generates test/fixtures/sagemaker-api-model.json: a trimmed copy of botocore's SageMaker service
// model (botocore/data/sagemaker/2017-07-24/service-2.json, Apache-2.0), holding only the
// operations our constructs render and every shape reachable from their input shapes (and output
// shapes, for the Describe*/List* ones), without documentation. test/support/sagemaker-api.ts
// validates request objects against it.
//
// Usage:
//   node scripts/gen-sagemaker-api-model.mjs <service-2.json | service-2.json.gz>
//       [--botocore-version X.Y.Z] [--commit SHA] [--commit-date DATE] [--out FILE]
//   node scripts/gen-sagemaker-api-model.mjs --git-dir <botocore git dir> [--ref HEAD] [--out FILE]
//
// With a file path, the botocore version is read from the botocore/__init__.py above the file when
// there is one (an installed botocore); pass --botocore-version/--commit for a file taken out of a
// git checkout. With --git-dir, the model, version, commit and commit date come from that repository
// (e.g. a clone of https://github.com/boto/botocore). The output is deterministic (sorted keys, no
// timestamps), so regenerating from the same model gives the same file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_PATH = 'botocore/data/sagemaker/2017-07-24/service-2.json';
const MAX_BYTES = 1.5 * 1024 * 1024;
const LONG_PATTERN = 500;

/** The SageMaker operations our constructs render (requests, custom-resource calls, pipeline steps). */
export const OPERATIONS = [
  'CreateTrainingJob', 'DescribeTrainingJob', 'StopTrainingJob',
  'CreateHyperParameterTuningJob', 'DescribeHyperParameterTuningJob', 'StopHyperParameterTuningJob',
  'CreateProcessingJob', 'DescribeProcessingJob', 'StopProcessingJob',
  'CreateTransformJob', 'CreateModel',
  'CreateModelPackage', 'DescribeModelPackage', 'ListModelPackages', 'UpdateModelPackage',
  'CreateEndpointConfig', 'CreateEndpoint', 'UpdateEndpoint', 'DescribeEndpoint',
  'CreateMonitoringSchedule', 'CreateDataQualityJobDefinition', 'CreateModelQualityJobDefinition',
  'CreateModelBiasJobDefinition', 'CreateModelExplainabilityJobDefinition',
  'CreatePipeline', 'CreateCompilationJob',
  'DeleteApp', 'DeleteSpace', 'DeleteUserProfile', 'DeleteDomain', 'DescribeDomain',
  'ListApps', 'ListSpaces', 'ListUserProfiles',
  'CreateLabelingJob', 'CreateFlowDefinition',
];

/** Shape fields kept (documentation, box, exception, sensitive... are dropped). */
const SHAPE_FIELDS = ['type', 'required', 'enum', 'min', 'max', 'pattern', 'union'];
/** Member-reference fields kept. */
const MEMBER_FIELDS = ['shape', 'idempotencyToken'];

function parseArgs(argv) {
  const args = { ref: 'HEAD', out: join(root, 'test', 'fixtures', 'sagemaker-api-model.json') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--git-dir': args.gitDir = value(); break;
      case '--ref': args.ref = value(); break;
      case '--out': args.out = resolve(value()); break;
      case '--botocore-version': args.version = value(); break;
      case '--commit': args.commit = value(); break;
      case '--commit-date': args.commitDate = value(); break;
      case '-h': case '--help': args.help = true; break;
      default:
        if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
        if (args.file) throw new Error(`unexpected argument ${arg}`);
        args.file = arg;
    }
  }
  return args;
}

function git(gitDir, ...cmd) {
  return execFileSync('git', ['--git-dir', gitDir, ...cmd], { maxBuffer: 256 * 1024 * 1024 });
}

/** Reads the model and what is known of its provenance. */
function loadSource(args) {
  if (args.gitDir) {
    const commit = git(args.gitDir, 'rev-parse', `${args.ref}^{commit}`).toString().trim();
    const text = git(args.gitDir, 'show', `${commit}:${MODEL_PATH}`).toString('utf8');
    const init = git(args.gitDir, 'show', `${commit}:botocore/__init__.py`).toString('utf8');
    return {
      text,
      source: `https://github.com/boto/botocore/blob/${commit}/${MODEL_PATH}`,
      botocoreVersion: args.version ?? versionFrom(init),
      commit,
      commitDate: args.commitDate ?? git(args.gitDir, 'show', '-s', '--format=%cI', commit).toString().trim(),
    };
  }
  const file = resolve(args.file);
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  let version = args.version;
  if (!version) {
    // <...>/botocore/data/sagemaker/2017-07-24/service-2.json -> <...>/botocore/__init__.py
    const init = join(dirname(file), '..', '..', '..', '__init__.py');
    if (existsSync(init)) version = versionFrom(readFileSync(init, 'utf8'));
  }
  return {
    text,
    source: args.commit
      ? `https://github.com/boto/botocore/blob/${args.commit}/${MODEL_PATH}`
      : `botocore ${version ?? '(version unknown)'} ${MODEL_PATH}${file.endsWith('.gz') ? '.gz' : ''} (local file)`,
    botocoreVersion: version,
    commit: args.commit,
    commitDate: args.commitDate,
  };
}

function versionFrom(initPy) {
  return /^__version__\s*=\s*['"]([^'"]+)['"]/m.exec(initPy)?.[1];
}

/** Recursively sorts object keys (arrays keep their order: `required` and `enum` are model order). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}

function pick(obj, fields) {
  const out = {};
  for (const f of fields) if (obj[f] !== undefined) out[f] = obj[f];
  return out;
}

function trimShape(shape) {
  const out = pick(shape, SHAPE_FIELDS);
  if (shape.members) {
    out.members = Object.fromEntries(Object.entries(shape.members).map(([n, m]) => [n, pick(m, MEMBER_FIELDS)]));
  }
  for (const f of ['member', 'key', 'value']) if (shape[f]) out[f] = pick(shape[f], MEMBER_FIELDS);
  return out;
}

export function trimModel(model, provenance) {
  const operations = {};
  const missing = [];
  const wanted = new Set();
  for (const name of OPERATIONS) {
    const op = model.operations[name];
    if (!op) { missing.push(name); continue; }
    const entry = { input: op.input?.shape };
    if (entry.input) wanted.add(entry.input);
    if (/^(Describe|List)/.test(name) && op.output?.shape) {
      entry.output = op.output.shape;
      wanted.add(entry.output);
    }
    operations[name] = entry;
  }

  const shapes = {};
  const queue = [...wanted];
  while (queue.length) {
    const name = queue.pop();
    if (shapes[name]) continue;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`shape ${name} is referenced but not defined in the model`);
    shapes[name] = trimShape(shape);
    const refs = [
      ...Object.values(shape.members ?? {}),
      ...['member', 'key', 'value'].map((f) => shape[f]).filter(Boolean),
    ];
    for (const ref of refs) if (!shapes[ref.shape]) queue.push(ref.shape);
  }

  const metadata = {
    source: provenance.source,
    botocoreVersion: provenance.botocoreVersion ?? 'unknown',
    ...(provenance.commit ? { commit: provenance.commit } : {}),
    ...(provenance.commitDate ? { commitDate: provenance.commitDate } : {}),
    sha256: createHash('sha256').update(provenance.text).digest('hex'),
    license: 'Apache-2.0 (botocore service model data)',
    apiVersion: model.metadata?.apiVersion,
    uid: model.metadata?.uid,
    protocol: model.metadata?.protocol,
    generator: 'scripts/gen-sagemaker-api-model.mjs',
    operationCount: Object.keys(operations).length,
    shapeCount: Object.keys(shapes).length,
    missingOperations: missing,
    droppedLongPatterns: [],
  };
  return { metadata, operations, shapes };
}

/**
 * Compact but diff-friendly JSON: sorted keys, one operation / shape per line.
 */
export function serialize(trimmed) {
  const sorted = sortKeys(trimmed);
  const section = (obj) => '{\n' + Object.entries(obj)
    .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n') + '\n  }';
  return '{\n' + Object.entries(sorted).map(([k, v]) => {
    const body = k === 'metadata' ? JSON.stringify(v, null, 2).replace(/\n/g, '\n  ') : section(v);
    return `  ${JSON.stringify(k)}: ${body}`;
  }).join(',\n') + '\n}\n';
}

export function render(text, provenance) {
  const model = JSON.parse(text);
  const trimmed = trimModel(model, { ...provenance, text });
  let out = serialize(trimmed);
  if (Buffer.byteLength(out) > MAX_BYTES) {
    for (const [name, shape] of Object.entries(trimmed.shapes)) {
      if (shape.pattern && shape.pattern.length > LONG_PATTERN) {
        delete shape.pattern;
        trimmed.metadata.droppedLongPatterns.push(name);
      }
    }
    trimmed.metadata.droppedLongPatterns.sort();
    out = serialize(trimmed);
  }
  return { out, trimmed };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || (!args.file && !args.gitDir)) {
    console.error('usage: node scripts/gen-sagemaker-api-model.mjs <service-2.json[.gz]> [--botocore-version V] [--commit SHA] [--commit-date D] [--out FILE]');
    console.error('       node scripts/gen-sagemaker-api-model.mjs --git-dir <botocore git dir> [--ref REF] [--out FILE]');
    process.exit(args.help ? 0 : 2);
  }
  const source = loadSource(args);
  const { out, trimmed } = render(source.text, source);
  writeFileSync(args.out, out);
  const m = trimmed.metadata;
  console.log(`wrote ${relative(process.cwd(), args.out) || args.out}: ${m.operationCount} operations, ${m.shapeCount} shapes, ${(Buffer.byteLength(out) / 1024).toFixed(0)} KiB (botocore ${m.botocoreVersion}${m.commit ? ` @ ${m.commit}` : ''})`);
  if (m.missingOperations.length) console.log(`operations not in the model (skipped): ${m.missingOperations.join(', ')}`);
  else console.log('all requested operations are in the model');
  if (m.droppedLongPatterns.length) console.log(`dropped patterns longer than ${LONG_PATTERN} chars: ${m.droppedLongPatterns.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (e) {
    console.error(`gen-sagemaker-api-model: ${e.message}`);
    process.exit(1);
  }
}
