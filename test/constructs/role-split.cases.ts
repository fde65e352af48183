import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { deployedLength, LeastPrivilegeRole } from '../../constructs/private/role';

test('grants beyond one managed policy size go into further policies on the same role', () => {
  const stack = new Stack(new App(), 'Test');
  const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
  for (let i = 0; i < 60; i++) {
    // distinct actions: statements that differ only by resources would merge into one
    role.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [`s3:GetObject${i % 2 ? 'Version' : ''}`, `sagemaker:Describe${i}`], resources: [`arn:aws:s3:::bucket-number-${i}-with-a-long-name/some/prefix/*`] }));
  }
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
  expect(Object.keys(policies).length).toBeGreaterThan(1);
  for (const p of Object.values(policies) as any[]) {
    expect(JSON.stringify(p.Properties.PolicyDocument).length).toBeLessThan(6144);
    expect(p.Properties.Roles).toEqual([{ Ref: stack.getLogicalId(role.role.node.defaultChild as iam.CfnRole) }]);
  }
  const all = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  expect(all).toHaveLength(60);
});

test('statements that differ only by their resources merge, within a policy\'s size', () => {
  const stack = new Stack(new App(), 'Test');
  const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
  const statement = (i: number) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-number-${i}-with-a-long-name/some/prefix/*`] });
  const given = Array.from({ length: 200 }, (_, i) => statement(i));
  for (const s of given) role.grantPrincipal.addToPrincipalPolicy(s);
  role.grantPrincipal.addToPrincipalPolicy(statement(0)); // again: nothing new
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
  expect(policies.length).toBeLessThan(10);
  const all = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
  expect(all.length).toBe(policies.length); // one merged statement per policy
  const resources = all.flatMap((s: any) => [].concat(s.Resource));
  expect(new Set(resources).size).toBe(200);
  expect(resources).toHaveLength(200);
  for (const p of policies) expect(JSON.stringify(p.Properties.PolicyDocument).length).toBeLessThan(6144);
  // the caller's statements are not changed by the merge
  expect(given[0].resources).toEqual(['arn:aws:s3:::bucket-number-0-with-a-long-name/some/prefix/*']);
});

describe('statements that differ only by one condition key\'s values', () => {
  const list = (bucket: string, prefix: string) => new iam.PolicyStatement({
    actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${bucket}`], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
  });
  const statementsOf = (stack: Stack) => (Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[])
    .flatMap((p) => p.Properties.PolicyDocument.Statement);

  test('merge into one statement with all the values (StringLike values are alternatives)', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
    for (let i = 0; i < 300; i++) role.addToPolicy(list('data', `stage-${i}/`));
    role.addToPolicy(list('data', 'stage-0/')); // again: nothing new
    const statements = statementsOf(stack);
    expect(statements.length).toBeLessThan(5);
    const values = statements.flatMap((s) => s.Condition.StringLike['s3:prefix']);
    expect(values).toHaveLength(300);
    expect(new Set(values).size).toBe(300);
    for (const s of statements) expect(s.Resource).toBe('arn:aws:s3:::data');
  });

  test('a statement grown by resources takes no more condition values, and the other way round (no grant beyond what was asked)', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
    role.addToPolicy(list('one', 'a/'));
    role.addToPolicy(list('two', 'a/')); // same condition: grows by resources
    role.addToPolicy(list('one', 'b/')); // must not join: it would allow b/ on bucket two
    const statements = statementsOf(stack);
    const allowed = statements.flatMap((s) => ([] as string[]).concat(s.Resource).flatMap((r) => s.Condition.StringLike['s3:prefix'].map((p: string) => `${r} ${p}`)));
    expect(allowed.sort()).toEqual(['arn:aws:s3:::one a/*', 'arn:aws:s3:::one b/*', 'arn:aws:s3:::two a/*']);
  });

  test('other operators (ForAllValues, Bool, NumericLessThan) and several keys never merge', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
    for (const v of ['a', 'b']) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::x'], conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': [v] } } }));
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::x'], conditions: { StringLike: { 's3:prefix': [v], 's3:delimiter': ['/'] } } }));
    }
    expect(statementsOf(stack)).toHaveLength(4);
  });
});

describe('policies pooled by the resources they name (the provider role)', () => {
  test('statements naming different resources land in different policies; statements naming none share one', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'test', poolByReferences: true });
    const a = new iam.Role(stack, 'A', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const b = new iam.Role(stack, 'B', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const pa = role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [a.roleArn] }));
    const pb = role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [b.roleArn] }));
    const p1 = role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: ['arn:aws:sagemaker:eu-west-1:111122223333:training-job/a-*'] }));
    const p2 = role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: ['arn:aws:sagemaker:eu-west-1:111122223333:training-job/b-*'] }));
    expect(pa).not.toBe(pb);
    expect(p1).toBe(p2);
    expect(p1).not.toBe(pa);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    expect(Object.keys(policies)).toHaveLength(3);
    expect(role.policyCount).toBe(3);
  });

  test('at 10 policies, a new set of resources shares a policy rather than exceed IAM\'s default quota', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'test', poolByReferences: true });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListApps'], resources: ['*'] }));
    for (let i = 0; i < 15; i++) {
      const r = new iam.Role(stack, `R${i}`, { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [r.roleArn] }));
    }
    expect(role.policyCount).toBe(10);
  });
});

test('policies are sized as deployed: each intrinsic at its longest value', () => {
  expect(deployedLength('abc')).toBe(5);
  expect(deployedLength({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/x']] })).toBe(2 + 4 + 10 + 6 + 12 + 7);
  expect(deployedLength({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).toBe(130);
  expect(deployedLength({ 'Fn::Sub': 'cdk-${AWS::Region}' })).toBe(2 + 4 + 16);
  expect(deployedLength(['a', { Ref: 'AWS::Region' }])).toBe(2 + 3 + 1 + 18);
});
