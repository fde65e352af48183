import * as fs from 'fs';
import * as path from 'path';
import { caseFiles, GROUPS, groupOf } from '../support/cases';

test('every *.cases.ts file is in exactly one group, and every group has a Jest file that loads it', () => {
  const all = caseFiles();
  expect(all.length).toBeGreaterThan(10);
  const grouped = Array.from({ length: GROUPS }, (_, i) => groupOf(i)).flat();
  expect([...grouped].sort()).toEqual(all);
  expect(new Set(grouped).size).toBe(grouped.length);
  for (let i = 0; i < GROUPS; i++) {
    const jestFile = path.join(__dirname, '..', `constructs-${String.fromCharCode(97 + i)}.test.ts`);
    expect(fs.readFileSync(jestFile, 'utf8')).toContain(`loadGroup(${i});`);
  }
});

test('no test file outside the groups is named like a case file', () => {
  // a case file must be named *.cases.ts to be found; catch near-misses
  const near: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'consumer' && e.name !== '__snapshots__') walk(full); } else if (/\.(case|cases?\.test|spec)\.ts$/.test(e.name)) {near.push(full);}
    }
  };
  walk(path.join(__dirname, '..'));
  expect(near).toEqual([]);
});
