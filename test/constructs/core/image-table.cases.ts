import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { BuiltInAlgorithm, ContainerImage } from '../../../constructs/core';

const ROOT = path.join(__dirname, '../../..');
const TABLE_FILE = path.join(ROOT, 'constructs/core/images/image-table.json');
const FIXTURE = path.join(ROOT, 'test/fixtures/sdk-image-uri-config.json.gz');

describe('ContainerImage: the bundled image table', () => {
  test('is what scripts/gen-image-table.mjs produces from the vendored SDK input', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'image-table-')), 'image-table.json');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-image-table.mjs'), '--from-fixture', FIXTURE, '--out', out], { stdio: 'pipe' });
    const generated = fs.readFileSync(out, 'utf8');
    const vendored = fs.readFileSync(TABLE_FILE, 'utf8');
    // a plain equality first: a diff of 140 kB strings is unreadable, so name the first differing line
    if (generated !== vendored) {
      const a = generated.split('\n');
      const b = vendored.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(`image-table.json differs from the generator's output at line ${line + 1}: generated ${JSON.stringify(a[line])}, vendored ${JSON.stringify(b[line])}; regenerate it (constructs/core/images/README.md)`);
    }
  });

  test('the vendored input is the SDK commit the table and its README name', () => {
    const bundle = JSON.parse(zlib.gunzipSync(fs.readFileSync(FIXTURE)).toString('utf8'));
    const table = JSON.parse(fs.readFileSync(TABLE_FILE, 'utf8'));
    expect(bundle.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(table.source).toEqual({ repository: 'aws/sagemaker-python-sdk', commit: bundle.source.commit, date: bundle.source.date });
    const readme = fs.readFileSync(path.join(ROOT, 'constructs/core/images/README.md'), 'utf8');
    expect(readme).toContain(`\`${bundle.source.commit}\` of ${bundle.source.date}`);
    // one sha256 per SDK config file read, and every image key of the table comes from one
    expect(Object.keys(bundle.source.sha256).sort()).toEqual(Object.keys(bundle.configs).sort());
    expect(Object.values(bundle.source.sha256).every((h) => /^[0-9a-f]{64}$/.test(h as string))).toBe(true);
    expect(Object.keys(table.images).every((k) => k in bundle.configs)).toBe(true);
  });

  test('partitions and DNS suffixes agree with aws-cdk-lib\'s region facts', () => {
    const table = JSON.parse(fs.readFileSync(TABLE_FILE, 'utf8'));
    const mismatches: string[] = [];
    for (const [region, partition] of Object.entries<string>(table.regions)) {
      const known = RegionInfo.get(region).partition;
      if (known && known !== partition) mismatches.push(`${region}: partition ${partition}, aws-cdk-lib ${known}`);
      const suffix = Fact.find(region, FactName.DOMAIN_SUFFIX);
      if (suffix && suffix !== table.partitions[partition].dnsSuffix) mismatches.push(`${region}: suffix ${table.partitions[partition].dnsSuffix}, aws-cdk-lib ${suffix}`);
    }
    expect(mismatches).toEqual([]);
    expect(Object.keys(table.partitions).sort()).toEqual(['aws', 'aws-cn', 'aws-eusc', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-us-gov']);
  });

  test('is read once per process and stays small', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'us-east-1', account: '111122223333' } });
    ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS).bind(stack);
    // the fs module itself (the `import * as` namespace has read-only bindings)
    const spy = jest.spyOn(jest.requireActual<typeof fs>('fs'), 'readFileSync');
    try {
      ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1').bind(stack);
      ContainerImage.clarify().bind(stack);
      expect(spy.mock.calls.filter(([file]) => String(file).endsWith('image-table.json'))).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    expect(fs.statSync(TABLE_FILE).size).toBeLessThan(160_000);
  });
});
