import {
  DATA_SEED_RESOURCE_TYPE,
  OWNER_TAG_KEY,
  copySource,
  dataSeedOnEvent,
  parseDataSeedProperties,
  parseS3Uri,
  seedOwner,
} from '../../constructs/data/handlers/data-seed';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import { Script, ScriptedClient, accessDenied, always, awsError, testRuntime, throttling } from '../support/scripted-client';

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const STAGING = 'cdk-hnb659fds-assets-111122223333-eu-west-1';
const ASSET_KEY = '4f1e5d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e.csv';
const DATA_BUCKET = 'stack-databucket-1a2b3c';
const DEST_KEY = 'seed/train/iris.csv';
const PHYSICAL_ID = `s3://${DATA_BUCKET}/${DEST_KEY}`;

function props(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
    SourceBucket: STAGING,
    SourceKey: ASSET_KEY,
    DestinationBucket: DATA_BUCKET,
    DestinationKey: DEST_KEY,
    RemoveOnDelete: 'false',
    ...overrides,
  };
}

function event(requestType: RequestType, properties: Record<string, unknown> = props(), overrides: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: DATA_SEED_RESOURCE_TYPE,
    LogicalResourceId: 'Seed',
    RequestId: 'req-1',
    StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Test/1',
    PhysicalResourceId: requestType === 'Create' ? undefined : PHYSICAL_ID,
    ResourceProperties: properties,
    ...overrides,
  };
}

function harness(script: Script = {}) {
  const s3 = new ScriptedClient(script, { name: 's3' });
  const rt = testRuntime();
  return { s3, delays: rt.delays, logs: rt.logs, clients: { s3, ...rt.options } };
}

const copied = { CopyObjectResult: { ETag: '"abc"', ChecksumSHA256: 'q1w2e3=' } };

