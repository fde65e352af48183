#!/usr/bin/env node
// Pre-bundles every custom-resource handler at build time (never at synth): each
// constructs/<area>/handlers/<name>/index.ts becomes constructs/<area>/handlers/<name>/bundle/index.js,
// with the AWS SDK v3 left external (the Lambda Node.js runtime provides it). `npm ci` runs this
// through `prepare`; constructs point Lambda code at the bundle folder and fail clearly if it is missing.
import { build } from 'esbuild';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const constructsDir = join(root, 'constructs');

function findHandlers(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (!statSync(full).isDirectory() || entry === 'bundle' || entry === 'node_modules') continue;
    if (entry === 'handlers') {
      for (const name of readdirSync(full)) {
        const index = join(full, name, 'index.ts');
        if (existsSync(index)) out.push(index);
      }
    } else {
      out.push(...findHandlers(full));
    }
  }
  return out;
}

const handlers = findHandlers(constructsDir).sort();
const started = Date.now();
await Promise.all(handlers.map((entry) => build({
  entryPoints: [entry],
  outfile: join(dirname(entry), 'bundle', 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
})));
console.log(`build-handlers: ${handlers.length} handler(s) bundled in ${Date.now() - started} ms${handlers.length ? ': ' + handlers.map((h) => relative(root, dirname(h))).join(', ') : ''}`);
