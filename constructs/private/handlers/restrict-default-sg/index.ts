/**
 * Custom-resource handler (custom-resources.Provider framework, onEvent only) for
 * `Custom::VpcRestrictDefaultSG`: removes the default rules of a VPC's default security group, so that
 * nothing can use it (anything placed in it by mistake gets no traffic in or out).
 *
 * Properties (strings, as CloudFormation delivers them):
 * - `DefaultSecurityGroupId`: the VPC's default security group (`AWS::EC2::VPC` attribute DefaultSecurityGroup).
 * - `Account`: the account id that owns the group (the self-reference rule names it).
 *
 * - Create: revokes the two default rules — ingress "all traffic from this group" and egress "all traffic
 *   to 0.0.0.0/0". A rule already gone is success. The physical id is the group id.
 * - Update: revokes them on the group now named (a new group when the VPC was replaced; the old group is
 *   left alone, its VPC is going away) and returns that group id: when it changed, CloudFormation then
 *   sends a Delete for the old one, which must therefore be harmless.
 * - Delete: puts the two default rules back, so a retained VPC gets its default group back as AWS made
 *   it. A rule already present, a group already deleted (with its VPC) or a physical id that is not a
 *   security group id (a create that failed) is success.
 *
 * API calls go through the shared runtime: throttling is retried with exponential backoff and jitter.
 * Bundled by esbuild with `@aws-sdk/*` external; the runtime is inlined into the bundle.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  IpPermission,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupEgressCommandOutput,
  RevokeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommandOutput,
} from '@aws-sdk/client-ec2';
import {
  CustomResourceEvent,
  OnEventResponse,
  Runtime,
  RuntimeOptions,
  SdkClient,
  errorName,
  errorText,
  readString,
  runtime,
} from '../runtime';

import { RESTRICT_DEFAULT_SG_RESOURCE_TYPE, RestrictDefaultSgProperties as RestrictDefaultSgContract } from '../../contracts/restrict-default-sg';
import type { Wire } from '../../contracts';
export { RESTRICT_DEFAULT_SG_RESOURCE_TYPE };

const RESOURCE = 'VpcRestrictDefaultSG';

/** Revoking a rule that does not exist (already revoked). */
const RULE_GONE_ERRORS = new Set(['InvalidPermission.NotFound']);
/** Authorizing a rule that already exists. */
const RULE_EXISTS_ERRORS = new Set(['InvalidPermission.Duplicate']);
/** The group no longer exists (deleted with its VPC). */
const GROUP_GONE_ERRORS = new Set(['InvalidGroup.NotFound', 'InvalidGroupId.NotFound']);

const SECURITY_GROUP_ID = /^sg-[0-9a-f]+$/;

export interface RestrictDefaultSgClients extends RuntimeOptions {
  readonly ec2: SdkClient;
}

export interface RestrictDefaultSgProperties {
  readonly defaultSecurityGroupId?: string;
  readonly account?: string;
}

export function parseRestrictDefaultSgProperties(props: Record<string, unknown> | undefined): RestrictDefaultSgProperties {
  const p: Wire<RestrictDefaultSgContract> = props ?? {};
  return { defaultSecurityGroupId: readString(p.DefaultSecurityGroupId), account: readString(p.Account) };
}

/** The default group's default ingress rule: all traffic from members of the group itself. */
export function defaultIngressPermissions(groupId: string, account: string | undefined): IpPermission[] {
  return [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, ...(account ? { UserId: account } : {}) }] }];
}

