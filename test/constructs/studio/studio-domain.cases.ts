import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  DataBucket, ModelRegistry, SpaceSharing, StudioAppType, StudioAuthMode, StudioDomain, StudioNetworkMode, StudioVpcEndpoint,
} from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

function domainResource(template: Template): any {
  return Object.values(template.findResources('AWS::SageMaker::Domain'))[0];
}

describe('StudioDomain defaults', () => {
  const stack = plainStack();
  const domain = new StudioDomain(stack, 'Studio');
  const template = Template.fromStack(stack);
  const resource = domainResource(template);

  test('VPC-only, IAM auth, KMS key, retained', () => {
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.Properties).toEqual(expect.objectContaining({
      AuthMode: 'IAM',
      AppNetworkAccessType: 'VpcOnly',
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^StudioKey/), 'Arn'] },
      DomainName: domain.node.findChild('Resource') && expect.stringMatching(/^test-studio-[0-9a-f]{8}$/),
      SubnetIds: [{ Ref: expect.stringMatching(/IsolatedSubnet1/) }, { Ref: expect.stringMatching(/IsolatedSubnet2/) }],
    }));
  });

  test('default user settings: idle shutdown after 60 minutes, web portal, Docker off, EBS 5/100 GiB', () => {
    const settings = resource.Properties.DefaultUserSettings;
    const idle = { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: 1440 } };
    expect(settings.JupyterLabAppSettings.AppLifecycleManagement).toEqual(idle);
    expect(settings.CodeEditorAppSettings.AppLifecycleManagement).toEqual(idle);
    expect(settings.StudioWebPortal).toBe('ENABLED');
    expect(settings.DefaultLandingUri).toBe('studio::');
    expect(settings.SpaceStorageSettings).toEqual({ DefaultEbsStorageSettings: { DefaultEbsVolumeSizeInGb: 5, MaximumEbsVolumeSizeInGb: 100 } });
    expect(settings.SecurityGroups).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/AppSecurityGroup/), 'GroupId'] }]);
    expect(resource.Properties.DomainSettings).toEqual({ DockerSettings: { EnableDockerAccess: 'DISABLED' } });
  });

  test('a new VPC: 2 isolated subnets across Fn::GetAZs, no internet or NAT gateway, flow logs, default SG emptied', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, MapPublicIpOnLaunch: false });
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('StudioKey'), 'Arn'] } });
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', { DefaultSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('StudioVpc'), 'DefaultSecurityGroup'] } });
  });

  test('VPC endpoints: S3 gateway and the interface endpoints Studio needs, reachable only from the app security group', () => {
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 8);
    const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((e: any) => JSON.stringify(e.Properties.ServiceName));
    for (const service of ['sagemaker.api', 'sagemaker.runtime', 'sts', 'logs', 'monitoring', 'ecr.api', 'ecr.dkr', '.s3']) {
      expect(services.some((s) => s.includes(service))).toBe(true);
    }
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AppSecurityGroup'), 'GroupId'] },
    });
  });

  test('the execution role has no AWS managed or inline policy; its managed policy is scoped to this domain', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } } });
    expect(Object.keys(roles)).toHaveLength(1);
    const role: any = Object.values(roles)[0];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const policy: any = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Object.keys(roles)[0] }] } }))[0];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.find((s: any) => s.Sid === 'StudioDomainUse').Resource[0]).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Studio/), 'DomainArn'] });
    expect(statements.find((s: any) => s.Sid === 'PassOwnRole')).toEqual(expect.objectContaining({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }));
    for (const s of statements) for (const a of [].concat(s.Action)) expect(a).not.toMatch(/\*/);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/FullAccess/);
  });

  test('a cleanup custom resource is always present; with RETAIN it deletes nothing', () => {
    template.hasResourceProperties('Custom::StudioDomainCleanup', { Mode: 'RETAIN', DeleteDomain: 'true', StackUserProfiles: [], StackSpaces: [] });
  });

  test('attributes', () => {
    expect(stack.resolve(domain.domainId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Studio/), 'DomainId'] });
    expect(stack.resolve(domain.domainUrl)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Studio/), 'Url'] });
    expect(stack.resolve(domain.homeEfsFileSystemId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Studio/), 'HomeEfsFileSystemId'] });
    expect(domain.securityGroupIds).toHaveLength(2);
    expect(domain.executionRole).toBeDefined();
  });
});

