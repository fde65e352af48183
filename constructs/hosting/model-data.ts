import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { S3Location } from '../core/s3-location';
import { TrainingJob } from '../training/training-job';
import { grantKeyRead } from '../private/kms';

/** The result of binding model data. */
export interface ModelDataConfig {
  /**
   * The S3 URI of the model artifact: a `.tar.gz` object (`ModelDataUrl`), or, with `s3DataType`
   * 'S3Prefix', a prefix ending in '/' whose objects SageMaker copies as they are (`ModelDataSource`).
   */
  readonly uri: string;
  /**
   * 'S3Prefix' for uncompressed model data under a prefix, rendered as `ModelDataSource`.
   * @default - a `.tar.gz` object, rendered as `ModelDataUrl`
   */
  readonly s3DataType?: string;
  /**
   * The compression of the data in `ModelDataSource`: 'None' for uncompressed objects, 'Gzip'.
   * @default - 'None' with `s3DataType`, else a `ModelDataUrl` (gzip)
   */
  readonly compressionType?: string;
  /**
   * Accept the end-user license agreement of gated model weights: renders
   * `ModelDataSource.S3DataSource.ModelAccessConfig.AcceptEula`.
   * @default - no EULA is accepted
   */
  readonly acceptEula?: boolean;
}

/** Options of uncompressed model data under an S3 prefix. */
export interface S3PrefixModelDataOptions {
  /**
   * Accept the end-user license agreement of the weights (gated models, e.g. Llama): SageMaker
   * refuses to load gated weights without it.
   * @default - no EULA is accepted
   */
  readonly acceptEula?: boolean;
}

/**
 * The model artifact a model container loads: one gzip-compressed tar archive (`model.tar.gz`)
 * in S3, which SageMaker downloads into `/opt/ml/model` of the container. Binding grants the
 * model's role read access to it (and its KMS key).
 */
export abstract class ModelData {
  /**
   * An artifact at an S3 location, e.g. `S3Location.inDataBucket(bucket, 'models/model.tar.gz')`
   * or `S3Location.fromUri('s3://bucket/model.tar.gz')`. The location must name a `.tar.gz`
   * object. A location whose URI is a token that does not carry its location (e.g. a deploy-time
   * training job's `modelDataUri`) grants nothing: use `fromTrainingJob` for such a job, or grant
   * the model's role read access yourself.
   */
  public static fromS3Location(location: S3Location): ModelData {
    return new LocationModelData(location);
  }

  /**
   * Uncompressed model data: every object under an S3 prefix (ending in '/'), which SageMaker
   * copies into `/opt/ml/model` as it is (`ModelDataSource` with `S3DataType: S3Prefix`,
   * `CompressionType: None`): large language models load faster without a tarball to unpack.
   * Grants read on the prefix.
   */
  public static fromS3Prefix(location: S3Location, options: S3PrefixModelDataOptions = {}): ModelData {
    return new PrefixModelData(location, options);
  }

  /**
   * The artifact a deploy-time training job produced (`TrainingJob.modelDataUri`). Grants read on
   * the job's output location and its KMS key.
   */
  public static fromTrainingJob(job: TrainingJob): ModelData {
    return new TrainingJobModelData(job);
  }

  /**
   * A local `.tar.gz` file, uploaded as a CDK file asset when the stack deploys. Binding grants
   * `s3:GetObject` on exactly that object.
   *
   * @param filePath path of the `.tar.gz` file
   */
  public static fromAsset(filePath: string): ModelData {
    return new AssetModelData(filePath);
  }

  /**
   * Validates the data, grants `grantee` read access and returns its URI.
   *
   * @param scope the model that loads the data
   * @param grantee the role SageMaker uses to download it
   */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig;
}

/** Throws when the literal end of a (possibly tokenized) URI shows a key that is not a .tar.gz. */
function checkTarGz(scope: Construct, uri: string, what: string): void {
  const problem = tarGzProblem(uri, what);
  if (problem) throw new SageMakerConstructError(scope, problem);
}

