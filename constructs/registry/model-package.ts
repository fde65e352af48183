import { ArnFormat, Fn, IResource, RemovalPolicy, Resource, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnModelPackage } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { IModelRegistry, ModelApprovalStatus, ModelRegistry } from './model-registry';
import { registerModelPackageArn } from './private/registry-util';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { S3Location } from '../core/s3-location';
import { modelDataUrlProblem } from '../hosting/model-data';
import { describeValue, ProblemList } from '../private/errors';
import { checkArn, checkImport, checkName, checkTags, ENVIRONMENT_RULES, stringMap } from '../private/rules';

/** A version of a Model Registry (a versioned model package). */
export interface IModelPackage extends IResource {
  /**
   * The version's ARN: `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>`.
   * @attribute
   */
  readonly modelPackageArn: string;
  /**
   * The version number within its group, as a string (a token until deploy for a version
   * registered by this app).
   * @attribute
   */
  readonly modelPackageVersion: string;
  /** The name of the model package group (registry) the version belongs to. */
  readonly modelPackageGroupName: string;
  /** The registry the version was registered into, when this app knows it. */
  readonly registry?: IModelRegistry;

  /** Describe this version (`sagemaker:DescribeModelPackage`). */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /** Change this version's approval status (`sagemaker:UpdateModelPackage`). */
  grantApprove(grantee: iam.IGrantable): iam.Grant;
}

/** One inference container of a model package version. */
export interface ModelPackageContainer {
  /** The inference image. Binding it grants nothing: SageMaker checks the image when a model is created from the version. */
  readonly image: ContainerImage;
  /**
   * The model artifact: one `.tar.gz` object, e.g. `S3Location.inDataBucket(data, 'models/churn/model.tar.gz')`
   * or `S3Location.fromUri(trainingJob.modelDataUri)`.
   * @default - none (the image holds the model)
   */
  readonly modelData?: S3Location;
  /**
   * Environment variables of the container: at most 100, names of letters, digits and '_' (not
   * starting with a digit), names and values of at most 1024 characters.
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * The machine learning framework of the image, e.g. 'XGBOOST', 'PYTORCH'.
   * @default - not recorded
   */
  readonly framework?: string;
  /**
   * The framework version: 3-10 characters, a digit, a '.', then letters, digits, '.' or '-' (e.g. '1.7').
   * @default - not recorded
   */
  readonly frameworkVersion?: string;
  /**
   * The container's host name in a multi-container model: 1-63 letters, digits or hyphens.
   * @default - none
   */
  readonly containerHostname?: string;
}

/** A metrics file in S3 and its content type (the API's `MetricsSource` and `FileSource`). */
export interface MetricsSource {
  /** Where the file is, e.g. `S3Location.inDataBucket(data, 'evaluation/statistics.json')`. At most 1024 bytes. */
  readonly location: S3Location;
  /**
   * The file's content type (at most 256 characters).
   * @default 'application/json'
   */
  readonly contentType?: string;
  /**
   * The file's SHA-256 digest, `sha256:<64 hex digits>`.
   * @default - none
   */
  readonly contentDigest?: string;
}

/**
 * The quality, bias and explainability reports of a version (the API's `ModelMetrics`), shown in
 * Studio's model registry. Each is optional.
 */
export interface ModelPackageMetrics {
  /** Model quality statistics (e.g. an evaluation step's report). @default - none */
  readonly modelQualityStatistics?: MetricsSource;
  /** Model quality constraints. @default - none */
  readonly modelQualityConstraints?: MetricsSource;
  /** Data quality statistics of the training data. @default - none */
  readonly dataQualityStatistics?: MetricsSource;
  /** Data quality constraints. @default - none */
  readonly dataQualityConstraints?: MetricsSource;
  /** A Clarify bias report. @default - none */
  readonly biasReport?: MetricsSource;
  /** A Clarify pre-training bias report. @default - none */
  readonly biasPreTrainingReport?: MetricsSource;
  /** A Clarify post-training bias report. @default - none */
  readonly biasPostTrainingReport?: MetricsSource;
  /** A Clarify explainability report. @default - none */
  readonly explainabilityReport?: MetricsSource;
}

/**
 * The baselines that Model Monitor and the pipelines' check steps compare a later model with
 * (the API's `DriftCheckBaselines`). Each is optional.
 */