/** The default group's default (IPv4) egress rule: all traffic to anywhere. */
export function defaultEgressPermissions(): IpPermission[] {
  return [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
}

export function isSecurityGroupId(id: string | undefined): id is string {
  return id !== undefined && SECURITY_GROUP_ID.test(id);
}

/** The whole handler, with its EC2 client and runtime knobs injected. */
export async function handle(event: CustomResourceEvent, clients: RestrictDefaultSgClients): Promise<OnEventResponse> {
  const rt = runtime(clients, RESOURCE);
  const props = parseRestrictDefaultSgProperties(event.ResourceProperties);
  switch (event.RequestType) {
    case 'Create':
    case 'Update': {
      const groupId = requireGroupId(props.defaultSecurityGroupId);
      const account = requireAccount(props.account);
      const previous = event.RequestType === 'Update' ? event.PhysicalResourceId : undefined;
      rt.log({
        action: event.RequestType,
        groupId,
        ...(event.RequestType === 'Update' ? { previousGroupId: previous, groupChanged: previous !== groupId } : {}),
      });
      await revokeDefaultRules(rt, clients.ec2, groupId, account);
      return { PhysicalResourceId: groupId };
    }
    case 'Delete': {
      const groupId = event.PhysicalResourceId;
      if (!isSecurityGroupId(groupId)) {
        rt.log({ action: 'Delete', physicalResourceId: groupId, result: 'skipped-not-a-security-group' });
        return { PhysicalResourceId: groupId ?? event.RequestId ?? 'none' };
      }
      await restoreDefaultRules(rt, clients.ec2, groupId, props.account);
      return { PhysicalResourceId: groupId };
    }
    default:
      throw new Error(`unsupported request type ${String((event as { RequestType?: unknown }).RequestType)}`);
  }
}

function requireGroupId(value: string | undefined): string {
  if (!isSecurityGroupId(value)) {
    throw new Error(`${RESTRICT_DEFAULT_SG_RESOURCE_TYPE}: DefaultSecurityGroupId must be a security group id (sg-...), got '${value ?? ''}'`);
  }
  return value;
}

function requireAccount(value: string | undefined): string {
  if (!value) throw new Error(`${RESTRICT_DEFAULT_SG_RESOURCE_TYPE}: Account (the account id owning the group) is required`);
  return value;
}

async function revokeDefaultRules(rt: Runtime, ec2: SdkClient, groupId: string, account: string): Promise<void> {
  await revoke(rt, ec2, 'RevokeSecurityGroupIngress', groupId,
    new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: defaultIngressPermissions(groupId, account) }));
  await revoke(rt, ec2, 'RevokeSecurityGroupEgress', groupId,
    new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: defaultEgressPermissions() }));
}

async function revoke(rt: Runtime, ec2: SdkClient, action: string, groupId: string, command: unknown): Promise<void> {
  try {
    const out = await rt.send<RevokeSecurityGroupIngressCommandOutput | RevokeSecurityGroupEgressCommandOutput>(ec2, command);
    // EC2 may answer a revoke of an absent rule with success, listing it as unknown instead of failing.
    const unknown = out?.UnknownIpPermissions?.length ?? 0;
    rt.log({ action, groupId, result: unknown > 0 ? 'already-gone' : 'revoked' });
  } catch (err) {
    if (RULE_GONE_ERRORS.has(errorName(err))) {
      rt.log({ action, groupId, result: 'already-gone' });
      return;
    }
    rt.log({ action, groupId, result: 'failed', error: errorText(err) });
    throw err;
  }
}

async function restoreDefaultRules(rt: Runtime, ec2: SdkClient, groupId: string, account: string | undefined): Promise<void> {
  const ingress = await authorize(rt, ec2, 'AuthorizeSecurityGroupIngress', groupId,
    new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: defaultIngressPermissions(groupId, account) }));
  if (ingress === 'group-gone') return;
  await authorize(rt, ec2, 'AuthorizeSecurityGroupEgress', groupId,
    new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: defaultEgressPermissions() }));
}

async function authorize(
  rt: Runtime,
  ec2: SdkClient,
  action: string,
  groupId: string,
  command: unknown,
): Promise<'authorized' | 'already-present' | 'group-gone'> {
  try {
    await rt.send(ec2, command);
    rt.log({ action, groupId, result: 'authorized' });
    return 'authorized';
  } catch (err) {
    const name = errorName(err);
    if (RULE_EXISTS_ERRORS.has(name)) {
      rt.log({ action, groupId, result: 'already-present' });
      return 'already-present';
    }
    if (GROUP_GONE_ERRORS.has(name)) {
      rt.log({ action, groupId, result: 'group-gone' });
      return 'group-gone';
    }
    rt.log({ action, groupId, result: 'failed', error: errorText(err) });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------

let realEc2: EC2Client | undefined;

/** The real EC2 client, built on first use (so importing this module in tests creates none). */
function ec2Client(): EC2Client {
  realEc2 ??= new EC2Client({});
  return realEc2;
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  return handle(event, { ec2: ec2Client() });
}
