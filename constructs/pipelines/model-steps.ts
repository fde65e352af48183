// Model steps: create a model, register a model package version.
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PipelineExpression, stepProperty } from './expressions';
import { prune } from '../private/job-render';
import { describeValue, ProblemList } from '../private/errors';
import { checkName, ENVIRONMENT_RULES, stringMap } from '../private/rules';
import { DriftCheckBaselines, MetricsSource, ModelPackageContainer, ModelPackageMetrics } from '../registry/model-package';
import { ModelCardStatus } from '../registry/model-card';
import { JobNamePrefixOptions, jobNamePrefix, typedStepProperty } from './job-steps';
import { modelDataUrlProblem } from '../hosting/model-data';
import { IModelRegistry } from '../registry/model-registry';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { S3Location } from '../core/s3-location';
import { RenderContext, Step, StepOptions } from './step';
import { allowJobs, jobRoleOf, passRole, StepBody } from './private/step-render';

/** A container of a ModelStep with several containers (an inference pipeline). */
export interface ModelStepContainer {
  /** The inference image. */
  readonly image: ContainerImage;
  /**
   * The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts`.
   * @default - none (a container that needs no artifact, e.g. a preprocessing image with its code baked in)
   */
  readonly modelData?: string;
  /**
   * Environment of the container.
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * The container's host name (with InferenceExecutionMode.DIRECT, the name invocations target).
   * @default - none
   */
  readonly containerHostname?: string;
}

/** How a model with several containers serves requests (`InferenceExecutionConfig`). */
export enum InferenceExecutionMode {
  /** An inference pipeline: each container's output is the next one's input. */
  SERIAL = 'Serial',
  /** Each container is invoked on its own (by its host name). */
  DIRECT = 'Direct',
}

/** Properties of a ModelStep. */
export interface ModelStepProps extends StepOptions, JobNamePrefixOptions {
  /**
   * The inference image (one container; exclusive with `containers`).
   * @default - none: give `containers`
   */
  readonly image?: ContainerImage;
  /**
   * The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts` (with `image`).
   * @default - none: give `containers`
   */
  readonly modelData?: string;
  /**
   * Environment of the container (with `image`).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Several containers, 2 to 15 (`Containers`, the SDK's PipelineModel): an inference pipeline or
   * direct invocation by host name. Exclusive with `image`, `modelData` and `environment`.
   * @default - one container, from `image` and `modelData`
   */
  readonly containers?: ModelStepContainer[];
  /**
   * How several containers serve requests.
   * @default - SageMaker's default (InferenceExecutionMode.SERIAL) when there are containers
   */
  readonly inferenceExecutionMode?: InferenceExecutionMode;
  /**
   * The model's execution role.
   * @default - the pipeline's job role
   */
  readonly role?: iam.IRole;
}

/** Creates a SageMaker model (for a transform step or later deployment). */
export class ModelStep extends Step {
  public readonly type = 'Model';
  constructor(name: string, private readonly props: ModelStepProps) {
    super(name, props);
  }

  /** The created model's name. */
  public get modelName(): string {
    return stepProperty(this, 'ModelName').asString;
  }

  /** @internal */
  public readonly _propertyProblems: string[] = [];

