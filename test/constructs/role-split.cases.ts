import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LeastPrivilegeRole } from '../../constructs/private/role';

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
