import { CustomResource, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerProvider } from './provider';
import { RESTRICT_DEFAULT_SG_RESOURCE_TYPE, RestrictDefaultSgProperties } from './contracts/restrict-default-sg';
import { LeastPrivilegeRole } from './role';

export interface IsolatedVpcProps {
  /** @default '10.42.0.0/16' */
  readonly cidr?: string;
  /** @default 2 */
  readonly azCount?: number;
  /** Encrypts the flow-log group; its key policy must admit CloudWatch Logs. */
  readonly flowLogKey?: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A VPC with private isolated subnets only (no internet or NAT gateway), flow logs of rejected
 * traffic to an encrypted log group, and its default security group emptied.
 *
 * Built from CloudFormation resources rather than `ec2.Vpc` so an environment-agnostic stack gets
 * its AZs from `Fn::GetAZs` at deploy time without aws-cdk-lib acknowledging validation rules on the
 * user's behalf, and so every role it needs is a least-privilege one.
 */
export class IsolatedVpc extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly resource: ec2.CfnVPC;

  constructor(scope: Construct, id: string, props: IsolatedVpcProps) {
    super(scope, id);
    const azCount = props.azCount ?? 2;
    this.resource = new ec2.CfnVPC(this, 'Resource', {
      cidrBlock: props.cidr ?? '10.42.0.0/16',
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: [{ key: 'Name', value: this.node.path }],
    });
    const subnetCidrs = Fn.cidr(this.resource.attrCidrBlock, azCount, '12');
    const azs: string[] = [];
    const subnetIds: string[] = [];
    const routeTableIds: string[] = [];
    for (let i = 0; i < azCount; i++) {
      const az = Fn.select(i, Fn.getAzs());
      const subnet = new ec2.CfnSubnet(this, `IsolatedSubnet${i + 1}`, {
        vpcId: this.resource.ref,
        availabilityZone: az,
        cidrBlock: Fn.select(i, subnetCidrs),
        mapPublicIpOnLaunch: false,
        tags: [{ key: 'Name', value: `${this.node.path}/IsolatedSubnet${i + 1}` }],
      });
      const table = new ec2.CfnRouteTable(this, `IsolatedRouteTable${i + 1}`, { vpcId: this.resource.ref });
      new ec2.CfnSubnetRouteTableAssociation(this, `IsolatedRouteTableAssociation${i + 1}`, { subnetId: subnet.ref, routeTableId: table.ref });
      azs.push(az);
      subnetIds.push(subnet.ref);
      routeTableIds.push(table.ref);
    }
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: this.resource.ref,
      vpcCidrBlock: this.resource.attrCidrBlock,
      availabilityZones: azs,
      isolatedSubnetIds: subnetIds,
      isolatedSubnetRouteTableIds: routeTableIds,
    });

    this.addFlowLogs(props);
    this.restrictDefaultSecurityGroup();
  }

  private addFlowLogs(props: IsolatedVpcProps): void {
    const group = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.flowLogKey,
      removalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    if (props.flowLogKey) group.node.addDependency(props.flowLogKey);
    const role = new LeastPrivilegeRole(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
      description: `Delivers the flow logs of ${this.node.path}`,
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [group.logGroupArn, `${group.logGroupArn}:*`],
      })],
    });
    const flowLog = new ec2.CfnFlowLog(this, 'FlowLog', {
      resourceId: this.resource.ref,
      resourceType: 'VPC',
      trafficType: 'REJECT',
      logDestinationType: 'cloud-watch-logs',
      logGroupName: group.logGroupName,
      deliverLogsPermissionArn: role.role.roleArn,
    });
    flowLog.node.addDependency(role);
    if (!props.flowLogKey) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
        Validations.of(group.node.defaultChild!).acknowledge({
          id: `${pack}::${pack}-CloudWatchLogGroupEncrypted`,
          reason: 'No key whose policy admits CloudWatch Logs was available (the domain key was supplied by the user); flow logs of rejected traffic hold addresses and ports only, encrypted at rest with service keys.',
        });
      }
    }
  }

  /**
   * Empties the default security group (the `Custom::VpcRestrictDefaultSG` resource cdk-nag's
   * VPCDefaultSecurityGroupClosed rule looks for, next to the VPC).
   */
  private restrictDefaultSecurityGroup(): void {
    const provider = HandlerProvider.of(this);
    const stack = Stack.of(this);
    const grants = provider.grantsFor();
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: this.resource.attrDefaultSecurityGroup })],
    }));
    const resource = new CustomResource(this, 'RestrictDefaultSecurityGroupCustomResource', {
      serviceToken: provider.serviceToken,
      resourceType: RESTRICT_DEFAULT_SG_RESOURCE_TYPE,
      properties: { DefaultSecurityGroupId: this.resource.attrDefaultSecurityGroup, Account: stack.account } satisfies RestrictDefaultSgProperties,
    });
    grants.dependOn(resource);
  }
}
