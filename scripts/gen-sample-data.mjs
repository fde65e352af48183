#!/usr/bin/env node
// Writes the sample's small churn data set (lib/data/churn-{raw,train,validation}.csv): synthetic,
// deterministic (seeded), in the format SageMaker's built-in XGBoost reads: CSV, no header, label
// first. Columns: churned, tenure_months, monthly_charges, support_calls, contract (0 monthly,
// 1 yearly, 2 two-year), data_usage_gb, late_payments.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let seed = 20261126;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const row = () => {
  const tenure = Math.floor(rand() * 72) + 1;
  const charges = Math.round((20 + rand() * 100) * 100) / 100;
  const calls = Math.floor(rand() * rand() * 10);
  const contract = Math.floor(rand() * 3);
  const usage = Math.round(rand() * 500 * 10) / 10;
  const late = Math.floor(rand() * rand() * 6);
  const z = -1.5 - 0.04 * tenure + 0.02 * charges + 0.35 * calls - 0.9 * contract - 0.002 * usage + 0.4 * late;
  const churned = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  return [churned, tenure, charges, calls, contract, usage, late].join(',');
};
const rows = Array.from({ length: 400 }, row);
writeFileSync(join(root, 'lib', 'data', 'churn-raw.csv'), rows.join('\n') + '\n');
writeFileSync(join(root, 'lib', 'data', 'churn-train.csv'), rows.slice(0, 320).join('\n') + '\n');
writeFileSync(join(root, 'lib', 'data', 'churn-validation.csv'), rows.slice(320).join('\n') + '\n');
console.log(`churn data: 320 training and 80 validation rows, ${rows.filter((r) => r.startsWith('1')).length} churned`);