describe('StudioDomain options', () => {
  test('grants from other constructs widen the execution role through its managed policy', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    new DataBucket(stack, 'Data').grantReadWrite(domain, 'raw/');
    new ModelRegistry(stack, 'Registry').grantRead(domain);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', Object.keys(template.findResources('AWS::IAM::Policy')).length);
    const policy: any = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p: any) => JSON.stringify(p).includes('StudioDomainUse'));
    const text = JSON.stringify(policy);
    expect(text).toContain('s3:PutObject');
    expect(text).toContain('sagemaker:DescribeModelPackageGroup');
  });

  test('a user-supplied execution role is used and receives the grants', () => {
    const stack = plainStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const domain = new StudioDomain(stack, 'Studio', { executionRole: role });
    new DataBucket(stack, 'Data').grantRead(domain);
    expect(domain.executionRole).toBe(role);
    const resource = domainResource(Template.fromStack(stack));
    expect(resource.Properties.DefaultUserSettings.ExecutionRole).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/MyRole/), 'Arn'] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('MyRole') }] });
  });

  test('a VPC of your own: its private subnets, and the endpoints you ask for', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'MyVpc', { natGateways: 1 });
    new StudioDomain(stack, 'Studio', { vpc, vpcEndpoints: [StudioVpcEndpoint.S3, StudioVpcEndpoint.SAGEMAKER_API, StudioVpcEndpoint.KMS] });
    const template = Template.fromStack(stack);
    expect(domainResource(template).Properties.SubnetIds).toEqual(vpc.privateSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as ec2.CfnSubnet) })));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
  });

  test('PublicInternetOnly creates no endpoints by default', () => {
    const stack = plainStack();
    new StudioDomain(stack, 'Studio', { networkMode: StudioNetworkMode.PUBLIC_INTERNET_ONLY });
    const template = Template.fromStack(stack);
    expect(domainResource(template).Properties.AppNetworkAccessType).toBe('PublicInternetOnly');
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('idle timeout, EBS sizes and Docker', () => {
    const stack = plainStack();
    new StudioDomain(stack, 'Studio', { idleTimeout: Duration.hours(3), defaultSpaceEbsSizeGb: 10, maxSpaceEbsSizeGb: 200, enableDockerAccess: true });
    const resource = domainResource(Template.fromStack(stack));
    expect(resource.Properties.DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes).toBe(180);
    expect(resource.Properties.DefaultUserSettings.SpaceStorageSettings.DefaultEbsStorageSettings).toEqual({ DefaultEbsVolumeSizeInGb: 10, MaximumEbsVolumeSizeInGb: 200 });
    expect(resource.Properties.DomainSettings.DockerSettings.EnableDockerAccess).toBe('ENABLED');
  });

  test('user profiles and spaces: private JupyterLab, shared Code Editor, own role', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    const role = iam.Role.fromRoleArn(stack, 'Own', 'arn:aws:iam::111122223333:role/own');
    const alice = domain.addUserProfile('alice', { executionRole: role });
    domain.addSpace('alice-lab', { owner: alice, ebsSizeGb: 50 });
    domain.addSpace('team-editor', { owner: alice, appType: StudioAppType.CODE_EDITOR, sharing: SpaceSharing.SHARED, displayName: 'Team editor' });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SageMaker::UserProfile', {
      Properties: { UserProfileName: 'alice', DomainId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Studio'), 'DomainId'] }, UserSettings: { ExecutionRole: 'arn:aws:iam::111122223333:role/own' } },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::SageMaker::Space', {
      Properties: {
        SpaceName: 'alice-lab',
        OwnershipSettings: { OwnerUserProfileName: 'alice' },
        SpaceSharingSettings: { SharingType: 'Private' },
        SpaceSettings: { AppType: 'JupyterLab', SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: 50 } } },
      },
      DependsOn: [Match.stringLikeRegexp('UserProfilealice')],
    });
    template.hasResourceProperties('AWS::SageMaker::Space', { SpaceName: 'team-editor', SpaceDisplayName: 'Team editor', SpaceSharingSettings: { SharingType: 'Shared' }, SpaceSettings: Match.objectLike({ AppType: 'CodeEditor' }) });
    template.hasResourceProperties('Custom::StudioDomainCleanup', { StackUserProfiles: ['alice'], StackSpaces: ['alice-lab', 'team-editor'] });
  });

  test('SSO: profiles name their Identity Center user', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { authMode: StudioAuthMode.SSO });
    domain.addUserProfile('bob', { singleSignOnUserValue: 'bob@example.com' });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', { SingleSignOnUserIdentifier: 'UserName', SingleSignOnUserValue: 'bob@example.com' });
    expect(domainResource(Template.fromStack(stack)).Properties.AuthMode).toBe('SSO');
  });

  test('lifecycle configs from an inline script or a file, attached by default', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    domain.addLifecycleConfig('Setup', { appType: StudioAppType.JUPYTER_LAB, script: 'pip install -q xgboost' });
    domain.addLifecycleConfig('Editor', { appType: StudioAppType.CODE_EDITOR, scriptFile: path.join(__dirname, '..', '..', 'fixtures', 'lifecycle.sh'), attachByDefault: false });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::StudioLifecycleConfig', {
      StudioLifecycleConfigAppType: 'JupyterLab',
      StudioLifecycleConfigContent: Buffer.from('pip install -q xgboost').toString('base64'),
      StudioLifecycleConfigName: Match.stringLikeRegexp('^test-studio-setupname-'),
    });
    template.hasResourceProperties('AWS::SageMaker::StudioLifecycleConfig', { StudioLifecycleConfigAppType: 'CodeEditor' });
    const settings = domainResource(template).Properties.DefaultUserSettings;
    const setup = { 'Fn::GetAtt': [expect.stringMatching(/Setup/), 'StudioLifecycleConfigArn'] };
    expect(settings.JupyterLabAppSettings.LifecycleConfigArns).toEqual([setup]);
    expect(settings.JupyterLabAppSettings.DefaultResourceSpec).toEqual({ LifecycleConfigArn: setup });
    expect(domainResource(template).Properties.DefaultSpaceSettings.JupyterLabAppSettings.DefaultResourceSpec).toEqual({ LifecycleConfigArn: setup });
    // offered, not run by default
    expect(settings.CodeEditorAppSettings.LifecycleConfigArns).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/Editor/), 'StudioLifecycleConfigArn'] }]);
    expect(settings.CodeEditorAppSettings.DefaultResourceSpec).toBeUndefined();
  });

  test('DESTROY: everything deletable, the cleanup runs before profiles and spaces are deleted', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { removalPolicy: RemovalPolicy.DESTROY });
    const alice = domain.addUserProfile('alice');
    domain.addSpace('lab', { owner: alice });
    const template = Template.fromStack(stack);
    expect(domainResource(template).DeletionPolicy).toBe('Delete');
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    const cleanup: any = Object.values(template.findResources('Custom::StudioDomainCleanup'))[0];
    expect(cleanup.Properties.Mode).toBe('DESTROY');
    expect(cleanup.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Studio[0-9A-F]{8}$/), expect.stringMatching(/UserProfilealice/), expect.stringMatching(/Spacelab/)]));
  });

  test('fromDomainAttributes', () => {
    const stack = plainStack();
    const role = iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111122223333:role/studio');
    const imported = StudioDomain.fromDomainAttributes(stack, 'Imported', { domainId: 'd-abcdef123456', executionRole: role });
    expect(stack.resolve(imported.domainArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':domain/d-abcdef123456']] });
    expect(imported.grantPrincipal).toBe(role);
    const bare = StudioDomain.fromDomainAttributes(stack, 'Bare', { domainId: 'd-abcdef123456' });
    expect(() => new DataBucket(stack, 'Data').grantRead(bare)).toThrow(/cannot grant to an imported domain without executionRole/);
  });
});

