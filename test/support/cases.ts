/**
 * The construct test cases (`test/**\/*.cases.ts`), found on disk rather than listed by hand, so a new
 * case file always runs. Jest files load them in groups (`constructs-a.test.ts`, `constructs-b.test.ts`)
 * so aws-cdk-lib loads once per group instead of once per file; `groupOf` deals the sorted files out
 * round-robin, so every file lands in exactly one group.
 */
import * as fs from 'fs';
import * as path from 'path';

const TEST_ROOT = path.join(__dirname, '..');
/** How many Jest files share the case files. */
export const GROUPS = 2;

/** Every `*.cases.ts` under test/, as paths relative to test/, sorted. */
export function caseFiles(dir = TEST_ROOT): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__snapshots__' && entry.name !== 'consumer') out.push(...caseFiles(full));
    } else if (entry.name.endsWith('.cases.ts')) {
      out.push(path.relative(TEST_ROOT, full).split(path.sep).join('/'));
    }
  }
  return out.sort();
}

/** The case files of group `index` (0-based) of GROUPS. */
export function groupOf(index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= GROUPS) throw new Error(`group index must be 0..${GROUPS - 1}, got ${index}`);
  return caseFiles().filter((_, i) => i % GROUPS === index);
}

/** Loads the case files of group `index`: their describe/test calls register with the calling Jest file. */
export function loadGroup(index: number): void {
  for (const file of groupOf(index)) require(path.join(TEST_ROOT, file)); // eslint-disable-line @typescript-eslint/no-require-imports
}
