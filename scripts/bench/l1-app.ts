// The L1 baseline of `npm run bench`: the sample's own synthesized template (BENCH_TEMPLATE), included
// as plain L1 resources with CfnInclude, with the same validators as the sample (built-in validation
// from cdk.json, the four cdk-nag packs). It carries none of the library's acknowledgements, so its
// findings are reported (bench.mjs accepts that exit); what is timed is the same validation work.
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { applyComplianceChecks } from '../../lib/compliance';

const templateFile = process.env.BENCH_TEMPLATE;
if (!templateFile) throw new Error('BENCH_TEMPLATE must name the sample template');
const app = new App();
applyComplianceChecks(app);
const stack = new Stack(app, 'SampleAsL1');
new CfnInclude(stack, 'Template', { templateFile });
