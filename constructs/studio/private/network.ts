import { Reference, RemovalPolicy, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { describeValue, ProblemList, SageMakerConstructError } from '../../private/errors';
import { IsolatedVpc } from '../../private/isolated-vpc';
import { allowCloudWatchLogs } from '../../private/kms';
import { StudioVpcEndpoint, StudioVpcEndpointAccess } from '../network';

/** The VPC endpoints of a domain, as its props ask for them. */
export interface EndpointRequest {
  /** The endpoints to create: `vpcEndpoints`, else the defaults of the network mode. */
  readonly endpoints: StudioVpcEndpoint[];
  /** `vpcEndpoints` as given. */
  readonly requested?: StudioVpcEndpoint[];
  /** The domain is VPC_ONLY. */
  readonly vpcOnly: boolean;
  /** The VPC, when it is the user's (otherwise the domain creates it). */
  readonly vpc?: ec2.IVpc;
  /** `vpcEndpointAccess` as given. */
  readonly access?: StudioVpcEndpointAccess;
}

/**
 * Who may reach the interface endpoints: `requested`, else DOMAIN_ONLY in the VPC the domain creates
 * (nothing else runs there) and VPC_CIDR in a VPC of the user's (their private DNS names answer for
 * the whole VPC, so its other workloads must still be let in).
 */
export function endpointAccess(requested: StudioVpcEndpointAccess | undefined, vpcGiven: boolean): StudioVpcEndpointAccess {
  return requested ?? (vpcGiven ? StudioVpcEndpointAccess.VPC_CIDR : StudioVpcEndpointAccess.DOMAIN_ONLY);
}

/** Whether `endpoints` include an interface endpoint (every one but the S3 gateway endpoint). */
function hasInterfaceEndpoint(endpoints: StudioVpcEndpoint[]): boolean {
  return endpoints.some((e) => e !== StudioVpcEndpoint.S3);
}

/** Adds to `problems` what is wrong with the endpoints a domain would create. */
export function checkVpcEndpoints(problems: ProblemList, request: EndpointRequest): void {
  const { endpoints, requested, vpcOnly, vpc } = request;
  const duplicates = endpoints.filter((e, i) => endpoints.indexOf(e) !== i);
  if (duplicates.length) problems.add(`vpcEndpoints lists ${duplicates.join(', ')} more than once`);
  if (vpcOnly && !vpc && requested?.length === 0) {
    problems.add('vpcEndpoints is empty for a VPC_ONLY domain in the VPC this construct creates: it could not reach the SageMaker API; list the endpoints, or pass a vpc that has them');
  }
  if (vpcOnly && requested && requested.length > 0 && !endpoints.includes(StudioVpcEndpoint.SAGEMAKER_API)) {
    problems.add(`vpcEndpoints ${describeValue(endpoints)} lack SAGEMAKER_API: a VPC_ONLY domain cannot reach the SageMaker API without it (include it, or pass a vpc that already has it and an empty list)`);
  }
  if (request.access !== undefined && !hasInterfaceEndpoint(endpoints)) {
    problems.add(`vpcEndpointAccess ${describeValue(request.access)} was given, but the domain creates no interface endpoint (vpcEndpoints ${describeValue(endpoints)}): drop it, or list the endpoints to create`);
  }
  if (vpc && hasInterfaceEndpoint(endpoints) && endpointAccess(request.access, true) === StudioVpcEndpointAccess.VPC_CIDR && vpcCidr(vpc) === undefined) {
    problems.add('the interface endpoints must accept HTTPS from the VPC\'s workloads (vpcEndpointAccess VPC_CIDR, the default in a vpc of yours: their private DNS names answer for the whole VPC), but the vpc has no known CIDR block: '
      + 'import it with vpcCidrBlock (ec2.Vpc.fromVpcAttributes), pass vpcEndpoints: [] if it already has the endpoints Studio needs, or vpcEndpointAccess: StudioVpcEndpointAccess.DOMAIN_ONLY if nothing else in it uses these services');
  }
}

/** The VPC's CIDR block, undefined when it was imported without one (aws-cdk-lib's getter throws then). */
function vpcCidr(vpc: ec2.IVpc): string | undefined {
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}

/**
 * The domain's own VPC (`<scope>/Vpc`): isolated subnets only. `flowLogKey`, a key of the domain's,
 * encrypts the flow-log group.
 */
export function createStudioVpc(scope: Construct, removalPolicy: RemovalPolicy, flowLogKey?: kms.Key): ec2.IVpc {
  if (flowLogKey) {
    // CloudWatch Logs encrypts the flow-log group with the domain key, for log groups of this account only.
    allowCloudWatchLogs(flowLogKey);
  }
  return new IsolatedVpc(scope, 'Vpc', { flowLogKey, removalPolicy }).vpc;
}

/** The isolated subnets of `vpc` if it has any, else its private subnets, else its public ones. */
export function defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  return { subnetType: ec2.SubnetType.PUBLIC };
}

