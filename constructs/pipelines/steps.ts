import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Condition } from './conditions';
import { PipelineExpression, PropertyFile, stepProperty } from './expressions';
import { ProblemList } from '../private/errors';
import { ENVIRONMENT_RULES, integer, prune, safeValidate, stringMap } from '../private/job-render';
import { modelDataUrlProblem } from '../hosting/model-data';
import { IModelRegistry } from '../registry/model-registry';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { ProcessingSpec } from '../training/processing-spec';
import { S3Location } from '../core/s3-location';
import { TrainingSpec } from '../training/training-spec';
import { HyperparameterTuningSpec } from '../training/tuning-spec';

/** Errors a step-level retry policy catches. */
export enum StepExceptionType {
  /** An internal error of the step's service call. */
  SERVICE_FAULT = 'Step.SERVICE_FAULT',
  /** The step's service call was throttled. */
  THROTTLING = 'Step.THROTTLING',
}

/** Errors of a SageMaker job that a job retry policy catches. */
export enum JobExceptionType {
  /** The job failed with an internal error. */
  JOB_INTERNAL_ERROR = 'SageMaker.JOB_INTERNAL_ERROR',
  /** Not enough capacity for the instance type. */
  CAPACITY_ERROR = 'SageMaker.CAPACITY_ERROR',
  /** An account resource limit was reached. */
  RESOURCE_LIMIT = 'SageMaker.RESOURCE_LIMIT',
}

/** How often and how long a retry policy retries. */
export interface RetryOptions {
  /**
   * Wait before the first retry (1 second to 12 hours).
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;
  /**
   * Multiplier of the wait per retry.
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * Retries at most this often (1-20). Exclusive with expireAfter.
   * @default 5 (when expireAfter is not set)
   */
  readonly maxAttempts?: number;
  /**
   * Retry for at most this long (whole minutes, up to 14,400). Exclusive with maxAttempts.
   * @default - bounded by maxAttempts
   */
  readonly expireAfter?: Duration;
}

/** A retry policy of a step. */
export class RetryPolicy {
  /** Retries the step's own service call (any step type). */
  public static step(exceptionTypes: StepExceptionType[], options: RetryOptions = {}): RetryPolicy {
    return new RetryPolicy(exceptionTypes, options, false);
  }

  /** Retries a failed SageMaker job (training, processing, tuning, transform steps). */
  public static job(exceptionTypes: JobExceptionType[], options: RetryOptions = {}): RetryPolicy {
    return new RetryPolicy(exceptionTypes, options, true);
  }

  private constructor(private readonly exceptionTypes: string[], private readonly options: RetryOptions, /** @internal */ public readonly _forJobs: boolean) {}

  /** @internal */
  public _render(problems: ProblemList, stepName: string): any {
    const o = this.options;
    if (this.exceptionTypes.length === 0) problems.add(`a retry policy of step '${stepName}' lists no exception types`);
    if (o.maxAttempts !== undefined && o.expireAfter !== undefined) problems.add(`a retry policy of step '${stepName}' sets both maxAttempts and expireAfter: use one`);
    const interval = o.interval?.toSeconds({ integral: false }) ?? 1;
    if (!Number.isInteger(interval) || interval < 1 || interval > 43200) problems.add(`a retry policy of step '${stepName}' has interval ${o.interval?.toHumanString()}: use whole seconds from 1 to 43200`);
    if (o.backoffRate !== undefined && (o.backoffRate < 1 || o.backoffRate > 10)) problems.add(`a retry policy of step '${stepName}' has backoffRate ${o.backoffRate}: use 1 to 10`);
    const expire = o.expireAfter?.toMinutes({ integral: false });
    if (expire !== undefined && (!Number.isInteger(expire) || expire < 0 || expire > 14400)) problems.add(`a retry policy of step '${stepName}' has expireAfter ${o.expireAfter!.toHumanString()}: use whole minutes up to 14400`);
    const attempts = o.expireAfter ? undefined : o.maxAttempts ?? 5;
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1 || attempts > 20)) problems.add(`a retry policy of step '${stepName}' has maxAttempts ${attempts}: use 1 to 20`);
    return prune({ ExceptionType: this.exceptionTypes, IntervalSeconds: interval, BackoffRate: o.backoffRate ?? 2, MaxAttempts: attempts, ExpireAfterMin: expire });
  }
}