  /**
   * Any member of the DescribeModel response (e.g. `ModelArn`, `PrimaryContainer.Image`), typed
   * from the API model; a path the response does not have is refused at synth.
   */
  public property(path: string): PipelineExpression {
    return typedStepProperty(this, path, this._propertyProblems);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    this._propertyProblems.forEach((p) => ctx.problems.add(p));
    const p = this.props;
    const { role, grantee } = jobRoleOf(this._options, ctx);
    passRole(ctx, role);
    allowJobs(ctx, 'model', ['sagemaker:CreateModel', 'sagemaker:DescribeModel']);
    const name = jobNamePrefix(ctx, this, 'ModelName', p.jobNamePrefix);
    const container = (c: ModelStepContainer, at: string) => {
      if (c.modelData !== undefined) {
        ctx.problems.addIf(modelDataUrlProblem(c.modelData, `${at}modelData of step '${this.name}'`));
        S3Location.fromUri(c.modelData).grantRead(grantee);
      }
      stringMap(ctx.problems, `${at}environment of step '${this.name}'`, c.environment, ENVIRONMENT_RULES.model);
      checkName(ctx.problems, `${at}containerHostname of step '${this.name}'`, c.containerHostname);
      return { ContainerHostname: c.containerHostname, Image: c.image.bind(ctx.scope, grantee).imageUri, ModelDataUrl: c.modelData, Environment: c.environment };
    };
    if (p.containers !== undefined) {
      if (p.image || p.modelData !== undefined || p.environment) ctx.problems.add(`step '${this.name}' sets containers and image/modelData/environment: use containers alone (one entry per container)`);
      if (p.containers.length < 2 || p.containers.length > 15) ctx.problems.add(`step '${this.name}' has ${p.containers.length} containers: use 2 to 15 (or image and modelData for one)`);
      const hostnames = p.containers.map((c) => c.containerHostname).filter((h): h is string => h !== undefined);
      if (p.inferenceExecutionMode === InferenceExecutionMode.DIRECT && hostnames.length !== p.containers.length) ctx.problems.add(`step '${this.name}' invokes its containers directly (InferenceExecutionMode.DIRECT): give every container a containerHostname`);
      if (new Set(hostnames).size !== hostnames.length) ctx.problems.add(`step '${this.name}' repeats a containerHostname: host names are unique in a model`);
      return {
        Arguments: prune({
          ...name,
          ExecutionRoleArn: role.roleArn,
          Containers: p.containers.map((c, i) => container(c, `containers[${i}].`)),
          InferenceExecutionConfig: p.inferenceExecutionMode ? { Mode: p.inferenceExecutionMode } : undefined,
        }),
      };
    }
    if (p.inferenceExecutionMode) ctx.problems.add(`step '${this.name}' sets inferenceExecutionMode for one container: it applies to containers only`);
    if (!p.image || p.modelData === undefined) {
      ctx.problems.add(`step '${this.name}' needs image and modelData (one container) or containers (several)`);
      return { Arguments: {} };
    }
    return {
      Arguments: prune({
        ...name,
        ExecutionRoleArn: role.roleArn,
        PrimaryContainer: container({ image: p.image, modelData: p.modelData, environment: p.environment }, ''),
      }),
    };
  }
}

/** Model quality metrics attached to a registered version. */
export interface ModelMetricsOptions {
  /** S3 URI of a statistics JSON (e.g. the evaluation report). */
  readonly statisticsUri: string;
  /**
   * Its content type.
   * @default 'application/json'
   */
  readonly contentType?: string;
}

/** A model card registered with a version (`ModelCard`, the SDK's ModelPackageModelCard). */
export interface RegisterModelCard {
  /**
   * The card's content: JSON text in the model card schema (e.g. `JSON.stringify({ model_overview: {...}, intended_uses: {...} })`), at most 100,000 characters.
   */
  readonly content: string;
  /**
   * The card's review status.
   * @default ModelCardStatus.DRAFT
   */
  readonly status?: ModelCardStatus;
}

/** Where a registered version comes from (`MetadataProperties`). */
export interface ModelMetadataProperties {
  /** The commit the model was built from. @default - none */
  readonly commitId?: string;
  /** The repository. @default - none */
  readonly repository?: string;
  /** What generated the model (e.g. the pipeline's name). @default - none */
  readonly generatedBy?: string;
  /** The SageMaker project. @default - none */
  readonly projectId?: string;
}

/** The stage of a registered version in your lifecycle (`ModelLifeCycle`). */
export interface ModelLifeCycleOptions {
  /** The stage, e.g. 'Development' (1-63 letters, digits, hyphens). */
  readonly stage: string;
  /** The status in that stage, e.g. 'InProgress' (1-63 letters, digits, hyphens). */
  readonly stageStatus: string;
  /** A description, at most 1024 characters. @default - none */
  readonly stageDescription?: string;
}

