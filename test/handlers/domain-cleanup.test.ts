import {
  CustomResourceEvent,
  DOMAIN_CLEANUP_RESOURCE_TYPE,
  RequestType,
  domainCleanupIsComplete,
  domainCleanupOnEvent,
  cleanUpAfterDomain,
  isComplete,
  onEvent,
  parseCleanupProperties,
  sendWithRetry,
} from '../../constructs/studio/handlers/domain-cleanup';
import {
  CallLog,
  Script,
  ScriptedClient,
  accessDenied,
  always,
  awsError,
  dependencyViolation,
  fileSystemNotFound,
  http429,
  mountTargetNotFound,
  recordingSleep,
  testRuntime,
  resourceNotFound,
  securityGroupNotFound,
  throttling,
  validationError,
} from '../support/scripted-client';
import { expectValidSageMakerCalls } from '../support/sagemaker-api';

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const DOMAIN_ID = 'd-abc123xyz';
const DOMAIN_ARN = `arn:aws:sagemaker:eu-west-1:111122223333:domain/${DOMAIN_ID}`;
const VPC_ID = 'vpc-0123';
const FS_ID = 'fs-0home';
const SG_IN = 'sg-0inbound';
const SG_OUT = 'sg-0outbound';
const OWNER_TAG = { Key: 'ManagedByAmazonSageMakerResource', Value: DOMAIN_ARN };

function event(
  resourceType: string,
  requestType: RequestType,
  props: Record<string, unknown> = {},
  overrides: Partial<CustomResourceEvent> = {},
): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: resourceType,
    LogicalResourceId: 'Cleanup',
    RequestId: 'req-1',
    StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Test/1',
    PhysicalResourceId: requestType === 'Create' ? undefined : `cleanup-${DOMAIN_ID}`,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider', DomainId: DOMAIN_ID, Mode: 'DESTROY', ...props },
    ...overrides,
  };
}

const domainEvent = (rt: RequestType, props?: Record<string, unknown>, o?: Partial<CustomResourceEvent>) =>
  event(DOMAIN_CLEANUP_RESOURCE_TYPE, rt, props, o);

/** Scripted clients sharing one call log, a sleep that returns at once, and captured log entries. */
// Every SageMaker request the cleanup sends must be acceptable to the SageMaker API (botocore model).
const sagemakerClients: ScriptedClient[] = [];
afterEach(() => {
  const calls = sagemakerClients.splice(0).flatMap((c) => c.calls);
  if (calls.length) expectValidSageMakerCalls(calls);
});

function harness(script: { sagemaker?: Script; efs?: Script; ec2?: Script } = {}) {
  const calls = new CallLog();
  const sagemaker = new ScriptedClient(script.sagemaker, { name: 'sagemaker', log: calls });
  const efs = new ScriptedClient(script.efs, { name: 'efs', log: calls });
  const ec2 = new ScriptedClient(script.ec2, { name: 'ec2', log: calls });
  const rt = testRuntime();
  sagemakerClients.push(sagemaker);
  return { sagemaker, efs, ec2, calls, delays: rt.delays, logs: rt.logs, clients: { sagemaker, efs, ec2, ...rt.options } };
}

const DESTRUCTIVE = /^(Delete|Revoke)/;

const inService = { DomainId: DOMAIN_ID, Status: 'InService', HomeEfsFileSystemId: FS_ID };
const app = (name: string, status: string, owner: { UserProfileName?: string; SpaceName?: string }, type = 'JupyterLab') =>
  ({ DomainId: DOMAIN_ID, AppType: type, AppName: name, Status: status, ...owner });
const space = (name: string, status = 'InService') => ({ DomainId: DOMAIN_ID, SpaceName: name, Status: status });
const profile = (name: string, status = 'InService') => ({ DomainId: DOMAIN_ID, UserProfileName: name, Status: status });

/** A domain whose apps, spaces and profiles are all already gone, except the stack's own. */
const emptyDomain: Script = {
  DescribeDomainCommand: [always(inService)],
  ListAppsCommand: [always({ Apps: [] })],
  ListSpacesCommand: [always({ Spaces: [] })],
  ListUserProfilesCommand: [always({ UserProfiles: [] })],
};

// ---------------------------------------------------------------------------------------------------
// onEvent
// ---------------------------------------------------------------------------------------------------

describe('onEvent', () => {
  test('Create returns cleanup-<DomainId>', () => {
    // GIVEN a create WHEN onEvent runs THEN the id derives from the domain id
    expect(domainCleanupOnEvent(domainEvent('Create'), { log: () => {} })).toEqual({ PhysicalResourceId: `cleanup-${DOMAIN_ID}` });
  });

  test('Update of the same domain keeps the current physical id', () => {
    // GIVEN an update that changes only the mode, of a resource whose id predates the current scheme
    const e = domainEvent('Update', { Mode: 'RETAIN' }, {
      PhysicalResourceId: 'legacy-id',
      OldResourceProperties: { DomainId: DOMAIN_ID, Mode: 'DESTROY' },
    });
    // WHEN / THEN the id is kept, so CloudFormation sends no Delete for the live domain
    expect(domainCleanupOnEvent(e, { log: () => {} })).toEqual({ PhysicalResourceId: 'legacy-id' });
  });

  test('Update to a replaced domain returns the new id (CloudFormation then deletes the old one)', () => {
    const e = domainEvent('Update', { DomainId: 'd-new' }, { OldResourceProperties: { DomainId: DOMAIN_ID, Mode: 'DESTROY' } });
    expect(domainCleanupOnEvent(e, { log: () => {} })).toEqual({ PhysicalResourceId: 'cleanup-d-new' });
  });

  test('Delete echoes the physical id it was given, even one this handler never returned', () => {
    const e = domainEvent('Delete', {}, { PhysicalResourceId: 'Test-Cleanup-1A2B3C' });
    expect(domainCleanupOnEvent(e, { log: () => {} })).toEqual({ PhysicalResourceId: 'Test-Cleanup-1A2B3C' });
  });

  test('the Lambda entry point dispatches on ResourceType and makes no API calls', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await expect(onEvent(domainEvent('Create'))).resolves.toEqual({ PhysicalResourceId: `cleanup-${DOMAIN_ID}` });
      await expect(isComplete(domainEvent('Create'))).resolves.toEqual({ IsComplete: true });
      await expect(onEvent(event('Custom::Other', 'Create'))).rejects.toThrow(/unsupported resource type Custom::Other/);
      await expect(onEvent(event('Custom::Other', 'Delete'))).resolves.toEqual({ PhysicalResourceId: `cleanup-${DOMAIN_ID}` });
      // one JSON line per action
      for (const [line] of log.mock.calls) expect(() => JSON.parse(String(line))).not.toThrow();
    } finally {
      log.mockRestore();
    }
  });
});