/** The owner tag of the resource the fixtures' events describe (stack Test/1, logical id Seed). */
const OWNER = seedOwner({ StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Test/1', LogicalResourceId: 'Seed' })!;
const ours = { TagSet: [{ Key: 'team', Value: 'ml' }, { Key: OWNER_TAG_KEY, Value: OWNER }] };
const untagged = { TagSet: [] };

// ---------------------------------------------------------------------------------------------------
// Properties and helpers
// ---------------------------------------------------------------------------------------------------

describe('properties', () => {
  test('RemoveOnDelete is true only for "true" (any case)', () => {
    expect(parseDataSeedProperties(props({ RemoveOnDelete: 'true' })).removeOnDelete).toBe(true);
    expect(parseDataSeedProperties(props({ RemoveOnDelete: 'TRUE' })).removeOnDelete).toBe(true);
    expect(parseDataSeedProperties(props({ RemoveOnDelete: 'false' })).removeOnDelete).toBe(false);
    expect(parseDataSeedProperties(props({ RemoveOnDelete: undefined })).removeOnDelete).toBe(false);
  });

  test('copySource URL-encodes the key segment by segment', () => {
    expect(copySource('b', 'a/b c/d+e#f?.csv')).toBe('b/a/b%20c/d%2Be%23f%3F.csv');
    expect(copySource('b', 'données/x=1.csv')).toBe('b/donn%C3%A9es/x%3D1.csv');
  });

  test('parseS3Uri reads s3://bucket/key and nothing else', () => {
    expect(parseS3Uri(PHYSICAL_ID)).toEqual({ bucket: DATA_BUCKET, key: DEST_KEY });
    expect(parseS3Uri('s3://b/a/b/')).toEqual({ bucket: 'b', key: 'a/b/' });
    expect(parseS3Uri('s3://bucket-only')).toBeUndefined();
    expect(parseS3Uri('s3://b/')).toBeUndefined();
    expect(parseS3Uri('arn:aws:s3:::b/k')).toBeUndefined();
    expect(parseS3Uri(undefined)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// Create / Update
// ---------------------------------------------------------------------------------------------------

describe('create and update', () => {
  test('GIVEN an asset WHEN Create THEN CopyObject with the exact input and the s3:// URI as physical id', async () => {
    // GIVEN
    const h = harness({ CopyObjectCommand: [copied] });
    // WHEN
    const res = await dataSeedOnEvent(event('Create'), h.clients);
    // THEN
    expect(res).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.commandNames()).toEqual(['CopyObjectCommand']);
    expect(h.s3.inputsOf('CopyObjectCommand')).toEqual([{
      CopySource: `${STAGING}/${ASSET_KEY}`,
      Bucket: DATA_BUCKET,
      Key: DEST_KEY,
      ChecksumAlgorithm: 'SHA256',
      // the copy names its owner, so a Delete of another resource never removes it
      TaggingDirective: 'REPLACE',
      Tagging: `sagemaker-constructs%3Adata-seed=${OWNER}`,
    }]);
    expect(h.logs).toEqual([expect.objectContaining({ resource: 'SageMakerDataSeed', action: 'CopyObject', destination: PHYSICAL_ID, result: 'copied' })]);
  });

  test('GIVEN a source key with special characters WHEN Create THEN CopySource is URL-encoded', async () => {
    const h = harness({ CopyObjectCommand: [copied] });
    await dataSeedOnEvent(event('Create', props({ SourceKey: 'assets/my file+1.csv' })), h.clients);
    expect(h.s3.inputsOf('CopyObjectCommand')[0].CopySource).toBe(`${STAGING}/assets/my%20file%2B1.csv`);
  });

  test('GIVEN a new destination WHEN Update THEN it copies there and returns the new id (CloudFormation deletes the old one)', async () => {
    const h = harness({ CopyObjectCommand: [copied] });
    const res = await dataSeedOnEvent(event('Update', props({ DestinationKey: 'seed/v2/iris.csv' }), { OldResourceProperties: props() }), h.clients);
    expect(res).toEqual({ PhysicalResourceId: `s3://${DATA_BUCKET}/seed/v2/iris.csv` });
    expect(h.s3.inputsOf('CopyObjectCommand')).toEqual([expect.objectContaining({ Bucket: DATA_BUCKET, Key: 'seed/v2/iris.csv' })]);
    expect(h.s3.countOf('DeleteObjectCommand')).toBe(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ requestType: 'Update', previousDestination: PHYSICAL_ID, destinationChanged: true }));
  });

  test('GIVEN a new asset at the same destination WHEN Update THEN it copies over it and keeps the id', async () => {
    const h = harness({ CopyObjectCommand: [copied] });
    const res = await dataSeedOnEvent(event('Update', props({ SourceKey: 'new-hash.csv' })), h.clients);
    expect(res).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.inputsOf('CopyObjectCommand')[0].CopySource).toBe(`${STAGING}/new-hash.csv`);
  });

  test('GIVEN missing properties WHEN Create THEN it fails before any call', async () => {
    const h = harness();
    await expect(dataSeedOnEvent(event('Create', props({ SourceKey: undefined, DestinationBucket: ' ' })), h.clients))
      .rejects.toThrow('Custom::SageMakerDataSeed: missing SourceKey, DestinationBucket');
    expect(h.s3.calls).toEqual([]);
  });

  test('GIVEN S3 slows down WHEN Create THEN the copy is retried with backoff', async () => {
    const h = harness({ CopyObjectCommand: [awsError('SlowDown', 'Please reduce your request rate.', 503), throttling(), copied] });
    await expect(dataSeedOnEvent(event('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.countOf('CopyObjectCommand')).toBe(3);
    expect(h.delays).toEqual([100, 200]);
  });

  test('GIVEN S3 keeps throttling WHEN Create THEN it fails after the retries', async () => {
    const h = harness({ CopyObjectCommand: [always(awsError('SlowDown', 'Please reduce your request rate.', 503))] });
    await expect(dataSeedOnEvent(event('Create'), h.clients)).rejects.toThrow(/reduce your request rate/);
    expect(h.s3.countOf('CopyObjectCommand')).toBe(5);
  });

  test('GIVEN the copy is denied WHEN Create THEN it fails and logs the error', async () => {
    const h = harness({ CopyObjectCommand: [accessDenied('Access Denied')] });
    await expect(dataSeedOnEvent(event('Create'), h.clients)).rejects.toThrow('Access Denied');
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CopyObject', result: 'failed' }));
  });
});

// ---------------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------------

describe('delete', () => {
  test('GIVEN RemoveOnDelete true WHEN Delete THEN DeleteObject of the object the physical id names', async () => {
    const h = harness({ GetObjectTaggingCommand: [ours], DeleteObjectCommand: [{}] });
    const res = await dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients);
    expect(res).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.commandNames()).toEqual(['GetObjectTaggingCommand', 'DeleteObjectCommand']);
    expect(h.s3.inputsOf('GetObjectTaggingCommand')).toEqual([{ Bucket: DATA_BUCKET, Key: DEST_KEY }]);
    expect(h.s3.inputsOf('DeleteObjectCommand')).toEqual([{ Bucket: DATA_BUCKET, Key: DEST_KEY }]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DeleteObject', result: 'requested' }));
  });

  test('GIVEN an old destination after an Update WHEN Delete THEN the old object (from the physical id) is deleted', async () => {
    const h = harness({ GetObjectTaggingCommand: [ours], DeleteObjectCommand: [{}] });
    await dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true', DestinationKey: 'elsewhere.csv' }), { PhysicalResourceId: 's3://old-bucket/old/key.csv' }), h.clients);
    expect(h.s3.inputsOf('DeleteObjectCommand')).toEqual([{ Bucket: 'old-bucket', Key: 'old/key.csv' }]);
  });

  test('GIVEN RemoveOnDelete false WHEN Delete THEN the object is kept and no call is made', async () => {
    const h = harness();
    await expect(dataSeedOnEvent(event('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.calls).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'Delete', result: 'retained' }));
  });

  test.each([
    ['NoSuchKey', awsError('NoSuchKey', 'The specified key does not exist.', 404)],
    ['NoSuchBucket', awsError('NoSuchBucket', 'The specified bucket does not exist', 404)],
  ])('GIVEN %s WHEN Delete THEN success', async (_name, err) => {
    // (the object vanishes between GetObjectTagging and DeleteObject)
    const h = harness({ GetObjectTaggingCommand: [ours], DeleteObjectCommand: [err] });
    await expect(dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients)).resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DeleteObject', result: 'gone' }));
  });

  test('GIVEN throttling WHEN Delete THEN retried then deleted', async () => {
    const h = harness({ GetObjectTaggingCommand: [ours], DeleteObjectCommand: [awsError('SlowDown', 'Please reduce your request rate.', 503), {}] });
    await dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients);
    expect(h.s3.countOf('DeleteObjectCommand')).toBe(2);
    expect(h.delays).toEqual([100]);
  });

  test('GIVEN the delete is denied WHEN Delete THEN it fails', async () => {
    const h = harness({ GetObjectTaggingCommand: [ours], DeleteObjectCommand: [accessDenied('Access Denied')] });
    await expect(dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients)).rejects.toThrow('Access Denied');
  });

  test.each([
    ['the CDK framework marker of a failed create', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'],
    ['an ARN', 'arn:aws:s3:::bucket/key'],
    ['no id', undefined],
  ])('GIVEN %s as physical id WHEN Delete THEN success without any call', async (_what, id) => {
    const h = harness();
    const res = await dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' }), { PhysicalResourceId: id }), h.clients);
    expect(res).toEqual({ PhysicalResourceId: id ?? 'req-1' });
    expect(h.s3.calls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Owner-checked Delete: a renamed or moved DataSeed never loses its object to the old resource's Delete
// ---------------------------------------------------------------------------------------------------

describe('owner-checked delete', () => {
  const RENAMED = 'SeedRenamed';

  test('GIVEN a rename (new logical id) WHEN CloudFormation creates the new seed, then deletes the old one THEN the object stays', async () => {
    // GIVEN the new resource's Create, which writes the same key tagged with its own owner
    const tags: Record<string, string> = {};
    const h = harness({
      CopyObjectCommand: [(input: { Tagging: string }) => { tags.owner = input.Tagging.split('=')[1]; return copied; }],
      GetObjectTaggingCommand: [() => ({ TagSet: [{ Key: OWNER_TAG_KEY, Value: tags.owner }] })],
    });
    await expect(dataSeedOnEvent(event('Create', props({ RemoveOnDelete: 'true' }), { LogicalResourceId: RENAMED }), h.clients))
      .resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    // WHEN the old resource (logical id Seed, same physical id) is deleted in the cleanup phase
    const res = await dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients);
    // THEN CloudFormation is told success and the object the new resource wrote is not deleted
    expect(res).toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.countOf('DeleteObjectCommand')).toBe(0);
    expect(tags.owner).toBe(seedOwner({ StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Test/1', LogicalResourceId: RENAMED }));
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DeleteObject', owner: OWNER, objectOwner: tags.owner, result: 'kept-written-by-another-resource' }));
  });

  test('GIVEN a move to another stack WHEN the old stack deletes its seed THEN the object stays', async () => {
    const other = seedOwner({ StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Other/2', LogicalResourceId: 'Seed' });
    expect(other).not.toBe(OWNER);
    const h = harness({ GetObjectTaggingCommand: [{ TagSet: [{ Key: OWNER_TAG_KEY, Value: other }] }] });
    await expect(dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients)).resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.commandNames()).toEqual(['GetObjectTaggingCommand']);
  });

  test('GIVEN an object written before the owner tag existed (an existing stack) WHEN Delete THEN it is deleted, as before', async () => {
    const h = harness({ GetObjectTaggingCommand: [untagged], DeleteObjectCommand: [{}] });
    await expect(dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients)).resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.inputsOf('DeleteObjectCommand')).toEqual([{ Bucket: DATA_BUCKET, Key: DEST_KEY }]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DeleteObject', objectOwner: 'untagged', result: 'requested' }));
  });

  test('GIVEN an existing stack WHEN Update at the same destination THEN the id is kept and the copy is tagged with its owner', async () => {
    const h = harness({ CopyObjectCommand: [copied] });
    await expect(dataSeedOnEvent(event('Update', props({ SourceKey: 'new-hash.csv' }), { OldResourceProperties: props() }), h.clients))
      .resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.inputsOf('CopyObjectCommand')[0]).toEqual(expect.objectContaining({ TaggingDirective: 'REPLACE', Tagging: `sagemaker-constructs%3Adata-seed=${OWNER}` }));
  });

  test.each([
    ['NoSuchKey', awsError('NoSuchKey', 'The specified key does not exist.', 404)],
    ['NoSuchBucket', awsError('NoSuchBucket', 'The specified bucket does not exist', 404)],
  ])('GIVEN GetObjectTagging answers %s WHEN Delete THEN success without DeleteObject', async (_name, err) => {
    const h = harness({ GetObjectTaggingCommand: [err] });
    await expect(dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients)).resolves.toEqual({ PhysicalResourceId: PHYSICAL_ID });
    expect(h.s3.commandNames()).toEqual(['GetObjectTaggingCommand']);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'DeleteObject', result: 'gone' }));
  });

  test('GIVEN GetObjectTagging is denied WHEN Delete THEN it fails (nothing is deleted blind)', async () => {
    const h = harness({ GetObjectTaggingCommand: [accessDenied('Access Denied')] });
    await expect(dataSeedOnEvent(event('Delete', props({ RemoveOnDelete: 'true' })), h.clients)).rejects.toThrow('Access Denied');
    expect(h.s3.countOf('DeleteObjectCommand')).toBe(0);
  });

  test('the owner is stable per stack and logical id, and fits an S3 tag value', () => {
    const a = seedOwner({ StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Test/1', LogicalResourceId: 'Seed' });
    expect(a).toBe(OWNER);
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(seedOwner({ StackId: undefined, LogicalResourceId: 'Seed' })).toBeUndefined();
  });
});