/** Properties of a RegisterModelStep. */
export interface RegisterModelStepProps extends StepOptions {
  /** The registry (model package group) to register into. */
  readonly registry: IModelRegistry;
  /**
   * The inference image (one container; exclusive with `containers`).
   * @default - none: give `containers`
   */
  readonly image?: ContainerImage;
  /**
   * The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts` (with `image`).
   * @default - none: give `containers`
   */
  readonly modelData?: string;
  /**
   * Several containers, 1 to 15 (an inference pipeline: the SDK's RegisterModel of a PipelineModel),
   * with framework and environment. Exclusive with `image` and `modelData`.
   * @default - one container from `image` and `modelData`
   */
  readonly containers?: ModelPackageContainer[];
  /**
   * The approval status of the new version: a `ModelApprovalStatus` value or a parameter's `.value`.
   * @default 'PendingManualApproval'
   */
  readonly approvalStatus?: string;
  /** MIME types the model accepts. */
  readonly contentTypes: string[];
  /** MIME types the model returns. */
  readonly responseTypes: string[];
  /** Instance types for real-time inference. */
  readonly inferenceInstanceTypes: InstanceType[];
  /**
   * Instance types for batch transform.
   * @default - same as inferenceInstanceTypes
   */
  readonly transformInstanceTypes?: InstanceType[];
  /**
   * Model quality metrics (e.g. from an evaluation step's output).
   * @default - none
   */
  readonly modelMetrics?: ModelMetricsOptions;
  /**
   * Description of the version.
   * @default - none
   */
  readonly modelPackageDescription?: string;
  /**
   * Custom metadata (`CustomerMetadataProperties`): 1-50 entries, keys at most 128 characters,
   * values at most 256.
   * @default - none
   */
  readonly customerMetadata?: { [key: string]: string };
  /**
   * Every metric report of the version (`ModelMetrics`: model quality, data quality, bias,
   * explainability), e.g. the outputs of QualityCheck/ClarifyCheck steps. `modelMetrics` is the
   * short form of `metrics.modelQualityStatistics`: give one or the other.
   * @default - only `modelMetrics`, if given
   */
  readonly metrics?: ModelPackageMetrics;
  /**
   * The baselines Model Monitor and Clarify checks compare with (`DriftCheckBaselines`).
   * @default - none
   */
  readonly driftCheckBaselines?: DriftCheckBaselines;
  /**
   * A model card registered with the version (`ModelCard`).
   * @default - none
   */
  readonly modelCard?: RegisterModelCard;
  /**
   * The machine-learning domain, e.g. 'COMPUTER_VISION', 'NATURAL_LANGUAGE_PROCESSING', 'MACHINE_LEARNING'.
   * @default - none
   */
  readonly domain?: string;
  /**
   * The task, e.g. 'CLASSIFICATION', 'REGRESSION', 'IMAGE_CLASSIFICATION', 'OBJECT_DETECTION', 'TEXT_GENERATION'.
   * @default - none
   */
  readonly task?: string;
  /**
   * S3 URI of a sample payload (a gzipped tar of requests) for recommendations and tests.
   * @default - none
   */
  readonly samplePayloadUrl?: string;
  /**
   * Where the version comes from (commit, repository, generator, project).
   * @default - none
   */
  readonly metadataProperties?: ModelMetadataProperties;
  /**
   * The version's stage in your lifecycle.
   * @default - none
   */
  readonly modelLifeCycle?: ModelLifeCycleOptions;
  /**
   * Skip SageMaker's validation of the model (`SkipModelValidation: All`).
   * @default false
   */
  readonly skipModelValidation?: boolean;
  /**
   * The URI of the model's source (e.g. an MLflow run or a JumpStart model), at most 1024 characters.
   * @default - none
   */
  readonly sourceUri?: string;
}

/** Registers a model version in a ModelRegistry. */
export class RegisterModelStep extends Step {
  public readonly type = 'RegisterModel';
  constructor(name: string, private readonly props: RegisterModelStepProps) {
    super(name, props);
  }

