// The L1 baseline of `npm run bench`: the sample's own synthesized template (BENCH_TEMPLATE), included
// as plain L1 resources with CfnInclude, with the same validators as the sample (built-in validation
// from cdk.json; the four cdk-nag packs, registered as lib/compliance.ts does). It carries none of
// the library's acknowledgements, so its findings are reported (bench.mjs accepts that exit); what is
// timed is the same validation work. Plain JavaScript, like the sample app's runner.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

const templateFile = process.env.BENCH_TEMPLATE;
if (!templateFile) throw new Error('BENCH_TEMPLATE must name the sample template');
const app = new App();
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true }),
  new HIPAASecurityChecks(app, { verbose: true }),
  new NIST80053R5Checks(app, { verbose: true }),
  new PCIDSS321Checks(app, { verbose: true }),
);
new CfnInclude(new Stack(app, 'SampleAsL1'), 'Template', { templateFile });