export interface DriftCheckBaselines {
  /** Model quality statistics. @default - none */
  readonly modelQualityStatistics?: MetricsSource;
  /** Model quality constraints. @default - none */
  readonly modelQualityConstraints?: MetricsSource;
  /** Data quality statistics. @default - none */
  readonly dataQualityStatistics?: MetricsSource;
  /** Data quality constraints. @default - none */
  readonly dataQualityConstraints?: MetricsSource;
  /** Clarify pre-training bias constraints. @default - none */
  readonly biasPreTrainingConstraints?: MetricsSource;
  /** Clarify post-training bias constraints. @default - none */
  readonly biasPostTrainingConstraints?: MetricsSource;
  /** The Clarify bias analysis configuration file (its content type is optional). @default - none */
  readonly biasConfigFile?: MetricsSource;
  /** Clarify explainability constraints. @default - none */
  readonly explainabilityConstraints?: MetricsSource;
  /** The Clarify explainability analysis configuration file (its content type is optional). @default - none */
  readonly explainabilityConfigFile?: MetricsSource;
}

/** Properties of a ModelPackage. */
export interface ModelPackageProps {
  /** The Model Registry (model package group) to register the version into. */
  readonly registry: IModelRegistry;
  /** The inference containers (1-15), in the order SageMaker runs them. */
  readonly containers: ModelPackageContainer[];
  /** The MIME types the model accepts, e.g. ['text/csv'] (each at most 256 characters). */
  readonly supportedContentTypes: string[];
  /** The MIME types the model responds with, e.g. ['text/csv'] (`type/subtype`, at most 1024 characters). */
  readonly supportedResponseMimeTypes: string[];
  /**
   * The instance types the version may be hosted on (real-time endpoints).
   * @default - any
   */
  readonly realtimeInferenceInstanceTypes?: InstanceType[];
  /**
   * The instance types batch transform jobs of the version may use.
   * @default - any
   */
  readonly transformInstanceTypes?: InstanceType[];
  /**
   * The approval status the version is registered with. Changing it later in this app updates the
   * version; a change made in Studio or with `UpdateModelPackage` is drift, which the next deploy
   * that touches the version reverts.
   * @default ModelApprovalStatus.PENDING_MANUAL_APPROVAL
   */
  readonly approvalStatus?: ModelApprovalStatus;
  /**
   * Why the version has its approval status (at most 1024 characters).
   * @default - none
   */
  readonly approvalDescription?: string;
  /**
   * The version's description (at most 1024 characters).
   * @default - none
   */
  readonly description?: string;
  /**
   * Quality, bias and explainability reports of the version.
   * @default - none
   */
  readonly modelMetrics?: ModelPackageMetrics;
  /**
   * Baselines for drift checks of later versions and for Model Monitor.
   * @default - none
   */
  readonly driftCheckBaselines?: DriftCheckBaselines;
  /**
   * Your metadata of the version (`CustomerMetadataProperties`): 1-50 entries, keys of 1-128 and
   * values of 1-256 letters, digits, spaces and `_ . : / = + - @`.
   * @default - none
   */
  readonly customerMetadata?: { [key: string]: string };
  /**
   * A KMS key SageMaker encrypts the version's information with (`SecurityConfig`), for regulated
   * workloads. Whoever describes the version then needs `kms:Decrypt` on it (`grantRead` adds it).
   * @default - encrypted with a key SageMaker owns
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Tags of the version.
   * @default - none beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };
  /**
   * What happens to the version when it leaves the stack (or is replaced).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The content types SageMaker records for each metrics file, when none is given. */
const DEFAULT_METRICS_CONTENT_TYPE = 'application/json';
const CUSTOMER_METADATA_RULES = { maxEntries: 50, keyPattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u, maxKey: 128, maxValue: 256 };
const CUSTOMER_METADATA_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const FRAMEWORK_VERSION = /^[0-9]\.[A-Za-z0-9.-]+$/;
const RESPONSE_MIME_TYPE = /^[-\w]+\/.+$/;
const CONTENT_DIGEST = /^[Ss][Hh][Aa]256:[0-9a-fA-F]{64}$/;

abstract class ModelPackageBase extends Resource implements IModelPackage {
  public abstract readonly modelPackageArn: string;
  public abstract readonly modelPackageVersion: string;
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly registry?: IModelRegistry;
  protected abstract readonly encryptionKey?: kms.IKey;

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeModelPackage', 'sagemaker:ListTags'], resourceArns: [this.modelPackageArn] });
    this.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    return grant;
  }

  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackage'], resourceArns: [this.modelPackageArn] });
    this.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    return grant;
  }
}

