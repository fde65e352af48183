import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnParameter, CfnResource, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  DataBucket, FlowDefinitionSpec, FlowDefinitionSpecProps, HumanReviewSource, HumanTaskTemplate, HumanTaskUi, IWorkTeam, LabelingJobSpec, LabelingJobSpecProps, LabelingTaskType, PrivateWorkforce, S3Location,
  WorkforceIdentityType, WorkTeam,
} from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { acknowledgements, expectNoFindings, testStack } from '../../support/validity';

const ENV = { account: '111122223333', region: 'us-east-1' };
const OIDC = {
  issuer: 'https://idp.example.com',
  authorizationEndpoint: 'https://idp.example.com/authorize',
  tokenEndpoint: 'https://idp.example.com/token',
  userInfoEndpoint: 'https://idp.example.com/userinfo',
  logoutEndpoint: 'https://idp.example.com/logout',
  jwksUri: 'https://idp.example.com/jwks',
  clientId: 'labeling_portal',
  clientSecret: SecretValue.secretsManager('labeling/oidc-client'),
};
const TEMPLATE = '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>\n<crowd-form><crowd-classifier name="label" categories="[\'a\',\'b\']" header="{{ task.input.text }}"></crowd-classifier></crowd-form>';

/** A SageMaker ARN of ENV, as a stack with ENV renders it. */
function arn(resource: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111122223333:${resource}`]] };
}

function only(template: Template, type: string): any {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('PrivateWorkforce', () => {
  test('defaults: a Cognito user pool with required MFA, a strong password policy, full threat protection, deletion protection, retained; a domain and an app client with a secret', () => {
    const stack = plainStack();
    const wf = new PrivateWorkforce(stack, 'Workforce');
    const t = Template.fromStack(stack);
    const pool = only(t, 'AWS::Cognito::UserPool');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 } },
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: Match.arrayWith(['email', 'openid', 'profile']),
      PreventUserExistenceErrors: 'ENABLED',
      SupportedIdentityProviders: ['COGNITO'],
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: { 'Fn::Join': ['-', [Match.stringLikeRegexp('^labeling-[0-9a-f]{12}$'), { Ref: 'AWS::AccountId' }]] } });
    const workforce = only(t, 'AWS::SageMaker::Workforce');
    expect(workforce.Properties).toEqual({
      WorkforceName: wf.workforceName,
      CognitoConfig: { UserPool: { Ref: expect.stringMatching(/^WorkforceUserPool[0-9A-F]{8}$/) }, ClientId: { Ref: expect.stringMatching(/^WorkforceUserPoolClient/) } },
    });
    expect(workforce.DependsOn).toEqual([expect.stringMatching(/^WorkforceUserPoolDomain/)]);
    expect(wf.workforceName).toMatch(/^test-workforce-[a-z0-9]+$/);
    expect(wf.identityType).toBe(WorkforceIdentityType.COGNITO);
    expect(stack.resolve(wf.workforceRef.workforceArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Workforce/), 'WorkforceArn'] });
    expect(stack.resolve(wf.workforceSubDomain)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Workforce/), 'SubDomain'] });
  });

  test('optional MFA and no threat protection are acknowledged on the user pool with the prop that chose them; DESTROY lifts deletion protection', () => {
    const stack = plainStack();
    new PrivateWorkforce(stack, 'Workforce', { cognito: { mfa: cognito.Mfa.OPTIONAL, threatProtection: false, domainPrefix: 'my-labelers' }, removalPolicy: RemovalPolicy.DESTROY });
    const t = Template.fromStack(stack);
    const pool = only(t, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({ MfaConfiguration: 'OPTIONAL', UserPoolTier: 'ESSENTIALS', DeletionProtection: 'INACTIVE' });
    expect(pool.DeletionPolicy).toBe('Delete');
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'my-labelers' });
    const acks = acknowledgements(stack).map((a) => [a.path, a.id, a.reason]);
    expect(acks).toEqual([
      ['Test/Workforce/UserPool/Resource', 'AwsSolutions::AwsSolutions-COG2', expect.stringContaining('`cognito.mfa`')],
      ['Test/Workforce/UserPool/Resource', 'AwsSolutions::AwsSolutions-COG3', expect.stringContaining('`cognito.threatProtection`')],
    ]);
  });

  test('your own user pool and app client: nothing Cognito is created', () => {
    const stack = plainStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abc123');
    const client = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'clientid123');
    const wf = new PrivateWorkforce(stack, 'Workforce', { cognito: { userPool: pool, userPoolClient: client } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    t.hasResourceProperties('AWS::SageMaker::Workforce', { CognitoConfig: { UserPool: 'us-east-1_abc123', ClientId: 'clientid123' } });
    expect(wf.userPool).toBe(pool);
  });

  test('OIDC: the endpoints, the client secret as a dynamic reference, and a VPC endpoint whose group admits HTTPS from the VPC only', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const wf = new PrivateWorkforce(stack, 'Workforce', {
      workforceName: 'labelers',
      oidc: { ...OIDC, scope: 'openid email groups', authenticationRequestExtraParams: { prompt: 'login' } },
      vpc: { vpc },
      tags: { team: 'ml' },
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    const props = only(t, 'AWS::SageMaker::Workforce').Properties;
    expect(props).toMatchObject({
      WorkforceName: 'labelers',
      OidcConfig: {
        Issuer: OIDC.issuer, AuthorizationEndpoint: OIDC.authorizationEndpoint, TokenEndpoint: OIDC.tokenEndpoint, UserInfoEndpoint: OIDC.userInfoEndpoint,
        LogoutEndpoint: OIDC.logoutEndpoint, JwksUri: OIDC.jwksUri, ClientId: 'labeling_portal', Scope: 'openid email groups', AuthenticationRequestExtraParams: { prompt: 'login' },
      },
      WorkforceVpcConfig: { VpcId: { Ref: expect.stringMatching(/^Vpc/) }, Subnets: [{ Ref: expect.stringMatching(/^VpcisolatedSubnet1/) }, { Ref: expect.stringMatching(/^VpcisolatedSubnet2/) }], SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^WorkforcePortalEndpointSecurityGroup/), 'GroupId'] }] },
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expect(props.OidcConfig.ClientSecret).toBe('{{resolve:secretsmanager:labeling/oidc-client:SecretString:::}}');
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' })],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
    expect(wf.identityType).toBe(WorkforceIdentityType.OIDC);
    expect(wf.userPool).toBeUndefined();
  });

  test('a NoEcho parameter is an accepted client secret', () => {
    const stack = plainStack();
    const secret = new CfnParameter(stack, 'Secret', { noEcho: true });
    new PrivateWorkforce(stack, 'Workforce', { oidc: { ...OIDC, clientSecret: SecretValue.cfnParameter(secret) } });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Workforce', { OidcConfig: { ClientSecret: { Ref: 'Secret' } } });
  });

  test('source CIDRs: IPv4, and IPv6 with dual stack', () => {
    const stack = plainStack();
    new PrivateWorkforce(stack, 'Workforce', { oidc: OIDC, sourceIpCidrs: ['203.0.113.0/24', '2001:db8::/32'], dualStack: true });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Workforce', { SourceIpConfig: { Cidrs: ['203.0.113.0/24', '2001:db8::/32'] }, IpAddressType: 'dualstack' });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new PrivateWorkforce(stack, 'V6', { sourceIpCidrs: ['2001:db8::/32'] })).toThrow(/^\[Test\/V6\] sourceIpCidrs has IPv6 blocks \["2001:db8::\/32"\]: set dualStack to true, or use IPv4 blocks only$/);
    expect(() => new PrivateWorkforce(stack, 'InVpc', { sourceIpCidrs: ['10.0.0.0/8'], vpc: { vpc } })).toThrow(/^\[Test\/InVpc\] sourceIpCidrs and vpc cannot be combined: SageMaker supports no source IP restriction/);
  });

  test('every invalid prop is reported at once, a plain client secret without its value', () => {
    const stack = plainStack();
    expect(() => new PrivateWorkforce(stack, 'W1', {
      workforceName: '-bad',
      oidc: { ...OIDC, issuer: 'http://idp.example.com', jwksUri: 'https://' + 'x'.repeat(500), clientSecret: SecretValue.unsafePlainText('hunter2-secret'), scope: 'a  b' },
      sourceIpCidrs: ['10.0.0.0/33', '300.1.1.1/8', 'fe80::/200', '10.0.0.0/8', '10.0.0.0/8', 'x'],
      tags: { 'aws:x': 'y' },
    })).toThrow(/^\[Test\/W1\] 11 problems in the workforce:\n {2}- invalid workforceName '-bad' \(length 4\): use 1-63 letters, digits or hyphens, starting with a letter or digit\n {2}- oidc: invalid issuer 'http:\/\/idp\.example\.com': use an https:\/\/ URL of at most 500 characters\n {2}- oidc: invalid jwksUri '.*': use an https:\/\/ URL of at most 500 characters\n {2}- oidc: clientSecret is a plain value, which would be readable in the template: use SecretValue\.secretsManager\(\.\.\.\), SecretValue\.ssmSecure\(\.\.\.\) or a NoEcho parameter\n {2}- oidc: invalid scope 'a {2}b': use space-separated scope names \(at most 1024 characters\)\n {2}- invalid sourceIpCidrs entry '10\.0\.0\.0\/33': use an IPv4 \(a\.b\.c\.d\/0-32\) or IPv6 \(x:x::\/0-128\) CIDR block\n {2}- invalid sourceIpCidrs entry '300\.1\.1\.1\/8'.*\n {2}- invalid sourceIpCidrs entry 'fe80::\/200'.*\n {2}- invalid sourceIpCidrs entry 'x'.*\n {2}- sourceIpCidrs lists \["10\.0\.0\.0\/8"\] more than once\n {2}- tags key 'aws:x' uses the reserved prefix 'aws:'$/);
    try {
      new PrivateWorkforce(stack, 'W2', { oidc: { ...OIDC, clientSecret: SecretValue.unsafePlainText('hunter2-secret') } });
    } catch (e) {
      expect(String(e)).not.toContain('hunter2');
    }
  });

  test('identity provider choices that do not fit are refused', () => {
    const stack = plainStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abc123');
    const client = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'clientid123');
    expect(() => new PrivateWorkforce(stack, 'W1', { cognito: {}, oidc: OIDC })).toThrow(/^\[Test\/W1\] give cognito or oidc, not both: a workforce has one identity provider$/);
    expect(() => new PrivateWorkforce(stack, 'W2', { cognito: { userPool: pool } })).toThrow(/^\[Test\/W2\] cognito: give userPool and userPoolClient together, or neither$/);
    expect(() => new PrivateWorkforce(stack, 'W3', { cognito: { userPool: pool, userPoolClient: client, mfa: cognito.Mfa.REQUIRED } }))
      .toThrow(/^\[Test\/W3\] cognito: mfa, threatProtection and domainPrefix configure the user pool created here; set them on your own userPool instead$/);
    expect(() => new PrivateWorkforce(stack, 'W4', { cognito: { mfa: cognito.Mfa.OFF } })).toThrow(/^\[Test\/W4\] cognito: invalid mfa 'OFF': use Mfa\.REQUIRED or Mfa\.OPTIONAL/);
    expect(() => new PrivateWorkforce(stack, 'W5', { cognito: { domainPrefix: 'my-aws-labelers' } })).toThrow(/^\[Test\/W5\] cognito: invalid domainPrefix 'my-aws-labelers': use 1-63 lower-case letters, digits or hyphens, .*without 'aws', 'amazon' or 'cognito'$/);
    expect(() => new PrivateWorkforce(stack, 'W6', { sourceIpCidrs: [] })).toThrow(/^\[Test\/W6\] sourceIpCidrs has 0 entries: use 1 to 10 \(omit it to admit any address\)$/);
    expect(() => new PrivateWorkforce(stack, 'W7', { oidc: { ...OIDC, clientId: 'a-b' } })).toThrow(/^\[Test\/W7\] oidc: invalid clientId 'a-b': use 1-1024 letters, digits, '_' or '\+' \(CloudFormation's pattern for it\)$/);
    expect(() => new PrivateWorkforce(stack, 'W8', { oidc: { ...OIDC, clientSecret: 'plain' as unknown as SecretValue } })).toThrow(/^\[Test\/W8\] oidc: clientSecret is not a SecretValue: use SecretValue\.secretsManager/);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new PrivateWorkforce(stack, 'W9', { vpc: { vpc, securityGroups: [] } })).toThrow(/^\[Test\/W9\] vpc\.securityGroups has 0 entries: use 1 to 5$/);
  });

  test('imports: by name (an ARN of this account and region), with attributes; their errors name the import', () => {
    const stack = plainStack('Test', { env: ENV });
    const byName = PrivateWorkforce.fromWorkforceName(stack, 'ByName', 'default');
    expect(stack.resolve(byName.workforceArn)).toEqual(arn('workforce/default'));
    expect(byName.identityType).toBeUndefined();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abc123');
    const client = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'clientid123');
    expect(PrivateWorkforce.fromWorkforceAttributes(stack, 'WithPool', { workforceName: 'default', userPool: pool, userPoolClient: client }).identityType).toBe(WorkforceIdentityType.COGNITO);
    expect(() => PrivateWorkforce.fromWorkforceName(stack, 'Bad', 'no_underscores')).toThrow(/^\[Test\/Bad\] invalid workforceName 'no_underscores' \(length 14\)/);
    expect(() => PrivateWorkforce.fromWorkforceAttributes(stack, 'Half', { workforceName: 'default', userPool: pool })).toThrow(/^\[Test\/Half\] give userPool and userPoolClient together, or neither$/);
    expect(() => PrivateWorkforce.fromWorkforceAttributes(stack, 'Mixed', { workforceName: 'default', userPool: pool, userPoolClient: client, identityType: WorkforceIdentityType.OIDC }))
      .toThrow(/^\[Test\/Mixed\] an OIDC workforce has no Cognito user pool/);
  });
});

describe('WorkTeam', () => {
  test('defaults: a user group of the workforce pool (no members), an encrypted notification topic SageMaker of this account may publish to, after the workforce', () => {
    const stack = plainStack();
    const wf = new PrivateWorkforce(stack, 'Workforce');
    const team = new WorkTeam(stack, 'Team', { workforce: wf });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: team.workteamName, UserPoolId: { Ref: Match.stringLikeRegexp('^WorkforceUserPool') } });
    t.resourceCountIs('AWS::Cognito::UserPoolUser', 0);
    t.resourceCountIs('AWS::Cognito::UserPoolUserToGroupAttachment', 0);
    const cfn = only(t, 'AWS::SageMaker::Workteam');
    expect(cfn.Properties).toEqual({
      WorkteamName: team.workteamName,
      WorkforceName: wf.workforceName,
      Description: `Work team ${team.workteamName}`,
      MemberDefinitions: [{ CognitoMemberDefinition: { CognitoUserPool: { Ref: expect.stringMatching(/^WorkforceUserPool/) }, CognitoClientId: { Ref: expect.stringMatching(/^WorkforceUserPoolClient/) }, CognitoUserGroup: { Ref: expect.stringMatching(/^TeamUserGroup/) } } }],
      NotificationConfiguration: { NotificationTopicArn: { Ref: expect.stringMatching(/^TeamNotificationTopic/) } },
    });
    expect(cfn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Workforce[0-9A-F]{8}$/)]));
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TeamNotificationKey'), 'Arn'] } });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowSageMakerOfThisAccount', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sns:Publish', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })]) } });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowSageMakerNotifications', Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]) } } });
    expect(stack.resolve(team.workteamRef.workteamArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Team/), 'WorkteamArn'] });
  });

  test('named user groups of an imported Cognito workforce, your topic or none, description and tags', () => {
    const stack = plainStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_abc123');
    const client = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'clientid123');
    const wf = PrivateWorkforce.fromWorkforceAttributes(stack, 'Workforce', { workforceName: 'default', userPool: pool, userPoolClient: client });
    const topic = new sns.Topic(stack, 'Topic');
    new WorkTeam(stack, 'A', { workforce: wf, workteamName: 'annotators', description: 'Image annotators', userGroups: ['annotators', 'reviewers'], notificationTopic: topic, tags: { team: 'ml' } });
    new WorkTeam(stack, 'B', { workforce: wf, notifications: false });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SageMaker::Workteam', {
      WorkteamName: 'annotators', WorkforceName: 'default', Description: 'Image annotators',
      MemberDefinitions: [
        { CognitoMemberDefinition: { CognitoUserPool: 'us-east-1_abc123', CognitoClientId: 'clientid123', CognitoUserGroup: 'annotators' } },
        { CognitoMemberDefinition: { CognitoUserPool: 'us-east-1_abc123', CognitoClientId: 'clientid123', CognitoUserGroup: 'reviewers' } },
      ],
      NotificationConfiguration: { NotificationTopicArn: { Ref: Match.stringLikeRegexp('^Topic') } },
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    t.hasResourceProperties('AWS::SageMaker::Workteam', { WorkteamName: Match.stringLikeRegexp('^test-b-'), NotificationConfiguration: Match.absent() });
    t.resourceCountIs('AWS::Cognito::UserPoolGroup', 1);
    t.resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('an OIDC workforce: IdP groups', () => {
    const stack = plainStack();
    const wf = new PrivateWorkforce(stack, 'Workforce', { oidc: OIDC });
    new WorkTeam(stack, 'Team', { workforce: wf, oidcGroups: ['labelers'], notifications: false });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Workteam', { MemberDefinitions: [{ OidcMemberDefinition: { OidcGroups: ['labelers'] } }] });
  });

  test('members that do not fit the workforce, and invalid props, are refused', () => {
    const stack = plainStack();
    const oidc = new PrivateWorkforce(stack, 'Oidc', { oidc: OIDC });
    const cog = new PrivateWorkforce(stack, 'Cognito');
    const byName = PrivateWorkforce.fromWorkforceName(stack, 'ByName', 'default');
    expect(() => new WorkTeam(stack, 'T1', { workforce: oidc })).toThrow(/^\[Test\/T1\] the workforce signs in with OIDC: give oidcGroups, the IdP groups whose users are the team$/);
    expect(() => new WorkTeam(stack, 'T2', { workforce: oidc, oidcGroups: ['a'], userGroups: ['b'] })).toThrow(/^\[Test\/T2\] userGroups is for a Cognito workforce: give oidcGroups only$/);
    expect(() => new WorkTeam(stack, 'T3', { workforce: cog, oidcGroups: ['a'] })).toThrow(/^\[Test\/T3\] oidcGroups is for an OIDC workforce: this workforce signs in with Cognito; use userGroups$/);
    expect(() => new WorkTeam(stack, 'T4', { workforce: byName })).toThrow(/^\[Test\/T4\] the workforce's Cognito user pool and app client are unknown: import it with PrivateWorkforce\.fromWorkforceAttributes/);
    expect(() => new WorkTeam(stack, 'T5', { workforce: byName, oidcGroups: ['a b', 'x'.repeat(64), 'c', 'c'] })).toThrow(
      /^\[Test\/T5\] 3 problems in the work team:\n {2}- invalid oidcGroups entry 'a b': use 1-63 letters, digits, marks, symbols or punctuation \(no spaces\)\n {2}- invalid oidcGroups entry 'x{64}'.*\n {2}- oidcGroups lists \["c"\] more than once$/);
    expect(() => new WorkTeam(stack, 'T6', { workforce: cog, userGroups: Array.from({ length: 11 }, (_, i) => `g${i}`) })).toThrow(/^\[Test\/T6\] userGroups has 11 entries: use 1 to 10$/);
    expect(() => new WorkTeam(stack, 'T7', { workforce: cog, workteamName: 'bad_name', description: 'x'.repeat(201), notifications: false, notificationTopic: new sns.Topic(stack, 'Topic'), tags: { 'aws:a': 'b' } })).toThrow(
      /^\[Test\/T7\] 4 problems in the work team:\n {2}- invalid workteamName 'bad_name' \(length 8\).*\n {2}- description is 201 characters long: use 1 to 200\n {2}- notificationTopic is given but notifications is false: omit one of them\n {2}- tags key 'aws:a' uses the reserved prefix 'aws:'$/);
  });

  test('grantUse: creating labeling jobs and flow definitions for this team only', () => {
    const stack = plainStack('Test', { env: ENV });
    const team = WorkTeam.fromWorkteamArn(stack, 'Team', 'arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/annotators');
    const user = new iam.Role(stack, 'Pipeline', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    team.grantUse(user);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: ['sagemaker:CreateLabelingJob', 'sagemaker:CreateFlowDefinition'],
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:labeling-job/*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:flow-definition/*']] },
      ],
      Condition: { ArnEquals: { 'sagemaker:WorkteamArn': 'arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/annotators' } },
    }]);
  });

  test('imports by ARN and by name; a bad ARN is refused', () => {
    const stack = plainStack('Test', { env: ENV });
    const byArn = WorkTeam.fromWorkteamArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/annotators');
    expect(byArn.workteamArn).toBe('arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/annotators');
    expect(stack.resolve(WorkTeam.fromWorkteamName(stack, 'ByName', 'annotators').workteamArn)).toEqual(arn('workteam/private-crowd/annotators'));
    expect(() => WorkTeam.fromWorkteamArn(stack, 'Bad', 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/x')).toThrow(/^\[Test\/Bad\] invalid workteamArn 'arn:aws:sagemaker:us-east-1:111122223333:endpoint\/x': expected arn:<partition>:sagemaker:<region>:<account>:workteam\/private-crowd\/<name>/);
    expect(() => WorkTeam.fromWorkteamName(stack, 'BadName', 'a_b')).toThrow(/^\[Test\/BadName\] invalid workteamName 'a_b'/);
  });
});

describe('HumanTaskUi', () => {
  test('a template from a string or a file, a generated lower-case name', () => {
    const stack = plainStack('My-Stack');
    const ui = new HumanTaskUi(stack, 'ReviewUi', { template: HumanTaskTemplate.fromString(TEMPLATE), tags: { team: 'ml' } });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hui-')), 'task.liquid.html');
    fs.writeFileSync(file, TEMPLATE);
    new HumanTaskUi(stack, 'FromFile', { template: HumanTaskTemplate.fromFile(file), humanTaskUiName: 'review-ui' });
    const t = Template.fromStack(stack);
    expect(ui.humanTaskUiName).toMatch(/^mystack-reviewui-[a-z0-9]+$/);
    t.hasResourceProperties('AWS::SageMaker::HumanTaskUi', { HumanTaskUiName: ui.humanTaskUiName, UiTemplate: { Content: TEMPLATE }, Tags: [{ Key: 'team', Value: 'ml' }] });
    t.hasResourceProperties('AWS::SageMaker::HumanTaskUi', { HumanTaskUiName: 'review-ui', UiTemplate: { Content: TEMPLATE } });
    expect(stack.resolve(ui.humanTaskUiRef.humanTaskUiArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ReviewUi/), 'HumanTaskUiArn'] });
  });

  test('empty, oversized, form-less, token and unreadable templates and upper-case names are refused', () => {
    const stack = plainStack();
    const param = new CfnParameter(stack, 'P');
    expect(() => new HumanTaskUi(stack, 'U1', { template: HumanTaskTemplate.fromString('  ') })).toThrow(/^\[Test\/U1\] the template is empty: give the Liquid\/HTML of the worker task$/);
    expect(() => new HumanTaskUi(stack, 'U2', { template: HumanTaskTemplate.fromString(`<crowd-form>${'x'.repeat(128000)}</crowd-form>`) })).toThrow(/^\[Test\/U2\] the template is 128025 characters long: SageMaker takes at most 128000$/);
    expect(() => new HumanTaskUi(stack, 'U3', { template: HumanTaskTemplate.fromString('<form></form>'), humanTaskUiName: 'Review' })).toThrow(
      /^\[Test\/U3\] 2 problems in the human task UI:\n {2}- invalid humanTaskUiName 'Review' \(length 6\): use 1-63 lower-case letters, digits or hyphens.*\n {2}- the template has no <crowd-form> element: workers submit their answers through it/);
    expect(() => new HumanTaskUi(stack, 'U4', { template: HumanTaskTemplate.fromString(param.valueAsString) })).toThrow(/^\[Test\/U4\] the template is an unresolved token: its content is checked and written into the template at synth/);
    expect(() => new HumanTaskUi(stack, 'U5', { template: HumanTaskTemplate.fromFile('/nonexistent/task.html') })).toThrow(/^\[Test\/U5\] cannot read the template file '\/nonexistent\/task\.html': ENOENT$/);
  });

  test('imports by name and ARN (AWS-owned UIs too)', () => {
    const stack = plainStack('Test', { env: ENV });
    expect(stack.resolve(HumanTaskUi.fromHumanTaskUiName(stack, 'ByName', 'review-ui').humanTaskUiArn)).toEqual(arn('human-task-ui/review-ui'));
    expect(HumanTaskUi.fromHumanTaskUiArn(stack, 'Owned', 'arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/NamedEntityRecognition').humanTaskUiName).toBe('NamedEntityRecognition');
    expect(() => HumanTaskUi.fromHumanTaskUiName(stack, 'Bad', 'Review')).toThrow(/^\[Test\/Bad\] invalid humanTaskUiName 'Review'/);
    expect(() => HumanTaskUi.fromHumanTaskUiArn(stack, 'BadArn', 'arn:aws:sagemaker:us-east-1:111122223333:workteam/x')).toThrow(/^\[Test\/BadArn\] invalid humanTaskUiArn/);
  });
});

describe('LabelingJobSpec', () => {
  /** A stack in `region` with literal names, so the API model checks every value of the request. */
  function setup(region = 'us-east-1') {
    const stack = plainStack('Test', { env: { account: '111122223333', region } });
    const data = DataBucket.fromBucketAttributes(stack, 'Data', { bucketName: 'ml-data', encryptionKey: kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`) });
    const workteam = WorkTeam.fromWorkteamArn(stack, 'Team', `arn:aws:sagemaker:${region}:111122223333:workteam/private-crowd/annotators`);
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111122223333:role/labeling', { mutable: false });
    return { stack, data, workteam, role };
  }
  function props(data: DataBucket | ReturnType<typeof setup>['data'], workteam: IWorkTeam, overrides: Partial<LabelingJobSpecProps> = {}): LabelingJobSpecProps {
    return {
      taskType: LabelingTaskType.BOUNDING_BOX,
      workteam,
      inputManifest: S3Location.inDataBucket(data, 'labeling/input/manifest.jsonl'),
      output: S3Location.inDataBucket(data, 'labeling/output/'),
      labelAttributeName: 'vehicles',
      labelCategories: S3Location.inDataBucket(data, 'labeling/categories.json'),
      uiTemplate: S3Location.inDataBucket(data, 'labeling/ui/template.liquid'),
      taskTitle: 'Draw boxes around vehicles',
      taskDescription: 'Draw a tight box around every car, bus and truck',
      ...overrides,
    };
  }

  test('a bounding-box job in us-east-1: the AWS-owned functions of the region, defaults, a request the API model accepts', () => {
    const { stack, data, workteam, role } = setup();
    const request = stack.resolve(new LabelingJobSpec(props(data, workteam, { taskKeywords: ['vehicles', 'bounding box'], maxConcurrentTasks: 200, maxPercentageLabeled: 50, tags: { team: 'ml' } })).render(stack, { role, jobName: 'vehicles-2026-12' }));
    expect(request).toEqual({
      LabelingJobName: 'vehicles-2026-12',
      LabelAttributeName: 'vehicles',
      RoleArn: 'arn:aws:iam::111122223333:role/labeling',
      InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: 's3://ml-data/labeling/input/manifest.jsonl' } } },
      OutputConfig: { S3OutputPath: 's3://ml-data/labeling/output/' },
      LabelCategoryConfigS3Uri: 's3://ml-data/labeling/categories.json',
      StoppingConditions: { MaxPercentageOfInputDatasetLabeled: 50 },
      HumanTaskConfig: {
        WorkteamArn: 'arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/annotators',
        UiConfig: { UiTemplateS3Uri: 's3://ml-data/labeling/ui/template.liquid' },
        PreHumanTaskLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox',
        TaskKeywords: ['vehicles', 'bounding box'],
        TaskTitle: 'Draw boxes around vehicles',
        TaskDescription: 'Draw a tight box around every car, bus and truck',
        NumberOfHumanWorkersPerDataObject: 1,
        TaskTimeLimitInSeconds: 300,
        MaxConcurrentTaskCount: 200,
        AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox' },
      },
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    expectValidSageMakerRequest('CreateLabelingJob', request);
  });

  test('every named built-in task type renders a valid request in eu-west-1; named entity recognition uses the AWS-owned UI', () => {
    const { stack, data, workteam, role } = setup('eu-west-1');
    const types: Array<[LabelingTaskType, string, string]> = [
      [LabelingTaskType.BOUNDING_BOX, 'BoundingBox', 'boxes'],
      [LabelingTaskType.IMAGE_CLASSIFICATION, 'ImageMultiClass', 'label'],
      [LabelingTaskType.IMAGE_MULTI_LABEL_CLASSIFICATION, 'ImageMultiClassMultiLabel', 'labels'],
      [LabelingTaskType.TEXT_CLASSIFICATION, 'TextMultiClass', 'label'],
      [LabelingTaskType.TEXT_MULTI_LABEL_CLASSIFICATION, 'TextMultiClassMultiLabel', 'labels'],
      [LabelingTaskType.SEMANTIC_SEGMENTATION, 'SemanticSegmentation', 'mask-ref'],
      [LabelingTaskType.NAMED_ENTITY_RECOGNITION, 'NamedEntityRecognition', 'entities'],
      [LabelingTaskType.builtIn('VideoObjectTracking'), 'VideoObjectTracking', 'tracks-ref'],
    ];
    for (const [taskType, name, attr] of types) {
      const owned = taskType.awsOwnedUiName !== undefined;
      const request = stack.resolve(new LabelingJobSpec(props(data, workteam, {
        taskType, labelAttributeName: attr, uiTemplate: owned ? undefined : S3Location.inDataBucket(data, 'labeling/ui/template.liquid'),
        workersPerObject: 3, taskTimeLimit: taskType.maxTaskTimeSeconds > 28800 ? Duration.hours(12) : Duration.hours(8), taskAvailabilityLifetime: Duration.days(30), maxHumanLabeledObjects: 1000,
      })).render(stack, { role, jobName: `job-${attr}` }));
      expect(request.HumanTaskConfig.PreHumanTaskLambdaArn).toBe(`arn:aws:lambda:eu-west-1:568282634449:function:PRE-${name}`);
      expect(request.HumanTaskConfig.AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn).toBe(`arn:aws:lambda:eu-west-1:568282634449:function:ACS-${name}`);
      expectValidSageMakerRequest('CreateLabelingJob', request);
    }
    const ner = stack.resolve(new LabelingJobSpec(props(data, workteam, { taskType: LabelingTaskType.NAMED_ENTITY_RECOGNITION, uiTemplate: undefined })).render(stack, { role, jobName: 'ner' }));
    expect(ner.HumanTaskConfig.UiConfig).toEqual({ HumanTaskUiArn: 'arn:aws:sagemaker:eu-west-1:394669845002:human-task-ui/NamedEntityRecognition' });
    expect(LabelingTaskType.builtIn('Adjustment3DPointCloudObjectDetection').awsOwnedUiName).toBe('PointCloudObjectDetection');
    expect(LabelingJobSpec.builtInRegions()).toHaveLength(12);
  });

  test('an environment-agnostic stack looks the owner up in a mapping, which the template holds only when a request using it is in it', () => {
    const build = () => {
      const stack = plainStack();
      const data = new DataBucket(stack, 'Data');
      const workteam = WorkTeam.fromWorkteamName(stack, 'Team', 'annotators');
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
      return { stack, role, spec: new LabelingJobSpec(props(data, workteam)) };
    };
    const unused = build();
    unused.spec.render(unused.stack, { role: unused.role, jobName: 'unused' });
    expect(Template.fromStack(unused.stack).toJSON().Mappings).toBeUndefined();
    const { stack, role, spec } = build();
    new CfnResource(stack, 'Consumer', { type: 'Custom::LabelingJob', properties: { Request: spec.render(stack, { role, jobName: 'used' }) } });
    const t = Template.fromStack(stack).toJSON();
    expect(t.Mappings.GroundTruthBuiltInLambdaAccounts['us-west-2']).toEqual({ account: '081040173940' });
    expect(t.Resources.Consumer.Properties.Request.HumanTaskConfig.PreHumanTaskLambdaArn).toEqual({
      'Fn::Join': ['', ['arn:aws:lambda:', { Ref: 'AWS::Region' }, ':', { 'Fn::FindInMap': ['GroundTruthBuiltInLambdaAccounts', { Ref: 'AWS::Region' }, 'account'] }, ':function:PRE-BoundingBox']],
    });
    expectValidSageMakerRequest('CreateLabelingJob', t.Resources.Consumer.Properties.Request);
  });

  test('a custom task: your functions, the role may invoke them; grantTo covers the data, the output key and topic, and the logs', () => {
    const { stack, data, workteam } = setup();
    const fn = (id: string) => lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:111122223333:function:${id}`);
    const topic = sns.Topic.fromTopicArn(stack, 'Out', 'arn:aws:sns:us-east-1:111122223333:labels');
    const outputKey = new kms.Key(stack, 'OutputKey');
    const spec = new LabelingJobSpec(props(data, workteam, { taskType: LabelingTaskType.custom(fn('GtPre'), fn('GtPost')), labelCategories: undefined, outputKey, outputTopic: topic }));
    const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const request = stack.resolve(spec.render(stack, { role, jobName: 'custom' }));
    expect(request.HumanTaskConfig.PreHumanTaskLambdaArn).toBe('arn:aws:lambda:us-east-1:111122223333:function:GtPre');
    expect(request.OutputConfig).toEqual({ S3OutputPath: 's3://ml-data/labeling/output/', KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^OutputKey/), 'Arn'] }, SnsTopicArn: 'arn:aws:sns:us-east-1:111122223333:labels' });
    expect(request.LabelCategoryConfigS3Uri).toBeUndefined();
    spec.grantTo(stack, role);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: ['arn:aws:lambda:us-east-1:111122223333:function:GtPre', 'arn:aws:lambda:us-east-1:111122223333:function:GtPost'] }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:111122223333:labels' }));
    for (const prefix of ['labeling/input/', 'labeling/ui/', 'labeling/output/']) expect(text).toContain(`ml-data/${prefix}*`);
    expect(text).toContain('s3:PutObject');
    expect(text).toContain('/aws/sagemaker/LabelingJobs*');
    expect(text).not.toMatch(/"Action":"(s3|kms|lambda|sagemaker):\*"/);
  });

  test('every invalid prop is reported at once', () => {
    const { stack, data, workteam, role } = setup();
    const spec = new LabelingJobSpec(props(data, workteam, {
      taskType: LabelingTaskType.SEMANTIC_SEGMENTATION,
      labelAttributeName: 'mask-metadata',
      labelCategories: undefined,
      uiTemplate: undefined,
      inputManifest: S3Location.fromUri('https://example.com/manifest'),
      taskTitle: '',
      taskDescription: 'x'.repeat(256),
      taskKeywords: ['ok', 'two  spaces', 'x'.repeat(31), 'd', 'e', 'f'],
      workersPerObject: 10,
      taskTimeLimit: Duration.hours(9),
      taskAvailabilityLifetime: Duration.seconds(30),
      maxConcurrentTasks: 5001,
      maxHumanLabeledObjects: 0,
      maxPercentageLabeled: 101,
      tags: { 'aws:x': 'y' },
    }));
    expect(() => spec.render(stack, { role, jobName: 'bad_name' })).toThrow(new RegExp('^\\[Test\\] 18 problems in the labeling job spec:\\n' + [
      "invalid jobName 'bad_name' \\(length 8\\): use 1-63 letters, digits or hyphens, starting and ending with a letter or digit",
      "invalid labelAttributeName 'mask-metadata': it must not end in '-metadata' \\(Ground Truth writes '<name>-metadata' itself\\)",
      "invalid labelAttributeName 'mask-metadata': SemanticSegmentation tasks need a name ending in '-ref'",
      "invalid inputManifest 'https://example.com/manifest': use an s3://bucket/prefix URI",
      'labelCategories is required for the built-in task type SemanticSegmentation: give the label category configuration file',
      'uiTemplate is required for SemanticSegmentation tasks: give the worker task template in S3',
      "invalid taskTitle '': use 1-128 characters",
      "invalid taskDescription 'x{117}\\.\\.\\.': use 1-255 characters",
      'taskKeywords has 6 entries: use 1 to 5 \\(omit it for none\\)',
      "invalid taskKeywords entry 'two  spaces': use 1-30 letters or digits, words separated by single spaces",
      "invalid taskKeywords entry 'x{31}': .*",
      'invalid workersPerObject 10: use a whole number from 1 to 9',
      'invalid taskTimeLimit 9 hours: use whole seconds from 30 to 28800 \\(8 hours\\)',
      'invalid taskAvailabilityLifetime 30 seconds: use whole seconds from 60 to 2592000 \\(30 days\\)',
      'invalid maxConcurrentTasks 5001: use a whole number from 1 to 5000',
      'invalid maxHumanLabeledObjects 0: use a whole number of 1 or more',
      'invalid maxPercentageLabeled 101: use a whole number from 1 to 100',
      "tags key 'aws:x' uses the reserved prefix 'aws:'",
    ].map((m) => ' {2}- ' + m).join('\\n') + '$'));
  });

  test('task types, regions and UIs that do not fit are refused', () => {
    const { stack, data, workteam, role } = setup();
    const render = (overrides: Partial<LabelingJobSpecProps>, s: Stack = stack) => () => new LabelingJobSpec(props(data, workteam, overrides)).render(s, { role, jobName: 'job' });
    expect(render({ taskType: LabelingTaskType.builtIn('Sketching') })).toThrow(/^\[Test\] invalid taskType 'Sketching': use a built-in task type \(3DPointCloudObjectDetection, .*\) or LabelingTaskType\.custom\(\)$/);
    expect(render({ taskType: LabelingTaskType.NAMED_ENTITY_RECOGNITION })).toThrow(/^\[Test\] uiTemplate is given, but NamedEntityRecognition tasks use the AWS-owned worker UI NamedEntityRecognition: omit uiTemplate$/);
    expect(render({ taskType: LabelingTaskType.builtIn('VerificationSemanticSegmentation'), labelAttributeName: 'check-ref' })).toThrow(/^\[Test\] invalid labelAttributeName 'check-ref': VerificationSemanticSegmentation tasks need a name that does not end in '-ref'$/);
    expect(render({ taskType: LabelingTaskType.builtIn('VideoObjectDetection'), labelAttributeName: 'objects-ref', uiTemplate: undefined, taskTimeLimit: Duration.days(31) })).toThrow(/^\[Test\] invalid taskTimeLimit 31 days: use whole seconds from 30 to 2592000 \(30 days\)$/);
    const elsewhere = plainStack('Test', { env: { account: '111122223333', region: 'sa-east-1' } });
    expect(render({}, elsewhere)).toThrow(/^\[Test\] Ground Truth's built-in task types are not available in sa-east-1: use one of ap-northeast-1, .*, us-west-2, or LabelingTaskType\.custom\(\)$/);
    const custom = LabelingTaskType.custom(lambda.Function.fromFunctionArn(stack, 'Pre', 'arn:aws:lambda:us-east-1:111122223333:function:pre'), lambda.Function.fromFunctionArn(stack, 'Post', 'arn:aws:lambda:us-east-1:111122223333:function:post'));
    expect(render({ taskType: custom, labelCategories: undefined, uiTemplate: undefined })).toThrow(/^\[Test\] uiTemplate is required for Custom tasks: give the worker task template in S3$/);
  });

  test('the vendored table: its source is botocore\'s model, every region has every task type\'s functions', () => {
    const table = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../constructs/labeling/ground-truth-lambdas.json'), 'utf8'));
    expect(table.source).toMatch(/^https:\/\/github\.com\/boto\/botocore\/blob\/[0-9a-f]{40}\/botocore\/data\/sagemaker\/2017-07-24\/service-2\.json$/);
    expect(table.generator).toBe('scripts/gen-ground-truth-lambdas.mjs');
    expect(Object.keys(table.accounts)).toEqual(LabelingJobSpec.builtInRegions());
    for (const account of Object.values(table.accounts)) expect(account).toMatch(/^\d{12}$/);
    expect(table.tasks).toEqual(expect.arrayContaining(['BoundingBox', 'ImageMultiClass', 'ImageMultiClassMultiLabel', 'TextMultiClass', 'TextMultiClassMultiLabel', 'SemanticSegmentation', 'NamedEntityRecognition']));
  });
});

describe('FlowDefinitionSpec (Augmented AI)', () => {
  function setup() {
    const stack = plainStack('Test', { env: ENV });
    const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
    const base: FlowDefinitionSpecProps = {
      humanTaskUi: HumanTaskUi.fromHumanTaskUiName(stack, 'Ui', 'review-ui'),
      workteam: WorkTeam.fromWorkteamArn(stack, 'Team', 'arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/reviewers'),
      output: S3Location.inDataBucket(data, 'reviews/'),
      taskTitle: 'Review the prediction',
      taskDescription: 'Confirm or correct the predicted label',
    };
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111122223333:role/a2i', { mutable: false });
    return { stack, base, role };
  }

  test('a custom review and a Textract integration with activation conditions render requests the API model accepts', () => {
    const { stack, base, role } = setup();
    const custom = stack.resolve(new FlowDefinitionSpec(base).render(stack, { role, flowDefinitionName: 'review-predictions' }));
    expect(custom).toEqual({
      FlowDefinitionName: 'review-predictions',
      RoleArn: 'arn:aws:iam::111122223333:role/a2i',
      HumanLoopConfig: {
        WorkteamArn: 'arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/reviewers',
        HumanTaskUiArn: arn('human-task-ui/review-ui'),
        TaskTitle: 'Review the prediction', TaskDescription: 'Confirm or correct the predicted label', TaskCount: 1, TaskTimeLimitInSeconds: 3600,
      },
      OutputConfig: { S3OutputPath: 's3://ml-data/reviews/' },
    });
    expectValidSageMakerRequest('CreateFlowDefinition', custom);
    const conditions = JSON.stringify({ Conditions: [{ ConditionType: 'ImportantFormKeyConfidenceCheck', ConditionParameters: { ImportantFormKey: 'Total', KeyValueBlockConfidenceLessThan: 90 } }] });
    const textract = stack.resolve(new FlowDefinitionSpec({ ...base, requestSource: HumanReviewSource.TEXTRACT_ANALYZE_DOCUMENT_FORMS, activationConditionsJson: conditions, workersPerObject: 3, taskKeywords: ['forms'], taskAvailabilityLifetime: Duration.days(1), tags: { team: 'ml' } })
      .render(stack, { role, flowDefinitionName: 'review-forms' }));
    expect(textract.HumanLoopRequestSource).toEqual({ AwsManagedHumanLoopRequestSource: 'AWS/Textract/AnalyzeDocument/Forms/V1' });
    expect(textract.HumanLoopActivationConfig).toEqual({ HumanLoopActivationConditionsConfig: { HumanLoopActivationConditions: conditions } });
    expectValidSageMakerRequest('CreateFlowDefinition', textract);
  });

  test('grantTo: the results prefix and its key', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    new FlowDefinitionSpec({ humanTaskUi: HumanTaskUi.fromHumanTaskUiName(stack, 'Ui', 'review-ui'), workteam: WorkTeam.fromWorkteamName(stack, 'Team', 'reviewers'), output: S3Location.inDataBucket(data, 'reviews/'), taskTitle: 't', taskDescription: 'd' }).grantTo(role);
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(text).toContain('/reviews/*');
    expect(text).toContain('s3:PutObject');
    expect(text).toContain('kms:GenerateDataKey');
  });

  test('every invalid prop is reported at once', () => {
    const { stack, base, role } = setup();
    expect(() => new FlowDefinitionSpec({ ...base, taskTitle: '', taskKeywords: ['a  b'], workersPerObject: 4, taskTimeLimit: Duration.seconds(10), taskAvailabilityLifetime: Duration.millis(500), activationConditionsJson: '{"x": 1}', tags: { 'aws:a': 'b' } })
      .render(stack, { role, flowDefinitionName: 'Review' })).toThrow(new RegExp('^\\[Test\\] 9 problems in the flow definition spec:\\n' + [
      "invalid flowDefinitionName 'Review' \\(length 6\\): use 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit",
      "invalid taskTitle '': use 1-128 characters",
      "invalid taskKeywords entry 'a {2}b': use 1-30 letters or digits, words separated by single spaces",
      'invalid workersPerObject 4: use a whole number from 1 to 3',
      'invalid taskTimeLimit 10 seconds: use whole seconds from 30 to .*',
      'invalid taskAvailabilityLifetime 500 millis: use whole seconds from 1 to .*',
      'activationConditionsJson is for an AWS service integration: give requestSource, or omit the conditions \\(your code decides when it starts a human loop\\)',
      'activationConditionsJson \'\\{"x": 1\\}\' has no "Conditions" list: use \\{"Conditions": \\[\\.\\.\\.\\]\\}',
      "tags key 'aws:a' uses the reserved prefix 'aws:'",
    ].map((m) => ' {2}- ' + m).join('\\n') + '$'));
    expect(() => new FlowDefinitionSpec({ ...base, requestSource: HumanReviewSource.REKOGNITION_DETECT_MODERATION_LABELS, activationConditionsJson: '{nope' }).render(stack, { role, flowDefinitionName: 'ok' }))
      .toThrow(/^\[Test\] activationConditionsJson is not JSON: '\{nope'$/);
  });
});

describe('Ground Truth validity', () => {
  test('defaults: a Cognito workforce, its team and a task UI have no cdk-nag or CloudFormation finding', () => {
    const stack = testStack();
    const wf = new PrivateWorkforce(stack, 'Workforce');
    new WorkTeam(stack, 'Team', { workforce: wf });
    new HumanTaskUi(stack, 'Ui', { template: HumanTaskTemplate.fromString(TEMPLATE) });
    expectNoFindings(stack);
  });
});
