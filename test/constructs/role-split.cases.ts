import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LeastPrivilegeRole } from '../../constructs/private/role';

test('grants beyond one managed policy size go into further policies on the same role', () => {
  const stack = new Stack(new App(), 'Test');
  const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
  for (let i = 0; i < 60; i++) {
    role.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-number-${i}-with-a-long-name/some/prefix/*`] }));
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
