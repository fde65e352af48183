#!/usr/bin/env node
// Regenerates cdk.json's context from the installed aws-cdk-lib's recommended feature flags
// (the same file `cdk init` merges), plus the project's own settings. Run after upgrading
// aws-cdk-lib: `node scripts/gen-cdk-json.mjs`. A test fails when cdk.json drifts from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const recommended = require('aws-cdk-lib/recommended-feature-flags.json');

export function render() {
  const cdkJson = {
    app: 'node scripts/app.mjs',
    watch: {
      include: ['bin/**', 'lib/**', 'constructs/**'],
      exclude: ['**/*.d.ts', '.build/**', 'assets/**', 'dist/**', 'node_modules', 'test'],
    },
    context: {
      ...recommended,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
  };
  return JSON.stringify(cdkJson, null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, 'cdk.json'), render());
  console.log(`cdk.json: ${Object.keys(recommended).length} recommended flags from aws-cdk-lib`);
}
