import * as fs from 'fs';
import * as path from 'path';
import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { AssetLocation } from './private/asset-location';
import { Construct } from 'constructs';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { Compression, S3DataDistribution, S3DataType } from './training-channel';
import { RenderOptions } from './training-spec';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { grantJobBasics, prune, renderTags, renderVpcConfig } from '../private/job-render';
import { checkVolumeKey } from './private/render-resources';
import { checkNow, checkTags, ENVIRONMENT_RULES, integer, seconds, stringList, StringListRule, stringMap } from '../private/rules';
import type {
  CreateProcessingJobRequest, ProcessingInstanceType, ProcessingS3CompressionType, ProcessingS3DataDistributionType, ProcessingS3DataType, ProcessingS3InputMode,
  ProcessingS3UploadMode,
} from '@aws-sdk/client-sagemaker';
import { grantKeyReadWrite, grantVolumeKey } from '../private/kms';

/** How a processing container receives an input. */
export enum ProcessingInputMode {
  /** Downloaded before the job starts. */
  FILE = 'File',
  /** Streamed through a pipe. */
  PIPE = 'Pipe',
}

/** When a processing output is uploaded. */
export enum ProcessingUploadMode {
  /** Once, when the job ends. */
  END_OF_JOB = 'EndOfJob',
  /** While the job runs. */
  CONTINUOUS = 'Continuous',
}

/** One input of a processing job. */
export interface ProcessingInput {
  /**
   * The input's name (unique in the job): 1-256 letters, digits, '.', '-' or '_', and at most 231
   * without a `destination` (the default destination holds it, 256 characters in all).
   */
  readonly name: string;
  /** Where the data is. */
  readonly location: S3Location;
  /**
   * Where it appears in the container (under `/opt/ml/processing/`, at most 256 characters).
   * @default '/opt/ml/processing/input/<name>'
   */
  readonly destination?: string;
  /** @default S3DataType.S3_PREFIX */
  readonly s3DataType?: S3DataType;
  /** @default ProcessingInputMode.FILE */
  readonly inputMode?: ProcessingInputMode;
  /** @default S3DataDistribution.FULLY_REPLICATED */
  readonly distribution?: S3DataDistribution;
  /** @default Compression.NONE */
  readonly compression?: Compression;
}

/** One output of a processing job. */
export interface ProcessingOutput {
  /**
   * The output's name (unique in the job); pipelines refer to outputs by it. 1-256 letters, digits,
   * '.', '-' or '_', and at most 230 without a `source` (the default source holds it, 256 characters in all).
   */
  readonly name: string;
  /** Where it is uploaded. */
  readonly location: S3Location;
  /**
   * The container folder that is uploaded (under `/opt/ml/processing/`, at most 256 characters).
   * @default '/opt/ml/processing/output/<name>'
   */
  readonly source?: string;
  /** @default ProcessingUploadMode.END_OF_JOB */
  readonly uploadMode?: ProcessingUploadMode;
}

/** A script a processing container runs. */
export abstract class ProcessingCode {
  /** A local file (e.g. `preprocess.py`), uploaded as a CDK asset and run with `python3`. */
  public static fromAsset(file: string): ProcessingCode {
    return new AssetCode(file);
  }

  /** A script already in S3; `fileName` is its name in the container. */
  public static fromLocation(location: S3Location, fileName: string): ProcessingCode {
    return new LocationCode(location, fileName);
  }

  /** Where the script is, and its file name once SageMaker has downloaded it, for `scope`. */
  public abstract bind(scope: Construct): ProcessingCodeConfig;
}

/** A bound processing script. */
export interface ProcessingCodeConfig {
  /** The script's S3 location (a single object). */
  readonly location: S3Location;
  /**
   * The file name the script has in the container: SageMaker names a downloaded object after
   * the last part of its key.
   */
  readonly fileName: string;
}