  /** The ARN of the registered version. */
  public get modelPackageArn(): string {
    return stepProperty(this, 'ModelPackageArn').asString;
  }

  /** @internal */
  public readonly _propertyProblems: string[] = [];

  /**
   * Any member of the DescribeModelPackage response (e.g. `ModelPackageVersion`, an Integer;
   * `ModelApprovalStatus`), typed from the API model; a path the response does not have is refused at synth.
   */
  public property(path: string): PipelineExpression {
    return typedStepProperty(this, path, this._propertyProblems);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    this._propertyProblems.forEach((x) => ctx.problems.add(x));
    const p = this.props;
    p.registry.grantRegister(ctx.pipelineGrantee);
    for (const t of p.inferenceInstanceTypes) ctx.problems.addIf(t._problem(`inference instance type of step '${this.name}'`, InstanceUse.HOSTING));
    for (const t of p.transformInstanceTypes ?? []) ctx.problems.addIf(t._problem(`transform instance type of step '${this.name}'`, InstanceUse.TRANSFORM));
    if (p.contentTypes.length === 0 || p.responseTypes.length === 0) ctx.problems.add(`step '${this.name}' needs at least one content type and one response type`);
    const transformTypes = p.transformInstanceTypes ?? p.inferenceInstanceTypes.filter((t) => {
      return t._problem('', InstanceUse.TRANSFORM) === undefined;
    });
    const containers = this.renderContainers(ctx);
    const where = `step '${this.name}'`;
    if (p.modelMetrics && p.metrics?.modelQualityStatistics) ctx.problems.add(`${where} sets modelMetrics and metrics.modelQualityStatistics: give the model-quality statistics once`);
    const metrics = renderMetrics(ctx, where, p.metrics, p.modelMetrics ? { location: S3Location.fromUri(p.modelMetrics.statisticsUri), contentType: p.modelMetrics.contentType } : undefined);
    const baselines = renderBaselines(ctx, where, p.driftCheckBaselines);
    checkCustomerMetadata(ctx.problems, where, p.customerMetadata);
    const text = (prop: string, value: string | undefined, max: number) => {
      if (value !== undefined && !Token.isUnresolved(value) && value.length > max) ctx.problems.add(`${prop} of ${where} is ${value.length} characters long: at most ${max}`);
      return value;
    };
    let card: Record<string, unknown> | undefined;
    if (p.modelCard) {
      const content = text('modelCard.content', p.modelCard.content, 100000);
      if (content !== undefined && !Token.isUnresolved(content)) {
        try {
          const parsed = JSON.parse(content);
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) ctx.problems.add(`modelCard.content of ${where} is not a JSON object: give the card's content in the model card schema (e.g. JSON.stringify({ model_overview: {...} }))`);
        } catch {
          ctx.problems.add(`modelCard.content of ${where} is not JSON: give the card's content as JSON text in the model card schema`);
        }
      }
      card = { ModelCardContent: content, ModelCardStatus: p.modelCard.status ?? ModelCardStatus.DRAFT };
    }
    if (p.samplePayloadUrl !== undefined) ctx.problems.addIf(S3Location.fromUri(p.samplePayloadUrl)._uriProblem(`samplePayloadUrl of ${where}`));
    const md = p.metadataProperties;
    if (md) for (const [k, v] of Object.entries(md)) text(`metadataProperties.${k}`, v as string | undefined, 1024);
    const life = p.modelLifeCycle;
    if (life) {
      checkName(ctx.problems, `modelLifeCycle.stage of ${where}`, life.stage);
      checkName(ctx.problems, `modelLifeCycle.stageStatus of ${where}`, life.stageStatus);
      text('modelLifeCycle.stageDescription', life.stageDescription, 1024);
    }
    text('sourceUri', p.sourceUri, 1024);
    return {
      Arguments: prune({
        ModelPackageGroupName: p.registry.modelPackageGroupName,
        ModelPackageDescription: p.modelPackageDescription,
        ModelApprovalStatus: checkApproval(ctx, this.name, p.approvalStatus ?? 'PendingManualApproval'),
        InferenceSpecification: {
          Containers: containers,
          SupportedContentTypes: p.contentTypes,
          SupportedResponseMIMETypes: p.responseTypes,
          SupportedRealtimeInferenceInstanceTypes: p.inferenceInstanceTypes.map((t) => t.name),
          SupportedTransformInstanceTypes: transformTypes.length ? transformTypes.map((t) => t.name) : undefined,
        },
        ModelMetrics: metrics,
        CustomerMetadataProperties: p.customerMetadata,
        DriftCheckBaselines: baselines,
        MetadataProperties: md ? { CommitId: md.commitId, Repository: md.repository, GeneratedBy: md.generatedBy, ProjectId: md.projectId } : undefined,
        Domain: p.domain,
        Task: p.task,
        SamplePayloadUrl: p.samplePayloadUrl,
        SourceUri: p.sourceUri,
        SkipModelValidation: p.skipModelValidation === undefined ? undefined : p.skipModelValidation ? 'All' : 'None',
        ModelCard: card,
        ModelLifeCycle: life ? { Stage: life.stage, StageStatus: life.stageStatus, StageDescription: life.stageDescription } : undefined,
      }),
    };
  }

  private renderContainers(ctx: RenderContext): Array<Record<string, unknown>> {
    const p = this.props;
    if (p.containers === undefined) {
      if (!p.image || p.modelData === undefined) {
        ctx.problems.add(`step '${this.name}' needs image and modelData (one container) or containers`);
        return [];
      }
      ctx.problems.addIf(modelDataUrlProblem(p.modelData, `modelData of step '${this.name}'`));
      return [{ Image: p.image.bind(ctx.scope).imageUri, ModelDataUrl: p.modelData }];
    }
    if (p.image || p.modelData !== undefined) ctx.problems.add(`step '${this.name}' sets containers and image/modelData: use containers alone`);
    if (p.containers.length < 1 || p.containers.length > 15) ctx.problems.add(`step '${this.name}' has ${p.containers.length} containers: use 1 to 15`);
    return p.containers.map((c, i) => {
      const at = `containers[${i}] of step '${this.name}'`;
      const url = c.modelData?.uri;
      if (url !== undefined) ctx.problems.addIf(modelDataUrlProblem(url, `${at}.modelData`));
      stringMap(ctx.problems, `${at}.environment`, c.environment, ENVIRONMENT_RULES.model);
      checkName(ctx.problems, `${at}.containerHostname`, c.containerHostname);
      return { ContainerHostname: c.containerHostname, Image: c.image.bind(ctx.scope).imageUri, ModelDataUrl: url, Environment: c.environment, Framework: c.framework, FrameworkVersion: c.frameworkVersion };
    });
  }
}

