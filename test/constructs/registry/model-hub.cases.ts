import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataBucket, ModelHub } from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

describe('ModelHub (private curated hub)', () => {
  test('a hub with storage in a DataBucket prefix, retained; grants to browse and to curate', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const hub = new ModelHub(stack, 'Hub', { hubName: 'approved-models', description: 'Models our teams may deploy', searchKeywords: ['llm', 'vision'], storage: { bucket: data } });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const curator = new iam.Role(stack, 'Curator', { assumedBy: new iam.AccountRootPrincipal() });
    hub.grantRead(reader);
    hub.grantCurate(curator);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SageMaker::Hub', {
      DeletionPolicy: 'Retain',
      Properties: {
        HubName: 'approved-models', HubDescription: 'Models our teams may deploy', HubSearchKeywords: ['llm', 'vision'],
        S3StorageConfig: { S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(data.bucket.node.defaultChild as any) }, '/model-hub/approved-models/']] } },
      },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('sagemaker:ListHubContents');
    expect(policies).toContain('sagemaker:CreateHubContentReference');
    expect(policies).toContain(':hub-content/approved-models/*');
    expect(policies).toContain('/model-hub/approved-models/*');
  });

  test('no finding (cdk-nag, CloudFormation validation)', () => {
    const stack = testStack();
    new ModelHub(stack, 'Hub', { description: 'Curated models' });
    expectNoFindings(stack);
  });

  test('imports by name', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    expect(stack.resolve(ModelHub.fromHubName(stack, 'H', 'Approved').hubArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:111122223333:hub/approved']] });
    expect(() => ModelHub.fromHubName(stack, 'Bad', 'no_underscores')).toThrow(/^\[Test\/Bad\] .*hubName/);
  });

  test.each<[string, any, RegExp]>([
    ['an empty description', { description: '' }, /description is 0 characters: use 1-1023/],
    ['too many keywords', { description: 'x', searchKeywords: Array.from({ length: 51 }, (_, i) => `k${i}`) }, /searchKeywords has 51 entries: at most 50/],
    ['a repeated keyword', { description: 'x', searchKeywords: ['a', 'a'] }, /searchKeywords repeats a keyword/],
    ['a bad name', { description: 'x', hubName: 'my_hub' }, /invalid hubName 'my_hub'/],
  ])('bad input: %s', (_what, props, message) => {
    expect(() => new ModelHub(plainStack(), 'Hub', props)).toThrow(new RegExp(`^\\[Test/Hub\\] ${message.source}`));
  });
});
