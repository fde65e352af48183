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
 * - Delete: with RemoveOnDelete 'true', DeleteObject of the object the physical id names (an object
 *   or bucket already gone is success); otherwise nothing. A physical id that is not an s3:// URI (a
 *   create that failed before answering) is success without any call.
 *
 * Throttling (`SlowDown` included) is retried with backoff by the shared runtime.
 */
import { CopyObjectCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CustomResourceEvent,
  OnEventResponse,
  RuntimeOptions,
  SdkClient,
  errorText,
  readString,
  runtime,
} from '../../../private/handlers/runtime';

import { DATA_SEED_RESOURCE_TYPE, DataSeedProperties as DataSeedContract } from '../../../private/contracts/data-seed';
import type { Wire } from '../../../private/contracts';
export { DATA_SEED_RESOURCE_TYPE };

const RESOURCE = 'SageMakerDataSeed';

/** What DeleteObject answers when the object or its bucket is already gone. */
const GONE_ERRORS = ['NoSuchKey', 'NoSuchBucket', 'NotFound'];

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
      try {
        await rt.send(clients.s3, new CopyObjectCommand({
          CopySource: copySource(sourceBucket, sourceKey),
          Bucket: destinationBucket,
          Key: destinationKey,
          ChecksumAlgorithm: 'SHA256',
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
      await rt.deleteItem(clients.s3, new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key }),
        { action: 'DeleteObject', destination: id });
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
