// Studio's interface endpoints in a VPC that is not only Studio's: their private DNS answers for the
// whole VPC, so they must not lock the VPC's other workloads out of STS, Logs, the SageMaker API, ECR.
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { StudioDomain, StudioNetworkMode, StudioVpcEndpoint, StudioVpcEndpointAccess } from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { testStack, validationFindings } from '../../support/validity';

/** A shared VPC imported by attributes, as a platform team hands it out. */
function sharedVpc(stack: Stack, withCidr = true): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Shared', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: withCidr ? '10.20.0.0/16' : undefined,
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
  });
}

/** The endpoint security group of the domain at `Studio`. */
function endpointSecurityGroup(template: Template): any {
  return Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'VPC endpoints of Test/Studio' } }))[0];
}

const HTTPS_FROM_APPS = {
  IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
  SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StudioAppSecurityGroup'), 'GroupId'] },
  GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StudioEndpointSecurityGroup'), 'GroupId'] },
};

describe('Studio VPC endpoints in a VPC of yours', () => {
  test('an imported VPC: the endpoints accept HTTPS from the VPC CIDR as well as from Studio, private DNS on', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { vpc: sharedVpc(stack) });
    const template = Template.fromStack(stack);
    expect(endpointSecurityGroup(template).Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '10.20.0.0/16', Description: 'HTTPS from workloads of the VPC (private DNS names answer VPC-wide)', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 },
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', HTTPS_FROM_APPS);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 8);
    template.allResourcesProperties('AWS::EC2::VPCEndpoint', Match.objectLike({ VpcId: 'vpc-0123456789abcdef0' }));
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true, SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] });
    expect(domain.interfaceVpcEndpoints).toHaveLength(7);
  });

  test('a VPC created in your app: its CIDR block as written in its template, so cdk-nag can check the rule', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Mine', { ipAddresses: ec2.IpAddresses.cidr('10.30.0.0/16'), natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new StudioDomain(stack, 'Studio', { vpc, vpcEndpoints: [StudioVpcEndpoint.SAGEMAKER_API, StudioVpcEndpoint.STS] });
    expect(endpointSecurityGroup(Template.fromStack(stack)).Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '10.30.0.0/16', FromPort: 443, ToPort: 443 }),
    ]);
  });

  test('the S3 gateway route goes on the route tables of the domain\'s subnets only, not on every subnet of your VPC', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Mine', { natGateways: 1, maxAzs: 2 });
    new StudioDomain(stack, 'Studio', { vpc, vpcEndpoints: [StudioVpcEndpoint.S3, StudioVpcEndpoint.SAGEMAKER_API] });
    const tables = (subnets: ec2.ISubnet[]) => subnets.map((sn) => ({ Ref: stack.getLogicalId(sn.node.findChild('RouteTable') as ec2.CfnRouteTable) }));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: tables(vpc.privateSubnets) });
    expect(tables(vpc.publicSubnets)).toHaveLength(2);
  });

  test('the S3 gateway route in the VPC the domain creates is unchanged: on all of its (isolated) subnets', () => {
    const stack = plainStack();
    new StudioDomain(stack, 'Studio');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('IsolatedRouteTable1') }, { Ref: Match.stringLikeRegexp('IsolatedRouteTable2') }],
    });
  });

  test('a VPC whose CIDR block is only known at deploy (an IPAM pool): by reference', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Pooled', {
      ipAddresses: ec2.IpAddresses.awsIpamAllocation({ ipv4IpamPoolId: 'ipam-pool-0123456789abcdef0', ipv4NetmaskLength: 16, defaultSubnetIpv4NetmaskLength: 24 }),
      natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new StudioDomain(stack, 'Studio', { vpc, vpcEndpoints: [StudioVpcEndpoint.SAGEMAKER_API] });
    expect(endpointSecurityGroup(Template.fromStack(stack)).Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC), 'CidrBlock'] }, FromPort: 443, ToPort: 443 }),
    ]);
  });

  test('DOMAIN_ONLY in a VPC of yours: from Studio only', () => {
    const stack = plainStack();
    new StudioDomain(stack, 'Studio', { vpc: sharedVpc(stack), vpcEndpointAccess: StudioVpcEndpointAccess.DOMAIN_ONLY });
    const template = Template.fromStack(stack);
    expect(endpointSecurityGroup(template).Properties.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', HTTPS_FROM_APPS);
  });

  test('the VPC the domain creates keeps its endpoints for Studio only; VPC_CIDR opens them to it on request', () => {
    const own = plainStack();
    new StudioDomain(own, 'Studio');
    expect(endpointSecurityGroup(Template.fromStack(own)).Properties.SecurityGroupIngress).toBeUndefined();
    const open = plainStack();
    new StudioDomain(open, 'Studio', { vpcEndpointAccess: StudioVpcEndpointAccess.VPC_CIDR });
    expect(endpointSecurityGroup(Template.fromStack(open)).Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '10.42.0.0/16', FromPort: 443, ToPort: 443 }),
    ]);
  });

  test('the endpoints it creates can be shared: one security group, so one rule opens all of them', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { vpc: sharedVpc(stack) });
    domain.interfaceVpcEndpoints[0].connections.allowDefaultPortFrom(ec2.Peer.ipv4('100.64.0.0/16'), 'secondary CIDR');
    const groups = new Set(domain.interfaceVpcEndpoints.flatMap((e) => e.connections.securityGroups.map((g) => stack.resolve(g.securityGroupId)['Fn::GetAtt'][0])));
    expect(groups.size).toBe(1);
    expect(endpointSecurityGroup(Template.fromStack(stack)).Properties.SecurityGroupIngress).toEqual(expect.arrayContaining([
      expect.objectContaining({ CidrIp: '100.64.0.0/16', FromPort: 443, ToPort: 443, Description: 'secondary CIDR' }),
    ]));
  });

  test('a VPC that already has its endpoints: vpcEndpoints: [] creates none, and your endpoints let the domain in', () => {
    const stack = plainStack();
    const vpc = sharedVpc(stack);
    const domain = new StudioDomain(stack, 'Studio', { vpc, vpcEndpoints: [] });
    const existing = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'ExistingSts', {
      vpcEndpointId: 'vpce-0123456789abcdef0', port: 443, securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'StsSg', 'sg-0123456789abcdef0')],
    });
    existing.connections.allowDefaultPortFrom(domain);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(domain.interfaceVpcEndpoints).toEqual([]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StudioAppSecurityGroup'), 'GroupId'] },
    });
  });
});