const CUSTOMER_METADATA = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function checkCustomerMetadata(problems: ProblemList, where: string, metadata: { [key: string]: string } | undefined): void {
  if (metadata === undefined || Token.isUnresolved(metadata)) return;
  const entries = Object.entries(metadata);
  if (entries.length < 1 || entries.length > 50) problems.add(`customerMetadata of ${where} has ${entries.length} entries: give 1-50, or omit it`);
  for (const [k, v] of entries) {
    if (!Token.isUnresolved(k) && (k.length < 1 || k.length > 128 || !CUSTOMER_METADATA.test(k))) problems.add(`invalid customerMetadata key ${describeValue(k)} of ${where}: use 1-128 letters, digits, spaces or _ . : / = + - @`);
    if (typeof v === 'string' && !Token.isUnresolved(v) && (v.length < 1 || v.length > 256 || !CUSTOMER_METADATA.test(v))) problems.add(`invalid customerMetadata ${describeValue(k)} value ${describeValue(v)} of ${where}: use 1-256 letters, digits, spaces or _ . : / = + - @`);
  }
}

/** A metrics source as CreateModelPackage takes it (the SDK's MetricsSource/FileSource.to_request()); the pipeline reads it. */
function metricsSource(ctx: RenderContext, prop: string, s: MetricsSource | undefined, requireType = true): Record<string, unknown> | undefined {
  if (s === undefined) return undefined;
  ctx.problems.addIf(s.location._uriProblem(prop));
  s.location.grantRead(ctx.pipelineGrantee);
  const contentType = s.contentType ?? (requireType ? 'application/json' : undefined);
  if (s.contentDigest !== undefined && !Token.isUnresolved(s.contentDigest) && !/^[Ss][Hh][Aa]256:[0-9a-fA-F]{64}$/.test(s.contentDigest)) {
    ctx.problems.add(`invalid ${prop}.contentDigest ${describeValue(s.contentDigest)}: use 'sha256:' and 64 hexadecimal digits`);
  }
  return prune({ ContentType: contentType, S3Uri: s.location.uri, ContentDigest: s.contentDigest });
}