class AssetCode extends ProcessingCode {
  constructor(private readonly file: string) {
    super();
  }
  public bind(scope: Construct): ProcessingCodeConfig {
    if (!fs.existsSync(this.file) || !fs.statSync(this.file).isFile()) {
      throw new SageMakerConstructError(scope, `processing code ${describeValue(this.file)} is not a file: pass the path of the script to run`);
    }
    const id = `Code${path.basename(this.file).replace(/[^A-Za-z0-9]/g, '')}`;
    const asset = (scope.node.tryFindChild(id) as s3_assets.Asset | undefined) ?? new s3_assets.Asset(scope, id, { path: this.file });
    // The asset's key is its content hash plus the extension (e.g. `a94...e1.py`): that is the
    // script's name in the container, not the local file name.
    const key = asset.s3ObjectKey;
    return { location: new AssetLocation(asset), fileName: Token.isUnresolved(key) ? key : path.posix.basename(key) };
  }
}

class LocationCode extends ProcessingCode {
  constructor(private readonly location: S3Location, private readonly fileName: string) {
    super();
  }
  public bind(scope: Construct): ProcessingCodeConfig {
    if (!Token.isUnresolved(this.fileName) && !/^[^/]+$/.test(this.fileName)) {
      throw new SageMakerConstructError(scope, `invalid processing code fileName ${describeValue(this.fileName)}: use the script's file name, without '/'`);
    }
    return { location: this.location, fileName: this.fileName };
  }
}

/** Compute of a processing job. */
export interface ProcessingResources {
  /** The instance type. */
  readonly instanceType: InstanceType;
  /**
   * Number of instances.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * ML storage volume per instance, in GB (1-16384).
   * @default 30
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key of the volumes.
   * @default - AWS-managed encryption
   */
  readonly volumeKey?: kms.IKey;
}

/** Properties of a ProcessingSpec. */
export interface ProcessingSpecProps {
  /** The processing image (e.g. scikit-learn). */
  readonly image: ContainerImage;
  /**
   * A script to run: added as the input `code` and run with `python3` unless `entrypoint` is set.
   * @default - the image's own entrypoint
   */
  readonly code?: ProcessingCode;
  /**
   * The container entrypoint: 1 to 100 strings of at most 256 characters.
   * @default - `python3 /opt/ml/processing/input/code/<script>` with `code`, else the image's
   */
  readonly entrypoint?: string[];
  /**
   * Arguments passed to the entrypoint: 1 to 100 strings of at most 256 characters (omit it for none).
   * @default - none
   */
  readonly arguments?: string[];
  /**
   * Inputs (at most 10 besides `code`).
   * @default - none
   */
  readonly inputs?: ProcessingInput[];
  /**
   * Outputs (at most 10).
   * @default - none
   */
  readonly outputs?: ProcessingOutput[];
  /**
   * KMS key encrypting the outputs.
   * @default - the output buckets' default encryption
   */
  readonly outputKey?: kms.IKey;
  /** Compute. */
  readonly resources: ProcessingResources;
  /**
   * Stop the job after this long (1 second to 7 days).
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;
  /**
   * VPC, network isolation, inter-container encryption.
   * @default - SageMaker's network
   */
  readonly network?: JobNetworkOptions;
  /**
   * Environment variables (at most 100).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Tags of the job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

const IO_NAME = /^[A-Za-z0-9._-]{1,256}$/;
/** Where inputs and outputs are by default: the folder plus the name. */
const INPUT_PATH = '/opt/ml/processing/input/';
const OUTPUT_PATH = '/opt/ml/processing/output/';
/** `LocalPath` of inputs and outputs (ProcessingLocalPath): at most 256 characters. */
const MAX_LOCAL_PATH = 256;
/** ContainerEntrypoint and ContainerArguments: 1 to 100 strings of at most 256 characters. */
const CONTAINER_STRINGS: StringListRule = { minItems: 1, maxItems: 100, maxLength: 256 };

/**
 * One processing job, described once and rendered to the exact `CreateProcessingJob` request; it runs
 * at deploy time (`ProcessingJob`) or as a pipeline `ProcessingStep`, and derives its role's IAM.
 */
export class ProcessingSpec {
  constructor(public readonly props: ProcessingSpecProps) {}

  /** The inputs, the script's `code` input included. */
  public inputsIn(scope: Construct): ProcessingInput[] {
    const inputs = [...(this.props.inputs ?? [])];
    if (this.props.code) inputs.push({ name: 'code', location: this.props.code.bind(scope).location, destination: '/opt/ml/processing/input/code' });
    return inputs;
  }

