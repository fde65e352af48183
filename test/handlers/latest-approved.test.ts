import {
  LATEST_APPROVED_RESOURCE_TYPE,
  groupNameOf,
  latestApprovedData,
  latestApprovedOnEvent,
  latestApprovedPhysicalId,
  listApprovedRequest,
  noApprovedVersionMessage,
  parseLatestApprovedProperties,
} from '../../constructs/registry/handlers/latest-approved';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import { expectValidSageMakerCalls, validateSageMakerRequest } from '../support/sagemaker-api';
import {
  Script,
  ScriptedClient,
  accessDenied,
  awsError,
  testRuntime,
  resourceNotFound,
  throttling,
  validationError,
} from '../support/scripted-client';

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const REGION = 'eu-west-1';
const GROUP = 'churn-models';
const GROUP_ARN = `arn:aws:sagemaker:${REGION}:${OTHER_ACCOUNT}:model-package-group/${GROUP}`;
const packageArn = (version: number, account = ACCOUNT) => `arn:aws:sagemaker:${REGION}:${account}:model-package/${GROUP}/${version}`;
const IMAGE = `763104351884.dkr.ecr.${REGION}.amazonaws.com/xgboost:1.7-1`;
const MODEL_DATA = 's3://data-bucket/models/churn-7/output/model.tar.gz';

const LIST_INPUT = {
  ModelPackageGroupName: GROUP,
  ModelApprovalStatus: 'Approved',
  SortBy: 'CreationTime',
  SortOrder: 'Descending',
  MaxResults: 1,
};

/** `<group>/<version>/<12 hex>`. */
const idOf = (version: number) => new RegExp(`^${GROUP}/${version}/[0-9a-f]{12}$`);

function event(requestType: RequestType, props: Record<string, unknown> = {}, overrides: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: LATEST_APPROVED_RESOURCE_TYPE,
    LogicalResourceId: 'Latest',
    RequestId: 'req-1',
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Test/1`,
    PhysicalResourceId: requestType === 'Create' ? undefined : `${GROUP}/6`,
    ResourceProperties: { ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:provider`, ModelPackageGroupName: GROUP, ...props },
    ...overrides,
  };
}

function summary(version: number, account = ACCOUNT) {
  return {
    ModelPackageGroupName: GROUP,
    ModelPackageVersion: version,
    ModelPackageArn: packageArn(version, account),
    CreationTime: new Date('2024-05-01T10:00:00Z'),
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: 'Approved',
  };
}

