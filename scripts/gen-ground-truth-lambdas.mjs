#!/usr/bin/env node
// Writes constructs/labeling/ground-truth-lambdas.json: the AWS-owned Lambda functions of Ground
// Truth's built-in task types (pre-annotation `PRE-<Task>` and annotation-consolidation
// `ACS-<Task>`) and the AWS account that owns them in each region, and the AWS-owned worker task
// templates (`human-task-ui/<Name>`) of the task types that use one. Source: the documentation of
// `HumanTaskConfig.PreHumanTaskLambdaArn`, `AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn`
// and `UiConfig.HumanTaskUiArn`
// in botocore's SageMaker service model (Apache-2.0), which lists every ARN.
//
// Usage:
//   node scripts/gen-ground-truth-lambdas.mjs <service-2.json | service-2.json.gz> [--source URL]
//   node scripts/gen-ground-truth-lambdas.mjs --git-dir <botocore git dir> [--ref SHA]
// The trimmed test fixture has no documentation, so it cannot be the source. The output is
// deterministic (sorted keys). Fails when a region lacks a function the others have, or when a
// region's functions are owned by more than one account.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_PATH = 'botocore/data/sagemaker/2017-07-24/service-2.json';
const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
let text;
let source = opt('--source');
const gitDir = opt('--git-dir');
if (gitDir) {
  const ref = opt('--ref') ?? 'HEAD';
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', ref]).toString().trim();
  text = execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${MODEL_PATH}`], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  source ??= `https://github.com/boto/botocore/blob/${commit}/${MODEL_PATH}`;
} else {
  const file = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
  if (!file) throw new Error('usage: gen-ground-truth-lambdas.mjs <service-2.json> | --git-dir <dir> [--ref SHA]');
  const raw = readFileSync(file);
  text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  source ??= file;
}
const shapes = JSON.parse(text).shapes;
const docs = [
  ['pre', shapes.HumanTaskConfig?.members?.PreHumanTaskLambdaArn?.documentation, 'PRE'],
  ['consolidation', shapes.AnnotationConsolidationConfig?.members?.AnnotationConsolidationLambdaArn?.documentation, 'ACS'],
];
const accounts = {};
const functions = {};
for (const [kind, doc, prefix] of docs) {
  if (!doc) throw new Error(`no documentation of the ${kind} Lambda ARN in ${source}`);
  const perFunction = {};
  for (const [, region, account, fn] of doc.matchAll(/arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9-]+)/g)) {
    if (!fn.startsWith(`${prefix}-`)) throw new Error(`unexpected ${kind} function ${fn}`);
    if (accounts[region] && accounts[region] !== account) throw new Error(`${region}: functions owned by ${accounts[region]} and ${account}`);
    accounts[region] = account;
    (perFunction[fn.slice(prefix.length + 1)] ??= new Set()).add(region);
  }
  functions[kind] = perFunction;
}
const regions = Object.keys(accounts).sort();
const tasks = [...new Set([...Object.keys(functions.pre), ...Object.keys(functions.consolidation)])].sort();
for (const task of tasks) {
  for (const kind of ['pre', 'consolidation']) {
    const have = functions[kind][task] ?? new Set();
    const missing = regions.filter((r) => !have.has(r));
    if (missing.length) throw new Error(`${kind} function of ${task} missing in ${missing.join(', ')}`);
  }
}
// The AWS-owned worker task templates (`UiConfig.HumanTaskUiArn`) of the task types that need one:
// one account in every region, the region written as a placeholder in the documentation.
const uiDoc = shapes.UiConfig?.members?.HumanTaskUiArn?.documentation;
if (!uiDoc) throw new Error(`no documentation of UiConfig.HumanTaskUiArn in ${source}`);
const uiAccounts = new Set();
const uiNames = new Set();
for (const [, account, name] of uiDoc.matchAll(/arn:aws:sagemaker:[a-z-]+:(\d{12}):human-task-ui\/([A-Za-z0-9-]+)/g)) {
  uiAccounts.add(account);
  uiNames.add(name);
}
if (uiAccounts.size !== 1) throw new Error(`human task UIs owned by ${[...uiAccounts].join(', ') || 'no account'}`);
const out = {
  source,
  license: 'Apache-2.0 (botocore service model data)',
  generator: 'scripts/gen-ground-truth-lambdas.mjs',
  arnFormat: 'arn:aws:lambda:<region>:<account>:function:PRE-<task> (pre-annotation) and ACS-<task> (annotation consolidation)',
  accounts: Object.fromEntries(regions.map((r) => [r, accounts[r]])),
  tasks,
  humanTaskUiAccount: [...uiAccounts][0],
  humanTaskUis: [...uiNames].sort(),
};
writeFileSync(join(root, 'constructs', 'labeling', 'ground-truth-lambdas.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`ground-truth-lambdas.json: ${tasks.length} task types in ${regions.length} regions`);