/**
 * A version of a Model Registry registered at deploy time (`AWS::SageMaker::ModelPackage` in the
 * registry's group): its inference specification, approval status, metrics, drift-check baselines
 * and metadata, without a pipeline. Retained by default: deleting a version deletes it from the
 * registry.
 *
 * A `Model` whose container's `modelPackageArn` is this construct's `modelPackageArn` gets the
 * registry's `grantModelRead` (its artifacts and images).
 */
export class ModelPackage extends ModelPackageBase {
  /**
   * Imports a version by ARN (`.../model-package/<group>/<version>`), possibly of another account.
   * @param registry the registry it belongs to, so that models deploying it get `grantModelRead`
   */
  public static fromModelPackageArn(scope: Construct, id: string, modelPackageArn: string, registry?: IModelRegistry): IModelPackage {
    const group = checkImport(scope, id, 'ModelPackage ARN', (p) => {
      const name = checkArn(p, 'modelPackageArn', modelPackageArn, 'model-package', { versioned: true });
      if (name !== undefined && !/\/[0-9]{1,9}$/.test(modelPackageArn)) {
        p.add(`invalid modelPackageArn ${describeValue(modelPackageArn)}: a version's ARN ends in /<group>/<version>; an unversioned model package is not a registry version`);
      }
      return name;
    });
    const stack = Stack.of(scope);
    const parts = Token.isUnresolved(modelPackageArn) ? undefined : stack.splitArn(modelPackageArn, ArnFormat.SLASH_RESOURCE_NAME);
    class Import extends ModelPackageBase {
      public readonly modelPackageArn = modelPackageArn;
      public readonly modelPackageVersion = group !== undefined ? modelPackageArn.slice(modelPackageArn.lastIndexOf('/') + 1) : versionOf(modelPackageArn);
      public readonly modelPackageGroupName = group ?? Fn.select(1, Fn.split('/', modelPackageArn));
      public readonly registry = registry;
      protected readonly encryptionKey = undefined;
    }
    const imported = new Import(scope, id, parts && { account: parts.account, region: parts.region });
    if (registry) registerModelPackageArn(imported.modelPackageArn, registry);
    return imported;
  }

