import { Aws, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { IDataBucket } from '../data/data-bucket';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { grantKeyRead, grantKeyReadWrite } from '../private/kms';

/**
 * An S3 location a SageMaker job reads from or writes to: a prefix in a `DataBucket`, in any
 * bucket, or an `s3://` URI. It renders the URI and grants a job role what it needs there,
 * including the bucket's KMS key.
 */
export abstract class S3Location {
  /** A key prefix in a DataBucket (grants include the bucket's key). */
  public static inDataBucket(bucket: IDataBucket, keyPrefix: string): S3Location {
    return new DataBucketLocation(bucket, keyPrefix);
  }

  /** A key prefix in any bucket, optionally encrypted with a KMS key that the grants then include. */
  public static inBucket(bucket: s3.IBucket, keyPrefix: string, encryptionKey?: kms.IKey): S3Location {
    return new BucketLocation(bucket, keyPrefix, encryptionKey);
  }

  /**
   * An `s3://bucket/key` URI. Grants are written for the bucket and key it names; a URI that is a
   * token (e.g. a pipeline property) grants nothing here: its producer's location is granted instead.
   */
  public static fromUri(uri: string): S3Location {
    return new UriLocation(uri);
  }

  /** The `s3://` URI. */
  public abstract readonly uri: string;

  /** Grants reading objects under the location (and decrypting them). */
  public abstract grantRead(grantee: iam.IGrantable): void;

  /** Grants writing objects under the location (and encrypting them). */
  public abstract grantWrite(grantee: iam.IGrantable): void;

  /** Checks the URI shape; throws a construct error naming `what`. Tokens pass. */
  public validate(scope: IConstruct, what: string): void {
    const problem = this._uriProblem(what);
    if (problem) throw new SageMakerConstructError(scope, problem);
  }

  /**
   * What is wrong with the URI's shape, naming `what`, or undefined (tokens pass): the form for
   * callers that collect problems.
   * @internal
   */
  public _uriProblem(what: string): string | undefined {
    const uri = this.uri;
    if (!Token.isUnresolved(uri) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(uri)) {
      return `invalid ${what} ${describeValue(uri)}: use an s3://bucket/prefix URI`;
    }
    return undefined;
  }
}

function normalizePrefix(prefix: string): string {
  if (Token.isUnresolved(prefix)) return prefix;
  return prefix.replace(/^\/+/, '');
}

const READ = ['s3:GetObject', 's3:GetObjectVersion'];
const LIST = ['s3:ListBucket', 's3:GetBucketLocation'];
const WRITE = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

class DataBucketLocation extends S3Location {
  public readonly uri: string;
  private readonly prefix: string;
  constructor(private readonly bucket: IDataBucket, keyPrefix: string) {
    super();
    this.prefix = normalizePrefix(keyPrefix);
    this.uri = `s3://${bucket.bucketName}/${this.prefix}`;
  }
  public grantRead(grantee: iam.IGrantable): void {
    this.bucket.grantRead(grantee, this.folder());
  }
  public grantWrite(grantee: iam.IGrantable): void {
    this.bucket.grantWrite(grantee, this.folder());
  }
  /**
   * DataBucket grants work on folders: a key or partial name is granted through its folder, and a
   * prefix with a run-time part (a pipeline execution id) through the literal folder before it.
   */
  private folder(): string | undefined {
    const literal = literalPrefix(this.prefix);
    const slash = literal.lastIndexOf('/');
    return slash < 0 ? undefined : literal.slice(0, slash + 1);
  }
}

/** The part of a key prefix before its first token (all of it when it has none). */
function literalPrefix(prefix: string): string {
  if (!Token.isUnresolved(prefix)) return prefix;
  const first = Tokenization.reverseString(prefix).join({ join: (left: unknown) => left });
  return typeof first === 'string' ? first : '';
}

class BucketLocation extends S3Location {
  public readonly uri: string;
  private readonly pattern: string;
  constructor(private readonly bucket: s3.IBucket, keyPrefix: string, private readonly key?: kms.IKey) {
    super();
    const prefix = normalizePrefix(keyPrefix);
    this.uri = `s3://${bucket.bucketName}/${prefix}`;
    this.pattern = `${literalPrefix(prefix)}*`;
  }
  public grantRead(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: READ, resourceArns: [this.bucket.arnForObjects(this.pattern)] });
    iam.Grant.addToPrincipal({ grantee, actions: LIST, resourceArns: [this.bucket.bucketArn] });
    grantKeyRead(this.key, grantee);
  }
  public grantWrite(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: WRITE, resourceArns: [this.bucket.arnForObjects(this.pattern)] });
    grantKeyReadWrite(this.key, grantee);
  }
}

/**
 * The location a token stands for, when the token knows it: a pipeline step's output URI carries
 * the S3Location it is written to, so reading it can be granted.
 */
function locationOfToken(uri: string): S3Location | undefined {
  if (!Token.isUnresolved(uri)) return undefined;
  const fragments = Tokenization.reverseString(uri);
  if (fragments.length !== 1) return undefined;
  const located = (fragments.firstToken as { _location?: unknown } | undefined)?._location;
  return located instanceof S3Location ? located : undefined;
}

class UriLocation extends S3Location {
  constructor(public readonly uri: string) {
    super();
  }
  public grantRead(grantee: iam.IGrantable): void {
    const located = locationOfToken(this.uri);
    if (located) return located.grantRead(grantee);
    const p = this.parts();
    if (!p) return;
    iam.Grant.addToPrincipal({ grantee, actions: READ, resourceArns: [`arn:${Aws.PARTITION}:s3:::${p.bucket}/${p.key}*`] });
    iam.Grant.addToPrincipal({ grantee, actions: LIST, resourceArns: [`arn:${Aws.PARTITION}:s3:::${p.bucket}`] });
  }
  public grantWrite(grantee: iam.IGrantable): void {
    const located = locationOfToken(this.uri);
    if (located) return located.grantWrite(grantee);
    const p = this.parts();
    if (!p) return;
    iam.Grant.addToPrincipal({ grantee, actions: WRITE, resourceArns: [`arn:${Aws.PARTITION}:s3:::${p.bucket}/${p.key}*`] });
  }
  private parts(): { bucket: string; key: string } | undefined {
    if (Token.isUnresolved(this.uri)) return undefined;
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(this.uri);
    return m ? { bucket: m[1], key: m[2] } : undefined;
  }
}
