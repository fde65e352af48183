#!/usr/bin/env node
// The sample app as cdk.json runs it: transpiles bin/, lib/ and constructs/ with esbuild (types are
// stripped, not checked: `npm test` type-checks) into .build/app/ with the same layout, copies the
// data files they read next to them, links assets/ (the handler bundle), then runs
// .build/app/bin/sagemaker-lifecycle.js in this process with plain node. Transpiling every run keeps
// the JavaScript in step with the sources (skipped when no source or data file changed since the last
// run: the newest modification time and the file list are the stamp); it takes about 0.3 s, less than
// a TypeScript loader costs on every run (`npm run bench`).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.build', 'app');
const sources = [];
const data = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'handlers' && name !== 'node_modules') walk(full); // handlers run from the bundle
    } else if (name.endsWith('.ts')) {
      if (!name.endsWith('.d.ts')) sources.push(full);
    } else {
      data.push(full);
    }
  }
}
for (const dir of ['bin', 'lib', 'constructs']) walk(join(root, dir));
const files = [...sources, ...data].sort();
const stamp = JSON.stringify({ newest: Math.max(...files.map((f) => statSync(f).mtimeMs)), files: files.map((f) => relative(root, f)) });
const stampFile = join(out, '.stamp');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) await transpile();
createRequire(import.meta.url)(join(out, 'bin', 'sagemaker-lifecycle.js'));

async function transpile() {
rmSync(out, { recursive: true, force: true });
await build({ entryPoints: sources, outdir: out, outbase: root, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' });
for (const file of data) {
  const target = join(out, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target);
}
if (existsSync(join(root, 'assets'))) symlinkSync(join(root, 'assets'), join(out, 'assets'), 'dir');
writeFileSync(stampFile, stamp);
}
