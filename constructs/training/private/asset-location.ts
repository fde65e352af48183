import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { S3Location } from '../../core/s3-location';
import { grantKeyRead } from '../../private/kms';

/** A file asset as an S3 location: read-only, granting exactly its object. */
export class AssetLocation extends S3Location {
  public readonly uri: string;
  constructor(private readonly asset: s3_assets.Asset) {
    super();
    this.uri = asset.s3ObjectUrl;
  }
  public grantRead(grantee: iam.IGrantable): void {
    // Only this object: Asset.grantRead would grant s3:GetObject*, s3:GetBucket* and s3:List* on the
    // whole assets bucket. SageMaker lists the key as an S3 prefix, then downloads it.
    const bucket = this.asset.bucket;
    const key = this.asset.s3ObjectKey;
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject', 's3:GetObjectVersion'], resourceArns: [bucket.arnForObjects(key)] });
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [key, `${key}*`] } } });
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetBucketLocation'], resourceArns: [bucket.bucketArn] });
    grantKeyRead(bucket.encryptionKey, grantee);
  }
  public grantWrite(): void {
    // assets are read-only
  }
}
