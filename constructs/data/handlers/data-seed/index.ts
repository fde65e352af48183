/**
 * Custom-resource handler (custom-resources.Provider framework, onEvent only) for
 * `Custom::SageMakerDataSeed`: copies an object that CDK uploaded as a file asset (in the bootstrap
 * staging bucket) into a data bucket, so jobs find their seed data at a stable S3 URI.
 *
 * Properties (strings, as CloudFormation delivers them):
 * - `SourceBucket`, `SourceKey`: the asset object.
 * - `DestinationBucket`, `DestinationKey`: where the copy goes.
 * - `RemoveOnDelete`: 'true' to delete the copy when the resource is deleted; anything else keeps it.
 *
 * - Create/Update: CopyObject (server side, one request: objects up to 5 GB). No encryption settings
 *   are passed, so the destination bucket's default encryption applies; S3 computes a SHA-256
 *   checksum of the copy. The physical id is `s3://<DestinationBucket>/<DestinationKey>`: an Update
 *   to another destination copies there and returns the new id, and CloudFormation then sends a
 *   Delete for the old one.
 *   The copy is tagged `sagemaker-constructs:data-seed=<owner>`, the owner being a hash of the stack id
 *   and the logical id of the resource (TaggingDirective REPLACE).
 * - Delete: with RemoveOnDelete 'true', DeleteObject of the object the physical id names (an object
 *   or bucket already gone is success), only if it is still this resource's: GetObjectTagging first,
 *   and an object tagged for another owner (a renamed or moved DataSeed whose Create has just written
 *   the same key, before CloudFormation deletes the old resource) is kept. An object without the tag
 *   (written before the tag existed) is deleted, as before. Otherwise nothing. A physical id that is
 *   not an s3:// URI (a create that failed before answering) is success without any call.
 *
 * Throttling (`SlowDown` included) is retried with backoff by the shared runtime.
 */
import { createHash } from 'crypto';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectTaggingCommand, GetObjectTaggingCommandOutput, S3Client } from '@aws-sdk/client-s3';
import {
  CustomResourceEvent,
  OnEventResponse,
  RuntimeOptions,
  SdkClient,
  errorText,
  isNotFoundError,
  readString,
  runtime,
} from '../../../private/handlers/runtime';

import { DATA_SEED_RESOURCE_TYPE, DataSeedProperties as DataSeedContract } from '../../../private/contracts/data-seed';
import type { Wire } from '../../../private/contracts';
export { DATA_SEED_RESOURCE_TYPE };

const RESOURCE = 'SageMakerDataSeed';

/** What DeleteObject answers when the object or its bucket is already gone. */
const GONE_ERRORS = ['NoSuchKey', 'NoSuchBucket', 'NotFound'];

/** The tag the copy carries, naming the resource that wrote it. */
export const OWNER_TAG_KEY = 'sagemaker-constructs:data-seed';

/**
 * The owner of a seed object: a hash of the stack id and the logical id (unique per stack and logical
 * resource, stable across updates, within S3's 256-character tag values), or undefined when the event
 * lacks either.
 */
export function seedOwner(event: Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId'>): string | undefined {
  if (!event.StackId || !event.LogicalResourceId) return undefined;
  return createHash('sha256').update(`${event.StackId}\n${event.LogicalResourceId}`).digest('hex').slice(0, 40);
}

export interface DataSeedClients extends RuntimeOptions {
  readonly s3: SdkClient;
}

export interface DataSeedProperties {
  readonly sourceBucket?: string;
  readonly sourceKey?: string;
  readonly destinationBucket?: string;
  readonly destinationKey?: string;
  readonly removeOnDelete: boolean;
}

export function parseDataSeedProperties(props: Record<string, unknown> | undefined): DataSeedProperties {
  const p: Wire<DataSeedContract> = props ?? {};
  return {
    sourceBucket: readString(p.SourceBucket),
    // Keys are not trimmed: leading/trailing spaces are part of an S3 key.
    sourceKey: readKey(p.SourceKey),
    destinationBucket: readString(p.DestinationBucket),
    destinationKey: readKey(p.DestinationKey),
    removeOnDelete: readString(p.RemoveOnDelete)?.toLowerCase() === 'true',
  };
}

function readKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value);
  return s === '' ? undefined : s;
}

/** A key URL-encoded for CopySource, segment by segment (the '/' separators are kept). */
export function encodeS3Key(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** CopyObject's CopySource: `<bucket>/<url-encoded key>`. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeS3Key(key)}`;
}

