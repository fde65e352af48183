import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { describeValue, ProblemList } from './errors';
import type { NetworkOptions } from '../core/network';

/**
 * The `VpcConfig` of a job, monitor or model request, validated: 1 to 5 security groups, 1 to 16
 * subnets, the VPC's isolated subnets (else its private ones) by default. `subject` names what runs
 * there in the messages ('job', 'model'), `prefix` where the props sit ('network.' on a spec).
 */
export function renderVpcConfig(
  network: NetworkOptions | undefined,
  problems: ProblemList,
  subject: 'job' | 'model' = 'job',
  prefix = 'network.',
): { SecurityGroupIds: string[]; Subnets: string[] } | undefined {
  if (!network?.vpc) {
    if (network?.securityGroups?.length || network?.vpcSubnets) problems.add('securityGroups/vpcSubnets were given without vpc: pass the VPC they belong to');
    return undefined;
  }
  const groups = network.securityGroups ?? [];
  if (groups.length < 1 || groups.length > 5) {
    problems.add(`a ${subject} in a VPC needs 1 to 5 securityGroups, got ${groups.length}: pass ${prefix}securityGroups (e.g. a Studio domain's securityGroup)`);
  }
  let subnets: string[] = [];
  try {
    subnets = network.vpc.selectSubnets(network.vpcSubnets ?? { subnetType: network.vpc.isolatedSubnets.length ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
  } catch (e) {
    problems.add(`cannot select the ${subject}'s subnets: ${(e as Error).message.split('\n')[0]}`);
  }
  if (subnets.length > 16) problems.add(`a ${subject} accepts at most 16 subnets, got ${subnets.length}: narrow ${prefix}vpcSubnets`);
  if (subnets.length === 0) problems.add(`the ${subject}'s VPC selection has no subnet: pass ${prefix}vpcSubnets selecting 1 to 16 subnets`);
  return { SecurityGroupIds: groups.map((g) => g.securityGroupId), Subnets: subnets };
}

/** `Tags` of a request (check them first with `checkTags`). */
export function renderTags(tags: { [key: string]: string } | undefined): Array<{ Key: string; Value: string }> | undefined {
  if (!tags) return undefined;
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * What every SageMaker job's role needs beyond its data: write its CloudWatch logs and metrics,
 * and, in a VPC, manage its network interfaces there.
 */
export function grantJobBasics(scope: IConstruct, grantee: iam.IGrantable, logGroupPrefix: string, vpc?: ec2.IVpc): void {
  const stack = Stack.of(scope);
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${logGroupPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
  }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
  }));
  if (vpc) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      resources: ['network-interface', 'subnet', 'security-group'].map((r) => stack.formatArn({ service: 'ec2', resource: r, resourceName: '*' })),
      conditions: { StringEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: vpc.vpcId }) } },
    }));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeDhcpOptions'],
      resources: ['*'],
    }));
  }
}

/** Hyperparameters rendered as strings; anything not string-able is a problem. */
export function renderHyperparameters(problems: ProblemList, hp: { [name: string]: unknown } | undefined, prop = 'hyperparameters'): { [name: string]: string } | undefined {
  if (!hp) return undefined;
  const out: { [name: string]: string } = {};
  const entries = Object.entries(hp);
  if (entries.length > 100) problems.add(`${prop} has ${entries.length} entries: at most 100 are allowed`);
  for (const [name, value] of entries) {
    if (name.length < 1 || name.length > 256) problems.add(`${prop} name ${describeValue(name)} must be 1-256 characters`);
    if (typeof value === 'string') {out[name] = value;} else if (typeof value === 'number' && Number.isFinite(value)) {out[name] = Token.isUnresolved(value) ? Token.asString(value) : String(value);} else if (typeof value === 'boolean') {out[name] = String(value);} else {
      problems.add(`${prop} ${describeValue(name)} has the value ${describeValue(value)} (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}): use a string, a finite number or a boolean`);
      continue;
    }
    if (!Token.isUnresolved(out[name]) && out[name].length > 2500) problems.add(`${prop} ${describeValue(name)} is ${out[name].length} characters long: at most 2500`);
  }
  return out;
}

/** Drops undefined members (deeply), so requests hold only what was set. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as unknown as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      const pruned = prune(v);
      if (pruned && typeof pruned === 'object' && !Array.isArray(pruned) && Object.keys(pruned).length === 0 && !(k in EMPTY_OK)) continue;
      out[k] = pruned;
    }
    return out as T;
  }
  return value;
}

const EMPTY_OK: Record<string, true> = {};