  public readonly modelPackageArn: string;
  public readonly modelPackageVersion: string;
  public readonly modelPackageGroupName: string;
  public readonly registry?: IModelRegistry;
  /** The approval status the version is registered with. */
  public readonly approvalStatus: ModelApprovalStatus;
  protected readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ModelPackageProps) {
    super(scope, id);
    const problems = new ProblemList();
    const containers = renderContainers(this, problems, props.containers);
    checkList(problems, 'supportedContentTypes', props.supportedContentTypes, 256);
    checkList(problems, 'supportedResponseMimeTypes', props.supportedResponseMimeTypes, 1024, RESPONSE_MIME_TYPE, "'type/subtype', e.g. 'text/csv'");
    const realtime = instanceTypes(problems, 'realtimeInferenceInstanceTypes', props.realtimeInferenceInstanceTypes, InstanceUse.HOSTING);
    const transform = instanceTypes(problems, 'transformInstanceTypes', props.transformInstanceTypes, InstanceUse.TRANSFORM);
    maxLength(problems, 'approvalDescription', props.approvalDescription, 1024);
    maxLength(problems, 'description', props.description, 1024);
    checkCustomerMetadata(problems, props.customerMetadata);
    checkTags(problems, 'tags', props.tags);
    const modelMetrics = renderMetrics(problems, props.modelMetrics);
    const driftCheckBaselines = renderBaselines(problems, props.driftCheckBaselines);
    problems.throwIfAny(this, 'ModelPackage props');

    const registry = props.registry;
    // A group of another account is named by its ARN (the API takes ArnOrName); one of this account by its name.
    const registryAccount = registry.env.account;
    const stackAccount = Stack.of(this).account;
    const sameAccount = registryAccount === stackAccount || Token.compareStrings(registryAccount, stackAccount) === TokenComparison.SAME;
    this.approvalStatus = props.approvalStatus ?? ModelApprovalStatus.PENDING_MANUAL_APPROVAL;
    const resource = new CfnModelPackage(this, 'Resource', {
      modelPackageGroupName: sameAccount ? registry.modelPackageGroupName : registry.modelPackageGroupArn,
      modelPackageDescription: props.description,
      modelApprovalStatus: this.approvalStatus,
      approvalDescription: props.approvalDescription,
      inferenceSpecification: {
        containers,
        supportedContentTypes: props.supportedContentTypes,
        supportedResponseMimeTypes: props.supportedResponseMimeTypes,
        supportedRealtimeInferenceInstanceTypes: realtime,
        supportedTransformInstanceTypes: transform,
      },
      modelMetrics,
      driftCheckBaselines,
      customerMetadataProperties: props.customerMetadata,
      securityConfig: props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : undefined,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    // The group's name may be a literal (a generated name): wait for a group created in this app.
    if (registry instanceof ModelRegistry) resource.node.addDependency(registry);

    this.registry = registry;
    this.encryptionKey = props.encryptionKey;
    this.modelPackageArn = resource.attrModelPackageArn;
    this.modelPackageVersion = versionOf(this.modelPackageArn);
    this.modelPackageGroupName = registry.modelPackageGroupName;
    registerModelPackageArn(this.modelPackageArn, registry);
  }
}

/** The version number at the end of a version's ARN (`.../model-package/<group>/<version>`), as a token. */
function versionOf(arn: string): string {
  return Fn.select(2, Fn.split('/', arn));
}

function maxLength(problems: ProblemList, prop: string, value: string | undefined, max: number): void {
  if (value !== undefined && !Token.isUnresolved(value) && value.length > max) {
    problems.add(`${prop} is ${value.length} characters long: use at most ${max}`);
  }
}

/** A non-empty list of strings, each at most `max` characters (and matching `pattern`). */
function checkList(problems: ProblemList, prop: string, list: string[], max: number, pattern?: RegExp, shape?: string): void {
  if (Token.isUnresolved(list)) return;
  if (list.length === 0) problems.add(`${prop} is empty: give at least one MIME type`);
  list.forEach((v, i) => {
    if (Token.isUnresolved(v)) return;
    if (v.length > max) problems.add(`${prop}[${i}] ${describeValue(v)} is ${v.length} characters long: at most ${max}`);
    else if (pattern && !pattern.test(v)) problems.add(`invalid ${prop}[${i}] ${describeValue(v)}: use ${shape}`);
  });
}

function instanceTypes(problems: ProblemList, prop: string, types: InstanceType[] | undefined, use: InstanceUse): string[] | undefined {
  if (types === undefined) return undefined;
  if (types.length === 0) problems.add(`${prop} is empty: omit it to allow any instance type`);
  types.forEach((t, i) => problems.addIf(t._problem(`${prop}[${i}]`, use)));
  return types.map((t) => t.name);
}

function renderContainers(scope: Construct, problems: ProblemList, containers: ModelPackageContainer[]): CfnModelPackage.ModelPackageContainerDefinitionProperty[] {
  if (containers.length < 1 || containers.length > 15) problems.add(`containers has ${containers.length} entries: use 1 to 15`);
  return containers.map((c, i) => {
    const at = `containers[${i}]`;
    const modelDataUrl = c.modelData?.uri;
    if (modelDataUrl !== undefined) problems.addIf(modelDataUrlProblem(modelDataUrl, `${at}.modelData`));
    stringMap(problems, `${at}.environment`, c.environment, ENVIRONMENT_RULES.model);
    if (c.frameworkVersion !== undefined && !Token.isUnresolved(c.frameworkVersion)
      && (c.frameworkVersion.length < 3 || c.frameworkVersion.length > 10 || !FRAMEWORK_VERSION.test(c.frameworkVersion))) {
      problems.add(`invalid ${at}.frameworkVersion ${describeValue(c.frameworkVersion)}: use 3-10 characters, a digit, '.', then letters, digits, '.' or '-' (e.g. '1.7')`);
    }
    checkName(problems, `${at}.containerHostname`, c.containerHostname);
    return {
      image: c.image.bind(scope).imageUri,
      modelDataUrl,
      environment: c.environment,
      framework: c.framework,
      frameworkVersion: c.frameworkVersion,
      containerHostname: c.containerHostname,
    };
  });
}

function checkCustomerMetadata(problems: ProblemList, metadata: { [key: string]: string } | undefined): void {
  if (metadata === undefined) return;
  const entries = Object.entries(metadata);
  if (entries.length === 0) problems.add('customerMetadata is empty: give 1-50 entries, or omit it');
  stringMap(problems, 'customerMetadata', metadata, CUSTOMER_METADATA_RULES);
  for (const [k, v] of entries) {
    if (!Token.isUnresolved(k) && k.length === 0) problems.add('customerMetadata has an empty key: keys are 1-128 characters');
    if (typeof v === 'string' && !Token.isUnresolved(v) && (v.length === 0 || !CUSTOMER_METADATA_VALUE.test(v))) {
      problems.add(`invalid customerMetadata ${describeValue(k)} value ${describeValue(v)}: use 1-256 letters, digits, spaces or _ . : / = + - @`);
    }
  }
}

/** A metrics source, checked (`requireType`: MetricsSource, which always has a content type; else FileSource). */
function source(problems: ProblemList, prop: string, s: MetricsSource | undefined, requireType = true): CfnModelPackage.MetricsSourceProperty | undefined {
  if (s === undefined) return undefined;
  problems.addIf(s.location._uriProblem(`${prop}.location`));
  const contentType = s.contentType ?? (requireType ? DEFAULT_METRICS_CONTENT_TYPE : undefined);
  maxLength(problems, `${prop}.contentType`, contentType, 256);
  if (s.contentDigest !== undefined && !Token.isUnresolved(s.contentDigest) && !CONTENT_DIGEST.test(s.contentDigest)) {
    problems.add(`invalid ${prop}.contentDigest ${describeValue(s.contentDigest)}: use 'sha256:' and 64 hexadecimal digits`);
  }
  return { s3Uri: s.location.uri, contentType: contentType!, contentDigest: s.contentDigest };
}

/** Drops an object whose members are all undefined. */
function some<T extends object>(o: T): T | undefined {
  return Object.values(o).some((v) => v !== undefined) ? o : undefined;
}

function renderMetrics(problems: ProblemList, m: ModelPackageMetrics | undefined): CfnModelPackage.ModelMetricsProperty | undefined {
  if (m === undefined) return undefined;
  const p = 'modelMetrics';
  return some({
    modelQuality: some({ statistics: source(problems, `${p}.modelQualityStatistics`, m.modelQualityStatistics), constraints: source(problems, `${p}.modelQualityConstraints`, m.modelQualityConstraints) }),
    modelDataQuality: some({ statistics: source(problems, `${p}.dataQualityStatistics`, m.dataQualityStatistics), constraints: source(problems, `${p}.dataQualityConstraints`, m.dataQualityConstraints) }),
    bias: some({
      report: source(problems, `${p}.biasReport`, m.biasReport),
      preTrainingReport: source(problems, `${p}.biasPreTrainingReport`, m.biasPreTrainingReport),
      postTrainingReport: source(problems, `${p}.biasPostTrainingReport`, m.biasPostTrainingReport),
    }),
    explainability: some({ report: source(problems, `${p}.explainabilityReport`, m.explainabilityReport) }),
  });
}

function renderBaselines(problems: ProblemList, b: DriftCheckBaselines | undefined): CfnModelPackage.DriftCheckBaselinesProperty | undefined {
  if (b === undefined) return undefined;
  const p = 'driftCheckBaselines';
  return some({
    modelQuality: some({ statistics: source(problems, `${p}.modelQualityStatistics`, b.modelQualityStatistics), constraints: source(problems, `${p}.modelQualityConstraints`, b.modelQualityConstraints) }),
    modelDataQuality: some({ statistics: source(problems, `${p}.dataQualityStatistics`, b.dataQualityStatistics), constraints: source(problems, `${p}.dataQualityConstraints`, b.dataQualityConstraints) }),
    bias: some({
      preTrainingConstraints: source(problems, `${p}.biasPreTrainingConstraints`, b.biasPreTrainingConstraints),
      postTrainingConstraints: source(problems, `${p}.biasPostTrainingConstraints`, b.biasPostTrainingConstraints),
      configFile: source(problems, `${p}.biasConfigFile`, b.biasConfigFile, false),
    }),
    explainability: some({
      constraints: source(problems, `${p}.explainabilityConstraints`, b.explainabilityConstraints),
      configFile: source(problems, `${p}.explainabilityConfigFile`, b.explainabilityConfigFile, false),
    }),
  });
}
