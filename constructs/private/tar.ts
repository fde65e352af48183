import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Entries never packed: version-control data and Python bytecode caches. */
const SKIPPED = new Set(['.git', '__pycache__', '.DS_Store']);

/** Files under `dir` (relative, POSIX separators), sorted, without the skipped entries. */
export function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (SKIPPED.has(entry.name) || entry.name.endsWith('.pyc')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, rel));
    else if (entry.isFile()) out.push(rel);
    // symbolic links, sockets...: not packed
  }
  return out;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar header: fixed owner, mode and time, so the archive depends on the files' content only. */
function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512, 0);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut < 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for a tar archive: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  block.write(base, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(size, 12), 124, 12, 'ascii');
  block.write(octal(0, 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write('0', 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return block;
}

/**
 * A gzipped tar of the files under `dir` (as SageMaker's framework containers expect their
 * `sourcedir.tar.gz`), byte-for-byte the same for the same files: sorted entries, fixed modes,
 * owner and times, no gzip timestamp.
 */
export function tarGzip(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const rel of filesUnder(dir)) {
    const data = fs.readFileSync(path.join(dir, rel));
    parts.push(header(rel, data.length), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return zlib.gzipSync(Buffer.concat(parts), { level: 9 });
}
