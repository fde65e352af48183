#!/usr/bin/env node
// Pre-bundles the custom-resource handlers at build time (never at synth). The stack's one provider
// runs constructs/private/handlers/provider/index.ts, which dispatches to every
// constructs/**/handlers/<name>/index.ts by resource type; it becomes
// constructs/private/handlers/provider/bundle/index.js, with the AWS SDK v3 left external (the Lambda
// Node.js runtime provides it). `npm ci` runs this through `prepare`; the provider construct fails
// clearly at synth if the bundle is missing.
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

const handlers = findHandlers(constructsDir).filter((h) => h.endsWith(join('private', 'handlers', 'provider', 'index.ts')));
if (handlers.length !== 1) throw new Error('build-handlers: constructs/private/handlers/provider/index.ts not found');
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