/** Step caching: an execution reuses a step's earlier result when its arguments are unchanged. */
export interface CacheOptions {
  /**
   * Whether caching is on.
   * @default true
   */
  readonly enabled?: boolean;
  /** How long a result may be reused. */
  readonly expireAfter: Duration;
}

/** Options of every step. */
export interface StepOptions {
  /**
   * The name shown in Studio.
   * @default - the step name
   */
  readonly displayName?: string;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
  /**
   * Steps that must finish first, besides those whose properties this step reads.
   * @default - none
   */
  readonly dependsOn?: Step[];
  /**
   * Retry policies.
   * @default - none
   */
  readonly retryPolicies?: RetryPolicy[];
}

/** Options of steps that run a SageMaker job. */
export interface JobStepOptions extends StepOptions {
  /**
   * Reuse results of unchanged arguments.
   * @default - no caching
   */
  readonly cache?: CacheOptions;
  /**
   * The role the job runs as.
   * @default - the pipeline's job role
   */
  readonly role?: iam.IRole;
}

/** @internal What a step needs from the pipeline while rendering. */
export interface RenderContext {
  readonly scope: Construct;
  readonly jobRole: iam.IRole;
  readonly jobGrantee: iam.IGrantable;
  readonly pipelineGrantee: iam.IGrantable;
  readonly problems: ProblemList;
  /** Renders a nested step (condition branches). */
  renderStep(step: Step): any;
}

/** A step of a SageMaker pipeline. */
export abstract class Step {
  /** The definition's step type. */
  public abstract readonly type: string;

  constructor(
    /** The step's name: 1-64 letters, digits, '-' or '_', unique in the pipeline. */
    public readonly name: string,
    /** @internal */
    protected readonly _options: StepOptions = {},
  ) {}

  /** Steps this one was told to wait for. */
  public get dependsOn(): Step[] {
    return this._options.dependsOn ?? [];
  }

  /** @internal Steps nested in this one (condition branches). */
  public _children(): Step[] {
    return [];
  }

  /** @internal Renders the step's Arguments (and extra members) and grants what it needs. */
  public abstract _renderBody(ctx: RenderContext): any;

  /** @internal The whole step JSON. */
  public _render(ctx: RenderContext): any {
    const retries = (this._options.retryPolicies ?? []).map((r) => {
      if (r._forJobs && !isJobStep(this)) ctx.problems.add(`step '${this.name}' is a ${this.type} step: job retry policies (SageMaker.*) apply to training, processing, tuning and transform steps only`);
      return r._render(ctx.problems, this.name);
    });
    const cache = (this._options as JobStepOptions).cache;
    let cacheConfig: any;
    if (cache) {
      if (!isJobStep(this)) ctx.problems.add(`step '${this.name}' is a ${this.type} step: caching applies to training, processing, tuning and transform steps only`);
      cacheConfig = { Enabled: cache.enabled ?? true, ExpireAfter: cache.expireAfter.toIsoString() };
    }
    return prune({
      Name: this.name,
      Type: this.type,
      DisplayName: this._options.displayName,
      Description: this._options.description,
      DependsOn: this.dependsOn.length ? this.dependsOn.map((s) => s.name) : undefined,
      ...this._renderBody(ctx),
      CacheConfig: cacheConfig,
      RetryPolicies: retries.length ? retries : undefined,
    });
  }
}

function isJobStep(step: Step): boolean {
  return ['Training', 'Processing', 'Tuning', 'Transform'].includes(step.type);
}