  /** Validates and renders the request. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the SDK's CreateProcessingJobRequest is not a jsii type (tsc checks it below)
  public render(scope: Construct, options: RenderOptions): any {
    return checkNow(scope, 'the processing spec', (problems) => this._render(scope, options, problems));
  }

  /**
   * @internal Adds the spec's problems to `problems` and renders the request when it has none
   * (pipeline steps collect every step's problems in one list).
   */
  public _render(scope: Construct, options: RenderOptions, problems: ProblemList): CreateProcessingJobRequest | undefined {
    const p = this.props;
    const known = problems.length;
    const inputs = this.inputsIn(scope);
    const outputs = p.outputs ?? [];
    if (inputs.length > 10) problems.add(`the job has ${inputs.length} inputs (code included): at most 10`);
    if (outputs.length > 10) problems.add(`the job has ${outputs.length} outputs: at most 10`);
    checkNames(problems, 'input', inputs.map((i) => i.name));
    checkNames(problems, 'output', outputs.map((o) => o.name));
    // The container paths derive from the names unless given: name the prop the user set.
    const own = p.inputs?.length ?? 0;
    inputs.forEach((i, n) => checkLocalPath(problems, n < own ? `inputs[${n}]` : 'the code input', 'destination', i.name, i.destination, INPUT_PATH));
    outputs.forEach((o, n) => checkLocalPath(problems, `outputs[${n}]`, 'source', o.name, o.source, OUTPUT_PATH));
    for (const i of inputs) {
      problems.addIf(i.location._uriProblem(`location of input '${i.name}'`));
      if (i.compression === Compression.GZIP && (i.inputMode ?? ProcessingInputMode.FILE) !== ProcessingInputMode.PIPE) {
        problems.add(`input ${describeValue(i.name)} is Gzip-compressed in File mode: SageMaker decompresses processing inputs only in Pipe mode`);
      }
      if (i.destination && !Token.isUnresolved(i.destination) && !i.destination.startsWith('/opt/ml/processing/')) problems.add(`input ${describeValue(i.name)} destination ${describeValue(i.destination)} must be under /opt/ml/processing/`);
    }
    for (const o of outputs) {
      problems.addIf(o.location._uriProblem(`location of output '${o.name}'`));
      if (o.source && !Token.isUnresolved(o.source) && !o.source.startsWith('/opt/ml/processing/')) problems.add(`output ${describeValue(o.name)} source ${describeValue(o.source)} must be under /opt/ml/processing/`);
    }
    problems.addIf(p.resources.instanceType._problem('resources.instanceType', InstanceUse.PROCESSING));
    const count = integer(problems, 'resources.instanceCount', p.resources.instanceCount ?? 1, 1, 100);
    const volume = integer(problems, 'resources.volumeSizeGb', p.resources.volumeSizeGb ?? 30, 1, 16384);
    const maxRuntime = seconds(problems, 'maxRuntime', p.maxRuntime ?? Duration.hours(1), 1, 604800);
    const vpcConfig = renderVpcConfig(p.network, problems);
    stringMap(problems, 'environment', p.environment, ENVIRONMENT_RULES.processing);
    stringList(problems, 'entrypoint', p.entrypoint, CONTAINER_STRINGS);
    stringList(problems, 'arguments', p.arguments, CONTAINER_STRINGS);
    if (p.resources.volumeKey) checkVolumeKey(problems, 'resources.volumeKey', [p.resources.instanceType]);
    checkTags(problems, 'tags', p.tags);
    if (problems.length > known) return undefined;

    const entrypoint = p.entrypoint ?? (p.code ? ['python3', `/opt/ml/processing/input/code/${p.code.bind(scope).fileName}`] : undefined);
    const request: CreateProcessingJobRequest = {
      ProcessingJobName: options.jobName,
      RoleArn: options.role.roleArn,
      AppSpecification: {
        ImageUri: p.image.bind(scope, options.role).imageUri,
        ContainerEntrypoint: entrypoint,
        ContainerArguments: p.arguments,
      },
      ProcessingInputs: inputs.length ? inputs.map((i) => prune({
        InputName: i.name,
        S3Input: {
          S3Uri: i.location.uri,
          LocalPath: i.destination ?? `${INPUT_PATH}${i.name}`,
          // our enums hold the API's strings; the SDK types them as its own unions
          S3DataType: (i.s3DataType ?? S3DataType.S3_PREFIX) as ProcessingS3DataType,
          S3InputMode: (i.inputMode ?? ProcessingInputMode.FILE) as ProcessingS3InputMode,
          S3DataDistributionType: (i.distribution ?? S3DataDistribution.FULLY_REPLICATED) as ProcessingS3DataDistributionType,
          S3CompressionType: i.compression as ProcessingS3CompressionType | undefined,
        },
      })) : undefined,
      ProcessingOutputConfig: outputs.length ? {
        Outputs: outputs.map((o) => ({
          OutputName: o.name,
          S3Output: { S3Uri: o.location.uri, LocalPath: o.source ?? `${OUTPUT_PATH}${o.name}`, S3UploadMode: (o.uploadMode ?? ProcessingUploadMode.END_OF_JOB) as ProcessingS3UploadMode },
        })),
        KmsKeyId: p.outputKey?.keyArn,
      } : undefined,
      ProcessingResources: {
        // the SDK's instance-type union is closed; ours is open (newer types and tokens pass through)
        ClusterConfig: { InstanceType: p.resources.instanceType.name as ProcessingInstanceType, InstanceCount: count, VolumeSizeInGB: volume, VolumeKmsKeyId: p.resources.volumeKey?.keyArn },
      },
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntime },
      NetworkConfig: vpcConfig || p.network?.networkIsolation || p.network?.interContainerEncryption ? {
        VpcConfig: vpcConfig,
        EnableNetworkIsolation: p.network?.networkIsolation,
        EnableInterContainerTrafficEncryption: p.network?.interContainerEncryption,
      } : undefined,
      Environment: p.environment,
      Tags: renderTags(p.tags),
    };
    return prune(request);
  }

