import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { describeValue, ProblemList, SageMakerConstructError } from './errors';
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

/** Seconds of a duration, validated as a whole number in [min, max]. */
export function seconds(problems: ProblemList, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
  if (d === undefined) return undefined;
  if (d.isUnresolved()) return undefined;
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min || s > max) {
    problems.add(`invalid ${prop} ${d.toHumanString()}: use whole seconds from ${min} to ${max} (${Duration.seconds(max).toHumanString()})`);
    return undefined;
  }
  return s;
}

/** Checks an integer in [min, max]. */
export function integer(problems: ProblemList, prop: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER ? `, ${min} or more` : ` from ${min} to ${max}`;
    problems.add(`invalid ${prop} ${describeValue(value)}: use a whole number${allowed}`);
    return undefined;
  }
  return value;
}

/** Checks a string map (environment, tags): key and value rules and the entry limit. */
export function stringMap(problems: ProblemList, prop: string, map: { [key: string]: string } | undefined, rules: { maxEntries: number; keyPattern: RegExp; maxKey: number; maxValue: number }): { [key: string]: string } | undefined {
  if (!map) return undefined;
  const entries = Object.entries(map);
  if (entries.length > rules.maxEntries) problems.add(`${prop} has ${entries.length} entries: at most ${rules.maxEntries} are allowed`);
  for (const [k, v] of entries) {
    if (!rules.keyPattern.test(k) || k.length > rules.maxKey) problems.add(`invalid ${prop} key ${describeValue(k)}: use at most ${rules.maxKey} characters matching ${rules.keyPattern}`);
    if (typeof v !== 'string') problems.add(`${prop} ${describeValue(k)} has the non-string value ${describeValue(v)}: use a string`);
    else if (!Token.isUnresolved(v) && v.length > rules.maxValue) problems.add(`${prop} ${describeValue(k)} is ${v.length} characters long: at most ${rules.maxValue}`);
  }
  return map;
}

/** Environment variable names, as every SageMaker request takes them. */
const ENV_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The `Environment` rules of each request (the SageMaker API model's lengths differ by request). */
export const ENVIRONMENT_RULES = {
  /** CreateTrainingJob. */
  training: { maxEntries: 100, keyPattern: ENV_KEY, maxKey: 512, maxValue: 512 },
  /** CreateProcessingJob. */
  processing: { maxEntries: 100, keyPattern: ENV_KEY, maxKey: 256, maxValue: 256 },
  /** CreateModel and CreateModelPackage containers. */
  model: { maxEntries: 100, keyPattern: ENV_KEY, maxKey: 1024, maxValue: 1024 },
} as const;

/** SageMaker's tag rules (the `Tag` shape): 50 tags, keys of 1-128 and values of 0-256 characters. */
const TAG_RULES = { maxEntries: 50, keyPattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u, maxKey: 128, maxValue: 256 };

/**
 * Checks tags as SageMaker does (count, key pattern and length, value length) and refuses the
 * reserved `aws:` prefix, which only AWS may write. Keys and values that are tokens are left to
 * the deploy.
 */
export function checkTags(problems: ProblemList, prop: string, tags: { [key: string]: string } | undefined): void {
  if (!tags) return;
  stringMap(problems, prop, tags, TAG_RULES);
  for (const key of Object.keys(tags)) {
    if (Token.isUnresolved(key)) continue;
    if (key.length === 0) problems.add(`${prop} has an empty key: tag keys are 1-128 characters`);
    if (key.toLowerCase().startsWith('aws:')) problems.add(`${prop} key ${describeValue(key)} uses the reserved prefix 'aws:'`);
  }
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
export function renderHyperparameters(problems: ProblemList, hp: { [name: string]: any } | undefined, prop = 'hyperparameters'): { [name: string]: string } | undefined {
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

/** Runs a validation that throws, collecting its message as a problem. */
export function safeValidate(problems: ProblemList, validate: () => unknown): void {
  try {
    validate();
  } catch (e) {
    if (e instanceof SageMakerConstructError) problems.add(e.message.replace(/^\[[^\]]*\] /, ''));
    else throw e;
  }
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
