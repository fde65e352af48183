import * as fs from 'fs';
import * as path from 'path';

test("cdk.json holds exactly the installed aws-cdk-lib's recommended flags plus built-in validation", () => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const recommended = require('aws-cdk-lib/recommended-feature-flags.json');
  expect(cdkJson.context).toEqual({ ...recommended, '@aws-cdk/core:validateAgainstDefaultRules': true });
  // plain node on JavaScript transpiled from the sources (scripts/app.mjs), not a TypeScript loader
  expect(cdkJson.app).toBe('node scripts/app.mjs');
});
