// Grants the library writes onto resources the user owns: exact actions, and a helper for the
// resource-wildcard findings that remain on the user's policies.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CallbackStep, DataBucket, GrantFindings, Pipeline, ProcessingSpec, ProcessingStep, S3Location, ContainerImage, InstanceType, BuiltInAlgorithm } from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { testStack, validationFindings } from '../../support/validity';

function userPipeline(stack: Stack = testStack('Grants')) {
  const role = new iam.Role(stack, 'MyPipelineRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const jobRole = new iam.Role(stack, 'MyJobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const data = new DataBucket(stack, 'Data');
  const key = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
  const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true });
  const prep = new ProcessingStep('Prep', {
    spec: new ProcessingSpec({
      image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
      resources: { instanceType: InstanceType.ML_M5_XLARGE },
      inputs: [{ name: 'raw', location: S3Location.inDataBucket(data, 'raw/') }],
      outputs: [{ name: 'out', location: S3Location.inDataBucket(data, 'out/') }],
    }),
  });
  const review = new CallbackStep('Review', { queue, dependsOn: [prep] });
  new Pipeline(stack, 'P', { role, jobRole, steps: [prep, review] });
  return { stack, role, jobRole };
}

describe('grants onto the user\'s own roles', () => {
  test('a callback queue\'s key is granted exact actions, never GenerateDataKey* or ReEncrypt*', () => {
    const { stack } = userPipeline(plainStack('Grants'));
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(text).toContain('"kms:GenerateDataKey"');
    expect(text).toContain('"sqs:SendMessage"');
    expect(text).not.toMatch(/kms:GenerateDataKey\*|kms:ReEncrypt\*/);
  });

  test('GrantFindings.acknowledgeResourceWildcards leaves no IAM5 finding from the library\'s grants on the user\'s roles', () => {
    const before = userPipeline();
    const iam5 = (s: typeof before.stack) => validationFindings(s).filter((f) => f.rule.includes('IAM5') && /MyPipelineRole|MyJobRole/.test(f.path));
    expect(iam5(before.stack).length).toBeGreaterThan(0);
    const after = userPipeline();
    GrantFindings.acknowledgeResourceWildcards(after.role);
    GrantFindings.acknowledgeResourceWildcards(after.jobRole);
    expect(iam5(after.stack)).toEqual([]);
  });
});