function described(version: number, account = ACCOUNT, containers: unknown[] = [{ Image: IMAGE, ModelDataUrl: MODEL_DATA }, { Image: 'second:latest' }]) {
  return {
    ModelPackageName: GROUP,
    ModelPackageGroupName: GROUP,
    ModelPackageVersion: version,
    ModelPackageArn: packageArn(version, account),
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: 'Approved',
    InferenceSpecification: { Containers: containers, SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
  };
}

function harness(script: Script = {}) {
  const sagemaker = new ScriptedClient(script, { name: 'sagemaker' });
  const rt = testRuntime();
  return { sagemaker, delays: rt.delays, logs: rt.logs, clients: { sagemaker, ...rt.options } };
}

/** Every ListModelPackages and DescribeModelPackage request must be acceptable to the SageMaker API (botocore model). */
function expectValidRequests(sagemaker: ScriptedClient): void {
  expectValidSageMakerCalls(sagemaker.calls.filter((c) => c.command === 'ListModelPackagesCommand' || c.command === 'DescribeModelPackageCommand'));
}

// ---------------------------------------------------------------------------------------------------
// Pure parts
// ---------------------------------------------------------------------------------------------------

describe('properties and ids', () => {
  test('parses the group and the optional nonce', () => {
    expect(parseLatestApprovedProperties({ ModelPackageGroupName: ` ${GROUP} `, Nonce: 'build-42' })).toEqual({ modelPackageGroupName: GROUP, nonce: 'build-42' });
    expect(parseLatestApprovedProperties({})).toEqual({ modelPackageGroupName: undefined, nonce: undefined });
    expect(parseLatestApprovedProperties(undefined)).toEqual({ modelPackageGroupName: undefined, nonce: undefined });
  });

  test('the physical id is <group name>/<version>, for a name or a group ARN', () => {
    expect(latestApprovedPhysicalId(GROUP, '7')).toBe(`${GROUP}/7`);
    expect(latestApprovedPhysicalId(GROUP_ARN, '7')).toBe(`${GROUP}/7`);
    expect(groupNameOf(GROUP_ARN)).toBe(GROUP);
    expect(groupNameOf(GROUP)).toBe(GROUP);
  });

  test('the list request is valid for the SageMaker API, by name and by ARN, with and without a token', () => {
    expect(listApprovedRequest(GROUP)).toEqual(LIST_INPUT);
    for (const request of [listApprovedRequest(GROUP), listApprovedRequest(GROUP_ARN, 'tok-2')]) {
      expect(validateSageMakerRequest('ListModelPackages', request)).toEqual([]);
    }
  });

  test('Data: first container; empty strings for what the package lacks', () => {
    expect(latestApprovedData(described(7) as never, 'fallback')).toEqual({ ModelPackageArn: packageArn(7), ModelPackageVersion: '7', ModelDataUrl: MODEL_DATA, Image: IMAGE });
    expect(latestApprovedData({ ...described(7, ACCOUNT, [{ Image: IMAGE }]) } as never, 'fallback')).toEqual({ ModelPackageArn: packageArn(7), ModelPackageVersion: '7', ModelDataUrl: '', Image: IMAGE });
    expect(latestApprovedData({ $metadata: {} } as never, 'fallback')).toEqual({ ModelPackageArn: 'fallback', ModelPackageVersion: '', ModelDataUrl: '', Image: '' });
  });
});

// ---------------------------------------------------------------------------------------------------
// Create / Update
// ---------------------------------------------------------------------------------------------------

describe('create and update', () => {
  test('GIVEN approved versions WHEN Create THEN lists the newest Approved with the exact input, describes it and returns <group>/<version> and Data', async () => {
    // GIVEN
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(7)], NextToken: 'more' }], DescribeModelPackageCommand: [described(7)] });
    // WHEN
    const res = await latestApprovedOnEvent(event('Create'), h.clients);
    // THEN
    expect(res).toEqual({
      PhysicalResourceId: expect.stringMatching(idOf(7)),
      Data: { ModelPackageArn: packageArn(7), ModelPackageVersion: '7', ModelDataUrl: MODEL_DATA, Image: IMAGE },
    });
    expect(h.sagemaker.commandNames()).toEqual(['ListModelPackagesCommand', 'DescribeModelPackageCommand']);
    expect(h.sagemaker.inputsOf('ListModelPackagesCommand')).toEqual([LIST_INPUT]);
    expect(h.sagemaker.inputsOf('DescribeModelPackageCommand')).toEqual([{ ModelPackageName: packageArn(7) }]);
    expectValidRequests(h.sagemaker);
    expect(h.delays).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ resource: 'SageMakerLatestApprovedModelPackage', result: 'resolved', modelPackageVersion: '7' }));
  });

  test('GIVEN a newer approved version WHEN Update (nonce changed) THEN the physical id changes to the new version', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(8)] }], DescribeModelPackageCommand: [described(8)] });
    const res = await latestApprovedOnEvent(event('Update', { Nonce: 'v8' }, { OldResourceProperties: { ModelPackageGroupName: GROUP, Nonce: 'v7' } }), h.clients);
    expect(res.PhysicalResourceId).toMatch(idOf(8));
    expect(res.Data?.ModelPackageVersion).toBe('8');
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'resolved', nonce: 'v8', previousPhysicalResourceId: `${GROUP}/6`, versionChanged: true }));
  });

  test('GIVEN the same approved version WHEN Update (new nonce) THEN the same version, under an id that follows the properties', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(6)] }], DescribeModelPackageCommand: [described(6)] });
    const res = await latestApprovedOnEvent(event('Update', { Nonce: 'again' }), h.clients);
    expect(res.PhysicalResourceId).toMatch(idOf(6));
    expect(res.Data?.ModelPackageVersion).toBe('6');
  });

  test('GIVEN a group ARN (shared from another account) WHEN Create THEN lists by ARN and the id still names the group', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(3, OTHER_ACCOUNT)] }], DescribeModelPackageCommand: [described(3, OTHER_ACCOUNT)] });
    const res = await latestApprovedOnEvent(event('Create', { ModelPackageGroupName: GROUP_ARN }), h.clients);
    expect(h.sagemaker.inputsOf('ListModelPackagesCommand')).toEqual([{ ...LIST_INPUT, ModelPackageGroupName: GROUP_ARN }]);
    expect(res.PhysicalResourceId).toMatch(idOf(3));
    expect(res.Data?.ModelPackageArn).toBe(packageArn(3, OTHER_ACCOUNT));
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN an empty page with a NextToken WHEN Create THEN follows the token with the same filters', async () => {
    const h = harness({
      ListModelPackagesCommand: [{ ModelPackageSummaryList: [], NextToken: 'tok-2' }, { ModelPackageSummaryList: [], NextToken: 'tok-3' }, { ModelPackageSummaryList: [summary(5)] }],
      DescribeModelPackageCommand: [described(5)],
    });
    const res = await latestApprovedOnEvent(event('Create'), h.clients);
    expect(h.sagemaker.inputsOf('ListModelPackagesCommand')).toEqual([LIST_INPUT, { ...LIST_INPUT, NextToken: 'tok-2' }, { ...LIST_INPUT, NextToken: 'tok-3' }]);
    expect(res.PhysicalResourceId).toMatch(idOf(5));
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN no approved version WHEN Create THEN fails saying how to approve one', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [] }], DescribeModelPackageGroupCommand: [{ ModelPackageGroupName: GROUP }] });
    await expect(latestApprovedOnEvent(event('Create'), h.clients)).rejects.toThrow(
      `No Approved model package in group ${GROUP} yet: approve a version (UpdateModelPackage ModelApprovalStatus=Approved) and deploy again`,
    );
    expect(h.sagemaker.commandNames()).toEqual(['ListModelPackagesCommand', 'DescribeModelPackageGroupCommand']);
    expect(h.sagemaker.inputsOf('DescribeModelPackageGroupCommand')).toEqual([{ ModelPackageGroupName: GROUP }]);
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'none-approved' }));
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN no approved version and the group cannot be described WHEN Update THEN the no-approved message stands', async () => {
    const h = harness({ ListModelPackagesCommand: [{}], DescribeModelPackageGroupCommand: [accessDenied()] });
    await expect(latestApprovedOnEvent(event('Update'), h.clients)).rejects.toThrow(noApprovedVersionMessage(GROUP));
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DescribeModelPackageGroup', result: 'failed-ignored' }));
  });

  test('GIVEN no approved version in a group named by ARN THEN the message names the group', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [] }], DescribeModelPackageGroupCommand: [{}] });
    await expect(latestApprovedOnEvent(event('Create', { ModelPackageGroupName: GROUP_ARN }), h.clients)).rejects.toThrow(`No Approved model package in group ${GROUP} yet`);
  });

  test.each([
    ['the list is empty and DescribeModelPackageGroup says it does not exist', { ListModelPackagesCommand: [{ ModelPackageSummaryList: [] }], DescribeModelPackageGroupCommand: [validationError(`ModelPackageGroup arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package-group/${GROUP} does not exist.`)] }],
    ['the list fails with ResourceNotFound', { ListModelPackagesCommand: [resourceNotFound(`Model package group ${GROUP} not found`)] }],
    ['the list fails with a "does not exist" ValidationException', { ListModelPackagesCommand: [validationError(`Model Package Group ${GROUP} does not exist`)] }],
  ] as Array<[string, Script]>)('GIVEN a missing group (%s) WHEN Create THEN fails clearly', async (_case, script) => {
    const h = harness(script);
    await expect(latestApprovedOnEvent(event('Create'), h.clients)).rejects.toThrow(new RegExp(`^Model package group ${GROUP} does not exist \\(or is not shared with this account\\): create it`));
    expect(h.sagemaker.countOf('DescribeModelPackageCommand')).toBe(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'group-not-found' }));
  });

  test('GIVEN throttling WHEN Create THEN list and describe are retried with backoff', async () => {
    const h = harness({
      ListModelPackagesCommand: [throttling(), throttling('TooManyRequestsException'), { ModelPackageSummaryList: [summary(7)] }],
      DescribeModelPackageCommand: [throttling(), described(7)],
    });
    const res = await latestApprovedOnEvent(event('Create'), h.clients);
    expect(res.PhysicalResourceId).toMatch(idOf(7));
    expect(h.sagemaker.countOf('ListModelPackagesCommand')).toBe(3);
    expect(h.sagemaker.countOf('DescribeModelPackageCommand')).toBe(2);
    expect(h.delays).toEqual([100, 200, 100]);
    expect(h.logs.filter((e) => e.action === 'throttled-retry')).toHaveLength(3);
  });

  test('GIVEN throttling past the retries WHEN Create THEN fails with the throttling error', async () => {
    const h = harness({ ListModelPackagesCommand: Array.from({ length: 5 }, () => throttling()) });
    await expect(latestApprovedOnEvent(event('Create'), h.clients)).rejects.toThrow('Rate exceeded');
    expect(h.sagemaker.countOf('ListModelPackagesCommand')).toBe(5);
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'list-failed' }));
  });

  test('GIVEN access denied on describe WHEN Create THEN the error is rethrown', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(7)] }], DescribeModelPackageCommand: [accessDenied()] });
    await expect(latestApprovedOnEvent(event('Create'), h.clients)).rejects.toThrow(/not authorized/);
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'describe-failed' }));
  });

  test('GIVEN a package without inference containers THEN ModelDataUrl and Image are empty strings (GetAtt still resolves)', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(2)] }], DescribeModelPackageCommand: [{ ...described(2), InferenceSpecification: undefined }] });
    const res = await latestApprovedOnEvent(event('Create'), h.clients);
    expect(res.Data).toEqual({ ModelPackageArn: packageArn(2), ModelPackageVersion: '2', ModelDataUrl: '', Image: '' });
  });

  test('GIVEN a describe without a version THEN the version comes from the ARN', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(9)] }], DescribeModelPackageCommand: [{ ...described(9), ModelPackageVersion: undefined }] });
    const res = await latestApprovedOnEvent(event('Create'), h.clients);
    expect(res.PhysicalResourceId).toMatch(idOf(9));
    expect(res.Data?.ModelPackageVersion).toBe('9');
  });

  test('GIVEN no ModelPackageGroupName WHEN Create THEN fails before any call', async () => {
    const h = harness();
    await expect(latestApprovedOnEvent(event('Create', { ModelPackageGroupName: ' ' }), h.clients)).rejects.toThrow(`${LATEST_APPROVED_RESOURCE_TYPE}: missing ModelPackageGroupName`);
    expect(h.sagemaker.calls).toEqual([]);
  });

  test('other errors are rethrown as they are', async () => {
    const h = harness({ ListModelPackagesCommand: [awsError('InternalFailure', 'boom', 500)] });
    await expect(latestApprovedOnEvent(event('Create'), h.clients)).rejects.toThrow('boom');
  });
});