describe('properties', () => {
  test('lists arrive as arrays, JSON strings or comma-separated strings; unknown modes mean RETAIN', () => {
    expect(parseCleanupProperties({ DomainId: 'd-1', Mode: 'destroy', StackUserProfiles: ['a', 'b'], StackSpaces: '["s1","s2"]' }))
      .toEqual({ domainId: 'd-1', mode: 'DESTROY', homeEfsFileSystemId: undefined, vpcId: undefined, stackUserProfiles: ['a', 'b'], stackSpaces: ['s1', 's2'], deleteDomain: false });
    expect(parseCleanupProperties({ DomainId: ' ', Mode: 'NUKE', StackUserProfiles: 'a, b,' }))
      .toMatchObject({ domainId: '', mode: 'RETAIN', stackUserProfiles: ['a', 'b'], stackSpaces: [] });
  });
});

// ---------------------------------------------------------------------------------------------------
// Custom::StudioDomainCleanup
// ---------------------------------------------------------------------------------------------------

describe('StudioDomainCleanup isComplete', () => {
  test.each(['Create', 'Update'] as const)('%s is complete at once and calls nothing', async (rt) => {
    const h = harness();
    await expect(domainCleanupIsComplete(domainEvent(rt), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.calls.calls).toEqual([]);
  });

  test.each([['RETAIN'], [undefined]])('Delete with Mode %s deletes nothing', async (mode) => {
    // GIVEN a domain full of apps, spaces and profiles
    const h = harness({
      sagemaker: {
        DescribeDomainCommand: [always(inService)],
        ListAppsCommand: [always({ Apps: [app('default', 'InService', { UserProfileName: 'alice' })] })],
        ListSpacesCommand: [always({ Spaces: [space('shared')] })],
        ListUserProfilesCommand: [always({ UserProfiles: [profile('alice')] })],
      },
    });
    // WHEN the resource is deleted in RETAIN mode (or with no mode at all)
    const result = await domainCleanupIsComplete(domainEvent('Delete', { Mode: mode }), h.clients);
    // THEN it completes immediately with zero delete calls (and no calls at all)
    expect(result).toEqual({ IsComplete: true });
    expect(h.sagemaker.callsMatching(DESTRUCTIVE)).toHaveLength(0);
    expect(h.calls.calls).toHaveLength(0);
  });

  test('DESTROY deletes apps, then spaces, then profiles, across polls and pages', async () => {
    // GIVEN a domain with two pages of apps, two pages of spaces and two pages of profiles; the stack owns
    // space 'team' and profile 'admin'
    const props = { StackSpaces: ['team'], StackUserProfiles: ['admin'] };
    const allAppsDeleted = { Apps: [app('default', 'Deleted', { UserProfileName: 'alice' })] };
    const h = harness({
      sagemaker: {
        DescribeDomainCommand: [always(inService)],
        ListAppsCommand: [
          // poll 1: page 1 + page 2
          { Apps: [
            app('default', 'InService', { UserProfileName: 'alice' }, 'JupyterServer'),
            app('lab', 'InService', { SpaceName: 'team' }),
            app('old', 'Deleted', { UserProfileName: 'alice' }),
          ], NextToken: 'apps-2' },
          { Apps: [app('kg', 'Failed', { UserProfileName: 'bob' }, 'KernelGateway')] },
          // poll 2: one still deleting
          { Apps: [app('default', 'Deleted', { UserProfileName: 'alice' }), app('lab', 'Deleting', { SpaceName: 'team' })] },
          // polls 3-5: all deleted
          always(allAppsDeleted),
        ],
        DeleteAppCommand: [{}, {}, {}],
        ListSpacesCommand: [
          // poll 3
          { Spaces: [space('shared'), space('team')], NextToken: 'spaces-2' },
          { Spaces: [space('scratch', 'Deleting')] },
          // polls 4-5: only the stack's own space is left
          always({ Spaces: [space('team')] }),
        ],
        DeleteSpaceCommand: [{}],
        ListUserProfilesCommand: [
          // poll 4
          { UserProfiles: [profile('alice'), profile('admin')], NextToken: 'profiles-2' },
          { UserProfiles: [profile('bob', 'Delete_Failed')] },
          // poll 5: only the stack's own profile is left
          { UserProfiles: [profile('admin')] },
        ],
        DeleteUserProfileCommand: [{}, {}],
      },
    });
    const poll = () => domainCleanupIsComplete(domainEvent('Delete', props), h.clients);

    // WHEN poll 1 runs THEN every live app is deleted (stack space's app included) and nothing else
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.inputsOf('ListAppsCommand')).toEqual([
      { DomainIdEquals: DOMAIN_ID, MaxResults: 100 },
      { DomainIdEquals: DOMAIN_ID, MaxResults: 100, NextToken: 'apps-2' },
    ]);
    expect(h.sagemaker.inputsOf('DeleteAppCommand')).toEqual([
      { DomainId: DOMAIN_ID, AppType: 'JupyterServer', AppName: 'default', UserProfileName: 'alice' },
      { DomainId: DOMAIN_ID, AppType: 'JupyterLab', AppName: 'lab', SpaceName: 'team' },
      { DomainId: DOMAIN_ID, AppType: 'KernelGateway', AppName: 'kg', UserProfileName: 'bob' },
    ]);
    expect(h.sagemaker.countOf('ListSpacesCommand')).toBe(0);

    // WHEN poll 2 runs while an app is still Deleting THEN it waits without deleting again
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DeleteAppCommand')).toBe(3);
    expect(h.sagemaker.countOf('ListSpacesCommand')).toBe(0);

    // WHEN poll 3 runs with all apps Deleted THEN non-stack spaces not already deleting are deleted
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.inputsOf('ListSpacesCommand')).toEqual([
      { DomainIdEquals: DOMAIN_ID, MaxResults: 100 },
      { DomainIdEquals: DOMAIN_ID, MaxResults: 100, NextToken: 'spaces-2' },
    ]);
    expect(h.sagemaker.inputsOf('DeleteSpaceCommand')).toEqual([{ DomainId: DOMAIN_ID, SpaceName: 'shared' }]);
    expect(h.sagemaker.countOf('ListUserProfilesCommand')).toBe(0);

    // WHEN poll 4 runs with only the stack's space left THEN non-stack profiles are deleted
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.inputsOf('ListUserProfilesCommand')).toEqual([
      { DomainIdEquals: DOMAIN_ID, MaxResults: 100 },
      { DomainIdEquals: DOMAIN_ID, MaxResults: 100, NextToken: 'profiles-2' },
    ]);
    expect(h.sagemaker.inputsOf('DeleteUserProfileCommand')).toEqual([
      { DomainId: DOMAIN_ID, UserProfileName: 'alice' },
      { DomainId: DOMAIN_ID, UserProfileName: 'bob' },
    ]);

    // WHEN poll 5 runs with only the stack's own space and profile left THEN the cleanup is complete
    await expect(poll()).resolves.toEqual({ IsComplete: true });

    // AND deletions happened strictly apps → spaces → profiles, never touching stack-owned ones
    expect(h.sagemaker.callsMatching(DESTRUCTIVE).map((c) => c.command)).toEqual([
      'DeleteAppCommand', 'DeleteAppCommand', 'DeleteAppCommand', 'DeleteSpaceCommand', 'DeleteUserProfileCommand', 'DeleteUserProfileCommand',
    ]);
    expect(h.sagemaker.inputsOf('DeleteSpaceCommand')).not.toContainEqual(expect.objectContaining({ SpaceName: 'team' }));
    expect(h.sagemaker.inputsOf('DeleteUserProfileCommand')).not.toContainEqual(expect.objectContaining({ UserProfileName: 'admin' }));
    expect(h.sagemaker.unusedReplies()).toEqual({});
    // AND each deletion was logged
    expect(h.logs).toContainEqual(expect.objectContaining({
      resource: 'StudioDomainCleanup', action: 'DeleteSpace', spaceName: 'shared', result: 'requested',
    }));
  });

  test('an app stuck in Deleting keeps IsComplete false poll after poll', async () => {
    // GIVEN an app that never leaves Deleting
    const h = harness({
      sagemaker: {
        DescribeDomainCommand: [always(inService)],
        ListAppsCommand: [always({ Apps: [app('default', 'Deleting', { UserProfileName: 'alice' })] })],
      },
    });
    // WHEN polled many times THEN it keeps waiting, re-issues no DeleteApp and never moves to spaces
    for (let i = 0; i < 5; i++) {
      await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    }
    expect(h.sagemaker.callsMatching(DESTRUCTIVE)).toHaveLength(0);
    expect(h.sagemaker.countOf('ListSpacesCommand')).toBe(0);
  });

  test('a Failed app counts as gone only when DeleteApp says it does not exist; otherwise DeleteApp is retried', async () => {
    // GIVEN two Failed apps: DeleteApp finds one gone and accepts the other, which stays Failed
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [always({ Apps: [
          app('ghost', 'Failed', { UserProfileName: 'alice' }),
          app('stuck', 'Failed', { UserProfileName: 'bob' }),
        ] })],
        DeleteAppCommand: [always((input: { AppName: string }) => (input.AppName === 'ghost' ? resourceNotFound() : {}))],
      },
    });
    // WHEN polled twice THEN the stuck one is re-deleted each time and the cleanup waits for it
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.inputsOf('DeleteAppCommand').map((i) => i.AppName)).toEqual(['ghost', 'stuck', 'ghost', 'stuck']);
    expect(h.sagemaker.countOf('ListSpacesCommand')).toBe(0);
  });

  test('stack-owned profiles and spaces are skipped; apps inside them are deleted', async () => {
    // GIVEN only stack-owned spaces/profiles (lists passed as a JSON string and a comma string), each with an app
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [
          { Apps: [app('a', 'InService', { SpaceName: 'team' }), app('b', 'InService', { UserProfileName: 'admin' })] },
          always({ Apps: [] }),
        ],
        DeleteAppCommand: [{}, {}],
        ListSpacesCommand: [always({ Spaces: [space('team')] })],
        ListUserProfilesCommand: [always({ UserProfiles: [profile('admin'), profile('ops')] })],
      },
    });
    const e = domainEvent('Delete', { StackSpaces: '["team"]', StackUserProfiles: 'admin,ops' });
    // WHEN polled until complete
    await expect(domainCleanupIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(domainCleanupIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
    // THEN only the apps were deleted
    expect(h.sagemaker.callsMatching(DESTRUCTIVE).map((c) => c.command)).toEqual(['DeleteAppCommand', 'DeleteAppCommand']);
  });

  test('spaces and profiles listed without a name are neither deleted nor waited for', async () => {
    // GIVEN a nameless space and a nameless profile next to named ones
    const nameless = { DomainId: DOMAIN_ID, Status: 'InService' };
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListSpacesCommand: [{ Spaces: [nameless, space('shared')] }, always({ Spaces: [nameless] })],
        DeleteSpaceCommand: [{}],
        ListUserProfilesCommand: [{ UserProfiles: [nameless, profile('alice')] }, always({ UserProfiles: [nameless] })],
        DeleteUserProfileCommand: [{}],
      },
    });
    // WHEN polled until complete
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    // THEN only the named ones were deleted
    expect(h.sagemaker.callsMatching(DESTRUCTIVE).map((c) => [c.command, c.input.SpaceName ?? c.input.UserProfileName])).toEqual([
      ['DeleteSpaceCommand', 'shared'],
      ['DeleteUserProfileCommand', 'alice'],
    ]);
  });

  test('not-found on a delete means already gone', async () => {
    // GIVEN a space and a profile that vanish between the list and the delete
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [always({ Apps: [app('x', 'InService', { UserProfileName: 'alice' })] })],
        DeleteAppCommand: [resourceNotFound('App does not exist')],
        ListSpacesCommand: [{ Spaces: [space('shared')] }],
        DeleteSpaceCommand: [resourceNotFound()],
        ListUserProfilesCommand: [{ UserProfiles: [profile('alice')] }],
        DeleteUserProfileCommand: [validationError(`User profile alice does not exist in domain ${DOMAIN_ID}`)],
      },
    });
    // WHEN one poll runs THEN it goes through all phases and completes
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.logs.filter((l) => l.result === 'gone').map((l) => l.action)).toEqual(['DeleteApp', 'DeleteSpace', 'DeleteUserProfile']);
  });

  test('a busy resource (ResourceInUse) is retried next poll, not failed', async () => {
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListSpacesCommand: [always({ Spaces: [space('shared')] })],
        DeleteSpaceCommand: [awsError('ResourceInUse', 'Space has running apps'), {}],
      },
    });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DeleteSpaceCommand')).toBe(2);
  });

  test('an unexpected error (AccessDenied) fails the resource', async () => {
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [{ Apps: [app('x', 'InService', { UserProfileName: 'alice' })] }],
        DeleteAppCommand: [accessDenied()],
      },
    });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  test('throttling is retried with growing backoff, then succeeds within the same poll', async () => {
    // GIVEN ListApps throttled twice and DeleteApp once (by HTTP 429 only)
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [throttling(), throttling('TooManyRequestsException'), { Apps: [app('x', 'InService', { UserProfileName: 'a' })] }],
        DeleteAppCommand: [http429(), {}],
      },
    });
    // WHEN one poll runs
    const result = await domainCleanupIsComplete(domainEvent('Delete'), h.clients);
    // THEN the calls eventually went through (the app is now deleting) and the sleeps grew exponentially
    expect(result).toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('ListAppsCommand')).toBe(3);
    expect(h.sagemaker.countOf('DeleteAppCommand')).toBe(2);
    expect(h.delays).toEqual([100, 200, 100]); // random() = 0 → half of 200·2^(n-1)
    expect(h.logs.filter((l) => l.action === 'throttled-retry')).toHaveLength(3);
  });

  test('persistent throttling reports incomplete instead of failing', async () => {
    // GIVEN SageMaker throttles every call
    const h = harness({ sagemaker: { DescribeDomainCommand: [always(throttling())] } });
    // WHEN one poll runs THEN it gives up after 5 tries and asks to be polled again
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DescribeDomainCommand')).toBe(5);
    expect(h.delays).toHaveLength(4);
    expect(h.delays.every((d, i) => i === 0 || d >= h.delays[i - 1])).toBe(true);
  });

  test('the backoff is capped and jittered', async () => {
    const client = new ScriptedClient({ XCommand: [throttling(), throttling(), throttling(), {}] });
    class XCommand { constructor(readonly input: unknown) {} }
    const clock = recordingSleep();
    await sendWithRetry(client, new XCommand({}), { sleep: clock.sleep, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 2500, log: () => {} });
    // delay in [d/2, d) with d = min(2500, 1000·2^(n-1)); random() = 0.5 → 3/4 of d
    expect(clock.delays).toEqual([750, 1500, 1875]);
  });

  describe('a domain whose create failed', () => {
    test('missing DomainId: complete at once, no calls', async () => {
      const h = harness();
      const e = domainEvent('Delete', { DomainId: undefined }, { PhysicalResourceId: 'cleanup-none' });
      await expect(domainCleanupIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
      expect(h.calls.calls).toHaveLength(0);
    });

    test('DescribeDomain says ResourceNotFound: complete', async () => {
      const h = harness({ sagemaker: { DescribeDomainCommand: [resourceNotFound(`Domain ${DOMAIN_ID} not found`)] } });
      await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
      expect(h.sagemaker.commandNames()).toEqual(['DescribeDomainCommand']);
    });

    test("ListApps says ValidationException 'does not exist': complete", async () => {
      const h = harness({
        sagemaker: {
          DescribeDomainCommand: [inService],
          ListAppsCommand: [validationError(`Domain ${DOMAIN_ID} does not exist`)],
        },
      });
      await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    });

    test('a physical id that is not ours: complete, no calls', async () => {
      const h = harness();
      const e = domainEvent('Delete', {}, { PhysicalResourceId: '2026/11/26/[$LATEST]abcdef' });
      await expect(domainCleanupIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
      expect(h.calls.calls).toHaveLength(0);
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// After the domain: the home EFS and the NFS security groups (cleanUpAfterDomain, one poll)
// ---------------------------------------------------------------------------------------------------

/**
 * One poll of the phases the domain cleanup runs once DeleteDomain has been sent: complete when they
 * are done. (Throttling is the poll wrapper's: it turns it into "not yet", see the domain cleanup.)
 */
async function afterDomainPoll(clients: Parameters<typeof cleanUpAfterDomain>[0], props: Record<string, unknown> = {}): Promise<{ IsComplete: boolean }> {
  const parsed = parseCleanupProperties({ DomainId: DOMAIN_ID, Mode: 'DESTROY', HomeEfsFileSystemId: FS_ID, VpcId: VPC_ID, ...props });
  return { IsComplete: (await cleanUpAfterDomain(clients, parsed)).phase === 'done' };
}

/** The two SageMaker NFS groups, each granting NFS to the other. */
function nfsGroups(withRules = true) {
  const ref = (id: string) => ({ GroupId: id, UserId: '111122223333', Description: 'NFS' });
  return {
    SecurityGroups: [
      {
        GroupId: SG_IN,
        GroupName: `security-group-for-inbound-nfs-${DOMAIN_ID}`,
        VpcId: VPC_ID,
        IpPermissions: withRules ? [
          { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [ref(SG_OUT)], IpRanges: [] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }], UserIdGroupPairs: [] },
        ] : [],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [] }],
      },
      {
        GroupId: SG_OUT,
        GroupName: `security-group-for-outbound-nfs-${DOMAIN_ID}`,
        VpcId: VPC_ID,
        IpPermissions: [],
        IpPermissionsEgress: withRules ? [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [ref(SG_IN)] }] : [],
      },
    ],
  };
}

const homeFs = (state = 'available') => ({ FileSystems: [{ FileSystemId: FS_ID, LifeCycleState: state, Tags: [OWNER_TAG] }] });
const domainGone: Script = { DescribeDomainCommand: [always(resourceNotFound(`Domain ${DOMAIN_ID} not found`))] };

describe('after the domain', () => {
  test('waits while the domain exists in any status, touching neither EFS nor EC2', async () => {
    // GIVEN a domain still InService, then Deleting
    const h = harness({
      sagemaker: { DescribeDomainCommand: [inService, { ...inService, Status: 'Deleting' }, { ...inService, Status: 'Pending' }] },
    });
    // WHEN polled THEN it keeps waiting
    for (let i = 0; i < 3; i++) {
      await expect(afterDomainPoll(h.clients)).resolves.toEqual({ IsComplete: false });
    }
    expect(h.calls.sequence()).toEqual(Array(3).fill('sagemaker:DescribeDomainCommand'));
    expect(h.sagemaker.inputsOf('DescribeDomainCommand')[0]).toEqual({ DomainId: DOMAIN_ID });
  });

  test('a domain in Delete_Failed fails the resource with its FailureReason', async () => {
    const h = harness({
      sagemaker: { DescribeDomainCommand: [{ ...inService, Status: 'Delete_Failed', FailureReason: 'User profiles still exist' }] },
    });
    await expect(afterDomainPoll(h.clients)).rejects.toThrow(/failed to delete: User profiles still exist/);
    expect(h.efs.calls).toHaveLength(0);
  });

  test('after the domain: mount targets, wait, file system, then both NFS security groups', async () => {
    // GIVEN the domain is gone, the home EFS has two pages of mount targets, and the NFS groups reference each other
    const h = harness({
      sagemaker: domainGone,
      efs: {
        DescribeFileSystemsCommand: [homeFs(), homeFs(), homeFs(), homeFs('deleting')],
        DescribeMountTargetsCommand: [
          // poll 1 (two pages)
          { MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: FS_ID, LifeCycleState: 'available' }], NextMarker: 'mt-2' },
          { MountTargets: [{ MountTargetId: 'fsmt-2', FileSystemId: FS_ID, LifeCycleState: 'available' }] },
          // poll 2: still deleting
          { MountTargets: [{ MountTargetId: 'fsmt-2', FileSystemId: FS_ID, LifeCycleState: 'deleting' }] },
          // poll 3: none left
          { MountTargets: [] },
        ],
        DeleteMountTargetCommand: [{}, {}],
        DeleteFileSystemCommand: [{}],
      },
      ec2: {
        DescribeSecurityGroupsCommand: [nfsGroups(), { SecurityGroups: [nfsGroups(false).SecurityGroups[0]] }],
        RevokeSecurityGroupIngressCommand: [{ Return: true }],
        RevokeSecurityGroupEgressCommand: [{ Return: true }],
        // poll 3: the inbound group's ENIs are still detaching; poll 4: it goes
        DeleteSecurityGroupCommand: [dependencyViolation(SG_IN), {}, {}],
      },
    });
    const poll = () => afterDomainPoll(h.clients);

    // WHEN poll 1 runs THEN both mount targets are deleted and the file system is left alone
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.efs.inputsOf('DescribeFileSystemsCommand')[0]).toEqual({ FileSystemId: FS_ID });
    expect(h.efs.inputsOf('DescribeMountTargetsCommand')).toEqual([{ FileSystemId: FS_ID }, { FileSystemId: FS_ID, Marker: 'mt-2' }]);
    expect(h.efs.inputsOf('DeleteMountTargetCommand')).toEqual([{ MountTargetId: 'fsmt-1' }, { MountTargetId: 'fsmt-2' }]);
    expect(h.efs.countOf('DeleteFileSystemCommand')).toBe(0);
    expect(h.ec2.calls).toHaveLength(0);

    // WHEN poll 2 runs with a mount target still deleting THEN it waits
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.efs.countOf('DeleteMountTargetCommand')).toBe(2);
    expect(h.efs.countOf('DeleteFileSystemCommand')).toBe(0);

    // WHEN poll 3 runs with no mount targets THEN the file system is deleted, the cross-references
    // revoked and both groups deleted; the DependencyViolation makes it wait
    await expect(poll()).resolves.toEqual({ IsComplete: false });
    expect(h.efs.inputsOf('DeleteFileSystemCommand')).toEqual([{ FileSystemId: FS_ID }]);
    expect(h.ec2.inputsOf('DescribeSecurityGroupsCommand')[0]).toEqual({
      Filters: [
        { Name: 'vpc-id', Values: [VPC_ID] },
        { Name: 'group-name', Values: [`security-group-for-inbound-nfs-${DOMAIN_ID}`, `security-group-for-outbound-nfs-${DOMAIN_ID}`] },
      ],
    });
    expect(h.ec2.inputsOf('RevokeSecurityGroupIngressCommand')).toEqual([{
      GroupId: SG_IN,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: SG_OUT, UserId: '111122223333' }] }],
    }]);
    expect(h.ec2.inputsOf('RevokeSecurityGroupEgressCommand')).toEqual([{
      GroupId: SG_OUT,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: SG_IN, UserId: '111122223333' }] }],
    }]);
    expect(h.ec2.inputsOf('DeleteSecurityGroupCommand')).toEqual([{ GroupId: SG_IN }, { GroupId: SG_OUT }]);

    // WHEN poll 4 runs (file system already deleting, only the inbound group left) THEN it completes
    await expect(poll()).resolves.toEqual({ IsComplete: true });
    expect(h.efs.countOf('DeleteFileSystemCommand')).toBe(1);
    expect(h.ec2.countOf('RevokeSecurityGroupIngressCommand')).toBe(1);
    expect(h.ec2.inputsOf('DeleteSecurityGroupCommand')).toEqual([{ GroupId: SG_IN }, { GroupId: SG_OUT }, { GroupId: SG_IN }]);

    // AND the destructive calls ran in dependency order
    expect(h.calls.sequence().filter((c) => /:(Delete|Revoke)/.test(c))).toEqual([
      'efs:DeleteMountTargetCommand', 'efs:DeleteMountTargetCommand',
      'efs:DeleteFileSystemCommand',
      'ec2:RevokeSecurityGroupIngressCommand', 'ec2:RevokeSecurityGroupEgressCommand',
      'ec2:DeleteSecurityGroupCommand', 'ec2:DeleteSecurityGroupCommand',
      'ec2:DeleteSecurityGroupCommand',
    ]);
    expect(h.efs.unusedReplies()).toEqual({});
    expect(h.ec2.unusedReplies()).toEqual({});
  });

  test('not-found anywhere after the domain is success', async () => {
    // GIVEN a mount target, revoked rules and security groups that are already gone
    const h = harness({
      sagemaker: domainGone,
      efs: {
        DescribeFileSystemsCommand: [homeFs()],
        DescribeMountTargetsCommand: [{ MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: FS_ID, LifeCycleState: 'available' }] }],
        DeleteMountTargetCommand: [mountTargetNotFound()],
        DeleteFileSystemCommand: [fileSystemNotFound()],
      },
      ec2: {
        DescribeSecurityGroupsCommand: [nfsGroups()],
        RevokeSecurityGroupIngressCommand: [awsError('InvalidPermission.NotFound', 'rule not found')],
        RevokeSecurityGroupEgressCommand: [securityGroupNotFound(SG_OUT)],
        DeleteSecurityGroupCommand: [securityGroupNotFound(SG_IN), securityGroupNotFound(SG_OUT)],
      },
    });
    // WHEN one poll runs THEN everything counts as deleted
    await expect(afterDomainPoll(h.clients)).resolves.toEqual({ IsComplete: true });
  });

  test('a file system that no longer exists skips straight to the security groups', async () => {
    const h = harness({
      sagemaker: domainGone,
      efs: { DescribeFileSystemsCommand: [fileSystemNotFound()] },
      ec2: { DescribeSecurityGroupsCommand: [{ SecurityGroups: [] }] },
    });
    await expect(afterDomainPoll(h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.efs.callsMatching(DESTRUCTIVE)).toHaveLength(0);
  });

  test('FileSystemInUse on DeleteFileSystem waits for the next poll', async () => {
    const h = harness({
      sagemaker: domainGone,
      efs: {
        DescribeFileSystemsCommand: [homeFs()],
        DescribeMountTargetsCommand: [{ MountTargets: [] }],
        DeleteFileSystemCommand: [awsError('FileSystemInUse', 'File system has mount targets', 409)],
      },
    });
    await expect(afterDomainPoll(h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.ec2.calls).toHaveLength(0);
  });

  test('without HomeEfsFileSystemId the home EFS is found by its SageMaker tag (paginated)', async () => {
    // GIVEN two pages of file systems, only one tagged for this domain; no VpcId either
    const h = harness({
      sagemaker: domainGone,
      efs: {
        DescribeFileSystemsCommand: [
          { FileSystems: [{ FileSystemId: 'fs-other', LifeCycleState: 'available', Tags: [{ ...OWNER_TAG, Value: `${DOMAIN_ARN}0` }] }], NextMarker: 'p2' },
          { FileSystems: [{ FileSystemId: FS_ID, LifeCycleState: 'available', Tags: [OWNER_TAG] }, { FileSystemId: 'fs-untagged', LifeCycleState: 'available', Tags: [] }] },
        ],
        DescribeMountTargetsCommand: [{ MountTargets: [] }],
        DeleteFileSystemCommand: [{}],
      },
      ec2: { DescribeSecurityGroupsCommand: [{ SecurityGroups: [] }] },
    });
    await expect(afterDomainPoll(h.clients, { HomeEfsFileSystemId: undefined, VpcId: undefined })).resolves.toEqual({ IsComplete: true });
    expect(h.efs.inputsOf('DescribeFileSystemsCommand')).toEqual([{}, { Marker: 'p2' }]);
    expect(h.efs.inputsOf('DeleteFileSystemCommand')).toEqual([{ FileSystemId: FS_ID }]);
    expect(h.ec2.inputsOf('DescribeSecurityGroupsCommand')[0].Filters).toEqual([
      { Name: 'group-name', Values: [`security-group-for-inbound-nfs-${DOMAIN_ID}`, `security-group-for-outbound-nfs-${DOMAIN_ID}`] },
    ]);
  });

  test('a file system tagged for another domain is never deleted', async () => {
    const h = harness({
      sagemaker: domainGone,
      efs: { DescribeFileSystemsCommand: [{ FileSystems: [{ FileSystemId: FS_ID, LifeCycleState: 'available', Tags: [{ ...OWNER_TAG, Value: 'arn:aws:sagemaker:eu-west-1:111122223333:domain/d-someoneelse' }] }] }] },
      ec2: { DescribeSecurityGroupsCommand: [{ SecurityGroups: [] }] },
    });
    await expect(afterDomainPoll(h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.efs.callsMatching(DESTRUCTIVE)).toHaveLength(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'skip-file-system', reason: 'tagged-for-another-domain' }));
  });

  test('persistent throttling (EC2 RequestLimitExceeded) is retried, then left to the poll wrapper', async () => {
    const h = harness({
      sagemaker: domainGone,
      efs: { DescribeFileSystemsCommand: [fileSystemNotFound()] },
      ec2: { DescribeSecurityGroupsCommand: [always(throttling('RequestLimitExceeded', 'Request limit exceeded.'))] },
    });
    // the poll retries it with backoff, then lets the wrapper report "not yet"
    await expect(afterDomainPoll(h.clients)).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(h.ec2.countOf('DescribeSecurityGroupsCommand')).toBe(5);
  });
});

