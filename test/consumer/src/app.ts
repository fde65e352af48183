import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ConsumerDataStack } from './data-stack';
import { ConsumerLifecycleStack } from './lifecycle-stack';
import { ConsumerPipelinesStack } from './pipelines-stack';
import { ConsumerPlatformStack } from './platform-stack';
import { ConsumerServingAccountStack, ConsumerSharedVpcStack } from './shared-vpc-stack';
import { ML_ENV } from './shared';
import { writeNormalizedTemplates } from './snapshot';

const app = new App();
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { verbose: true }),
  new HIPAASecurityChecks(app, { verbose: true }),
  new NIST80053R5Checks(app, { verbose: true }),
  new PCIDSS321Checks(app, { verbose: true }),
);

const env = { ...ML_ENV };
const data = new ConsumerDataStack(app, 'ConsumerData', { env, description: 'Shared ML data, registry and alerts' });
new ConsumerPlatformStack(app, 'ConsumerPlatform', { description: 'Studio, deploy-time jobs and endpoints' });
new ConsumerPipelinesStack(app, 'ConsumerPipelines', {
  env,
  description: 'Weekly churn retraining pipeline',
  data: data.data,
  registry: data.registry,
  alerts: data.alerts,
});

// A second composition: Studio in a shared VPC with a profile's own role, and a serving account
// that deploys from the ML account's registry.
new ConsumerSharedVpcStack(app, 'ConsumerSharedVpc', { env, description: 'Studio in a VPC other workloads use' });
new ConsumerServingAccountStack(app, 'ConsumerServing', { env: { account: '444455556666', region: ML_ENV.region }, description: 'Serving account' });

// The rest of the lifecycle: Feature Store, notebooks, script mode, Neo, inference components, Clarify, governance.
new ConsumerLifecycleStack(app, 'ConsumerLifecycle', { env, description: 'Feature Store, notebooks, custom models, governance' });

// CONSUMER_SNAPSHOT_DIR=<dir> node dist/app.js writes normalized templates for snapshot reviews.
const snapshotDir = process.env['CONSUMER_SNAPSHOT_DIR'];
if (snapshotDir) writeNormalizedTemplates(app, snapshotDir);
