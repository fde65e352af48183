import { App, CfnOutput, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { DataBucket, LatestApprovedModelPackage, Model, ModelRegistry } from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const TYPE = 'Custom::SageMakerLatestApprovedModelPackage';

function statements(stack: Stack): any[] {
  const template = Template.fromStack(stack);
  return [
    ...Object.values(template.findResources('AWS::IAM::Policy')),
    ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
  ].flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const versionsOf = (group: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:model-package/${group}/*`]],
});

const SAME_STACK = /\[ack: sagemaker-lifecycle-constructs:latestApprovedSameStack\]/;
const sameStackWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('latestApprovedSameStack')).map((w) => String(w.entry.data));

describe('LatestApprovedModelPackage', () => {
  test('a custom resource of the stack provider naming the group; no Nonce by default', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    new LatestApprovedModelPackage(stack, 'Latest', { registry });
    const template = Template.fromStack(stack);
    template.resourceCountIs(TYPE, 1);
    const [logicalId, resource] = Object.entries(template.findResources(TYPE))[0] as [string, any];
    expect(logicalId).toMatch(/^Latest/);
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^SageMakerConstructsProviderframeworkonEvent/), 'Arn'] },
      ModelPackageGroupName: 'churn',
    });
    // Resolved after the group exists (the name alone is no reference) and after the provider's
    // policies that hold its permissions (only those: not the provider's logging).
    const groupId = Object.keys(template.findResources('AWS::SageMaker::ModelPackageGroup'))[0];
    expect(resource.DependsOn).toEqual(expect.arrayContaining([groupId]));
    const holding = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([, p]) => /sagemaker:(ListModelPackages|DescribeModelPackage)/.test(JSON.stringify(p.Properties.PolicyDocument))).map(([id]) => id);
    expect(holding.length).toBeGreaterThan(0);
    expect([...resource.DependsOn].sort()).toEqual([groupId, ...holding].sort());
  });

  test('refreshToken becomes the Nonce property', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    new LatestApprovedModelPackage(stack, 'Latest', { registry, refreshToken: 'approved-v7' });
    Template.fromStack(stack).hasResourceProperties(TYPE, { ModelPackageGroupName: 'churn', Nonce: 'approved-v7' });
  });

  test('synthesis is deterministic: the same app renders the same resource', () => {
    const render = () => {
      const stack = plainStack();
      new LatestApprovedModelPackage(stack, 'Latest', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn') });
      return Template.fromStack(stack).findResources(TYPE);
    };
    expect(render()).toEqual(render());
  });

  test('attributes are GetAtts of the custom resource', () => {
    const stack = plainStack();
    const latest = new LatestApprovedModelPackage(stack, 'Latest', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn') });
    new CfnOutput(stack, 'Arn', { value: latest.modelPackageArn });
    new CfnOutput(stack, 'Version', { value: latest.modelPackageVersion });
    new CfnOutput(stack, 'Data', { value: latest.modelDataUrl });
    new CfnOutput(stack, 'Image', { value: latest.image });
    const template = Template.fromStack(stack);
    const id = Object.keys(template.findResources(TYPE))[0];
    const outputs = template.toJSON().Outputs;
    expect(outputs.Arn.Value).toEqual({ 'Fn::GetAtt': [id, 'ModelPackageArn'] });
    expect(outputs.Version.Value).toEqual({ 'Fn::GetAtt': [id, 'ModelPackageVersion'] });
    expect(outputs.Data.Value).toEqual({ 'Fn::GetAtt': [id, 'ModelDataUrl'] });
    expect(outputs.Image.Value).toEqual({ 'Fn::GetAtt': [id, 'Image'] });
  });

  test('the attributes deploy a model of the approved version', () => {
    const stack = plainStack();
    const latest = new LatestApprovedModelPackage(stack, 'Latest', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn') });
    new sagemaker.CfnModel(stack, 'Model', {
      executionRoleArn: 'arn:aws:iam::111122223333:role/sm',
      containers: [{ modelPackageName: latest.modelPackageArn }],
    });
    const id = Object.keys(Template.fromStack(stack).findResources(TYPE))[0];
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', { Containers: [{ ModelPackageName: { 'Fn::GetAtt': [id, 'ModelPackageArn'] } }] });
  });

  test('the provider may list model packages (only on *) and describe only this registry and its versions', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    new LatestApprovedModelPackage(stack, 'Latest', { registry });
    const all = statements(stack);
    const sagemakerStatements = all.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')));
    const groupId = Object.keys(Template.fromStack(stack).findResources('AWS::SageMaker::ModelPackageGroup'))[0];
    expect(sagemakerStatements).toEqual([
      { Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' },
      { Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: versionsOf('churn') },
      { Effect: 'Allow', Action: 'sagemaker:DescribeModelPackageGroup', Resource: { 'Fn::GetAtt': [groupId, 'ModelPackageGroupArn'] } },
    ]);
    // Only the provider's role holds them.
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sagemaker:ListModelPackages' })]) } },
    });
    expect(Object.keys(policies)).toHaveLength(1);
    expect(Object.keys(policies)[0]).toMatch(/^SageMakerConstructsProviderHandlerRolePolicy/);
  });

  test('works with an imported registry: listed by name, scoped to that group', () => {
    const stack = plainStack();
    const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'shared-churn');
    const latest = new LatestApprovedModelPackage(stack, 'Latest', { registry });
    expect(latest.registry).toBe(registry);
    Template.fromStack(stack).hasResourceProperties(TYPE, { ModelPackageGroupName: 'shared-churn' });
    const all = statements(stack);
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: versionsOf('shared-churn') });
    expect(all).toContainEqual({
      Effect: 'Allow',
      Action: 'sagemaker:DescribeModelPackageGroup',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package-group/shared-churn']] },
    });
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' });
  });

  test('a registry of another account is listed by its ARN, and describe is scoped to that account', () => {
    const stack = plainStack('Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    const arn = 'arn:aws:sagemaker:eu-west-1:444455556666:model-package-group/shared';
    new LatestApprovedModelPackage(stack, 'Latest', { registry: ModelRegistry.fromModelPackageGroupArn(stack, 'Registry', arn) });
    Template.fromStack(stack).hasResourceProperties(TYPE, { ModelPackageGroupName: arn });
    const all = statements(stack);
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: 'arn:aws:sagemaker:eu-west-1:444455556666:model-package/shared/*' });
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackageGroup', Resource: arn });
  });

  test('a registry of the same account imported by ARN in an environment stack is listed by name', () => {
    const stack = plainStack('Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    new LatestApprovedModelPackage(stack, 'Latest', {
      registry: ModelRegistry.fromModelPackageGroupArn(stack, 'Registry', 'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/own'),
    });
    Template.fromStack(stack).hasResourceProperties(TYPE, { ModelPackageGroupName: 'own' });
  });

  test('two resolvers share the one provider; its statements are added per resolver', () => {
    const stack = plainStack();
    new LatestApprovedModelPackage(stack, 'A', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'RA', 'group-a') });
    new LatestApprovedModelPackage(stack, 'B', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'RB', 'group-b') });
    const template = Template.fromStack(stack);
    template.resourceCountIs(TYPE, 2);
    template.resourceCountIs('Custom::AWS', 0);
    expect(stack.node.findChild('SageMakerConstructsProvider')).toBeDefined();
    // one statement for both groups' versions: the provider role merges statements that differ only by resources
    const describes = statements(stack).filter((s) => s.Action === 'sagemaker:DescribeModelPackage').flatMap((s) => ([] as unknown[]).concat(s.Resource));
    expect(describes).toEqual(expect.arrayContaining([versionsOf('group-a'), versionsOf('group-b')]));
  });

  test('a registry created in the same stack: a warning says the first deploy fails, and the two-stack fix', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    new LatestApprovedModelPackage(stack, 'Latest', { registry });
    const found = Annotations.fromStack(stack).findWarning('/Test/Latest', Match.stringLikeRegexp('latestApprovedSameStack'));
    expect(found).toHaveLength(1);
    const message = String(found[0].entry.data);
    expect(message).toMatch(SAME_STACK);
    expect(message).toMatch(/the registry Test\/Registry is created in the same stack, so its group has no Approved version when the stack is first deployed/);
    expect(message).toMatch(/in a second stack, deployed after a version is approved/);
  });

  test('a registry created in the parent of a nested stack is deployed with it: the same warning', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry');
    const nested = new NestedStack(stack, 'Hosting');
    const latest = new LatestApprovedModelPackage(nested, 'Latest', { registry });
    const found = latest.node.metadata.filter((m) => m.type === 'aws:cdk:warning' && SAME_STACK.test(String(m.data)));
    expect(found).toHaveLength(1);
  });

  test('no such warning for an imported registry, or a registry created in another stack (the two-stack pattern)', () => {
    const app = new App();
    const registryStack = new Stack(app, 'Registry');
    const registry = new ModelRegistry(registryStack, 'Registry', { modelPackageGroupName: 'churn' });
    const hosting = new Stack(app, 'Hosting');
    new LatestApprovedModelPackage(hosting, 'Latest', { registry });
    new LatestApprovedModelPackage(hosting, 'Imported', { registry: ModelRegistry.fromModelPackageGroupName(hosting, 'ByName', 'churn') });
    expect(sameStackWarnings(hosting)).toEqual([]);
    expect(sameStackWarnings(registryStack)).toEqual([]);
    Template.fromStack(hosting).hasResourceProperties(TYPE, { ModelPackageGroupName: 'churn' });
  });

  test("a Model of the latest approved version gets the registry's grants: describe its versions, read its artifacts", () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const registry = ModelRegistry.fromModelRegistryAttributes(stack, 'Registry', { modelPackageGroupName: 'churn', artifactsBucket: data, artifactsPrefix: 'models/' });
    const latest = new LatestApprovedModelPackage(stack, 'Latest', { registry });
    new Model(stack, 'Model', { containers: [{ modelPackageArn: latest.modelPackageArn }] });
    const roleStatements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('ModelRole'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(roleStatements).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: versionsOf('churn') });
    expect(roleStatements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/models/*']] } }));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('modelPackageAccess'))).toEqual([]);
  });

  test.each([
    ['', /\[Test\/Latest\] invalid refreshToken '': use 1-256 characters/],
    ['   ', /invalid refreshToken ' {3}'/],
    ['x'.repeat(257), /invalid refreshToken 'x+\.\.\.'/],
  ])('rejects refreshToken %j', (refreshToken, message) => {
    const stack = plainStack();
    expect(() => new LatestApprovedModelPackage(stack, 'Latest', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn'), refreshToken })).toThrow(message);
  });

  test('a refreshToken from context is accepted', () => {
    const stack = plainStack();
    stack.node.setContext('refresh', 'v12');
    new LatestApprovedModelPackage(stack, 'Latest', {
      registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn'),
      refreshToken: stack.node.tryGetContext('refresh'),
    });
    Template.fromStack(stack).hasResourceProperties(TYPE, { Nonce: 'v12' });
  });

  test('no validation findings (cdk-nag packs and built-in validation), with a registry created in another stack and an imported one', () => {
    const stack = testStack();
    const registry = new ModelRegistry(new Stack(stack.node.root as App, 'RegistryStack'), 'Registry');
    new LatestApprovedModelPackage(stack, 'Latest', { registry, refreshToken: 'v1' });
    new LatestApprovedModelPackage(stack, 'Imported', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Other', 'other-group') });
    expectNoFindings(stack);
  });
});