export function dataSeedPhysicalId(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** The bucket and key of an `s3://bucket/key` physical id, or undefined for anything else. */
export function parseS3Uri(id: string | undefined): { bucket: string; key: string } | undefined {
  if (!id || !id.startsWith('s3://')) return undefined;
  const rest = id.slice('s3://'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The whole handler, with its S3 client and runtime knobs injected. */
export async function dataSeedOnEvent(event: CustomResourceEvent, clients: DataSeedClients): Promise<OnEventResponse> {
  const rt = runtime(clients, RESOURCE, { notFoundErrors: GONE_ERRORS });
  const props = parseDataSeedProperties(event.ResourceProperties);
  switch (event.RequestType) {
    case 'Create':
    case 'Update': {
      const { sourceBucket, sourceKey, destinationBucket, destinationKey } = requireLocations(props);
      const id = dataSeedPhysicalId(destinationBucket, destinationKey);
      const entry = {
        action: 'CopyObject',
        requestType: event.RequestType,
        source: `s3://${sourceBucket}/${sourceKey}`,
        destination: id,
        ...(event.RequestType === 'Update' ? { previousDestination: event.PhysicalResourceId, destinationChanged: event.PhysicalResourceId !== id } : {}),
      };
      const owner = seedOwner(event);
      try {
        await rt.send(clients.s3, new CopyObjectCommand({
          CopySource: copySource(sourceBucket, sourceKey),
          Bucket: destinationBucket,
          Key: destinationKey,
          ChecksumAlgorithm: 'SHA256',
          ...(owner ? { TaggingDirective: 'REPLACE', Tagging: `${encodeURIComponent(OWNER_TAG_KEY)}=${owner}` } : {}),
        }));
      } catch (err) {
        rt.log({ ...entry, result: 'failed', error: errorText(err) });
        throw err;
      }
      rt.log({ ...entry, result: 'copied' });
      return { PhysicalResourceId: id };
    }
    case 'Delete': {
      const id = event.PhysicalResourceId;
      const target = parseS3Uri(id);
      if (!target) {
        rt.log({ action: 'Delete', physicalResourceId: id, result: 'skipped-not-an-s3-uri' });
        return { PhysicalResourceId: id ?? event.RequestId ?? 'none' };
      }
      if (!props.removeOnDelete) {
        rt.log({ action: 'Delete', destination: id, result: 'retained' });
        return { PhysicalResourceId: id! };
      }
      // Only this resource's object: a renamed or moved seed may have just written the same key.
      const owner = seedOwner(event);
      let tagged: string | undefined;
      try {
        const tags: GetObjectTaggingCommandOutput = await rt.send(clients.s3, new GetObjectTaggingCommand({ Bucket: target.bucket, Key: target.key }));
        tagged = tags.TagSet?.find((t) => t.Key === OWNER_TAG_KEY)?.Value;
      } catch (err) {
        if (isNotFoundError(err, GONE_ERRORS)) {
          rt.log({ action: 'DeleteObject', destination: id, result: 'gone' });
          return { PhysicalResourceId: id! };
        }
        rt.log({ action: 'GetObjectTagging', destination: id, result: 'failed', error: errorText(err) });
        throw err;
      }
      if (tagged !== undefined && tagged !== owner) {
        rt.log({ action: 'DeleteObject', destination: id, owner, objectOwner: tagged, result: 'kept-written-by-another-resource' });
        return { PhysicalResourceId: id! };
      }
      await rt.deleteItem(clients.s3, new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }),
        { action: 'DeleteObject', destination: id, ...(tagged === undefined ? { objectOwner: 'untagged' } : {}) });
      return { PhysicalResourceId: id! };
    }
    default:
      throw new Error(`unsupported request type ${String((event as { RequestType?: unknown }).RequestType)}`);
  }
}

function requireLocations(props: DataSeedProperties): { sourceBucket: string; sourceKey: string; destinationBucket: string; destinationKey: string } {
  const missing = (['SourceBucket', 'SourceKey', 'DestinationBucket', 'DestinationKey'] as const).filter((name) => {
    const value = { SourceBucket: props.sourceBucket, SourceKey: props.sourceKey, DestinationBucket: props.destinationBucket, DestinationKey: props.destinationKey }[name];
    return value === undefined;
  });
  if (missing.length > 0) throw new Error(`${DATA_SEED_RESOURCE_TYPE}: missing ${missing.join(', ')}`);
  return { sourceBucket: props.sourceBucket!, sourceKey: props.sourceKey!, destinationBucket: props.destinationBucket!, destinationKey: props.destinationKey! };
}

// ---------------------------------------------------------------------------------------------------
// Lambda entry point
// ---------------------------------------------------------------------------------------------------

let realS3: S3Client | undefined;

/** The real S3 client, built on first use (so importing this module in tests creates none). */
function s3Client(): S3Client {
  realS3 ??= new S3Client({});
  return realS3;
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  return dataSeedOnEvent(event, { s3: s3Client() });
}