test('with cdk-nag, the VPC-wide rule of an imported or an app\'s own VPC reports nothing', () => {
  const stack = testStack();
  new StudioDomain(stack, 'Studio', { vpc: sharedVpc(stack) });
  const mine = new ec2.Vpc(stack, 'Mine', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new StudioDomain(stack, 'Other', { vpc: mine, vpcEndpoints: [StudioVpcEndpoint.SAGEMAKER_API] });
  const studio = validationFindings(stack).filter((f) => f.path.startsWith('Test/Studio/') || f.path.startsWith('Test/Other/')).map((f) => `${f.rule} ${f.path}`);
  expect(studio).toEqual([]);
});

describe('Studio VPC endpoint access: bad input', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['an imported VPC without its CIDR block', (s) => new StudioDomain(s, 'Studio', { vpc: sharedVpc(s, false) }),
      /^\[Test\/Studio\] the interface endpoints must accept HTTPS from the VPC's workloads .* but the vpc has no known CIDR block: import it with vpcCidrBlock .*vpcEndpoints: \[\] .*StudioVpcEndpointAccess.DOMAIN_ONLY/],
    ['vpcEndpointAccess when no interface endpoint is created', (s) => new StudioDomain(s, 'Studio', { networkMode: StudioNetworkMode.PUBLIC_INTERNET_ONLY, vpcEndpointAccess: StudioVpcEndpointAccess.VPC_CIDR }),
      /^\[Test\/Studio\] vpcEndpointAccess 'VPC_CIDR' was given, but the domain creates no interface endpoint \(vpcEndpoints \[\]\)/],
  ])('%s', (_name, build, error) => {
    expect(() => build(plainStack())).toThrow(error);
  });

  test('an imported VPC without its CIDR block is fine when no interface endpoint would open to it', () => {
    for (const props of [{ vpcEndpoints: [] }, { vpcEndpointAccess: StudioVpcEndpointAccess.DOMAIN_ONLY }, { networkMode: StudioNetworkMode.PUBLIC_INTERNET_ONLY }]) {
      const stack = plainStack();
      expect(() => new StudioDomain(stack, 'Studio', { vpc: sharedVpc(stack, false), ...props })).not.toThrow();
    }
  });
});