function jobRoleOf(options: StepOptions, ctx: RenderContext): { role: iam.IRole; grantee: iam.IGrantable } {
  const role = (options as JobStepOptions).role;
  return role ? { role, grantee: role } : { role: ctx.jobRole, grantee: ctx.jobGrantee };
}

function passRole(ctx: RenderContext, role: iam.IRole): void {
  ctx.pipelineGrantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
}

function allowJobs(ctx: RenderContext, resource: string, actions: string[]): void {
  ctx.pipelineGrantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: [...actions, 'sagemaker:AddTags', 'sagemaker:ListTags'],
    resources: [Stack.of(ctx.scope).formatArn({ service: 'sagemaker', resource, resourceName: '*' })],
  }));
}

/** Properties of a ProcessingStep. */
export interface ProcessingStepProps extends JobStepOptions {
  /** The job to run. */
  readonly spec: ProcessingSpec;
  /**
   * JSON files the job writes that later steps read with `PipelineFunctions.jsonGet`.
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

/** Runs a processing job. */
export class ProcessingStep extends Step {
  public readonly type = 'Processing';
  constructor(name: string, private readonly props: ProcessingStepProps) {
    super(name, props);
  }

  /** @internal Names used with outputUri / jsonGet, checked when the pipeline renders. */
  public readonly _referencedOutputs = new Set<string>();
  /** @internal */
  public readonly _referencedPropertyFiles = new Set<string>();

  /** The S3 URI a named output was uploaded to. */
  public outputUri(outputName: string): string {
    this._referencedOutputs.add(outputName);
    const output = (this.props.spec.props.outputs ?? []).find((o) => o.name === outputName);
    return stepProperty(this, `ProcessingOutputConfig.Outputs['${outputName}'].S3Output.S3Uri`, output?.location).asString;
  }

  /** The processing job's name. */
  public get processingJobName(): string {
    return stepProperty(this, 'ProcessingJobName').asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    const { role, grantee } = jobRoleOf(this._options, ctx);
    this.props.spec.grantTo(ctx.scope, grantee);
    passRole(ctx, role);
    allowJobs(ctx, 'processing-job', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']);
    const outputs = this.props.spec.props.outputs ?? [];
    const files = this.props.propertyFiles ?? [];
    for (const name of this._referencedOutputs) {
      if (!outputs.some((o) => o.name === name)) ctx.problems.add(`outputUri('${name}') of step '${this.name}': the processing spec has no such output (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`);
    }
    for (const name of this._referencedPropertyFiles) {
      if (!files.some((f) => f.name === name)) ctx.problems.add(`jsonGet reads the property file '${name}' of step '${this.name}', which the step does not declare (propertyFiles: ${files.map((f) => f.name).join(', ') || 'none'})`);
    }
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.name)) ctx.problems.add(`step '${this.name}' declares the property file '${f.name}' twice`);
      seen.add(f.name);
      const output = outputs.find((o) => o.name === f.outputName);
      if (!output) ctx.problems.add(`property file '${f.name}' of step '${this.name}' names the output '${f.outputName}', which the processing spec does not have (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`);
      // The pipeline itself reads property files from the output location.
      else output.location.grantRead(ctx.pipelineGrantee);
    }
    let args: any = {};
    safeValidate(ctx.problems, () => { args = this.props.spec.render(ctx.scope, { role }); });
    return {
      Arguments: args,
      PropertyFiles: files.length ? files.map((f) => ({ PropertyFileName: f.name, OutputName: f.outputName, FilePath: f.path })) : undefined,
    };
  }
}

/** Properties of a TrainingStep. */
export interface TrainingStepProps extends JobStepOptions {
  /** The job to run: the same spec a deploy-time `TrainingJob` runs. */
  readonly spec: TrainingSpec;
}

/** Runs a training job. */
export class TrainingStep extends Step {
  public readonly type = 'Training';
  constructor(name: string, private readonly props: TrainingStepProps) {
    super(name, props);
  }