/**
 * The IDs of the domain's subnets: `vpcSubnets` of `vpc`, else its default subnets. Throws (on
 * `scope`) when the selection fails, names subnets of another VPC, or leaves a VPC_ONLY domain
 * without private subnets.
 */
export function selectDomainSubnets(scope: Construct, vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection | undefined, vpcOnly: boolean): string[] {
  let subnetIds: string[];
  try {
    subnetIds = vpc.selectSubnets(vpcSubnets ?? defaultSubnets(vpc)).subnetIds;
  } catch (e) {
    throw new SageMakerConstructError(scope, `cannot select subnets for the domain: ${(e as Error).message.split('\n')[0]}; pass vpcSubnets selecting subnets of the vpc`);
  }
  if (vpcOnly && !vpcSubnets && vpc.privateSubnets.length + vpc.isolatedSubnets.length === 0) {
    throw new SageMakerConstructError(scope, 'networkMode VPC_ONLY needs private subnets, but the vpc has only public ones: pass a vpc with private subnets (or vpcSubnets), or use StudioNetworkMode.PUBLIC_INTERNET_ONLY');
  }
  if (vpcOnly && subnetIds.length === 0) {
    throw new SageMakerConstructError(scope, 'networkMode VPC_ONLY needs at least one subnet, got none: pass vpcSubnets selecting private subnets of the vpc');
  }
  const known = [...vpc.privateSubnets, ...vpc.isolatedSubnets, ...vpc.publicSubnets].map((sn) => sn.subnetId);
  const given = (vpcSubnets?.subnets ?? []).map((sn) => sn.subnetId).filter((sid) => !Token.isUnresolved(sid));
  const foreign = given.filter((sid) => !known.includes(sid));
  if (known.length > 0 && foreign.length > 0) {
    throw new SageMakerConstructError(scope, `vpcSubnets ${describeValue(foreign)} are not subnets of the given vpc (its subnets: ${describeValue(known)}): use subnets of that vpc`);
  }
  return subnetIds;
}

/** The security group of the domain's apps (`<scope>/AppSecurityGroup`): each other on high ports, HTTPS out. */
export function createAppSecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(scope, 'AppSecurityGroup', {
    vpc,
    description: `Studio apps of ${scope.node.path}`,
    allowAllOutbound: false,
  });
  // Studio apps talk to each other (kernel gateways, shared spaces) on high ports.
  sg.addIngressRule(sg, ec2.Port.tcpRange(8192, 65535), 'Studio apps to each other');
  sg.addEgressRule(sg, ec2.Port.tcpRange(8192, 65535), 'Studio apps to each other');
  // HTTPS to VPC endpoints and, through the S3 gateway endpoint, to S3 (isolated subnets have no other route).
  sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to VPC endpoints and the S3 gateway endpoint');
  return sg;
}

/** Where and to whom a domain's endpoints are created. */
export interface EndpointPlacement {
  /** Who may reach the interface endpoints. */
  readonly access: StudioVpcEndpointAccess;
  /**
   * The subnets whose route tables get the S3 gateway endpoint's route: the domain's, in a VPC of
   * the user's (routes on every subnet would move all of the VPC's S3 traffic onto the endpoint).
   * @default - every subnet of the VPC (the VPC the domain creates)
   */
  readonly gatewaySubnets?: ec2.SubnetSelection;
}

/**
 * Creates `endpoints` in `vpc`: the S3 gateway endpoint on the VPC, interface endpoints under
 * `scope` with private DNS, in one security group that accepts HTTPS from `appSecurityGroup` and,
 * with VPC_CIDR access, from the VPC's CIDR block. Returns the interface endpoints.
 */