// ---------------------------------------------------------------------------------------------------
// Custom::StudioDomainCleanup with DeleteDomain: the whole teardown by one resource
// ---------------------------------------------------------------------------------------------------

describe('StudioDomainCleanup with DeleteDomain (what StudioDomain deploys with DESTROY)', () => {
  const full = (o?: Partial<CustomResourceEvent>) =>
    domainEvent('Delete', { DeleteDomain: 'true', HomeEfsFileSystemId: FS_ID, VpcId: VPC_ID, StackUserProfiles: ['alice'], StackSpaces: ['lab'] }, o);

  test('empties the domain (stack profiles and spaces too), deletes it with its home EFS, then the NFS groups', async () => {
    // GIVEN a domain with the stack's own profile and space, whose deletion takes two polls
    const h = harness({
      sagemaker: {
        DescribeDomainCommand: [
          inService, inService, // polls 1-2: deleting the space, then the profile
          inService, inService, // poll 3: empty; DeleteDomain requested
          { ...inService, Status: 'Deleting' }, // poll 3: waiting for the domain to go
          { ...inService, Status: 'Deleting' }, { ...inService, Status: 'Deleting' }, { ...inService, Status: 'Deleting' }, // poll 4
          always(resourceNotFound(`Domain ${DOMAIN_ID} not found`)), // poll 5: gone
        ],
        ListAppsCommand: [always({ Apps: [] })],
        ListSpacesCommand: [{ Spaces: [space('lab')] }, always({ Spaces: [] })],
        ListUserProfilesCommand: [{ UserProfiles: [profile('alice')] }, always({ UserProfiles: [] })],
        DeleteSpaceCommand: [{}],
        DeleteUserProfileCommand: [{}],
        DeleteDomainCommand: [{}],
      },
      efs: {
        DescribeFileSystemsCommand: [always(fileSystemNotFound(FS_ID))],
        DescribeMountTargetsCommand: [always(fileSystemNotFound(FS_ID))],
      },
      ec2: {
        DescribeSecurityGroupsCommand: [nfsGroups(false), always({ SecurityGroups: [] })],
        DeleteSecurityGroupCommand: [{}, {}],
      },
    });
    const poll = () => domainCleanupIsComplete(full(), h.clients);
    // WHEN polled until complete
    const results = [];
    for (let i = 0; i < 8; i++) {
      const r = await poll();
      results.push(r.IsComplete);
      if (r.IsComplete) break;
    }
    // THEN it finished, deleted the stack's space and profile, asked SageMaker to delete the EFS, and the groups
    expect(results[results.length - 1]).toBe(true);
    expect(h.sagemaker.inputsOf('DeleteSpaceCommand')).toEqual([{ DomainId: DOMAIN_ID, SpaceName: 'lab' }]);
    expect(h.sagemaker.inputsOf('DeleteUserProfileCommand')).toEqual([{ DomainId: DOMAIN_ID, UserProfileName: 'alice' }]);
    expect(h.sagemaker.inputsOf('DeleteDomainCommand')).toEqual([{ DomainId: DOMAIN_ID, RetentionPolicy: { HomeEfsFileSystem: 'Delete' } }]);
    expect(h.ec2.countOf('DeleteSecurityGroupCommand')).toBe(2);
    const order = h.calls.sequence().filter((c) => DESTRUCTIVE.test(c.split(':')[1]));
    expect(order.indexOf('sagemaker:DeleteDomainCommand')).toBeGreaterThan(order.indexOf('sagemaker:DeleteUserProfileCommand'));
    expect(order.indexOf('ec2:DeleteSecurityGroupCommand')).toBeGreaterThan(order.indexOf('sagemaker:DeleteDomainCommand'));
  });

  test('DeleteDomain answering ResourceInUse is retried on the next poll, not failed', async () => {
    const h = harness({
      sagemaker: { ...emptyDomain, DeleteDomainCommand: [awsError('ResourceInUse', 'apps still deleting'), {}] },
    });
    await expect(domainCleanupIsComplete(full(), h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(domainCleanupIsComplete(full(), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DeleteDomainCommand')).toBe(2);
  });

  test('a domain that is already gone (its create failed) goes straight to the leftovers and succeeds', async () => {
    const h = harness({
      sagemaker: domainGone,
      efs: { DescribeFileSystemsCommand: [always(fileSystemNotFound(FS_ID))], DescribeMountTargetsCommand: [always(fileSystemNotFound(FS_ID))] },
      ec2: { DescribeSecurityGroupsCommand: [always({ SecurityGroups: [] })] },
    });
    await expect(domainCleanupIsComplete(full(), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.calls.sequence().some((c) => DESTRUCTIVE.test(c.split(':')[1]))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// Permanent refusals, poll deadlines and transient errors
// ---------------------------------------------------------------------------------------------------

describe('StudioDomainCleanup: a teardown that always ends', () => {
  test('a Failed app whose DeleteApp is refused (ValidationException) is left behind, named in the log, and the teardown moves on', async () => {
    // GIVEN a Failed app that SageMaker refuses to delete, and a space to delete after it
    const refusal = 'App JupyterLab broken of user profile alice is in Failed state and cannot be deleted';
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [always({ Apps: [app('broken', 'Failed', { UserProfileName: 'alice' })] })],
        DeleteAppCommand: [validationError(refusal)],
        ListSpacesCommand: [{ Spaces: [space('shared')] }, always({ Spaces: [] })],
        DeleteSpaceCommand: [{}],
      },
    });
    // WHEN polled THEN the first poll already reaches the spaces, the second completes
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DeleteSpaceCommand')).toBe(1);
    // (the next poll lists the Failed app again but does not wait for it: the Delete is re-sent once and refused again)
    h.sagemaker.on('DeleteAppCommand', validationError(refusal));
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.logs).toContainEqual(expect.objectContaining({
      action: 'DeleteApp', appName: 'broken', appType: 'JupyterLab', UserProfileName: 'alice', status: 'Failed',
      result: 'refused-left-behind', error: `ValidationException: ${refusal}`,
    }));
  });

  test('a ValidationException on an app that is not Failed is still "not now" (it is transitioning)', async () => {
    const h = harness({
      sagemaker: {
        ...emptyDomain,
        ListAppsCommand: [always({ Apps: [app('starting', 'Pending', { UserProfileName: 'alice' })] })],
        DeleteAppCommand: [always(validationError('App is in Pending state'))],
      },
    });
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('ListSpacesCommand')).toBe(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DeleteApp', appName: 'starting', result: 'retry-next-poll' }));
  });

  /**
   * 180 apps; every DeleteApp is throttled 4 times before it is accepted (1.5 s of backoff) and every
   * call takes 250 ms on a fake clock that the injected sleep advances. An accepted app is listed as
   * Deleted from the next poll on.
   */
  function throttledDomain(apps = 180) {
    let clock = 0;
    const names = Array.from({ length: apps }, (_, i) => `app${i}`);
    const accepted = new Set<string>();
    const tick = <T>(reply: T) => () => { clock += 250; return reply; };
    const attempts = new Map<string, number>();
    const h = harness({
      sagemaker: {
        DescribeDomainCommand: [always(tick(inService))],
        ListAppsCommand: [always((input: { NextToken?: string }) => {
          clock += 250;
          const start = input.NextToken ? Number(input.NextToken) : 0;
          const page = names.slice(start, start + 100).map((n) => app(n, accepted.has(n) ? 'Deleted' : 'InService', { UserProfileName: 'alice' }));
          return { Apps: page, ...(start + 100 < names.length ? { NextToken: String(start + 100) } : {}) };
        })],
        DeleteAppCommand: [always((input: { AppName: string }) => {
          clock += 250;
          const n = (attempts.get(input.AppName) ?? 0) + 1;
          attempts.set(input.AppName, n);
          if (n % 5 !== 0) return throttling();
          accepted.add(input.AppName);
          return {};
        })],
        ListSpacesCommand: [always(tick({ Spaces: [] }))],
        ListUserProfilesCommand: [always(tick({ UserProfiles: [] }))],
      },
    });
    const clients = { ...h.clients, now: () => clock, sleep: async (ms: number) => { clock += ms; } };
    return { h, clients, accepted, now: () => clock };
  }

  test('a poll stops at its deadline and answers "not yet"; later polls carry on until every app is gone', async () => {
    // GIVEN 180 apps under sustained throttling: about 1.75 s each, over 5 minutes in all
    const { h, clients, accepted, now } = throttledDomain();
    // WHEN the Provider framework polls until complete
    const results: boolean[] = [];
    const durations: number[] = [];
    for (let i = 0; i < 20 && !results.includes(true); i++) {
      const start = now();
      results.push((await domainCleanupIsComplete(domainEvent('Delete'), clients)).IsComplete);
      durations.push(now() - start);
    }
    // THEN no poll ran past the 90 s budget by more than one throttled call, the first ones said "not yet"
    // with the reason logged, and the teardown completed with every app deleted exactly once
    expect(durations.every((d) => d <= 90_000 + 5_000)).toBe(true);
    expect(results.slice(0, 2)).toEqual([false, false]);
    expect(results[results.length - 1]).toBe(true);
    expect(accepted.size).toBe(180);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'poll', result: 'deadline-reached', where: 'deletions' }));
    expect(h.logs.filter((l) => l.result === 'failed')).toEqual([]);
  });

  test("the deadline follows the Lambda's remaining time when that is shorter than the budget", async () => {
    // GIVEN 100 s left in the invocation: the poll keeps 60 s back and works for 40 s at most
    const { clients, now } = throttledDomain();
    const start = now();
    await expect(domainCleanupIsComplete(domainEvent('Delete'), { ...clients, remainingTimeMs: () => 100_000 }))
      .resolves.toEqual({ IsComplete: false });
    expect(now() - start).toBeGreaterThanOrEqual(40_000);
    expect(now() - start).toBeLessThanOrEqual(40_000 + 5_000);
  });

  test.each([
    ['a 500 InternalFailure', () => awsError('InternalFailure', 'We encountered an internal error', 500)],
    ['a 503 ServiceUnavailable', () => awsError('ServiceUnavailable', 'Service unavailable', 503)],
    ['an SDK TimeoutError', () => Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' })],
    ['a connection reset', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('%s on ListApps is "not yet", and the next poll carries on', async (_what, transient) => {
    // GIVEN ListApps fails transiently once, then lists nothing
    const h = harness({ sagemaker: { ...emptyDomain, ListAppsCommand: [transient(), always({ Apps: [] })] } });
    // WHEN polled twice THEN the first poll says "not yet" (logged), the second completes
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'poll', result: 'transient-error' }));
    await expect(domainCleanupIsComplete(domainEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
  });

  test('a transient error after the domain (EFS 500) is "not yet" too', async () => {
    const h = harness({
      sagemaker: { DescribeDomainCommand: [always(resourceNotFound())] },
      efs: { DescribeFileSystemsCommand: [awsError('InternalServerError', 'internal', 500)] },
    });
    const e = domainEvent('Delete', { DeleteDomain: 'true', HomeEfsFileSystemId: FS_ID, VpcId: VPC_ID });
    await expect(domainCleanupIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: false });
  });
});
