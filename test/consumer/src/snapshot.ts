import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { SnapshotNormalizer } from 'sagemaker-lifecycle-constructs';

/** Writes every stack's template, normalized for snapshot comparison, into `dir`. */
export function writeNormalizedTemplates(app: App, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const stack of app.synth().stacks) {
    const normalized: unknown = SnapshotNormalizer.normalizeTemplate(stack.template);
    fs.writeFileSync(path.join(dir, `${stack.stackName}.json`), `${JSON.stringify(normalized, null, 2)}\n`);
  }
}