  /** The S3 URI of the model artifact. */
  public get modelArtifacts(): string {
    return stepProperty(this, 'ModelArtifacts.S3ModelArtifacts', this.props.spec.props.outputLocation).asString;
  }

  /** The training job's name. */
  public get trainingJobName(): string {
    return stepProperty(this, 'TrainingJobName').asString;
  }

  /** A final metric the job reported (e.g. `validation:auc`). */
  public finalMetric(metricName: string): string {
    return stepProperty(this, `FinalMetricDataList['${metricName}'].Value`).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    const { role, grantee } = jobRoleOf(this._options, ctx);
    this.props.spec.grantTo(ctx.scope, grantee);
    passRole(ctx, role);
    allowJobs(ctx, 'training-job', ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']);
    let args: any = {};
    safeValidate(ctx.problems, () => { args = this.props.spec.render(ctx.scope, { role }); });
    return { Arguments: args };
  }
}

/** Properties of a TuningStep. */
export interface TuningStepProps extends JobStepOptions {
  /** The tuning job to run. */
  readonly spec: HyperparameterTuningSpec;
}

/** Runs a hyperparameter tuning job. */
export class TuningStep extends Step {
  public readonly type = 'Tuning';
  constructor(name: string, private readonly props: TuningStepProps) {
    super(name, props);
  }

  /** The name of the best training job. */
  public get bestTrainingJobName(): string {
    return stepProperty(this, 'BestTrainingJob.TrainingJobName').asString;
  }

  /** @internal */
  public readonly _badTopK: number[] = [];

  /**
   * The S3 URI of the model artifact of the k-th best trial (0 = best), under the spec's output location.
   */
  public topModelArtifacts(k: number = 0): string {
    if (!Number.isInteger(k) || k < 0) this._badTopK.push(k);
    const output = this.props.spec.props.trainingSpec.props.outputLocation.uri;
    return PipelineExpression._of({
      'Std:Join': { On: '/', Values: [output.replace(/\/+$/, ''), { Get: `Steps.${this.name}.TrainingJobSummaries[${k}].TrainingJobName` }, 'output/model.tar.gz'] },
    }, [this], [], this.props.spec.props.trainingSpec.props.outputLocation).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    const { role, grantee } = jobRoleOf(this._options, ctx);
    this.props.spec.grantTo(ctx.scope, grantee);
    passRole(ctx, role);
    for (const k of this._badTopK) ctx.problems.add(`topModelArtifacts(${k}) of step '${this.name}': use a whole rank, 0 (the best) or more`);
    allowJobs(ctx, 'hyper-parameter-tuning-job', ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:ListTrainingJobsForHyperParameterTuningJob']);
    let args: any = {};
    safeValidate(ctx.problems, () => { args = this.props.spec.render(ctx.scope, { role }); });
    return { Arguments: args };
  }
}

/** Properties of a ModelStep. */
export interface ModelStepProps extends StepOptions {
  /** The inference image. */
  readonly image: ContainerImage;
  /** The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts`. */
  readonly modelData: string;
  /**
   * Environment of the container.
   * @default - none
   */
  readonly environment?: { [name: string]: string };
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
  public _renderBody(ctx: RenderContext): any {
    const { role, grantee } = jobRoleOf(this._options, ctx);
    passRole(ctx, role);
    allowJobs(ctx, 'model', ['sagemaker:CreateModel', 'sagemaker:DescribeModel']);
    const dataProblem = modelDataUrlProblem(this.props.modelData, `modelData of step '${this.name}'`);
    if (dataProblem) ctx.problems.add(dataProblem);
    stringMap(ctx.problems, `environment of step '${this.name}'`, this.props.environment, ENVIRONMENT_RULES.model);
    S3Location.fromUri(this.props.modelData).grantRead(grantee);
    return {
      Arguments: prune({
        ExecutionRoleArn: role.roleArn,
        PrimaryContainer: { Image: this.props.image.bind(ctx.scope, grantee).imageUri, ModelDataUrl: this.props.modelData, Environment: this.props.environment },
      }),
    };
  }
}

/** Properties of a TransformStep. */
export interface TransformStepProps extends JobStepOptions {
  /** The model's name, e.g. `modelStep.modelName`. */
  readonly modelName: string;
  /** The input data. */
  readonly input: S3Location;
  /** Where results go. */
  readonly output: S3Location;
  /** Instance type. */
  readonly instanceType: InstanceType;
  /**
   * Number of instances.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * MIME type of the input.
   * @default - none
   */
  readonly contentType?: string;
  /**
   * How input files are split into records.
   * @default 'None'
   */
  readonly splitType?: string;
  /**
   * MIME type of the output.
   * @default - none
   */
  readonly accept?: string;
  /**
   * How output records are assembled ('None' or 'Line').
   * @default 'None'
   */
  readonly assembleWith?: string;
}

/** Runs a batch transform job. */
export class TransformStep extends Step {
  public readonly type = 'Transform';
  constructor(name: string, private readonly props: TransformStepProps) {
    super(name, props);
  }

