#!/usr/bin/env node
// `npm pack --dry-run` must list only what package.json's `files` allows (the compiled library, the
// .jsii assembly, the handler bundle, the data the library reads at synth, README, LICENSE), and all
// of it. Prints the packed size the README reports.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const files = pack.files.map((f) => f.path);
const allowed = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^\.jsii$/,
  /^dist\/.+\.(js|d\.ts)$/,
  /^dist\/private\/instance-types\.json$/, /^dist\/core\/images\/image-table\.json$/,
  /^dist\/labeling\/ground-truth-lambdas\.json$/, /^dist\/jumpstart\/catalog\.json$/, /^dist\/pipelines\/private\/describe-properties\.json$/,
  /^assets\/bundle\/provider\/index\.js$/,
];
const required = ['package.json', 'README.md', 'LICENSE', '.jsii', 'dist/index.js', 'dist/index.d.ts', 'dist/private/instance-types.json', 'dist/core/images/image-table.json', 'dist/labeling/ground-truth-lambdas.json', 'dist/jumpstart/catalog.json', 'dist/pipelines/private/describe-properties.json', 'assets/bundle/provider/index.js'];
const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
const missing = required.filter((f) => !files.includes(f));
// no handler sources, tests, fixtures, the sample app or scripts, and no compiled handler sources either
const strays = files.filter((f) => /(^|\/)(test|lib|bin|scripts|handlers)\//.test(f) && !f.startsWith('assets/bundle/'));
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`${pack.filename}: ${files.length} files, ${kib(pack.size)} packed, ${kib(pack.unpackedSize)} unpacked`);
if (unexpected.length || missing.length || strays.length) {
  if (unexpected.length) console.error(`not allowed by 'files': ${unexpected.join(', ')}`);
  if (strays.length) console.error(`sources, tests or scripts in the package: ${strays.join(', ')}`);
  if (missing.length) console.error(`missing (run 'npm run build:lib'): ${missing.join(', ')}`);
  process.exit(1);
}

// Without the devDependencies (a checkout nobody built), `prepare` may skip the build for an install,
// but must fail a pack or publish instead of writing a tarball with no library and no handler bundle.
const bare = mkdtempSync(join(tmpdir(), 'sagemaker-bare-'));
mkdirSync(join(bare, 'scripts'));
copyFileSync(join(root, 'package.json'), join(bare, 'package.json'));
copyFileSync(join(root, 'scripts', 'build.mjs'), join(bare, 'scripts', 'build.mjs'));
const prepareAs = (command) => spawnSync(process.execPath, ['scripts/build.mjs', '--if-dev-dependencies'], { cwd: bare, encoding: 'utf8', env: { ...process.env, npm_command: command } });
const forPack = prepareAs('pack');
const forInstall = prepareAs('install');
rmSync(bare, { recursive: true, force: true });
if (forPack.status === 0 || !/cannot pack without building/.test(forPack.stderr)) {
  console.error(`prepare without devDependencies must fail 'npm pack' (exit ${forPack.status}): ${forPack.stderr || forPack.stdout}`);
  process.exit(1);
}
if (forInstall.status !== 0) {
  console.error(`prepare without devDependencies must let an install through (exit ${forInstall.status}): ${forInstall.stderr}`);
  process.exit(1);
}
console.log('prepare without devDependencies: an install skips the build; npm pack and publish refuse');
