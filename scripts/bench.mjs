#!/usr/bin/env node
// `npm run bench`: times `cdk synth` of the sample app against an empty CDK app, in the same run,
// alternating them, and prints medians and the ratio. Usage: node scripts/bench.mjs [runs=5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 5);
const cdk = join(root, 'node_modules', '.bin', 'cdk');
const apps = {
  empty: 'npx tsx scripts/bench/empty-app.ts',
  sample: 'npx tsx bin/sagemaker-lifecycle.ts',
};

function synth(app) {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(cdk, ['synth', '--quiet', '--strict', '--app', app, '--output', out], { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(out, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`cdk synth --app "${app}" failed:\n${result.stderr}`);
  return ms;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const times = { empty: [], sample: [] };
synth(apps.empty); // warm the file cache; not counted
for (let i = 0; i < runs; i++) {
  for (const name of Object.keys(apps)) times[name].push(synth(apps[name]));
}
const e = median(times.empty);
const s = median(times.sample);
const ratio = s / e;
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log(`cdk synth --strict, ${runs} runs each, medians:`);
console.log(`  empty CDK app : ${(e / 1000).toFixed(2)} s   (runs: ${times.empty.map((t) => (t / 1000).toFixed(2)).join(', ')})`);
console.log(`  sample app    : ${(s / 1000).toFixed(2)} s   (runs: ${times.sample.map((t) => (t / 1000).toFixed(2)).join(', ')})`);
console.log(`  ratio         : ${ratio.toFixed(2)}x (target <= 1.30x)`);
