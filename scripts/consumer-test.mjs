#!/usr/bin/env node
// The consumer acceptance test: the package as a user meets it.
//   node scripts/consumer-test.mjs [--cdk-lib=build|min] [--keep]
// 1. `npm pack` (the build outputs must exist: `npm ci` builds them through `prepare`);
// 2. a fresh app in a temporary folder outside the repo, from test/consumer/ (its own strict tsconfig:
//    strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes; cdk.json with
//    validateAgainstDefaultRules; the four cdk-nag packs; no acknowledgement or waiver of any kind);
// 3. `npm ci --offline` of the tarball plus aws-cdk-lib (the version we build with, or our minimum peer
//    version), constructs, cdk-nag, typescript, the CDK CLI and @types/node. The packages come from the
//    npm cache that the repo's own `npm ci` filled: the app's lockfile is derived from ours (the
//    minimum aws-cdk-lib is in it as the devDependency alias aws-cdk-lib-min), since `npm ci` caches
//    tarballs but not the registry metadata a plain `npm install --offline` would need;
// 4. exactly one aws-cdk-lib in the app's node_modules; `tsc` with the app's compiler; `cdk synth
//    --strict` run with plain node (`node dist/app.js`); then ../shared/tools/check-cdk-out.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const semver = require('semver');
const args = process.argv.slice(2);
const cdkLib = (args.find((a) => a.startsWith('--cdk-lib=')) ?? '--cdk-lib=build').split('=')[1];
const keep = args.includes('--keep');
if (!['build', 'min'].includes(cdkLib)) throw new Error(`--cdk-lib must be build or min, got ${cdkLib}`);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const repoLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
const started = Date.now();
const step = (what) => console.log(`consumer-test [${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);

// The minimum aws-cdk-lib we support is the peer range's floor, cached through the alias.
const minimum = semver.minVersion(pkg.peerDependencies['aws-cdk-lib']).version;
const aliasEntry = repoLock['node_modules/aws-cdk-lib-min'];
if (aliasEntry?.version !== minimum) {
  throw new Error(`devDependency aws-cdk-lib-min is ${aliasEntry?.version}; it must be npm:aws-cdk-lib@${minimum}, the floor of peerDependencies['aws-cdk-lib'] (${pkg.peerDependencies['aws-cdk-lib']})`);
}

// ---- 1. the tarball
for (const built of ['.jsii', 'dist/index.js', 'dist/index.d.ts', 'assets/bundle/provider/index.js']) {
  if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run 'npm run build:lib' first`);
}
const work = mkdtempSync(join(tmpdir(), 'sagemaker-consumer-'));
if (relative(root, work).split(/[\\/]/)[0] !== '..') throw new Error(`the consumer folder ${work} must be outside the repo`);
step(`packing into ${work}`);
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }))[0];
const tarball = packed.filename;
const integrity = 'sha512-' + createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64');
console.log(`  ${tarball}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked`);

// ---- 2. the app
cpSync(join(root, 'test', 'consumer'), work, { recursive: true });