export function addStudioVpcEndpoints(scope: Construct, vpc: ec2.IVpc, appSecurityGroup: ec2.ISecurityGroup, endpoints: StudioVpcEndpoint[], placement: EndpointPlacement): ec2.InterfaceVpcEndpoint[] {
  const access = placement.access;
  const region = Stack.of(scope).region;
  const created: ec2.InterfaceVpcEndpoint[] = [];
  const interfaceEndpoint = (id: string, service: string) => created.push(new ec2.InterfaceVpcEndpoint(scope, id, {
    vpc,
    service: new ec2.InterfaceVpcEndpointService(`com.amazonaws.${region}.${service}`, 443),
    privateDnsEnabled: true,
    // Ingress is set on the endpoint security group: from the app security group (and the VPC's CIDR).
    open: false,
    securityGroups: [endpointSecurityGroup(scope, vpc, appSecurityGroup, access)],
    subnets: defaultSubnets(vpc),
  }));
  for (const endpoint of endpoints) {
    switch (endpoint) {
      case StudioVpcEndpoint.S3:
        vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: placement.gatewaySubnets && [placement.gatewaySubnets] });
        break;
      case StudioVpcEndpoint.SAGEMAKER_API: interfaceEndpoint('SageMakerApiEndpoint', 'sagemaker.api'); break;
      case StudioVpcEndpoint.SAGEMAKER_RUNTIME: interfaceEndpoint('SageMakerRuntimeEndpoint', 'sagemaker.runtime'); break;
      case StudioVpcEndpoint.STS: interfaceEndpoint('StsEndpoint', 'sts'); break;
      case StudioVpcEndpoint.CLOUDWATCH_LOGS: interfaceEndpoint('LogsEndpoint', 'logs'); break;
      case StudioVpcEndpoint.CLOUDWATCH_MONITORING: interfaceEndpoint('MonitoringEndpoint', 'monitoring'); break;
      case StudioVpcEndpoint.ECR:
        interfaceEndpoint('EcrApiEndpoint', 'ecr.api');
        interfaceEndpoint('EcrDockerEndpoint', 'ecr.dkr');
        break;
      case StudioVpcEndpoint.KMS: interfaceEndpoint('KmsEndpoint', 'kms'); break;
    }
  }
  return created;
}

/** The one security group of the interface endpoints (`<scope>/EndpointSecurityGroup`), made on first use. */
function endpointSecurityGroup(scope: Construct, vpc: ec2.IVpc, appSecurityGroup: ec2.ISecurityGroup, access: StudioVpcEndpointAccess): ec2.ISecurityGroup {
  const existing = scope.node.tryFindChild('EndpointSecurityGroup') as ec2.SecurityGroup | undefined;
  if (existing) return existing;
  const sg = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', { vpc, description: `VPC endpoints of ${scope.node.path}`, allowAllOutbound: false });
  sg.addIngressRule(appSecurityGroup, ec2.Port.tcp(443), 'HTTPS from Studio apps and jobs');
  if (access === StudioVpcEndpointAccess.VPC_CIDR) {
    // Private DNS sends the whole VPC's calls to these services here.
    sg.addIngressRule(ec2.Peer.ipv4(literalCidr(vpc)), ec2.Port.tcp(443), 'HTTPS from workloads of the VPC (private DNS names answer VPC-wide)');
  }
  return sg;
}

/**
 * The VPC's CIDR block, as the literal its `AWS::EC2::VPC` resource was given when `vpcCidrBlock`
 * is that resource's `Fn::GetAtt CidrBlock` (an `ec2.Vpc` of the app, or the domain's own VPC): the
 * same value, but one that compliance rules can check (cdk-nag cannot resolve the attribute, and
 * reports a rule from it as open to the world). Otherwise (an IPAM pool, an import) `vpcCidrBlock`.
 */
function literalCidr(vpc: ec2.IVpc): string {
  const cidr = vpc.vpcCidrBlock;
  if (!Token.isUnresolved(cidr)) return cidr;
  const fragments = Tokenization.reverseString(cidr);
  const ref = fragments.firstToken;
  if (fragments.length === 1 && ref instanceof Reference && ref.displayName === 'CidrBlock' && ref.target instanceof ec2.CfnVPC) {
    const literal = ref.target.cidrBlock;
    if (literal !== undefined && !Token.isUnresolved(literal)) return literal;
  }
  return cidr;
}
