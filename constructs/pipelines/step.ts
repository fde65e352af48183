// The pipeline step base: retry and cache policies, options, the render context, and Step itself.
import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ProblemList } from '../private/errors';
import { prune } from '../private/job-render';
import { checkName, STEP_NAME } from '../private/rules';

import { isJobStep, StepBody } from './private/step-render';

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
   * Retry for at most this long (whole minutes, 1 to 14,400). Exclusive with maxAttempts.
   * @default - bounded by maxAttempts
   */
  readonly expireAfter?: Duration;
}

/** A retry policy of a step. */
export class RetryPolicy {
  /** Retries the step's service call (training, processing, tuning, transform, model and register-model steps). */
  public static step(exceptionTypes: StepExceptionType[], options: RetryOptions = {}): RetryPolicy {
    return new RetryPolicy(exceptionTypes, options, false);
  }

  /** Retries a failed SageMaker job (training, processing, tuning, transform steps). */
  public static job(exceptionTypes: JobExceptionType[], options: RetryOptions = {}): RetryPolicy {
    return new RetryPolicy(exceptionTypes, options, true);
  }

  private constructor(private readonly exceptionTypes: string[], private readonly options: RetryOptions, /** @internal */ public readonly _forJobs: boolean) {}

  /** @internal */
  public _render(problems: ProblemList, stepName: string): Record<string, unknown> {
    const o = this.options;
    if (this.exceptionTypes.length === 0) problems.add(`a retry policy of step '${stepName}' lists no exception types`);
    if (o.maxAttempts !== undefined && o.expireAfter !== undefined) problems.add(`a retry policy of step '${stepName}' sets both maxAttempts and expireAfter: use one`);
    const interval = o.interval?.toSeconds({ integral: false }) ?? 1;
    if (!Number.isInteger(interval) || interval < 1 || interval > 43200) problems.add(`a retry policy of step '${stepName}' has interval ${o.interval?.toHumanString()} (IntervalSeconds ${interval}): use whole seconds from 1 to 43200`);
    if (o.backoffRate !== undefined && (o.backoffRate < 1 || o.backoffRate > 10)) problems.add(`a retry policy of step '${stepName}' has backoffRate ${o.backoffRate}: use 1 to 10`);
    const expire = o.expireAfter?.toMinutes({ integral: false });
    if (expire !== undefined && (!Number.isInteger(expire) || expire < 1 || expire > 14400)) problems.add(`a retry policy of step '${stepName}' has expireAfter ${o.expireAfter!.toHumanString()} (ExpireAfterMin ${expire}): use whole minutes from 1 to 14400`);
    const attempts = o.expireAfter ? undefined : o.maxAttempts ?? 5;
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1 || attempts > 20)) problems.add(`a retry policy of step '${stepName}' has maxAttempts ${attempts}: use 1 to 20`);
    return prune({ ExceptionType: this.exceptionTypes, IntervalSeconds: interval, BackoffRate: o.backoffRate ?? 2, MaxAttempts: attempts, ExpireAfterMin: expire });
  }
}

/** The step types SageMaker applies retry policies to. */
const RETRY_STEP_TYPES = ['Training', 'Processing', 'Tuning', 'Transform', 'Model', 'RegisterModel'];

/** The cache's ExpireAfter: a positive ISO-8601 duration of whole seconds ('P30D', 'PT12H'). */
function cacheExpiry(ctx: RenderContext, step: string, expireAfter: Duration): string {
  const seconds = expireAfter.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    ctx.problems.add(`the cache of step '${step}' expires after ${expireAfter.toHumanString()} (ExpireAfter '${expireAfter.toIsoString()}'): use a positive whole number of seconds (e.g. Duration.days(30), rendered 'P30D')`);
  }
  return expireAfter.toIsoString();
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
   * The name shown in Studio: 1-64 letters, digits, '-' or '_' (the step name's rule).
   * @default - the step name
   */
  readonly displayName?: string;
  /**
   * A description: at most 4096 characters.
   * @default - none
   */
  readonly description?: string;
  /**
   * Steps that must finish first, besides those whose properties this step reads.
   * @default - none
   */
  readonly dependsOn?: Step[];
  /**
   * Retry policies: only training, processing, tuning, transform, model and register-model steps
   * take them (refused at synth on Lambda, callback, condition and fail steps).
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
  /** The pipeline's job role for the next step (a pipeline of many steps has several). */
  currentJobRole(): { role: iam.IRole; grantee: iam.IGrantable };
  readonly pipelineGrantee: iam.IGrantable;
  readonly problems: ProblemList;
  /** Renders a nested step (condition branches). */
  renderStep(step: Step): StepBody;
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
  public abstract _renderBody(ctx: RenderContext): StepBody;

  /** @internal The whole step JSON. */
  public _render(ctx: RenderContext): StepBody {
    const policies = this._options.retryPolicies ?? [];
    if (policies.length && !RETRY_STEP_TYPES.includes(this.type)) {
      ctx.problems.add(`step '${this.name}' is a ${this.type} step with ${policies.length} retry ${policies.length === 1 ? 'policy' : 'policies'}: SageMaker retries only ${RETRY_STEP_TYPES.join(', ')} steps; remove retryPolicies`);
    }
    const retries = policies.map((r) => {
      if (r._forJobs && !isJobStep(this) && RETRY_STEP_TYPES.includes(this.type)) ctx.problems.add(`step '${this.name}' is a ${this.type} step: job retry policies (SageMaker.*) apply to training, processing, tuning and transform steps only`);
      return r._render(ctx.problems, this.name);
    });
    checkName(ctx.problems, `displayName of step '${this.name}'`, this._options.displayName, STEP_NAME);
    const description = this._options.description;
    if (description !== undefined && !Token.isUnresolved(description) && description.length > 4096) {
      ctx.problems.add(`the description of step '${this.name}' is ${description.length} characters long: at most 4096`);
    }
    const cache = (this._options as JobStepOptions).cache;
    let cacheConfig: { Enabled: boolean; ExpireAfter?: string } | undefined;
    if (cache) {
      if (!isJobStep(this)) ctx.problems.add(`step '${this.name}' is a ${this.type} step: caching applies to training, processing, tuning and transform steps only`);
      cacheConfig = { Enabled: cache.enabled ?? true, ExpireAfter: cacheExpiry(ctx, this.name, cache.expireAfter) };
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
