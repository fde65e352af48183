#!/usr/bin/env node
// Writes constructs/private/instance-types.json: the instance types the SageMaker API model accepts
// for training, processing, transform and hosting (its enums). Source: test/fixtures/sagemaker-api-model.json
// (see scripts/gen-sagemaker-api-model.mjs) or a botocore service-2.json given as the argument.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, 'test', 'fixtures', 'sagemaker-api-model.json');
const raw = readFileSync(source);
const model = JSON.parse((source.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
const shapes = model.shapes;
const pick = (name) => {
  const shape = shapes[name];
  if (!shape?.enum) throw new Error(`${name} has no enum in ${source}`);
  return [...shape.enum].sort();
};
const out = {
  source: model.metadata?.source ?? source.replace(root, '.'),
  training: pick('TrainingInstanceType'),
  processing: pick('ProcessingInstanceType'),
  transform: pick('TransformInstanceType'),
  hosting: pick('ProductionVariantInstanceType'),
};
writeFileSync(join(root, 'constructs', 'private', 'instance-types.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`instance-types.json: ${out.training.length} training, ${out.processing.length} processing, ${out.transform.length} transform, ${out.hosting.length} hosting types`);
