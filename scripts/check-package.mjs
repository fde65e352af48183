#!/usr/bin/env node
// `npm pack --dry-run` must list only what package.json's `files` allows (the compiled library, the
// .jsii assembly, the handler bundle, the data the library reads at synth, README, LICENSE), and all
// of it. Prints the packed size the README reports.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const files = pack.files.map((f) => f.path);
const allowed = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^\.jsii$/,
  /^dist\/.+\.(js|d\.ts)$/,
  /^dist\/private\/instance-types\.json$/, /^dist\/core\/images\/image-table\.json$/,
  /^assets\/handlers\/provider\/index\.js$/,
];
const required = ['package.json', 'README.md', 'LICENSE', '.jsii', 'dist/index.js', 'dist/index.d.ts', 'dist/private/instance-types.json', 'dist/core/images/image-table.json', 'assets/handlers/provider/index.js'];
const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
const missing = required.filter((f) => !files.includes(f));
// no handler sources, tests, fixtures, the sample app or scripts, and no compiled handler sources either
const strays = files.filter((f) => /(^|\/)(test|lib|bin|scripts|handlers)\//.test(f) && !f.startsWith('assets/handlers/'));
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`${pack.filename}: ${files.length} files, ${kib(pack.size)} packed, ${kib(pack.unpackedSize)} unpacked`);
if (unexpected.length || missing.length || strays.length) {
  if (unexpected.length) console.error(`not allowed by 'files': ${unexpected.join(', ')}`);
  if (strays.length) console.error(`sources, tests or scripts in the package: ${strays.join(', ')}`);
  if (missing.length) console.error(`missing (run 'npm run build:lib'): ${missing.join(', ')}`);
  process.exit(1);
}
