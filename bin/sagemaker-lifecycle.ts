#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { applyComplianceChecks } from '../lib/compliance';
import { configFromContext } from '../lib/config';
import { SageMakerLifecycleStack } from '../lib/sagemaker-lifecycle-stack';

const app = new App();
const config = configFromContext((key) => app.node.tryGetContext(key));
applyComplianceChecks(app);
new SageMakerLifecycleStack(app, `SageMakerLifecycle-${config.stage}`, {
  config,
  description: `SageMaker lifecycle sample environment (${config.stage})`,
});