// ---- 3. its lockfile, derived from ours
const rootDeps = {
  [pkg.name]: { spec: `file:${tarball}` },
  'aws-cdk-lib': { repoPath: cdkLib === 'min' ? 'node_modules/aws-cdk-lib-min' : 'node_modules/aws-cdk-lib' },
  constructs: { repoPath: 'node_modules/constructs' },
  'cdk-nag': { repoPath: 'node_modules/cdk-nag' },
  typescript: { repoPath: 'node_modules/typescript' },
  'aws-cdk': { repoPath: 'node_modules/aws-cdk' },
  '@types/node': { repoPath: 'node_modules/@types/node' },
};
const parentOf = (p) => { const i = p.lastIndexOf('/node_modules/'); return i < 0 ? '' : p.slice(0, i); };
const child = (p, name) => (p ? `${p}/node_modules/${name}` : `node_modules/${name}`);
/** Node's resolution of `name` from the package at `from`, in a `packages` map. */
function resolveIn(packages, from, name) {
  for (let p = from; ; p = parentOf(p)) {
    if (packages[child(p, name)]) return child(p, name);
    if (!p) return undefined;
  }
}
const ENTRY_FIELDS = ['version', 'resolved', 'integrity', 'license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'hasInstallScript', 'bundleDependencies', 'inBundle', 'optional', 'funding'];
const copyEntry = (e) => Object.fromEntries(ENTRY_FIELDS.filter((f) => e[f] !== undefined).map((f) => [f, e[f]]));

const packages = {
  '': { name: 'sagemaker-lifecycle-consumer', version: '1.0.0', dependencies: {} },
};
const tarballManifest = JSON.parse(execFileSync('tar', ['-xOzf', join(work, tarball), 'package/package.json'], { encoding: 'utf8' }));
/** Places the package of repo lock key `repoPath` at consumer key `at`, then its dependencies. */
function place(repoPath, at) {
  const { inBundle: _, ...entry } = copyEntry(repoLock[repoPath]);
  packages[at] = entry;
  // Bundled dependencies come inside the tarball: copy the entries of the bundle's real closure.
  for (const key of bundleClosure(repoPath)) packages[at + key.slice(repoPath.length)] = copyEntry(repoLock[key]);
  placeDependencies(repoLock[repoPath], repoPath, at);
}
/** The repo lock entry for name@range as seen from `from`, or an alias devDependency of it (npm:name@version). */
function sourceOf(from, name, range) {
  const key = resolveIn(repoLock, from, name);
  const usable = (k) => k && semver.satisfies(repoLock[k].version, range) && !(repoLock[k].inBundle && !isBundledAt(k));
  if (usable(key)) return key;
  return Object.keys(repoLock).find((k) => /^node_modules\/[^/]+$/.test(k) && repoLock[k].name === name && semver.satisfies(repoLock[k].version, range)) ?? key;
}
/**
 * The repo lock keys inside the tarball of the package at `bundler`: its bundleDependencies and their
 * dependencies. npm also flags as inBundle a package that a bundled package only names as a peer
 * (aws-cdk-lib 2.262+'s @aws-cdk/cloud-assembly-schema), which is not in the tarball: such a package
 * is placed as an ordinary dependency instead.
 */
function bundleClosure(bundler) {
  const closure = new Set();
  const visit = (from, name) => {
    const key = resolveIn(repoLock, from, name);
    if (!key || !key.startsWith(`${bundler}/node_modules/`) || closure.has(key)) return;
    closure.add(key);
    for (const dep of Object.keys(repoLock[key].dependencies ?? {})) visit(key, dep);
  };
  for (const name of repoLock[bundler].bundleDependencies ?? []) visit(bundler, name);
  return closure;
}

/** Whether the inBundle entry `key` is really in its bundler's tarball (see bundleClosure). */
function isBundledAt(key) {
  const bundler = Object.keys(repoLock).filter((k) => key.startsWith(`${k}/node_modules/`) && repoLock[k].bundleDependencies).sort((a, b) => b.length - a.length)[0];
  return bundler !== undefined && bundleClosure(bundler).has(key);
}
function placeDependencies(entry, repoPath, at) {
  const wanted = { ...entry.dependencies, ...entry.optionalDependencies };
  for (const [name, range] of Object.entries(entry.peerDependencies ?? {})) {
    if (!entry.peerDependenciesMeta?.[name]?.optional) wanted[name] = range;
  }
  for (const [name, range] of Object.entries(wanted)) {
    const here = resolveIn(packages, at, name);
    if (here && (packages[here].inBundle || semver.satisfies(packages[here].version, range))) continue;
    const from = repoPath === null ? 'node_modules/aws-cdk-lib' : repoPath; // the tarball resolves like a top-level package
    const source = sourceOf(from, name, range);
    if (!source) {
      if (entry.optionalDependencies?.[name]) continue; // another platform's optional package
      throw new Error(`${name}@${range} (needed by ${at}) is not in package-lock.json`);
    }
    if (!semver.satisfies(repoLock[source].version, range)) throw new Error(`${name}@${range} (needed by ${at}): package-lock.json has ${repoLock[source].version}`);
    place(source, here ? child(at, name) : child('', name));
  }
}
for (const [name, { repoPath }] of Object.entries(rootDeps)) {
  if (!repoPath) continue;
  packages[''].dependencies[name] = repoLock[repoPath].version;
  place(repoPath, child('', name));
}
packages[''].dependencies[pkg.name] = rootDeps[pkg.name].spec;
const libKey = child('', pkg.name);
packages[libKey] = {
  version: tarballManifest.version, resolved: `file:${tarball}`, integrity, license: tarballManifest.license,
  dependencies: tarballManifest.dependencies, peerDependencies: tarballManifest.peerDependencies, engines: tarballManifest.engines,
};
placeDependencies(packages[libKey], null, libKey);
// every dependency of every package must resolve to a version in its range
for (const [key, entry] of Object.entries(packages)) {
  if (!key || entry.inBundle) continue;
  for (const [name, range] of Object.entries({ ...entry.dependencies, ...entry.peerDependencies })) {
    if (key === '' ) continue;
    const found = resolveIn(packages, key, name);
    if (!found && (entry.optionalDependencies?.[name] || entry.peerDependenciesMeta?.[name]?.optional)) continue;
    if (!found || !(packages[found].inBundle || semver.satisfies(packages[found].version, range))) {
      throw new Error(`derived lockfile: ${key} needs ${name}@${range}, resolves to ${found ? packages[found].version : 'nothing'}`);
    }
  }
}
const appPackage = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8'));
appPackage.dependencies = packages[''].dependencies;
writeFileSync(join(work, 'package.json'), JSON.stringify(appPackage, null, 2) + '\n');
writeFileSync(join(work, 'package-lock.json'), JSON.stringify({ name: packages[''].name, version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n');

step(`npm ci --offline (aws-cdk-lib ${repoLock[rootDeps['aws-cdk-lib'].repoPath].version}, ${Object.keys(packages).length - 1} packages)`);
run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error']);

// ---- 4. one aws-cdk-lib; compile; synth with plain node; check
const copies = findPackages(join(work, 'node_modules'), 'aws-cdk-lib');
if (copies.length !== 1) throw new Error(`expected one aws-cdk-lib in the app's node_modules, found ${copies.length}: ${copies.join(', ')}`);
const installed = JSON.parse(readFileSync(join(copies[0], 'package.json'), 'utf8')).version;
console.log(`  one aws-cdk-lib: ${relative(work, copies[0])} ${installed}`);
step('tsc -p . (the app\'s strict tsconfig)');
run(join(work, 'node_modules', '.bin', 'tsc'), ['-p', '.']);
step('cdk synth --strict (node dist/app.js)');
run(join(work, 'node_modules', '.bin', 'cdk'), ['synth', '--strict', '--quiet', '--no-notices', '--no-version-reporting']);
step('check-cdk-out cdk.out');
checkCdkOut();
step(`passed with aws-cdk-lib ${installed}`);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`  kept ${work}`);

function run(command, argv) {
  const r = spawnSync(command, argv, { cwd: work, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) {
    console.error(`consumer-test: '${relative(work, command) || command} ${argv.join(' ')}' failed (exit ${r.status ?? r.signal}) in ${work}`);
    process.exit(1);
  }
}

function findPackages(dir, name, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (entry.startsWith('.') || !statSync(full).isDirectory()) continue;
    if (entry.startsWith('@')) { findPackages(full, name, out); continue; }
    const manifest = join(full, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name) out.push(full);
    findPackages(join(full, 'node_modules'), name, out);
  }
  return out;
}

/**
 * ../shared/tools/check-cdk-out, with the cfn-guard waivers that travel with the library's resources:
 * `Metadata.guard.SuppressedRules` (cfn-guard's own suppression, which the checker's engine does not
 * read) with a reason in `Metadata.guard.SuppressedRulesReasons`. The app itself has no waiver file;
 * every other error fails the test.
 */
function checkCdkOut() {
  // Run from an empty folder: the checker then uses its own validation engine (it would load the
  // app's aws-cdk-lib engine, whose API differs in older releases) and finds no waiver file.
  const cwd = mkdtempSync(join(tmpdir(), 'sagemaker-consumer-check-'));
  const r = spawnSync(join(root, '..', 'shared', 'tools', 'check-cdk-out'), ['--json', join(work, 'cdk.out')], { cwd, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  rmSync(cwd, { recursive: true, force: true });
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr);
    throw new Error(`check-cdk-out could not run (exit ${r.status ?? r.signal})`);
  }
  const report = JSON.parse(r.stdout);
  const errors = [];
  const waived = [];
  for (const t of report.templates) {
    const template = JSON.parse(readFileSync(join(work, 'cdk.out', t.template.replace(/^.*?cdk\.out[\\/]/, '')), 'utf8'));
    for (const f of t.findings) {
      if (f.severity !== 'error') continue;
      const guard = template.Resources?.[f.resource]?.Metadata?.guard;
      const reason = f.check === 'cfn-guard' && guard?.SuppressedRules?.includes(f.rule) ? guard.SuppressedRulesReasons?.[f.rule] : undefined;
      if (reason) waived.push(`${t.template} ${f.resource} ${f.rule}`);
      else errors.push(`${t.template} ${f.check} ${f.rule} ${f.resource ?? ''} ${f.step ?? ''} ${f.path ?? ''}: ${f.message}`);
    }
  }
  console.log(`  check-cdk-out: ${report.summary.errors} errors (${waived.length} waived by the resources' own Metadata.guard, with reasons), ${report.summary.warnings} warnings`);
  if (errors.length) {
    console.error(errors.map((e) => `  ERROR ${e}`).join('\n'));
    console.error(`consumer-test: check-cdk-out reports ${errors.length} error(s) in ${work}`);
    process.exit(1);
  }
}
