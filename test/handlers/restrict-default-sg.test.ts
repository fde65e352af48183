import {
  RESTRICT_DEFAULT_SG_RESOURCE_TYPE,
  handle,
} from '../../constructs/private/handlers/restrict-default-sg';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import {
  Script,
  ScriptedClient,
  always,
  awsError,
  testRuntime,
  securityGroupNotFound,
  throttling,
} from '../support/scripted-client';

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const ACCOUNT = '111122223333';
const SG = 'sg-0123456789abcdef0';
const NEW_SG = 'sg-0fedcba9876543210';

function event(requestType: RequestType, props: Record<string, unknown> = {}, overrides: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: RESTRICT_DEFAULT_SG_RESOURCE_TYPE,
    LogicalResourceId: 'VpcRestrictDefaultSG',
    RequestId: 'req-1',
    StackId: `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Test/1`,
    PhysicalResourceId: requestType === 'Create' ? undefined : SG,
    ResourceProperties: { ServiceToken: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:provider`, DefaultSecurityGroupId: SG, Account: ACCOUNT, ...props },
    ...overrides,
  };
}

function harness(script: Script = {}) {
  const ec2 = new ScriptedClient(script, { name: 'ec2' });
  const rt = testRuntime();
  return { ec2, delays: rt.delays, logs: rt.logs, clients: { ec2, ...rt.options } };
}

const ingress = (groupId: string) => ({
  GroupId: groupId,
  IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, UserId: ACCOUNT }] }],
});
const egress = (groupId: string) => ({
  GroupId: groupId,
  IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
});

const revokeOk: Script = {
  RevokeSecurityGroupIngressCommand: [{ Return: true }],
  RevokeSecurityGroupEgressCommand: [{ Return: true }],
};
const authorizeOk: Script = {
  AuthorizeSecurityGroupIngressCommand: [{ Return: true }],
  AuthorizeSecurityGroupEgressCommand: [{ Return: true }],
};

const ruleNotFound = () => awsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
const ruleDuplicate = () => awsError('InvalidPermission.Duplicate', 'the specified rule already exists');

// ---------------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------------

describe('Create', () => {
  test('revokes the default ingress and egress rules with the exact inputs; the physical id is the group id', async () => {
    const h = harness(revokeOk);
    await expect(handle(event('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.commandNames()).toEqual(['RevokeSecurityGroupIngressCommand', 'RevokeSecurityGroupEgressCommand']);
    expect(h.ec2.inputsOf('RevokeSecurityGroupIngressCommand')).toEqual([ingress(SG)]);
    expect(h.ec2.inputsOf('RevokeSecurityGroupEgressCommand')).toEqual([egress(SG)]);
    expect(h.ec2.unusedReplies()).toEqual({});
  });

  test('logs one structured line per action', async () => {
    const h = harness(revokeOk);
    await handle(event('Create'), h.clients);
    expect(h.logs).toEqual([
      { resource: 'VpcRestrictDefaultSG', action: 'Create', groupId: SG },
      { resource: 'VpcRestrictDefaultSG', action: 'RevokeSecurityGroupIngress', groupId: SG, result: 'revoked' },
      { resource: 'VpcRestrictDefaultSG', action: 'RevokeSecurityGroupEgress', groupId: SG, result: 'revoked' },
    ]);
  });

  test('rules already gone (InvalidPermission.NotFound) is success', async () => {
    const h = harness({
      RevokeSecurityGroupIngressCommand: [ruleNotFound()],
      RevokeSecurityGroupEgressCommand: [ruleNotFound()],
    });
    await expect(handle(event('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.commandNames()).toEqual(['RevokeSecurityGroupIngressCommand', 'RevokeSecurityGroupEgressCommand']);
    expect(h.logs.filter((l) => l.result === 'already-gone')).toHaveLength(2);
  });

  test('rules reported as unknown by a successful revoke are logged as already gone', async () => {
    const h = harness({
      RevokeSecurityGroupIngressCommand: [{ Return: true, UnknownIpPermissions: ingress(SG).IpPermissions }],
      RevokeSecurityGroupEgressCommand: [{ Return: true }],
    });
    await expect(handle(event('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.logs.map((l) => l.result)).toEqual([undefined, 'already-gone', 'revoked']);
  });

  test('throttling is retried with growing backoff, then succeeds', async () => {
    const h = harness({
      RevokeSecurityGroupIngressCommand: [throttling('RequestLimitExceeded'), throttling('RequestLimitExceeded'), { Return: true }],
      RevokeSecurityGroupEgressCommand: [throttling('RequestLimitExceeded'), { Return: true }],
    });
    await expect(handle(event('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.countOf('RevokeSecurityGroupIngressCommand')).toBe(3);
    expect(h.ec2.countOf('RevokeSecurityGroupEgressCommand')).toBe(2);
    // random() = 0 → half of d = 200·2^(n-1)
    expect(h.delays).toEqual([100, 200, 100]);
    expect(h.logs.filter((l) => l.action === 'throttled-retry')).toHaveLength(3);
  });

  test('throttling that never stops fails after the retries', async () => {
    const h = harness({ RevokeSecurityGroupIngressCommand: [always(throttling('RequestLimitExceeded'))] });
    await expect(handle(event('Create'), h.clients)).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(h.ec2.countOf('RevokeSecurityGroupIngressCommand')).toBe(5);
    expect(h.ec2.countOf('RevokeSecurityGroupEgressCommand')).toBe(0);
  });

  test('an unexpected error (UnauthorizedOperation) fails and is logged', async () => {
    const h = harness({ RevokeSecurityGroupIngressCommand: [awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403)] });
    await expect(handle(event('Create'), h.clients)).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(h.ec2.commandNames()).toEqual(['RevokeSecurityGroupIngressCommand']);
    expect(h.delays).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'RevokeSecurityGroupIngress', result: 'failed' }));
  });

  test('a missing group on create fails (it is not a rule already gone)', async () => {
    const h = harness({ RevokeSecurityGroupIngressCommand: [securityGroupNotFound(SG)] });
    await expect(handle(event('Create'), h.clients)).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
  });

  test('a DefaultSecurityGroupId that is not a group id, or a missing Account, fails without a call', async () => {
    const h = harness();
    await expect(handle(event('Create', { DefaultSecurityGroupId: '' }), h.clients)).rejects.toThrow(/DefaultSecurityGroupId/);
    await expect(handle(event('Create', { Account: undefined }), h.clients)).rejects.toThrow(/Account/);
    expect(h.ec2.calls).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// Update
// ---------------------------------------------------------------------------------------------------

describe('Update', () => {
  test('to a new group (VPC replaced): revokes on the new group only and returns its id', async () => {
    const h = harness(revokeOk);
    const e = event('Update', { DefaultSecurityGroupId: NEW_SG }, { OldResourceProperties: { DefaultSecurityGroupId: SG, Account: ACCOUNT } });
    await expect(handle(e, h.clients)).resolves.toEqual({ PhysicalResourceId: NEW_SG });
    expect(h.ec2.inputsOf('RevokeSecurityGroupIngressCommand')).toEqual([ingress(NEW_SG)]);
    expect(h.ec2.inputsOf('RevokeSecurityGroupEgressCommand')).toEqual([egress(NEW_SG)]);
    expect(h.ec2.callsMatching(/^Authorize/)).toHaveLength(0);
    expect(h.logs[0]).toMatchObject({ action: 'Update', groupId: NEW_SG, previousGroupId: SG, groupChanged: true });
  });

  test('of the same group revokes again (idempotent) and keeps the id', async () => {
    const h = harness({ RevokeSecurityGroupIngressCommand: [ruleNotFound()], RevokeSecurityGroupEgressCommand: [ruleNotFound()] });
    const e = event('Update', {}, { OldResourceProperties: { DefaultSecurityGroupId: SG, Account: ACCOUNT } });
    await expect(handle(e, h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.inputsOf('RevokeSecurityGroupIngressCommand')).toEqual([ingress(SG)]);
    expect(h.ec2.inputsOf('RevokeSecurityGroupEgressCommand')).toEqual([egress(SG)]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------------

describe('Delete', () => {
  test('restores both default rules with the exact inputs', async () => {
    const h = harness(authorizeOk);
    await expect(handle(event('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.commandNames()).toEqual(['AuthorizeSecurityGroupIngressCommand', 'AuthorizeSecurityGroupEgressCommand']);
    expect(h.ec2.inputsOf('AuthorizeSecurityGroupIngressCommand')).toEqual([ingress(SG)]);
    expect(h.ec2.inputsOf('AuthorizeSecurityGroupEgressCommand')).toEqual([egress(SG)]);
  });

  test('works on the physical id, not the properties (Delete of the old group after a replacement)', async () => {
    const h = harness(authorizeOk);
    await expect(handle(event('Delete', { DefaultSecurityGroupId: NEW_SG }, { PhysicalResourceId: SG }), h.clients))
      .resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.inputsOf('AuthorizeSecurityGroupIngressCommand')).toEqual([ingress(SG)]);
  });

  test('rules already present (InvalidPermission.Duplicate) is success', async () => {
    const h = harness({
      AuthorizeSecurityGroupIngressCommand: [ruleDuplicate()],
      AuthorizeSecurityGroupEgressCommand: [ruleDuplicate()],
    });
    await expect(handle(event('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.commandNames()).toEqual(['AuthorizeSecurityGroupIngressCommand', 'AuthorizeSecurityGroupEgressCommand']);
    expect(h.logs.filter((l) => l.result === 'already-present')).toHaveLength(2);
  });

  test.each(['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'])('group gone (%s, VPC deleted) is success', async (code) => {
    const h = harness({ AuthorizeSecurityGroupIngressCommand: [awsError(code, `The security group '${SG}' does not exist`)] });
    await expect(handle(event('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
    expect(h.ec2.commandNames()).toEqual(['AuthorizeSecurityGroupIngressCommand']);
  });

  test('group gone between the two calls is success', async () => {
    const h = harness({
      AuthorizeSecurityGroupIngressCommand: [{ Return: true }],
      AuthorizeSecurityGroupEgressCommand: [securityGroupNotFound(SG)],
    });
    await expect(handle(event('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: SG });
  });

  test('a physical id that is not a security group id (failed create) is success without any call', async () => {
    const h = harness();
    const id = 'VpcRestrictDefaultSG-req-0';
    await expect(handle(event('Delete', {}, { PhysicalResourceId: id }), h.clients)).resolves.toEqual({ PhysicalResourceId: id });
    expect(h.ec2.calls).toHaveLength(0);
    expect(h.logs).toEqual([expect.objectContaining({ action: 'Delete', result: 'skipped-not-a-security-group' })]);
  });

  test('an unexpected error (UnauthorizedOperation) fails', async () => {
    const h = harness({ AuthorizeSecurityGroupIngressCommand: [awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403)] });
    await expect(handle(event('Delete'), h.clients)).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(h.ec2.commandNames()).toEqual(['AuthorizeSecurityGroupIngressCommand']);
  });

  test('a rule-not-found on authorize is not mistaken for success', async () => {
    const h = harness({ AuthorizeSecurityGroupIngressCommand: [ruleNotFound()] });
    await expect(handle(event('Delete'), h.clients)).rejects.toMatchObject({ name: 'InvalidPermission.NotFound' });
  });
});
