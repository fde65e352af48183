// A user profile's own execution role gets what the domain's role gets for Studio, as identity
// policies; a role the app cannot change gets a warning naming what it needs.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GrantFindings, StudioDomain, StudioNetworkMode } from '../../../constructs';
import { explainWildcard } from '../../../constructs/private/compliance';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack, validationFindings } from '../../support/validity';

const sagemaker = () => new iam.ServicePrincipal('sagemaker.amazonaws.com');

/** The statements of the managed policies attached to the role whose `Roles` entry is `roleRef`. */
function statementsFor(template: Template, roleEntry: unknown): any[] {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [roleEntry] } }))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function roleRef(stack: Stack, role: iam.Role): unknown {
  return { Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) };
}

describe('a user profile with its own execution role', () => {
  test('gets exactly the statements of the domain\'s role (PassRole on itself), in a managed policy of the profile', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    const role = new iam.Role(stack, 'AliceRole', { assumedBy: sagemaker() });
    domain.addUserProfile('alice', { executionRole: role });
    const template = Template.fromStack(stack);
    const own = statementsFor(template, roleRef(stack, role));
    const domains = statementsFor(template, roleRef(stack, domain.executionRole as iam.Role));
    expect(own.map((s) => s.Sid)).toEqual(['StudioDomainUse', 'StudioLists', 'StudioLogs', 'PassOwnRole', 'JobNetworkInterfaces', 'JobNetworkDescribe', undefined, 'DomainKeyGrantsForAwsResources']);
    const passRole = (s: any) => (s.Sid === 'PassOwnRole' ? { ...s, Resource: 'own role' } : s);
    expect(own.map(passRole)).toEqual(domains.map(passRole));
    expect(own.find((s) => s.Sid === 'PassOwnRole').Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] });
    const key = own.find((s) => s.Sid === undefined);
    expect([...key.Action].sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey']);
    expect(key.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StudioKey/), 'Arn'] });
    for (const s of own) for (const a of [].concat(s.Action)) expect(a).not.toMatch(/\*/);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Description: 'Studio permissions of the execution role of Test/Studio/UserProfile-alice', Roles: [roleRef(stack, role)] });
    // no inline policy on the user's role, and the key policy is not changed for it
    const logicalId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(logicalId);
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain(logicalId);
  });

  test('an imported role is given the same, in a managed policy attached by name; without ENI statements in PublicInternetOnly', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { networkMode: StudioNetworkMode.PUBLIC_INTERNET_ONLY });
    domain.addUserProfile('alice', { executionRole: iam.Role.fromRoleArn(stack, 'Own', 'arn:aws:iam::111122223333:role/own') });
    const own = statementsFor(Template.fromStack(stack), 'own');
    expect(own.map((s) => s.Sid)).toEqual(['StudioDomainUse', 'StudioLists', 'StudioLogs', 'PassOwnRole', undefined, 'DomainKeyGrantsForAwsResources']);
    expect(own.find((s) => s.Sid === 'PassOwnRole').Resource).toBe('arn:aws:iam::111122223333:role/own');
  });

  test('a role shared by profiles is given it once; the domain\'s own role is not given it twice', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    const role = new iam.Role(stack, 'TeamRole', { assumedBy: sagemaker() });
    domain.addUserProfile('alice', { executionRole: role });
    domain.addUserProfile('bob', { executionRole: role });
    domain.addUserProfile('carol', { executionRole: domain.executionRole });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [roleRef(stack, role)] } }))).toHaveLength(1);
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('UserProfile-carol');
  });

  test('an immutable imported role is not changed: a warning says what to attach to it', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    domain.addUserProfile('alice', { executionRole: iam.Role.fromRoleArn(stack, 'Fixed', 'arn:aws:iam::111122223333:role/fixed', { mutable: false }) });
    const template = Template.fromStack(stack);
    expect(statementsFor(template, 'fixed')).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('fixed');
    Annotations.fromStack(stack).hasWarning('/Test/Studio/UserProfile-alice', Match.stringLikeRegexp(
      '^executionRole arn:aws:iam::111122223333:role/fixed cannot be changed by this app .*: Studio apps that use it cannot start until you attach to it: '
      + 'sagemaker:DescribeDomain, .*sagemaker:CreateApp.* on the domain .*; iam:PassRole on the role itself.*; ec2:CreateNetworkInterface, .*; '
      + 'kms:GenerateDataKey, kms:Decrypt, kms:DescribeKey on the domain\'s KMS key; kms:CreateGrant on the domain\'s KMS key',
    ));
  });

  test('a domain executionRole of another account (immutable) gets the warning too', () => {
    const stack = new Stack(undefined, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    new StudioDomain(stack, 'Studio', { executionRole: iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/studio') });
    Annotations.fromStack(stack).hasWarning('/Test/Studio', Match.stringLikeRegexp('^executionRole arn:aws:iam::222222222222:role/studio cannot be changed by this app'));
  });

  test('with cdk-nag, the only findings are the documented resource wildcards of the profile\'s policy', () => {
    const stack = testStack();
    const domain = new StudioDomain(stack, 'Studio');
    domain.addUserProfile('alice', { executionRole: new iam.Role(stack, 'AliceRole', { assumedBy: sagemaker() }) });
    const findings = validationFindings(stack);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.path).toBe('Test/Studio/UserProfile-alice/ExecutionRolePolicy/Resource');
      const finding = /^AwsSolutions-IAM5\[(Resource::.*)\]$/.exec(f.rule);
      expect(finding).not.toBeNull();
      expect(explainWildcard(finding![1])).toBeDefined();
    }
  });

  test('GrantFindings.acknowledgeResourceWildcards on the profile acknowledges them, as for other roles of yours', () => {
    const stack = testStack();
    const domain = new StudioDomain(stack, 'Studio');
    const alice = domain.addUserProfile('alice', { executionRole: new iam.Role(stack, 'AliceRole', { assumedBy: sagemaker() }) });
    GrantFindings.acknowledgeResourceWildcards(alice);
    expectNoFindings(stack);
  });
});