// ---------------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------------

describe('delete', () => {
  test.each([
    [`${GROUP}/6`, `${GROUP}/6`],
    [undefined, 'req-1'],
  ])('GIVEN physical id %s WHEN Delete THEN nothing is called and the id is returned', async (id, expected) => {
    const h = harness();
    const res = await latestApprovedOnEvent(event('Delete', {}, { PhysicalResourceId: id }), h.clients);
    expect(res).toEqual({ PhysicalResourceId: expected });
    expect(h.sagemaker.calls).toEqual([]);
  });

  test('GIVEN a group that no longer exists WHEN Delete THEN success without any call', async () => {
    const h = harness({ ListModelPackagesCommand: [resourceNotFound()] });
    await expect(latestApprovedOnEvent(event('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: `${GROUP}/6` });
    expect(h.sagemaker.calls).toEqual([]);
  });
});

describe('rollback of an update (CloudFormation brings back the previous properties and physical id)', () => {
  const props7 = { Nonce: 'v7' };
  const props8 = { Nonce: 'v8' };
  const full = (p: Record<string, unknown>) => ({ ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:provider`, ModelPackageGroupName: GROUP, ...p });

  test('GIVEN version 7 deployed, an update resolved 8, and the stack rolls back WHEN the rollback Update comes THEN version 7 is restored, not the newest', async () => {
    // the forward update: 7 -> 8
    const forward = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(8)] }], DescribeModelPackageCommand: [described(8)] });
    const created = latestApprovedPhysicalId(GROUP, '7', full(props7));
    const res8 = await latestApprovedOnEvent(event('Update', props8, { PhysicalResourceId: created, OldResourceProperties: full(props7) }), forward.clients);
    expect(res8.PhysicalResourceId).toMatch(idOf(8));
    // the rollback: the old properties and the old physical id
    const h = harness({
      ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(9), summary(8)], NextToken: 'p2' }, { ModelPackageSummaryList: [summary(7), summary(6)] }],
      DescribeModelPackageCommand: [described(7)],
    });
    const res = await latestApprovedOnEvent(event('Update', props7, { PhysicalResourceId: created, OldResourceProperties: full(props8) }), h.clients);
    expect(res.PhysicalResourceId).toBe(created);
    expect(res.Data?.ModelPackageVersion).toBe('7');
    expect(h.sagemaker.inputsOf('DescribeModelPackageCommand')).toEqual([{ ModelPackageName: packageArn(7) }]);
    // every version listed, not only Approved ones (what was deployed is restored)
    expect(h.sagemaker.inputsOf('ListModelPackagesCommand')[0]).toEqual({ ModelPackageGroupName: GROUP, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'restored-previous-version', modelPackageVersion: '7' }));
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN the version to restore was deleted WHEN the rollback Update comes THEN it fails saying so', async () => {
    const created = latestApprovedPhysicalId(GROUP, '7', full(props7));
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(8)] }] });
    await expect(latestApprovedOnEvent(event('Update', props7, { PhysicalResourceId: created, OldResourceProperties: full(props8) }), h.clients))
      .rejects.toThrow(/rolling back to version 7 of group churn-models, which no longer exists/);
  });

  test('GIVEN an id of the earlier <group>/<version> form WHEN Update THEN the newest Approved version (no rollback detection)', async () => {
    const h = harness({ ListModelPackagesCommand: [{ ModelPackageSummaryList: [summary(8)] }], DescribeModelPackageCommand: [described(8)] });
    const res = await latestApprovedOnEvent(event('Update', props7, { PhysicalResourceId: `${GROUP}/7` }), h.clients);
    expect(res.Data?.ModelPackageVersion).toBe('8');
  });
});
