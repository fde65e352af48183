import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events_targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ModelApprovalStatus, ModelRegistry } from '../../../constructs';
import { LeastPrivilegeRole } from '../../../constructs/private/role';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

function role(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ModelRegistry', () => {
  test('defaults: a generated lower-case name that meets the SageMaker rule, retained', () => {
    const stack = plainStack('My-Stack');
    const registry = new ModelRegistry(stack, 'Registry');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: registry.modelPackageGroupName },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(registry.modelPackageGroupName).toMatch(/^[a-z0-9](-*[a-z0-9])*$/);
    expect(registry.modelPackageGroupName.length).toBeLessThanOrEqual(63);
    expect(registry.modelPackageGroupName).toContain('mystack-registry');
    expect(template.toJSON().Resources[Object.keys(template.findResources('AWS::SageMaker::ModelPackageGroup'))[0]].Properties.ModelPackageGroupPolicy).toBeUndefined();
  });

  test('generated names are deterministic and differ per stack copy', () => {
    const a = new ModelRegistry(plainStack('StackA'), 'Registry').modelPackageGroupName;
    const a2 = new ModelRegistry(plainStack('StackA'), 'Registry').modelPackageGroupName;
    const b = new ModelRegistry(plainStack('StackB'), 'Registry').modelPackageGroupName;
    expect(a).toBe(a2);
    expect(a).not.toBe(b);
  });

  test('name, description, tags and DESTROY', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'Churn-Model', description: 'churn', tags: { team: 'ml' }, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: 'Churn-Model', ModelPackageGroupDescription: 'churn', Tags: [{ Key: 'team', Value: 'ml' }] },
      DeletionPolicy: 'Delete',
    });
  });

  test('grantRegister: CreateModelPackage on the group and its versions', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' }).grantRegister(role(stack));
    expect(statements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'],
      Resource: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('Registry') as any, 'ModelPackageGroupArn'] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package/churn/*']] },
      ].map((r) => expect.objectContaining(r['Fn::GetAtt'] ? { 'Fn::GetAtt': [expect.stringMatching(/Registry/), 'ModelPackageGroupArn'] } : r)),
    });
  });

  test('grantRead: scoped describes plus ListModelPackages (IAM allows it only on *)', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry').grantRead(role(stack));
    const s = statements(stack);
    expect(s).toContainEqual(expect.objectContaining({ Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListTags'] }));
    expect(s).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' });
  });

  test('grantApprove: UpdateModelPackage on versions only', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' }).grantApprove(role(stack));
    expect(statements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: ['sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackage'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package/churn/*']] },
    });
  });

  test('grantCrossAccount writes the group resource policy', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    registry.grantCrossAccount('111122223333');
    registry.grantCrossAccount('444455556666', { allowApprove: true, allowRegister: true });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::ModelPackageGroup'))[0] as any;
    const doc = policy.Properties.ModelPackageGroupPolicy;
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement).toHaveLength(4);
    expect(doc.Statement[0]).toEqual(expect.objectContaining({
      Sid: 'ShareGroup111122223333',
      Action: 'sagemaker:DescribeModelPackageGroup',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } },
    }));
    expect(doc.Statement[1]).toEqual(expect.objectContaining({ Sid: 'ShareVersions111122223333', Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'] }));
    expect(doc.Statement[2].Action).toEqual(['sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage']);
    expect(doc.Statement[3].Action).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:UpdateModelPackage']);
  });

  test('onApprovalStateChange: an EventBridge rule for this group and status, with a target', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    const topic = new sns.Topic(stack, 'Topic');
    const rule = registry.onApprovalStateChange('Approved', { status: ModelApprovalStatus.APPROVED, target: new events_targets.SnsTopic(topic) });
    expect(rule.node.path).toBe('Test/Registry/Approved');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['churn'], ModelApprovalStatus: ['Approved'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Topic') } })],
    });
  });

  test('imports by name and ARN (another account) build ARNs with formatArn', () => {
    const stack = plainStack();
    const byName = ModelRegistry.fromModelPackageGroupName(stack, 'ByName', 'churn');
    expect(stack.resolve(byName.modelPackageGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package-group/churn']] });
    const byArn = ModelRegistry.fromModelPackageGroupArn(stack, 'ByArn', 'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/shared');
    expect(byArn.modelPackageGroupName).toBe('shared');
    expect(byArn.modelPackageArnPattern).toBe('arn:aws:sagemaker:eu-west-1:111122223333:model-package/shared/*');
    expect(byArn.env.account).toBe('111122223333');
    byArn.grantApprove(role(stack));
    expect(statements(stack)).toContainEqual(expect.objectContaining({ Resource: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/shared/*' }));
  });

  describe('bad input fails at synth with path, value and what is allowed', () => {
    test.each<[string, (s: Stack) => unknown, RegExp]>([
      ['name with underscore', (s) => new ModelRegistry(s, 'R', { modelPackageGroupName: 'my_models' }), /\[Test\/R\] invalid modelPackageGroupName 'my_models' \(length 9\): use 1-63 letters, digits or hyphens/],
      ['name too long', (s) => new ModelRegistry(s, 'R', { modelPackageGroupName: 'a'.repeat(64) }), /invalid modelPackageGroupName 'a{64}' \(length 64\)/],
      ['name ending in a hyphen', (s) => new ModelRegistry(s, 'R', { modelPackageGroupName: 'models-' }), /invalid modelPackageGroupName 'models-'/],
      ['description too long', (s) => new ModelRegistry(s, 'R', { description: 'x'.repeat(1025) }), /description is 1025 characters long: use at most 1024/],
      ['bad account id', (s) => new ModelRegistry(s, 'R').grantCrossAccount('12345'), /invalid accountId '12345': use a 12-digit AWS account ID/],
      ['bad import name', (s) => ModelRegistry.fromModelPackageGroupName(s, 'I', 'bad name'), /\[Test\] invalid modelPackageGroupName 'bad name'/],
      ['bad import ARN', (s) => ModelRegistry.fromModelPackageGroupArn(s, 'I', 'arn:aws:sagemaker:us-east-1:111122223333:model-package/x/1'), /invalid modelPackageGroupArn .*model-package-group\/<name>/],
    ])('%s', (_n, build, error) => {
      expect(() => build(plainStack())).toThrow(error);
    });
  });

  test('validity: registry, grants to a library role and cross-account sharing pass every check', () => {
    const stack = testStack();
    const registry = new ModelRegistry(stack, 'Registry');
    const grantee = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
    registry.grantRegister(grantee);
    registry.grantRead(grantee);
    registry.grantApprove(grantee);
    registry.grantCrossAccount('111122223333');
    registry.onApprovalStateChange('OnApproved', { status: ModelApprovalStatus.APPROVED });
    expectNoFindings(stack);
  });
});
