#!/usr/bin/env node
// `npm run bench`: times `cdk synth --strict` of the sample app against (1) the same template as plain
// L1 resources (scripts/bench/l1-app.mjs: CfnInclude of the sample's cdk.out template, the same
// cdk-nag packs and built-in validation), which is the target the library is held to, and (2) an empty
// CDK app. Alternating runs, medians. Usage: node scripts/bench.mjs [runs=5]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 5);
const cdk = join(root, 'node_modules', '.bin', 'cdk');
const work = mkdtempSync(join(tmpdir(), 'bench-'));

function synth(app, env = {}, { findingsExpected = false } = {}) {
  const out = mkdtempSync(join(work, 'out-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(cdk, ['synth', '--quiet', '--strict', '--no-notices', '--app', app, '--output', out], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const ok = result.status === 0 || (findingsExpected && existsSync(join(out, 'validation-report.json')));
  if (!ok) throw new Error(`cdk synth --app "${app}" failed:\n${result.stderr}`);
  return { ms, out };
}

// The sample's template, for the L1 app.
const first = synth('node scripts/app.mjs');
const name = readdirSync(first.out).find((f) => f.endsWith('.template.json'));
const template = join(work, 'sample.template.json');
// The L1 app's own stack adds these again.
const t = JSON.parse(readFileSync(join(first.out, name), 'utf8'));
delete t.Resources.CDKMetadata;
delete t.Conditions?.CDKMetadataAvailable;
delete t.Parameters?.BootstrapVersion;
delete t.Rules?.CheckBootstrapVersion;
for (const section of ['Conditions', 'Parameters', 'Rules']) if (t[section] && !Object.keys(t[section]).length) delete t[section];
writeFileSync(template, JSON.stringify(t));
const apps = {
  empty: () => synth('node scripts/bench/empty-app.mjs'),
  l1: () => synth('node scripts/bench/l1-app.mjs', { BENCH_TEMPLATE: template }, { findingsExpected: true }),
  sample: () => synth('node scripts/app.mjs'),
};
apps.l1(); // warm the file cache; not counted
const times = { empty: [], l1: [], sample: [] };
for (let i = 0; i < runs; i++) {
  for (const key of Object.keys(apps)) times[key].push(apps[key]().ms);
}
rmSync(work, { recursive: true, force: true });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (xs) => `${(median(xs) / 1000).toFixed(2)} s   (runs: ${xs.map((t) => (t / 1000).toFixed(2)).join(', ')})`;
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log(`cdk synth --strict, ${runs} runs each, medians:`);
console.log(`  empty CDK app          : ${fmt(times.empty)}`);
console.log(`  sample template as L1  : ${fmt(times.l1)}`);
console.log(`  sample app             : ${fmt(times.sample)}`);
console.log(`  sample / L1            : ${(median(times.sample) / median(times.l1)).toFixed(2)}x (target <= 1.10x)`);
console.log(`  sample / empty         : ${(median(times.sample) / median(times.empty)).toFixed(2)}x`);
