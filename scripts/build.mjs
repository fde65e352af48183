#!/usr/bin/env node
// Builds the library as it is published (`npm run build:lib`; `npm ci` runs it through `prepare`):
//  1. bundles the custom-resource handlers with esbuild into assets/bundle/provider/index.js: the
//     stack's one provider runs constructs/private/handlers/provider/index.ts, which dispatches to every
//     constructs/**/handlers/<name>/ by resource type. The AWS SDK v3 is left external (the Lambda
//     Node.js runtime provides it; README "Custom-resource handlers" names the version they need);
//  2. compiles constructs/ with jsii (tsconfig.jsii.json) into dist/ (.js, .d.ts) and .jsii;
//  3. copies the data files the library reads at synth (image table, instance types) into dist/.
// Nothing is built at synth. With --if-dev-dependencies (the `prepare` hook) it skips, saying so, when
// the build tools are not installed (npm linking a git checkout without its devDependencies), except
// for `npm pack` and `npm publish`, which then fail rather than write a tarball without the build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const resolvable = (name) => { try { require.resolve(name); return true; } catch { return false; } };

if (process.argv.includes('--if-dev-dependencies') && !(resolvable('esbuild') && resolvable('jsii/package.json'))) {
  // An install may skip the build; a pack or publish may not: its tarball would have no compiled
  // library and no handler bundle, and every construct with a custom resource would fail in the user's app.
  if (['pack', 'publish'].includes(process.env.npm_command ?? '')) {
    console.error(`build: cannot ${process.env.npm_command} without building: the tarball needs dist/, .jsii and assets/bundle/, which need the devDependencies (esbuild, jsii). Run 'npm ci' first.`);
    process.exit(1);
  }
  console.log('build: esbuild and jsii are not installed (devDependencies); skipping the library build');
  process.exit(0);
}

const { build } = await import('esbuild');
const started = Date.now();

// 1. handler bundle
const entry = join(root, 'constructs', 'private', 'handlers', 'provider', 'index.ts');
const outdir = join(root, 'assets', 'bundle', 'provider');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [entry],
  outfile: join(outdir, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const bundled = Date.now();

// 2. jsii
const jsii = spawnSync(join(root, 'node_modules', '.bin', 'jsii'), [
  '--fail-on-warnings',
  '--silence-warnings=reserved-word',
  // the devDependency is the version we build with; the peer minimum is proven by scripts/consumer-test.mjs
  '--silence-warnings=metadata/missing-dev-dependency',
], {
  cwd: root,
  stdio: 'inherit',
  // the machine's Node.js 20 works; jsii's banner about its support window is noise in every build
  env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
});
if (jsii.status !== 0) {
  console.error(`build: jsii failed (exit ${jsii.status ?? jsii.signal})`);
  process.exit(1);
}
if (!existsSync(join(root, '.jsii')) || !existsSync(join(root, 'dist', 'index.js'))) {
  console.error('build: jsii produced no .jsii or dist/index.js');
  process.exit(1);
}

// 3. data files read at synth (never handler sources)
const copied = [];
function copyData(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'handlers') copyData(full);
    } else if (name.endsWith('.json')) {
      const rel = relative(join(root, 'constructs'), full);
      cpSync(full, join(root, 'dist', rel));
      copied.push(rel);
    }
  }
}
copyData(join(root, 'constructs'));
console.log(`build: handlers bundled in ${bundled - started} ms; jsii compiled constructs/ into dist/ and .jsii in ${Date.now() - bundled} ms; data: ${copied.join(', ')}`);
