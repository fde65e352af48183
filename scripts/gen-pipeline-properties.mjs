#!/usr/bin/env node
// Writes constructs/pipelines/private/describe-properties.json: the members of the Describe*
// responses that pipeline steps expose as properties (`Steps.<name>.<path>`), with their types,
// so `step.property('FinalMetricDataList[0].Value')` is typed (Float) and refused at synth when the
// path does not exist. The library needs the table at synth, without the test fixture, so it is
// vendored (a compact, documentation-free subset of botocore's SageMaker model, Apache-2.0).
//
// Encoding: `roots` maps a step type to its response shapes (a tuning step reads the Describe and
// the ListTrainingJobsFor... responses, as the SageMaker Python SDK's TuningStep does); `shapes`
// maps a shape name to 'S' (string or timestamp), 'I' (integer, long), 'F' (float, double), 'B'
// (boolean), ['L', member] (list), ['M', value] (map) or { member: shape } (structure).
//
// Usage:
//   node scripts/gen-pipeline-properties.mjs                  # botocore mirror at /work/.mirror, HEAD
//   node scripts/gen-pipeline-properties.mjs --git-dir <botocore git dir> [--ref REF]
//   node scripts/gen-pipeline-properties.mjs <service-2.json>
// Deterministic: regenerating from the same model gives the same file.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_PATH = 'botocore/data/sagemaker/2017-07-24/service-2.json';

/** Step type -> the operations whose responses its properties read (the SDK's Properties shape names). */
const ROOTS = {
  Training: ['DescribeTrainingJob'],
  Processing: ['DescribeProcessingJob'],
  Transform: ['DescribeTransformJob'],
  Tuning: ['DescribeHyperParameterTuningJob', 'ListTrainingJobsForHyperParameterTuningJob'],
  Model: ['DescribeModel'],
  RegisterModel: ['DescribeModelPackage'],
  EndpointConfig: ['DescribeEndpointConfig'],
  Endpoint: ['DescribeEndpoint'],
  AutoML: ['DescribeAutoMLJob'],
};

const args = process.argv.slice(2);
let text;
let source;
if (args[0] && !args[0].startsWith('--')) {
  text = readFileSync(args[0], 'utf8');
  source = args[0];
} else {
  const gitDir = args.includes('--git-dir') ? args[args.indexOf('--git-dir') + 1] : '/work/.mirror/boto+botocore/repo';
  const ref = args.includes('--ref') ? args[args.indexOf('--ref') + 1] : 'HEAD';
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', `${ref}^{commit}`]).toString().trim();
  text = execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${MODEL_PATH}`], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  source = `https://github.com/boto/botocore/blob/${commit}/${MODEL_PATH}`;
}
const model = JSON.parse(text);

const SCALARS = { string: 'S', timestamp: 'S', integer: 'I', long: 'I', float: 'F', double: 'F', boolean: 'B' };
const shapes = {};
const visit = (name) => {
  if (shapes[name] !== undefined) return;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} is referenced but not defined`);
  if (SCALARS[shape.type]) {
    shapes[name] = SCALARS[shape.type];
  } else if (shape.type === 'list') {
    shapes[name] = ['L', shape.member.shape];
    visit(shape.member.shape);
  } else if (shape.type === 'map') {
    shapes[name] = ['M', shape.value.shape];
    visit(shape.value.shape);
  } else if (shape.type === 'structure') {
    const members = {};
    shapes[name] = members;
    for (const key of Object.keys(shape.members ?? {}).sort()) {
      members[key] = shape.members[key].shape;
      visit(shape.members[key].shape);
    }
  } else {
    shapes[name] = 'S'; // blob and others: not read as properties
  }
};
const roots = {};
for (const [type, operations] of Object.entries(ROOTS)) {
  roots[type] = operations.map((op) => {
    const output = model.operations[op]?.output?.shape;
    if (!output) throw new Error(`operation ${op} has no output in the model`);
    visit(output);
    return output;
  });
}
const sorted = Object.fromEntries(Object.keys(shapes).sort().map((k) => [k, shapes[k]]));
const out = { source, generator: 'scripts/gen-pipeline-properties.mjs', roots, shapes: sorted };
const file = join(root, 'constructs', 'pipelines', 'private', 'describe-properties.json');
writeFileSync(file, JSON.stringify(out) + '\n');
console.log(`describe-properties.json: ${Object.keys(sorted).length} shapes for ${Object.keys(roots).length} step types (${JSON.stringify(out).length} bytes)`);
