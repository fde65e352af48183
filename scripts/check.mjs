#!/usr/bin/env node
// `npm test`: the static checks, `tsc --noEmit` (bin/, lib/, test/, scripts/ and the library sources)
// and eslint, run alongside Jest (with --jest): all three are CPU-bound, and running them together
// keeps the machine's 2 cores busy instead of leaving one idle while tsc runs. Fails if any fails;
// eslint fails on any error or warning (`any` in the library is an error unless a comment says why).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (name, command, args) => new Promise((resolve) => {
  const started = Date.now();
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('close', (code) => {
    console.log(`check: ${name} ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    resolve(code === 0);
  });
});
async function eslint() {
  const started = Date.now();
  const { ESLint } = await import('eslint');
  const linter = new ESLint({ cwd: root, cache: true, cacheLocation: join(root, 'node_modules', '.cache', 'eslint') });
  const results = await linter.lintFiles(['.']);
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  const text = (await linter.loadFormatter('stylish')).format(results);
  if (text) console.log(text);
  const ok = errors === 0 && warnings === 0;
  console.log(`check: eslint ${ok ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${errors} errors, ${warnings} warnings`);
  return ok;
}
const jobs = [run('tsc --noEmit', bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', join(root, 'node_modules', '.cache', 'tsc', 'tsbuildinfo')]), eslint()];
if (process.argv.includes('--jest')) jobs.push(run('jest', bin('jest'), []));
const results = await Promise.all(jobs);
if (!results.every(Boolean)) process.exit(1);