/**
 * What is wrong with a `ModelDataUrl` (a model's, a registered version's), or undefined: it must be
 * an S3 URI of one `.tar.gz` object. Only the literal part after the last token can be checked
 * ('s3://${Token}/models/model.tar.gz'); a URI that is one token (a pipeline property) passes.
 */
export function modelDataUrlProblem(uri: string, what: string): string | undefined {
  return S3Location.fromUri(uri)._uriProblem(what) ?? tarGzProblem(uri, what);
}

function tarGzProblem(uri: string, what: string): string | undefined {
  const tail = Token.isUnresolved(uri) ? uri.slice(uri.lastIndexOf('}') + 1) : uri;
  if (Token.isUnresolved(uri) && !tail.includes('/')) return undefined;
  if (!tail.endsWith('.tar.gz')) return `invalid ${what} ${describeValue(uri)}: SageMaker's ModelDataUrl must name one gzip-compressed tar archive, a key ending in '.tar.gz'`;
  return undefined;
}

class LocationModelData extends ModelData {
  constructor(private readonly location: S3Location) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    this.location.validate(scope, 'modelData location');
    checkTarGz(scope, this.location.uri, 'modelData location');
    this.location.grantRead(grantee);
    return { uri: this.location.uri };
  }
}

class PrefixModelData extends ModelData {
  constructor(private readonly location: S3Location, private readonly options: S3PrefixModelDataOptions) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    this.location.validate(scope, 'modelData location');
    const uri = this.location.uri;
    const tail = Token.isUnresolved(uri) ? uri.slice(uri.lastIndexOf('}') + 1) : uri;
    if ((!Token.isUnresolved(uri) || tail.length > 0) && !tail.endsWith('/')) {
      throw new SageMakerConstructError(scope, `invalid modelData prefix ${describeValue(uri)}: ModelData.fromS3Prefix names a key prefix ending in '/' (uncompressed objects); use ModelData.fromS3Location for a .tar.gz`);
    }
    if (this.options.acceptEula === false) {
      throw new SageMakerConstructError(scope, 'modelData acceptEula is false: SageMaker loads gated weights only when the EULA is accepted; set true to accept it, or leave it out');
    }
    this.location.grantRead(grantee);
    return { uri, s3DataType: 'S3Prefix', compressionType: 'None', acceptEula: this.options.acceptEula };
  }
}

class TrainingJobModelData extends ModelData {
  constructor(private readonly job: TrainingJob) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    const spec = this.job.spec.props;
    spec.outputLocation.grantRead(grantee);
    grantKeyRead(spec.outputKey, grantee);
    return { uri: this.job.modelDataUri };
  }
}

class AssetModelData extends ModelData {
  private readonly assets = new Map<Stack, Asset>();

  constructor(private readonly filePath: string) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      asset = this.createAsset(scope);
      this.assets.set(stack, asset);
    }
    // Exactly the object: Asset.grantRead would grant s3:GetObject*, s3:List* on the whole bucket.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [`arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`],
    });
    return { uri: asset.s3ObjectUrl };
  }

  private createAsset(scope: Construct): Asset {
    if (!this.filePath.endsWith('.tar.gz')) {
      throw new SageMakerConstructError(scope, `invalid model data asset ${describeValue(this.filePath)}: use a gzip-compressed tar archive whose name ends in '.tar.gz' (e.g. tar -czf model.tar.gz -C model .)`);
    }
    if (!fs.existsSync(this.filePath) || !fs.statSync(this.filePath).isFile()) {
      throw new SageMakerConstructError(scope, `model data asset ${describeValue(this.filePath)} is not a file: pass the path of an existing .tar.gz file`);
    }
    const id = `ModelDataAsset${crypto.createHash('sha256').update(path.resolve(this.filePath)).digest('hex').slice(0, 8)}`;
    const existing = scope.node.tryFindChild(id);
    if (existing instanceof Asset) return existing;
    return new Asset(scope, id, { path: this.filePath });
  }
}
