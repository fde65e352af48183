import * as fs from 'fs';
import * as path from 'path';
import { CustomResource, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { IDataBucket } from './data-bucket';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { HandlerProvider } from '../private/provider';
import { DATA_SEED_RESOURCE_TYPE, DataSeedProperties } from '../private/contracts/data-seed';
import { grantKeyReadWrite } from '../private/kms';
import { utf8Length } from '../private/rules';

/** CopyObject copies at most 5 GiB in one request, which is what the handler sends. */
const MAX_SEED_BYTES = 5 * 1024 ** 3;

/** The keys each bucket is seeded with, to refuse two seeds of one object. */
const SEEDED = new WeakMap<IDataBucket, Map<string, string>>();

/** Properties of a DataSeed. */
export interface DataSeedProps {
  /** The bucket to write to. */
  readonly bucket: IDataBucket;
  /** The object key to write (e.g. `raw/churn.csv`). */
  readonly key: string;
  /** A local file that the project ships; uploaded as a CDK asset at deploy. */
  readonly source: string;
  /**
   * Delete the object when this resource is deleted.
   * @default false: the object stays with the (retained) data
   */
  readonly removeOnDelete?: boolean;
}

/**
 * Writes a file that ships with your CDK app (a small data set, a config) into a DataBucket at
 * deploy time: CDK uploads it as an asset, and the stack's custom-resource provider copies it to
 * `bucket/key`, encrypted with the bucket's default encryption. A changed file is copied again.
 */
export class DataSeed extends Construct {
  /** `s3://bucket/key` of the written object. */
  public readonly s3Uri: string;
  /** The object key. */
  public readonly key: string;

  constructor(scope: Construct, id: string, props: DataSeedProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.key) && (props.key.length < 1 || utf8Length(props.key) > 1024 || props.key.startsWith('/') || props.key.endsWith('/'))) {
      throw new SageMakerConstructError(this, `invalid key ${describeValue(props.key)} (${utf8Length(props.key)} bytes): use an object key of 1-1024 UTF-8 bytes, not starting or ending with '/'`);
    }
    if (!fs.existsSync(props.source)) {
      throw new SageMakerConstructError(this, `source ${describeValue(props.source)} does not exist: pass the path of a file your app ships`);
    }
    const stat = fs.statSync(props.source);
    if (stat.isFile() && stat.size > MAX_SEED_BYTES) {
      throw new SageMakerConstructError(this, `source ${describeValue(path.basename(props.source))} is ${stat.size} bytes: DataSeed copies with a single S3 CopyObject, at most 5 GiB (${MAX_SEED_BYTES} bytes); upload larger data with your own process`);
    }
    const claimed = SEEDED.get(props.bucket) ?? new Map<string, string>();
    SEEDED.set(props.bucket, claimed);
    if (!Token.isUnresolved(props.key) && claimed.has(props.key)) {
      throw new SageMakerConstructError(this, `key ${describeValue(props.key)} of this bucket is already seeded by ${claimed.get(props.key)}: each object has one DataSeed`);
    }
    claimed.set(props.key, this.node.path);
    const asset = new s3_assets.Asset(this, 'Asset', { path: props.source });
    if (asset.isZipArchive) {
      throw new SageMakerConstructError(this, `source ${describeValue(path.basename(props.source))} is a directory: DataSeed copies a single file`);
    }
    const provider = HandlerProvider.of(this);
    const grants = provider.grantsFor();
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:GetObjectTagging'],
      resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
    }));
    // The object itself, never its folder: the handler writes it, reads its owner tag before
    // deleting it (an object another seed or anything else wrote is left alone), and deletes it.
    iam.Grant.addToPrincipal({
      grantee: grants,
      actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:DeleteObject', 's3:GetObjectTagging'],
      resourceArns: [props.bucket.arnForObjects(props.key)],
    });
    grantKeyReadWrite(props.bucket.encryptionKey, grants);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: DATA_SEED_RESOURCE_TYPE,
      properties: {
        SourceBucket: asset.s3BucketName,
        SourceKey: asset.s3ObjectKey,
        DestinationBucket: props.bucket.bucketName,
        DestinationKey: props.key,
        RemoveOnDelete: props.removeOnDelete ? 'true' : 'false',
      } satisfies DataSeedProperties,
    });
    grants.dependOn(resource);
    this.key = props.key;
    this.s3Uri = `s3://${props.bucket.bucketName}/${props.key}`;
  }
}