describe('StudioDomain bad input fails at synth with path, value and what is allowed', () => {
  const otherVpc = (s: Stack) => new ec2.Vpc(s, 'Other', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['invalid domain name', (s) => new StudioDomain(s, 'Studio', { domainName: 'my_domain' }), /\[Test\/Studio\] invalid domainName 'my_domain' \(length 9\): use 1-63 letters/],
    ['idle timeout below the service minimum', (s) => new StudioDomain(s, 'Studio', { idleTimeout: Duration.minutes(30) }), /invalid idleTimeout 30 minutes: use whole minutes from 60 to 525600/],
    ['idle timeout above the service maximum', (s) => new StudioDomain(s, 'Studio', { idleTimeout: Duration.days(400) }), /invalid idleTimeout 400 days/],
    ['EBS default below 5 GiB', (s) => new StudioDomain(s, 'Studio', { defaultSpaceEbsSizeGb: 2 }), /invalid defaultSpaceEbsSizeGb 2: use a whole number of GiB from 5 to 16384/],
    ['EBS max below default', (s) => new StudioDomain(s, 'Studio', { defaultSpaceEbsSizeGb: 50, maxSpaceEbsSizeGb: 20 }), /invalid maxSpaceEbsSizeGb 20: use a whole number of GiB from defaultSpaceEbsSizeGb \(50\)/],
    ['Docker with public internet', (s) => new StudioDomain(s, 'Studio', { networkMode: StudioNetworkMode.PUBLIC_INTERNET_ONLY, enableDockerAccess: true }), /enableDockerAccess needs networkMode VPC_ONLY, got 'PublicInternetOnly'/],
    ['VPC-only without SAGEMAKER_API endpoint', (s) => new StudioDomain(s, 'Studio', { vpcEndpoints: [StudioVpcEndpoint.S3] }), /lack SAGEMAKER_API/],
    ['subnets without a vpc', (s) => new StudioDomain(s, 'Studio', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /vpcSubnets was given without vpc/],
    ['VPC-only in a VPC with public subnets only', (s) => new StudioDomain(s, 'Studio', { vpc: new ec2.Vpc(s, 'Pub', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] }) }), /VPC_ONLY needs private subnets, but the vpc has only public ones/],
    ['VPC-only with a selection matching no subnet', (s) => new StudioDomain(s, 'Studio', { vpc: otherVpc(s), vpcSubnets: { subnetGroupName: 'missing' } }), /cannot select subnets for the domain/],
    ['subnets from another VPC', (s) => {
      const mine = new ec2.Vpc(s, 'Mine', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      return new StudioDomain(s, 'Studio', { vpc: mine, vpcSubnets: { subnets: [ec2.Subnet.fromSubnetId(s, 'Foreign', 'subnet-0123456789abcdef0')] } });
    }, /vpcSubnets \["subnet-0123456789abcdef0"\] are not subnets of the given vpc/],
    ['invalid profile name', (s) => new StudioDomain(s, 'Studio').addUserProfile('Alice Smith'), /invalid userProfileName 'Alice Smith'/],
    ['duplicate profile names', (s) => { const d = new StudioDomain(s, 'Studio'); d.addUserProfile('alice'); d.addUserProfile('alice'); }, /user profile 'alice' was already added/],
    ['SSO options with IAM auth', (s) => new StudioDomain(s, 'Studio').addUserProfile('alice', { singleSignOnUserValue: 'alice' }), /only allowed with StudioAuthMode.SSO/],
    ['SSO profile without a user', (s) => new StudioDomain(s, 'Studio', { authMode: StudioAuthMode.SSO }).addUserProfile('alice'), /needs singleSignOnUserValue/],
    ['space owned by another domain\'s profile', (s) => {
      const a = new StudioDomain(s, 'A');
      const b = new StudioDomain(s, 'B');
      b.addSpace('lab', { owner: a.addUserProfile('alice') });
    }, /\[Test\/B\] the owner of space 'lab' is not a user profile of this domain/],
    ['space EBS above the domain maximum', (s) => { const d = new StudioDomain(s, 'Studio'); d.addSpace('lab', { owner: d.addUserProfile('a'), ebsSizeGb: 500 }); }, /invalid ebsSizeGb 500 for space 'lab': use a whole number of GiB from 5 to the domain's maxSpaceEbsSizeGb \(100\)/],
    ['duplicate space names', (s) => { const d = new StudioDomain(s, 'Studio'); const p = d.addUserProfile('a'); d.addSpace('lab', { owner: p }); d.addSpace('lab', { owner: p }); }, /space 'lab' was already added/],
    ['lifecycle config with both script and file', (s) => new StudioDomain(s, 'Studio').addLifecycleConfig('L', { appType: StudioAppType.JUPYTER_LAB, script: 'x', scriptFile: 'y' }), /needs exactly one of script and scriptFile, got both/],
    ['lifecycle config file missing', (s) => new StudioDomain(s, 'Studio').addLifecycleConfig('L', { appType: StudioAppType.JUPYTER_LAB, scriptFile: '/nope.sh' }), /scriptFile '\/nope.sh' does not exist/],
    ['lifecycle script too long', (s) => new StudioDomain(s, 'Studio').addLifecycleConfig('L', { appType: StudioAppType.JUPYTER_LAB, script: 'x'.repeat(13000) }), /SageMaker allows at most 16384/],
    ['two default lifecycle configs for one app type', (s) => { const d = new StudioDomain(s, 'Studio'); d.addLifecycleConfig('A', { appType: StudioAppType.JUPYTER_LAB, script: 'a' }); d.addLifecycleConfig('B', { appType: StudioAppType.JUPYTER_LAB, script: 'b' }); }, /lifecycle config 'B' would be the second default of JupyterLab \(after 'A'\)/],
    ['imported domain id', (s) => StudioDomain.fromDomainAttributes(s, 'I', { domainId: 'my-domain' }), /invalid domainId 'my-domain'/],
    ['imported domain id, named for the import', (s) => StudioDomain.fromDomainAttributes(new Construct(s, 'Imports'), 'Legacy', { domainId: 'my-domain' }), /^\[Test\/Imports\/Legacy\] invalid domainId 'my-domain'/],
    ['imported domain ARN, named for the import', (s) => StudioDomain.fromDomainArn(new Construct(s, 'Imports'), 'Shared', 'arn:aws:sagemaker:eu-west-1:111122223333:domain/my-domain'), /^\[Test\/Imports\/Shared\] invalid domainArn/],
  ])('%s', (_name, build, error) => {
    expect(() => build(plainStack())).toThrow(error);
  });
});

describe('StudioDomain validity', () => {
  test('a VPC-only domain with a profile, a space and grants passes cdk-nag and the built-in validation', () => {
    const stack = testStack();
    const domain = new StudioDomain(stack, 'Studio', { removalPolicy: RemovalPolicy.DESTROY });
    const alice = domain.addUserProfile('alice');
    domain.addSpace('lab', { owner: alice });
    domain.addLifecycleConfig('Setup', { appType: StudioAppType.JUPYTER_LAB, script: 'echo hi' });
    new DataBucket(stack, 'Data').grantReadWrite(domain);
    expectNoFindings(stack);
  });
});