  /** Grants `grantee` what the job needs: read inputs and code, write outputs, keys, logs, ENIs. */
  public grantTo(scope: Construct, grantee: iam.IGrantable): void {
    for (const i of this.inputsIn(scope)) i.location.grantRead(grantee);
    for (const o of this.props.outputs ?? []) o.location.grantWrite(grantee);
    grantKeyReadWrite(this.props.outputKey, grantee);
    grantVolumeKey(this.props.resources.volumeKey, grantee);
    grantJobBasics(scope, grantee, '/aws/sagemaker/ProcessingJobs', this.props.network?.vpc);
  }
}

/**
 * The container path of an input (`destination`) or output (`source`): at most 256 characters. Without
 * one, the path is `folder` plus the name, so the name is what must be shorter.
 */
function checkLocalPath(problems: ProblemList, at: string, pathProp: string, name: string, localPath: string | undefined, folder: string): void {
  if (localPath !== undefined) {
    if (!Token.isUnresolved(localPath) && localPath.length > MAX_LOCAL_PATH) problems.add(`invalid ${at}.${pathProp} ${describeValue(localPath)} (length ${localPath.length}): use at most ${MAX_LOCAL_PATH} characters`);
    return;
  }
  const max = MAX_LOCAL_PATH - folder.length;
  if (!Token.isUnresolved(name) && name.length > max) {
    problems.add(`invalid ${at}.name ${describeValue(name)} (length ${name.length}): without a ${pathProp}, the container path is ${folder}<name>, at most ${MAX_LOCAL_PATH} characters, so use a name of at most ${max} characters or set ${at}.${pathProp}`);
  }
}

function checkNames(problems: ProblemList, what: string, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) problems.add(`duplicate ${what} name ${describeValue(n)}: ${what} names must be unique`);
    seen.add(n);
    if (!Token.isUnresolved(n) && !IO_NAME.test(n)) problems.add(`invalid ${what} name ${describeValue(n)}: use 1-256 letters, digits, '.', '-' or '_'`);
  }
}