function some(o: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.values(o).some((v) => v !== undefined) ? o : undefined;
}

function renderMetrics(ctx: RenderContext, where: string, m: ModelPackageMetrics | undefined, quality: MetricsSource | undefined): Record<string, unknown> | undefined {
  const at = (k: string) => `metrics.${k} of ${where}`;
  const x = m ?? {};
  return some({
    ModelQuality: some({ Statistics: metricsSource(ctx, at('modelQualityStatistics'), x.modelQualityStatistics ?? quality), Constraints: metricsSource(ctx, at('modelQualityConstraints'), x.modelQualityConstraints) }),
    ModelDataQuality: some({ Statistics: metricsSource(ctx, at('dataQualityStatistics'), x.dataQualityStatistics), Constraints: metricsSource(ctx, at('dataQualityConstraints'), x.dataQualityConstraints) }),
    Bias: some({
      Report: metricsSource(ctx, at('biasReport'), x.biasReport),
      PreTrainingReport: metricsSource(ctx, at('biasPreTrainingReport'), x.biasPreTrainingReport),
      PostTrainingReport: metricsSource(ctx, at('biasPostTrainingReport'), x.biasPostTrainingReport),
    }),
    Explainability: some({ Report: metricsSource(ctx, at('explainabilityReport'), x.explainabilityReport) }),
  });
}

function renderBaselines(ctx: RenderContext, where: string, b: DriftCheckBaselines | undefined): Record<string, unknown> | undefined {
  if (b === undefined) return undefined;
  const at = (k: string) => `driftCheckBaselines.${k} of ${where}`;
  const out = some({
    ModelQuality: some({ Statistics: metricsSource(ctx, at('modelQualityStatistics'), b.modelQualityStatistics), Constraints: metricsSource(ctx, at('modelQualityConstraints'), b.modelQualityConstraints) }),
    ModelDataQuality: some({ Statistics: metricsSource(ctx, at('dataQualityStatistics'), b.dataQualityStatistics), Constraints: metricsSource(ctx, at('dataQualityConstraints'), b.dataQualityConstraints) }),
    Bias: some({
      PreTrainingConstraints: metricsSource(ctx, at('biasPreTrainingConstraints'), b.biasPreTrainingConstraints),
      PostTrainingConstraints: metricsSource(ctx, at('biasPostTrainingConstraints'), b.biasPostTrainingConstraints),
      ConfigFile: metricsSource(ctx, at('biasConfigFile'), b.biasConfigFile, false),
    }),
    Explainability: some({
      Constraints: metricsSource(ctx, at('explainabilityConstraints'), b.explainabilityConstraints),
      ConfigFile: metricsSource(ctx, at('explainabilityConfigFile'), b.explainabilityConfigFile, false),
    }),
  });
  if (!out) ctx.problems.add(`driftCheckBaselines of ${where} is empty: give at least one baseline, or omit it`);
  return out;
}

const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'];

/** A literal approval status must be one SageMaker knows; a parameter's value is checked at run time. */
function checkApproval(ctx: RenderContext, step: string, status: string): string {
  if (!Token.isUnresolved(status) && !APPROVAL_STATUSES.includes(status)) {
    ctx.problems.add(`step '${step}' has approvalStatus '${status}': use one of ${APPROVAL_STATUSES.join(', ')} (or a parameter's value)`);
  }
  return status;
}
