import { Aws, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { IDataBucket } from '../data/data-bucket';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { grantKeyRead, grantKeyReadWrite } from '../private/kms';
import { utf8Length } from '../private/rules';

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
   * What is wrong with the URI, naming `what`, or undefined: the form for callers that collect
   * problems. Its shape, and its length in UTF-8 bytes (the unit of S3 keys): at most `maxBytes`,
   * the API's `S3Uri` limit by default (some members allow less, e.g. 512 for data capture and
   * monitoring outputs). A URI with tokens (a bucket name) is measured by its literal parts alone.
   * @internal
   */
  public _uriProblem(what: string, maxBytes: number = MAX_S3_URI_BYTES): string | undefined {
    const uri = this.uri;
    const unresolved = Token.isUnresolved(uri);
    if (!unresolved && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(uri)) {
      return `invalid ${what} ${describeValue(uri)}: use an s3://bucket/prefix URI`;
    }
    const literal = unresolved ? literalParts(uri) : uri;
    const bytes = utf8Length(literal);
    if (bytes > maxBytes) {
      const measured = unresolved ? 'its literal parts are' : 'it is';
      return `invalid ${what} ${describeValue(uri)}: ${measured} ${bytes} bytes long in UTF-8 (${literal.length} characters); an S3 URI may have at most ${maxBytes} bytes`;
    }
    return undefined;
  }
}

/** The API's `S3Uri` limit (CreateTrainingJob, CreateProcessingJob...), read as UTF-8 bytes. */
const MAX_S3_URI_BYTES = 1024;

/** The literal text of a string with tokens, the tokens left out. */
function literalParts(text: string): string {
  const joined: unknown = Tokenization.reverseString(text)
    .mapTokens({ mapToken: () => '' })
    .join({ join: (left: unknown, right: unknown) => `${left}${right}` });
  return typeof joined === 'string' ? joined : '';
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