  /** The S3 URI of the results. */
  public get outputUri(): string {
    return stepProperty(this, 'TransformOutput.S3OutputPath', this.props.output).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    const { grantee } = jobRoleOf(this._options, ctx);
    safeValidate(ctx.problems, () => this.props.input.validate(ctx.scope, `input of step '${this.name}'`));
    safeValidate(ctx.problems, () => this.props.output.validate(ctx.scope, `output of step '${this.name}'`));
    this.props.input.grantRead(grantee);
    this.props.output.grantWrite(grantee);
    allowJobs(ctx, 'transform-job', ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob']);
    safeValidate(ctx.problems, () => this.props.instanceType.validate(ctx.scope, `instance type of step '${this.name}'`, InstanceUse.TRANSFORM));
    if (this.props.splitType !== undefined && !['None', 'Line', 'RecordIO', 'TFRecord'].includes(this.props.splitType)) ctx.problems.add(`step '${this.name}' has splitType '${this.props.splitType}': use None, Line, RecordIO or TFRecord`);
    if (this.props.assembleWith !== undefined && !['None', 'Line'].includes(this.props.assembleWith)) ctx.problems.add(`step '${this.name}' has assembleWith '${this.props.assembleWith}': use None or Line`);
    const count = this.props.instanceCount ?? 1;
    // a pipeline parameter (a token) is checked by the service at run time, never read as a number here
    integer(ctx.problems, `instanceCount of step '${this.name}'`, count, 1, Number.MAX_SAFE_INTEGER);
    return {
      Arguments: prune({
        ModelName: this.props.modelName,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: this.props.input.uri } },
          ContentType: this.props.contentType,
          SplitType: this.props.splitType,
        },
        TransformOutput: { S3OutputPath: this.props.output.uri, Accept: this.props.accept, AssembleWith: this.props.assembleWith },
        TransformResources: { InstanceType: this.props.instanceType.name, InstanceCount: count },
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

/** Properties of a RegisterModelStep. */
export interface RegisterModelStepProps extends StepOptions {
  /** The registry (model package group) to register into. */
  readonly registry: IModelRegistry;
  /** The inference image. */
  readonly image: ContainerImage;
  /** The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts`. */
  readonly modelData: string;
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
   * Custom metadata.
   * @default - none
   */
  readonly customerMetadata?: { [key: string]: string };
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
  public _renderBody(ctx: RenderContext): any {
    const p = this.props;
    p.registry.grantRegister(ctx.pipelineGrantee);
    for (const t of p.inferenceInstanceTypes) safeValidate(ctx.problems, () => t.validate(ctx.scope, `inference instance type of step '${this.name}'`, InstanceUse.HOSTING));
    for (const t of p.transformInstanceTypes ?? []) safeValidate(ctx.problems, () => t.validate(ctx.scope, `transform instance type of step '${this.name}'`, InstanceUse.TRANSFORM));
    if (p.contentTypes.length === 0 || p.responseTypes.length === 0) ctx.problems.add(`step '${this.name}' needs at least one content type and one response type`);
    const transformTypes = p.transformInstanceTypes ?? p.inferenceInstanceTypes.filter((t) => {
      try { t.validate(ctx.scope, '', InstanceUse.TRANSFORM); return true; } catch { return false; }
    });
    const dataProblem = modelDataUrlProblem(p.modelData, `modelData of step '${this.name}'`);
    if (dataProblem) ctx.problems.add(dataProblem);
    if (p.modelMetrics) S3Location.fromUri(p.modelMetrics.statisticsUri).grantRead(ctx.pipelineGrantee);
    return {
      Arguments: prune({
        ModelPackageGroupName: p.registry.modelPackageGroupName,
        ModelPackageDescription: p.modelPackageDescription,
        ModelApprovalStatus: checkApproval(ctx, this.name, p.approvalStatus ?? 'PendingManualApproval'),
        InferenceSpecification: {
          Containers: [{ Image: p.image.bind(ctx.scope).imageUri, ModelDataUrl: p.modelData }],
          SupportedContentTypes: p.contentTypes,
          SupportedResponseMIMETypes: p.responseTypes,
          SupportedRealtimeInferenceInstanceTypes: p.inferenceInstanceTypes.map((t) => t.name),
          SupportedTransformInstanceTypes: transformTypes.length ? transformTypes.map((t) => t.name) : undefined,
        },
        ModelMetrics: p.modelMetrics ? { ModelQuality: { Statistics: { ContentType: p.modelMetrics.contentType ?? 'application/json', S3Uri: p.modelMetrics.statisticsUri } } } : undefined,
        CustomerMetadataProperties: p.customerMetadata,
      }),
    };
  }
}

/** Properties of a ConditionStep. */
export interface ConditionStepProps extends StepOptions {
  /** The condition; a list of several is their conjunction (use `Condition.and`). */
  readonly condition: Condition;
  /**
   * Steps run when the condition holds.
   * @default - none
   */
  readonly ifSteps?: Step[];
  /**
   * Steps run otherwise.
   * @default - none
   */
  readonly elseSteps?: Step[];
}

/** Branches on a condition. */
export class ConditionStep extends Step {
  public readonly type = 'Condition';
  constructor(name: string, private readonly props: ConditionStepProps) {
    super(name, props);
  }

  /** Whether the condition held. */
  public get outcome(): string {
    return stepProperty(this, 'Outcome').asString;
  }

  /** The steps of the if branch. */
  public get ifSteps(): Step[] {
    return this.props.ifSteps ?? [];
  }

  /** The steps of the else branch. */
  public get elseSteps(): Step[] {
    return this.props.elseSteps ?? [];
  }

  /** The condition. */
  public get condition(): Condition {
    return this.props.condition;
  }

  /** @internal */
  public _children(): Step[] {
    return [...this.ifSteps, ...this.elseSteps];
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    if (this.ifSteps.length + this.elseSteps.length === 0) ctx.problems.add(`condition step '${this.name}' has neither ifSteps nor elseSteps`);
    const conditions = this.props.condition._render();
    if (conditions.length === 0) ctx.problems.add(`condition step '${this.name}' has an empty condition (Condition.and() of nothing): give it at least one comparison`);
    return {
      Arguments: {
        Conditions: conditions,
        IfSteps: this.ifSteps.map((s) => ctx.renderStep(s)),
        ElseSteps: this.elseSteps.map((s) => ctx.renderStep(s)),
      },
    };
  }
}

/** Properties of a FailStep. */
export interface FailStepProps extends StepOptions {
  /** The error message; may hold parameters and properties (e.g. `PipelineFunctions.join([...])`). */
  readonly errorMessage: string;
}

/** Stops the execution as failed, with a message. */
export class FailStep extends Step {
  public readonly type = 'Fail';
  constructor(name: string, private readonly props: FailStepProps) {
    super(name, props);
  }

  /** @internal */
  public _renderBody(): any {
    return { Arguments: { ErrorMessage: this.props.errorMessage } };
  }
}

/** The type of an output of a Lambda or callback step. */
export enum OutputType {
  /** A string. */
  STRING = 'String',
  /** An integer. */
  INTEGER = 'Integer',
  /** A boolean. */
  BOOLEAN = 'Boolean',
  /** A float. */
  FLOAT = 'Float',
}

/** An output of a Lambda or callback step. */
export interface StepOutput {
  /** The output's name. */
  readonly name: string;
  /**
   * The output's type.
   * @default OutputType.STRING
   */
  readonly type?: OutputType;
}

/** Properties of a LambdaStep. */
export interface LambdaStepProps extends StepOptions {
  /** The function to invoke. */
  readonly function: lambda.IFunction;
  /**
   * The input event (values may be parameters and properties).
   * @default - an empty event
   */
  readonly inputs?: { [name: string]: any };
  /**
   * Outputs the function returns.
   * @default - none
   */
  readonly outputs?: StepOutput[];
}

/** Invokes a Lambda function. */
export class LambdaStep extends Step {
  public readonly type = 'Lambda';
  constructor(name: string, private readonly props: LambdaStepProps) {
    super(name, props);
  }

  /** An output of the function. */
  public output(name: string): string {
    return stepProperty(this, `OutputParameters['${name}']`).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    if (!this.props.function) {
      ctx.problems.add(`Lambda step '${this.name}' has no function`);
      return {};
    }
    // An identity policy, not a function resource policy: works for functions of other accounts too.
    iam.Grant.addToPrincipal({ grantee: ctx.pipelineGrantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.props.function.functionArn] });
    return prune({
      FunctionArn: this.props.function.functionArn,
      Arguments: this.props.inputs ?? {},
      OutputParameters: this.props.outputs?.map((o) => ({ OutputName: o.name, OutputType: o.type ?? OutputType.STRING })),
    });
  }
}

/** Properties of a CallbackStep. */
export interface CallbackStepProps extends StepOptions {
  /** The queue that receives the callback token and inputs. */
  readonly queue: sqs.IQueue;
  /**
   * The message inputs.
   * @default - none
   */
  readonly inputs?: { [name: string]: any };
  /**
   * Outputs sent back with SendPipelineExecutionStepSuccess.
   * @default - none
   */
  readonly outputs?: StepOutput[];
}

/** Sends a message to SQS and waits for an external process to call back. */
export class CallbackStep extends Step {
  public readonly type = 'Callback';
  constructor(name: string, private readonly props: CallbackStepProps) {
    super(name, props);
  }

  /** An output sent back by the external process. */
  public output(name: string): string {
    return stepProperty(this, `OutputParameters['${name}']`).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): any {
    this.props.queue.grantSendMessages(ctx.pipelineGrantee);
    return prune({
      SqsQueueUrl: this.props.queue.queueUrl,
      Arguments: this.props.inputs ?? {},
      OutputParameters: this.props.outputs?.map((o) => ({ OutputName: o.name, OutputType: o.type ?? OutputType.STRING })),
    });
  }
}

const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'];

/** A literal approval status must be one SageMaker knows; a parameter's value is checked at run time. */
function checkApproval(ctx: RenderContext, step: string, status: string): string {
  if (!Token.isUnresolved(status) && !APPROVAL_STATUSES.includes(status)) {
    ctx.problems.add(`step '${step}' has approvalStatus '${status}': use one of ${APPROVAL_STATUSES.join(', ')} (or a parameter's value)`);
  }
  return status;
}
