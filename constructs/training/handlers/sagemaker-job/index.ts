/**
 * Custom-resource handlers (custom-resources.Provider framework: onEvent + isComplete) that run a
 * SageMaker job while the stack deploys and wait for it:
 *
 * - `Custom::SageMakerTrainingJob`: a training job (CreateTrainingJob).
 * - `Custom::SageMakerTuningJob`: a hyperparameter tuning job (CreateHyperParameterTuningJob).
 *
 * Properties (strings, as CloudFormation delivers them):
 * - `NameBase`: the start of the job name, chosen at synth (`<prefix>-<hash of the template request>`),
 *   at most `maxBaseLength` characters (see `JOB_NAME_LIMITS`).
 * - `Request`: the complete Create* request as a JSON string, without the job name. It is a JSON
 *   string because CloudFormation turns every non-string value of a property into a string, which the
 *   API would reject (`"InstanceCount": "1"`).
 *
 * - `SecretEnvironment` (optional): environment variables whose values the handler reads right before
 *   it creates the job, as a JSON string of `JobSecretReference[]` (`Name` and exactly one of
 *   `SecretArn`, with an optional `JsonKey`, and `ParameterName`). The provider framework logs the
 *   properties on every event and poll: only the references are there. The values go into the
 *   request's `Environment` (a tuning job: every training definition's), never into a log line or an
 *   error message (an error the create answers is redacted of them), and never into the job name.
 *
 * The job name is decided here, from the resolved values: `<NameBase>-<h>` where `h` is a short hash
 * of the resolved request (job name left out) and the event's `StackId`. An unchanged stack resolves
 * to the same name (the job is not run again); a new stack (a destroy and a fresh deploy included) or
 * a changed resolved value (a new bucket, a new role) gets a new job. A name whose job is Stopped or
 * Failed (a rollback stopped it, say) is not reused: the next attempt is `<name>-r2`, then `-r3`...
 * (the first free one, at most `MAX_JOB_ATTEMPTS` names in all).
 *
 * A `Request` that names the job itself and has no `NameBase` (a template of an earlier version of
 * the constructs, e.g. in the rollback of an upgrade) is run under exactly that name, as before: an
 * existing job of that name is adopted whatever its status.
 *
 * The actual job name is the physical id and the `TrainingJobName` / `HyperParameterTuningJobName`
 * attribute.
 * - Create: walks the attempt names: a name without a job is created (`ResourceInUse`, a create
 *   racing another, means it exists and is adopted); an InProgress or Completed job is adopted (a
 *   retried create, or a rollback to a request that already ran); a Stopped, Stopping or Failed one
 *   is skipped. A create answered by a transient error (5xx, timeout, lost connection, throttling
 *   past the retries) may have been accepted: the name is described and the job adopted if it
 *   exists, else the create is tried again (at most `MAX_CREATE_TRIES`). Nothing here sleeps:
 *   isComplete polls the job.
 * - Update: a physical id that is one of the attempt names of the new request changes nothing,
 *   except in the rollback of a failed update (OldResourceProperties resolve to another name): the
 *   job that update started is stopped (best effort, a rollback does not fail on it). Otherwise it
 *   is a Create of the new job; CloudFormation then sends a Delete for the old id.
 * - isComplete (Create/Update): InProgress/Stopping is incomplete; Completed returns the attributes
 *   (see `trainingJobData` / `tuningJobData`); Failed and Stopped fail the deployment with the reason
 *   (a job that reached its own MaxRuntimeInSeconds says so).
 * - Delete: the job name depends only on properties the Delete carries (NameBase, Request, StackId).
 *   A physical id that is one of the request's attempt names names the job; any other id (the one
 *   CloudFormation invents for a create that never answered, `<stack>-<logical id>-<suffix>`, a
 *   framework marker, a tuning id over 32 characters) is never described: the attempts of the
 *   request are walked and the running one is stopped. Without a NameBase (legacy), the Request's
 *   job name. The delete waits until no such job is InProgress/Stopping. SageMaker keeps finished
 *   jobs: nothing is deleted.
 *
 * Throttling is retried with backoff (shared runtime). A transient error (`isTransientError`) on an
 * isComplete poll, or on a Delete, reports incomplete (the next poll tries again) instead of failing
 * the deployment.
 */
import { createHash } from 'crypto';
import {
  CreateHyperParameterTuningJobCommand,
  CreateHyperParameterTuningJobCommandInput,
  CreateTrainingJobCommand,
  CreateTrainingJobCommandInput,
  DescribeHyperParameterTuningJobCommand,
  DescribeHyperParameterTuningJobCommandOutput,
  DescribeTrainingJobCommand,
  DescribeTrainingJobCommandOutput,
  SageMakerClient,
  StopHyperParameterTuningJobCommand,
  StopTrainingJobCommand,
  CreateCompilationJobCommand,
  CreateCompilationJobCommandInput,
  DescribeCompilationJobCommand,
  DescribeCompilationJobCommandOutput,
  StopCompilationJobCommand,
} from '@aws-sdk/client-sagemaker';
import { GetSecretValueCommand, GetSecretValueCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import {
  CustomResourceEvent,
  IsCompleteResponse,
  OnEventResponse,
  Runtime,
  RuntimeOptions,
  SdkClient,
  errorName,
  errorText,
  isNotFoundError,
  isThrottlingError,
  isTransientError,
  runtime,
} from '../../../private/handlers/runtime';

import { COMPILATION_JOB_RESOURCE_TYPE, CompilationJobAttribute, JobSecretReference, SageMakerJobProperties, TRAINING_JOB_RESOURCE_TYPE, TUNING_JOB_RESOURCE_TYPE } from '../../../private/contracts/sagemaker-job';
import type { Wire } from '../../../private/contracts';
import { isSageMakerName } from '../../../private/contracts/names';
export { COMPILATION_JOB_RESOURCE_TYPE, TRAINING_JOB_RESOURCE_TYPE, TUNING_JOB_RESOURCE_TYPE };

// ---------------------------------------------------------------------------------------------------
// Injected dependencies and response shapes
// ---------------------------------------------------------------------------------------------------

export interface SageMakerJobClients extends RuntimeOptions {
  readonly sagemaker: SdkClient;
  /** Reads the SecretEnvironment values kept in Secrets Manager (GetSecretValue). Needed only when there are some. */
  readonly secretsManager?: SdkClient;
  /** Reads the SecretEnvironment values kept in SSM Parameter Store (GetParameter with decryption). Needed only when there are some. */
  readonly ssm?: SdkClient;
}

/** isComplete's answer: `Data` (the resource's attributes) only with IsComplete true. */
export interface JobIsCompleteResponse extends IsCompleteResponse {
  readonly Data?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------
// The two kinds of job
// ---------------------------------------------------------------------------------------------------

export type JobKind = 'training' | 'tuning' | 'compilation';

interface JobApi {
  readonly kind: JobKind;
  readonly resourceType: string;
  /** For messages: 'Training job' / 'Tuning job'. */
  readonly label: string;
  /** Log `resource` field. */
  readonly resource: string;
  /** The request member holding the job name. */
  readonly nameField: 'TrainingJobName' | 'HyperParameterTuningJobName' | 'CompilationJobName';
  readonly maxNameLength: number;
  /** Hex digits of the resolved hash appended to the NameBase. */
  readonly resolvedHashLength: number;
  /** Longest NameBase: room is left for `-<resolved hash>` and the longest attempt suffix (`-r20`). */
  readonly maxBaseLength: number;
  readonly createAction: string;
  readonly stopAction: string;
  describe(name: string): unknown;
  create(request: Record<string, unknown>): unknown;
  stop(name: string): unknown;
  /** The job's status, in the training job's words ('InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'). */
  status(out: DescribeTrainingJobCommandOutput | DescribeHyperParameterTuningJobCommandOutput): string | undefined;
}

/**
 * Job names tried for one request: the first, then `-r2` ... `-r<MAX_JOB_ATTEMPTS>` while the earlier
 * ones are taken by stopped or failed jobs.
 */
export const MAX_JOB_ATTEMPTS = 20;
/** Longest attempt suffix (`-r20`). */
const ATTEMPT_SUFFIX_LENGTH = `-r${MAX_JOB_ATTEMPTS}`.length;

/** Name budgets; the constructs size their NameBase from these (kept equal by a test). */
export const JOB_NAME_LIMITS = {
  training: { maxNameLength: 63, resolvedHashLength: 8, maxBaseLength: 63 - 1 - 8 - ATTEMPT_SUFFIX_LENGTH },
  tuning: { maxNameLength: 32, resolvedHashLength: 6, maxBaseLength: 32 - 1 - 6 - ATTEMPT_SUFFIX_LENGTH },
  compilation: { maxNameLength: 63, resolvedHashLength: 8, maxBaseLength: 63 - 1 - 8 - ATTEMPT_SUFFIX_LENGTH },
} as const;

/** Compilation job statuses (upper case, and STARTING) in the training job's words. */
const COMPILATION_STATUS: Record<string, string> = {
  STARTING: 'InProgress', INPROGRESS: 'InProgress', COMPLETED: 'Completed', FAILED: 'Failed', STOPPING: 'Stopping', STOPPED: 'Stopped',
};

const TRAINING: JobApi = {
  kind: 'training',
  resourceType: TRAINING_JOB_RESOURCE_TYPE,
  label: 'Training job',
  resource: 'SageMakerTrainingJob',
  nameField: 'TrainingJobName',
  ...JOB_NAME_LIMITS.training,
  createAction: 'CreateTrainingJob',
  stopAction: 'StopTrainingJob',
  describe: (name) => new DescribeTrainingJobCommand({ TrainingJobName: name }),
  // the request was rendered from CreateTrainingJobRequest (training-spec.ts) and came through CloudFormation
  create: (request) => new CreateTrainingJobCommand(request as unknown as CreateTrainingJobCommandInput),
  stop: (name) => new StopTrainingJobCommand({ TrainingJobName: name }),
  status: (out) => (out as DescribeTrainingJobCommandOutput).TrainingJobStatus,
};

const TUNING: JobApi = {
  kind: 'tuning',
  resourceType: TUNING_JOB_RESOURCE_TYPE,
  label: 'Tuning job',
  resource: 'SageMakerTuningJob',
  nameField: 'HyperParameterTuningJobName',
  ...JOB_NAME_LIMITS.tuning,
  createAction: 'CreateHyperParameterTuningJob',
  stopAction: 'StopHyperParameterTuningJob',
  describe: (name) => new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }),
  // the request was rendered from CreateHyperParameterTuningJobRequest (tuning-spec.ts) and came through CloudFormation
  create: (request) => new CreateHyperParameterTuningJobCommand(request as unknown as CreateHyperParameterTuningJobCommandInput),
  stop: (name) => new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }),
  status: (out) => (out as DescribeHyperParameterTuningJobCommandOutput).HyperParameterTuningJobStatus,
};

const COMPILATION: JobApi = {
  kind: 'compilation',
  resourceType: COMPILATION_JOB_RESOURCE_TYPE,
  label: 'Compilation job',
  resource: 'SageMakerCompilationJob',
  nameField: 'CompilationJobName',
  ...JOB_NAME_LIMITS.compilation,
  createAction: 'CreateCompilationJob',
  stopAction: 'StopCompilationJob',
  describe: (name) => new DescribeCompilationJobCommand({ CompilationJobName: name }),
  // the request was rendered from CreateCompilationJobRequest (compilation-spec.ts) and came through CloudFormation
  create: (request) => new CreateCompilationJobCommand(request as unknown as CreateCompilationJobCommandInput),
  stop: (name) => new StopCompilationJobCommand({ CompilationJobName: name }),
  status: (out) => {
    const status = (out as unknown as DescribeCompilationJobCommandOutput).CompilationJobStatus;
    return status === undefined ? undefined : COMPILATION_STATUS[status] ?? status;
  },
};

function apiOf(resourceType: string): JobApi {
  if (resourceType === TRAINING_JOB_RESOURCE_TYPE) return TRAINING;
  if (resourceType === TUNING_JOB_RESOURCE_TYPE) return TUNING;
  if (resourceType === COMPILATION_JOB_RESOURCE_TYPE) return COMPILATION;
  throw new Error(`unsupported resource type ${resourceType}; expected ${TRAINING_JOB_RESOURCE_TYPE}, ${TUNING_JOB_RESOURCE_TYPE} or ${COMPILATION_JOB_RESOURCE_TYPE}`);
}

/** Whether `id` can name a job of this kind (the resource type's; any job when omitted). */
export function isJobName(id: string | undefined, resourceType?: string): id is string {
  if (id === undefined) return false;
  return isSageMakerName(id, (resourceType === TUNING_JOB_RESOURCE_TYPE ? TUNING : resourceType === COMPILATION_JOB_RESOURCE_TYPE ? COMPILATION : TRAINING).maxNameLength);
}

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

export interface JobRequest {
  /** The name of the first attempt: `<NameBase>-<resolved hash>` (or, legacy, the name in the Request). */
  readonly name: string;
  /** The request as given; the job name is set per attempt. */
  readonly request: Record<string, unknown>;
  /**
   * Whether the attempt names `-r2`... may be tried. False for a legacy Request (named, no NameBase):
   * its name is used as is, as the version that rendered it did.
   */
  readonly retries: boolean;
}

/**
 * Parses the `Request` property (a JSON string) and `NameBase`, and decides the name of the first
 * attempt (`stackId`: the event's StackId, part of the resolved hash).
 */
export function parseJobRequest(resourceType: string, props: Record<string, unknown> | undefined, stackId?: string): JobRequest {
  const api = apiOf(resourceType);
  const raw = (props as Wire<SageMakerJobProperties> | undefined ?? {}).Request;
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new Error(`${resourceType}: the Request property must be the ${api.createAction} request as a JSON string, got ${raw === undefined ? 'nothing' : typeof raw}`);
  }
  let request: unknown;
  try {
    request = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${resourceType}: the Request property is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new Error(`${resourceType}: the Request property must be a JSON object (the ${api.createAction} request)`);
  }
  const req = request as Record<string, unknown>;
  const nameBase = (props ?? {}).NameBase;
  if (nameBase !== undefined) {
    if (!isSageMakerName(nameBase, api.maxBaseLength)) {
      throw new Error(`${resourceType}: NameBase must be 1-${api.maxBaseLength} letters, digits or hyphens (starting and ending with a letter or digit), got ${JSON.stringify(nameBase)}`);
    }
    return { name: resolvedJobName(resourceType, nameBase, req, stackId), request: req, retries: true };
  }
  const name = req[api.nameField];
  if (!isSageMakerName(name, api.maxNameLength)) {
    throw new Error(`${resourceType}: without a NameBase property, Request.${api.nameField} must be 1-${api.maxNameLength} letters, digits or hyphens (starting and ending with a letter or digit), got ${JSON.stringify(name ?? null)}`);
  }
  return { name, request: req, retries: false };
}

/** JSON with every object's keys sorted, so equal values hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `<nameBase>-<h>`: `h` hashes the resolved request (its job name member left out) and the stack id,
 * so a new stack or a changed resolved value gets a new name, and an unchanged stack the same one.
 */
export function resolvedJobName(resourceType: string, nameBase: string, request: Record<string, unknown>, stackId: string | undefined): string {
  const api = apiOf(resourceType);
  const { [api.nameField]: _name, ...unnamed } = request;
  const h = createHash('sha256')
    .update(canonicalJson(unnamed))
    .update('\n')
    .update(stackId ?? '')
    .digest('hex')
    .slice(0, api.resolvedHashLength);
  return `${nameBase}-${h}`;
}

/** The name of attempt `n` (1-based): the first name, then `<name>-r2`, `<name>-r3`... */
export function attemptName(name: string, n: number): string {
  return n <= 1 ? name : `${name}-r${n}`;
}

/** Whether `id` is one of the attempt names of `name`. */
function isAttemptOf(id: string | undefined, name: string): boolean {
  if (id === undefined) return false;
  if (id === name) return true;
  const prefix = `${name}-r`;
  if (!id.startsWith(prefix)) return false;
  const n = id.slice(prefix.length);
  return /^[1-9][0-9]*$/.test(n) && Number(n) >= 2 && Number(n) <= MAX_JOB_ATTEMPTS;
}

// ---------------------------------------------------------------------------------------------------
// Attributes (isComplete Data)
// ---------------------------------------------------------------------------------------------------

/** The attribute name of a final metric: `Metric_` + the name with every non-alphanumeric character as `_`. */
export function metricAttributeName(metricName: string): string {
  return `Metric_${metricName.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/**
 * Budget of the serialized Data, in bytes. CloudFormation rejects a custom-resource response over
 * 4096 bytes; the rest of the response (status, reason, stack and request ids, logical and physical
 * ids) needs up to ~1 KB.
 */
export const MAX_DATA_BYTES = 3072;

function dataBytes(data: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(data), 'utf8');
}

export interface TrainingJobData {
  readonly data: Record<string, string>;
  /** Metric names left out: over the Data budget, or sanitized to an attribute name already taken. */
  readonly droppedMetrics: string[];
}

/** The attributes of a completed training job; metrics are added in order while Data fits MAX_DATA_BYTES. */
export function trainingJobData(out: DescribeTrainingJobCommandOutput): TrainingJobData {
  const data: Record<string, string> = {
    TrainingJobName: out.TrainingJobName ?? '',
    TrainingJobArn: out.TrainingJobArn ?? '',
    ModelDataUri: out.ModelArtifacts?.S3ModelArtifacts ?? '',
  };
  const droppedMetrics: string[] = [];
  for (const metric of out.FinalMetricDataList ?? []) {
    if (metric.MetricName === undefined) continue;
    const key = metricAttributeName(metric.MetricName);
    if (key in data) {
      droppedMetrics.push(metric.MetricName);
      continue;
    }
    const candidate = { ...data, [key]: String(metric.Value) };
    if (dataBytes(candidate) > MAX_DATA_BYTES) {
      droppedMetrics.push(metric.MetricName);
      continue;
    }
    data[key] = candidate[key];
  }
  return { data, droppedMetrics };
}

/** The attributes of a completed tuning job, given its best training job's description. */
export function tuningJobData(
  out: DescribeHyperParameterTuningJobCommandOutput,
  bestTrainingJob: DescribeTrainingJobCommandOutput,
): Record<string, string> {
  const best = out.BestTrainingJob;
  const objective = best?.FinalHyperParameterTuningJobObjectiveMetric?.Value;
  return {
    HyperParameterTuningJobName: out.HyperParameterTuningJobName ?? '',
    HyperParameterTuningJobArn: out.HyperParameterTuningJobArn ?? '',
    BestTrainingJobName: best?.TrainingJobName ?? '',
    BestObjectiveValue: objective === undefined ? '' : String(objective),
    BestModelDataUri: bestTrainingJob.ModelArtifacts?.S3ModelArtifacts ?? '',
  };
}

// ---------------------------------------------------------------------------------------------------
// onEvent
// ---------------------------------------------------------------------------------------------------

/** onEvent of both resource types, with the SageMaker client and runtime knobs injected. */
export async function sageMakerJobOnEvent(event: CustomResourceEvent, clients: SageMakerJobClients): Promise<OnEventResponse> {
  const api = apiOf(event.ResourceType);
  const rt = runtime(clients, api.resource);
  switch (event.RequestType) {
    case 'Create': {
      const job = parseJobRequest(event.ResourceType, event.ResourceProperties, event.StackId);
      const secrets = jobSecrets(rt, api, clients, event, job);
      return { PhysicalResourceId: await startJob(rt, api, clients.sagemaker, job, 'Create', secrets) };
    }
    case 'Update': {
      const job = parseJobRequest(event.ResourceType, event.ResourceProperties, event.StackId);
      const current = event.PhysicalResourceId;
      if (job.retries ? isAttemptOf(current, job.name) : current === job.name) {
        // nothing starts (a rollback included): the secret references are not even read
        rt.log({ action: 'Update', jobName: current, result: 'unchanged' });
        await stopRolledBackJob(rt, api, clients.sagemaker, event, job, 'rolled-back-job');
        return { PhysicalResourceId: current! };
      }
      const secrets = jobSecrets(rt, api, clients, event, job);
      const started = await startJob(rt, api, clients.sagemaker, job, 'Update', secrets, current);
      // A rollback may also come with the failed update's physical id: its job must not run on
      // either. In a forward update the old request's job has completed: nothing is stopped.
      await stopRolledBackJob(rt, api, clients.sagemaker, event, job, 'replaced-job');
      return { PhysicalResourceId: started };
    }
    case 'Delete': {
      const id = event.PhysicalResourceId;
      const target = deleteTarget(rt, event);
      if (target === undefined) {
        rt.log({ action: 'Delete', physicalResourceId: id, result: 'skipped-not-a-job-name' });
        return { PhysicalResourceId: id ?? event.RequestId ?? 'none' };
      }
      try {
        await stopTarget(rt, api, clients.sagemaker, target);
      } catch (err) {
        // isComplete describes (and stops) the job again on every poll: do not fail the delete now.
        if (!isTransientError(err)) throw err;
        rt.log({ action: 'Delete', jobName: targetLabel(target), result: 'transient-error-deferred-to-poll', error: errorText(err) });
      }
      return { PhysicalResourceId: id ?? event.RequestId ?? 'none' };
    }
    default:
      throw new Error(`unsupported request type ${String((event as { RequestType?: unknown }).RequestType)}`);
  }
}

/** The secret variables of a Create or Update, checked against the request before anything starts. */
function jobSecrets(rt: Runtime, api: JobApi, clients: SageMakerJobClients, event: CustomResourceEvent, job: JobRequest): SecretValues {
  const refs = parseSecretEnvironment(event.ResourceType, event.ResourceProperties);
  checkSecretEnvironment(event.ResourceType, job.request, refs);
  return secretValues(rt, `${api.label} ${job.name}`, clients, refs);
}

// ---------------------------------------------------------------------------------------------------
// Which job a Delete (or a rollback Update) stops
// ---------------------------------------------------------------------------------------------------

/**
 * What a Delete stops: `{ name }` the one job named by the physical id, or `{ attemptsOf }` every
 * attempt of a request's first name (the running one is stopped). Undefined: nothing to stop.
 */
type DeleteTarget = { readonly name: string } | { readonly attemptsOf: string; readonly attempts: number };

function targetLabel(target: DeleteTarget): string {
  return 'name' in target ? target.name : target.attemptsOf;
}

/**
 * The physical id CloudFormation invents for a create that never answered (the stack stopped
 * waiting): `<stack name>-<logical id>-<12-13 upper-case letters or digits>`. Never a job name of ours.
 */
export function isInventedPhysicalId(id: string | undefined, event: Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId'>): boolean {
  if (id === undefined) return false;
  const stackName = /:stack\/([^/]+)\//.exec(event.StackId ?? '')?.[1];
  const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (stackName !== undefined && event.LogicalResourceId !== undefined) {
    return new RegExp(`^${escape(stackName)}-${escape(event.LogicalResourceId)}-[A-Z0-9]{12,13}$`).test(id);
  }
  // Without the stack name or logical id: the shape alone (ends with an upper-case random suffix).
  return /-[A-Z0-9]{12,13}$/.test(id) && /[A-Z]/.test(id.slice(-13));
}

/** The request of the event's properties (`props`), or undefined when they do not parse. */
function tryParse(resourceType: string, props: Record<string, unknown> | undefined, stackId: string | undefined): JobRequest | undefined {
  try {
    return parseJobRequest(resourceType, props, stackId);
  } catch {
    return undefined;
  }
}

/**
 * Decides what a Delete stops. The job's name depends only on properties the Delete carries
 * (NameBase, the Request, StackId), so the attempt names are derived from them: a physical id that
 * is one of them names the job; any other id (one CloudFormation invented for a create that never
 * answered, a tuning id too long for a job name, a framework marker) is never described: every
 * attempt of the request is looked at instead. Without a NameBase (legacy), the Request's job name,
 * or a physical id that is a job name.
 */
function deleteTarget(rt: Runtime, event: CustomResourceEvent): DeleteTarget | undefined {
  const id = event.PhysicalResourceId;
  const job = tryParse(event.ResourceType, event.ResourceProperties, event.StackId);
  const invented = isInventedPhysicalId(id, event);
  if (job?.retries) {
    if (isAttemptOf(id, job.name)) return { name: id! };
    rt.log({ action: 'Delete', physicalResourceId: id, jobName: job.name, result: invented ? 'invented-physical-id-derived-names' : 'foreign-physical-id-derived-names' });
    return { attemptsOf: job.name, attempts: MAX_JOB_ATTEMPTS };
  }
  if (job && (id === job.name || invented || !isJobName(id, event.ResourceType))) {
    if (id !== job.name) rt.log({ action: 'Delete', physicalResourceId: id, jobName: job.name, result: 'legacy-request-name' });
    return { name: job.name };
  }
  if (invented || !isJobName(id, event.ResourceType)) return undefined;
  return { name: id };
}

/**
 * Stops the target while it runs: 'done' when no job of it is InProgress or Stopping any more.
 * For the attempts of a request: walks them in order (an attempt exists only when the ones before it
 * do) up to the first name without a job.
 */
async function stopTarget(rt: Runtime, api: JobApi, sagemaker: SdkClient, target: DeleteTarget): Promise<'done' | 'waiting'> {
  if ('name' in target) {
    const result = await stopIfRunning(rt, api, sagemaker, target.name);
    return result === 'gone' || result === 'finished' ? 'done' : 'waiting';
  }
  let waiting = false;
  for (let n = 1; n <= target.attempts; n++) {
    const result = await stopIfRunning(rt, api, sagemaker, attemptName(target.attemptsOf, n));
    if (result === 'gone') break;
    if (result !== 'finished') waiting = true;
  }
  return waiting ? 'waiting' : 'done';
}

/**
 * The rollback of a failed update: CloudFormation sends an Update with the properties (and physical
 * id) from before it, and the failed update's properties as OldResourceProperties. The job that
 * update started (an attempt of the name its properties resolve to) would run on: it is stopped.
 * Best effort: a rollback must not fail because a stop did (the job is logged).
 */
async function stopRolledBackJob(
  rt: Runtime,
  api: JobApi,
  sagemaker: SdkClient,
  event: CustomResourceEvent,
  current: JobRequest,
  what: 'rolled-back-job' | 'replaced-job',
): Promise<void> {
  const old = tryParse(event.ResourceType, event.OldResourceProperties, event.StackId);
  if (!old || old.name === current.name) return;
  const target: DeleteTarget = old.retries ? { attemptsOf: old.name, attempts: MAX_JOB_ATTEMPTS } : { name: old.name };
  const key = what === 'rolled-back-job' ? 'rolledBackJob' : 'replacedJob';
  try {
    await stopTarget(rt, api, sagemaker, target);
    rt.log({ action: 'Update', jobName: event.PhysicalResourceId, [key]: old.name, result: `${what}-stopped` });
  } catch (err) {
    rt.log({ action: 'Update', jobName: event.PhysicalResourceId, [key]: old.name, result: `${what}-stop-failed`, error: errorText(err) });
  }
}

/** Describes the job; undefined when it does not exist. */
async function describeJob(
  rt: Runtime,
  api: JobApi,
  sagemaker: SdkClient,
  name: string,
): Promise<DescribeTrainingJobCommandOutput | DescribeHyperParameterTuningJobCommandOutput | undefined> {
  try {
    return await rt.send(sagemaker, api.describe(name));
  } catch (err) {
    if (isNotFoundError(err)) return undefined;
    throw err;
  }
}

/** Statuses of a job that will never complete: its name is not reused, the next attempt runs instead. */
const UNUSABLE_STATUSES: ReadonlySet<string> = new Set(['Stopped', 'Stopping', 'Failed', 'Deleting', 'DeleteFailed']);

/**
 * Starts the job under the first attempt name that is free, adopting an attempt that runs or has
 * completed (see the file comment); returns the name of the job adopted or created.
 */
async function startJob(
  rt: Runtime,
  api: JobApi,
  sagemaker: SdkClient,
  job: JobRequest,
  requestType: 'Create' | 'Update',
  secrets: SecretValues,
  previousJobName?: string,
): Promise<string> {
  const attempts = job.retries ? MAX_JOB_ATTEMPTS : 1;
  for (let n = 1; n <= attempts; n++) {
    const name = attemptName(job.name, n);
    const base = {
      action: api.createAction,
      requestType,
      jobName: name,
      ...(n > 1 ? { attempt: n } : {}),
      ...(previousJobName !== undefined ? { previousJobName } : {}),
    };
    const existing = await describeJob(rt, api, sagemaker, name);
    if (existing) {
      const status = api.status(existing);
      if (job.retries && status !== undefined && UNUSABLE_STATUSES.has(status)) {
        rt.log({ ...base, result: 'exists-unusable', status });
        continue;
      }
      rt.log({ ...base, result: 'exists', status });
      return name;
    }
    if (await createOrAdopt(rt, api, sagemaker, job, name, base, secrets)) return name;
  }
  rt.log({ action: api.createAction, requestType, jobName: job.name, result: 'attempts-exhausted', attempts });
  throw new Error(`${api.label} ${job.name}: all ${attempts} names (${job.name}, ${attemptName(job.name, 2)} ... ${attemptName(job.name, attempts)}) are taken by jobs that stopped or failed; fix the cause of the failures, then set a new runId to start under a new name`);
}

/** Creates tried for one name while the answers are transient (the service may have accepted one). */
export const MAX_CREATE_TRIES = 3;

/**
 * Creates the job `name`. A transient answer (5xx, timeout, lost connection, throttling past the
 * retries) may hide a create the service accepted: the name is described and the job adopted if it
 * exists, else the create is tried again. Returns true (created or adopted) or throws.
 */
async function createOrAdopt(
  rt: Runtime,
  api: JobApi,
  sagemaker: SdkClient,
  job: JobRequest,
  name: string,
  base: Record<string, unknown>,
  secrets: SecretValues,
): Promise<true> {
  // The secret values are read right before the first create, only when a job is created.
  const values = await secrets.read();
  const request = withSecretEnvironment(api, withScriptModeJobName(api, { ...job.request, [api.nameField]: name }, name), values);
  // What SageMaker answers may quote the request (a validation error): never a value in a log or an error.
  const text = (err: unknown) => redact(errorText(err), values);
  for (let tryNo = 1; ; tryNo++) {
    try {
      await rt.send(sagemaker, api.create(request));
      rt.log({ ...base, result: 'created', ...(tryNo > 1 ? { createTry: tryNo } : {}), ...(secrets.count ? { secretEnvironment: secrets.names } : {}) });
      return true;
    } catch (err) {
      if (errorName(err) === 'ResourceInUse') {
        rt.log({ ...base, result: 'exists-race', error: text(err) });
        return true;
      }
      if (!isTransientError(err) || tryNo >= MAX_CREATE_TRIES) {
        rt.log({ ...base, result: 'failed', error: text(err) });
        throw redactError(err, values);
      }
      rt.log({ ...base, result: 'ambiguous-create', createTry: tryNo, error: text(err) });
      let existing: unknown;
      try {
        existing = await describeJob(rt, api, sagemaker, name);
      } catch (describeErr) {
        if (!isTransientError(describeErr)) throw describeErr;
        // unknown yet: the next create answers ResourceInUse if the first one was accepted
        rt.log({ ...base, result: 'ambiguous-create-describe-failed', error: errorText(describeErr) });
        continue;
      }
      if (existing) {
        rt.log({ ...base, result: 'adopted-after-ambiguous-create', status: api.status(existing as DescribeTrainingJobCommandOutput) });
        return true;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Secret environment variables (SecretEnvironment)
// ---------------------------------------------------------------------------------------------------

/** SageMaker's pattern for an Environment key (CreateTrainingJob), and its length limit. */
const ENVIRONMENT_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_ENVIRONMENT_KEY_LENGTH = 512;

/**
 * Parses and checks the `SecretEnvironment` property (a JSON string of `JobSecretReference[]`):
 * each entry a Name (an environment variable name, once) and exactly one of SecretArn (with an
 * optional JsonKey) and ParameterName. Messages name the variable, never a value (there is none
 * here: only references).
 */
export function parseSecretEnvironment(resourceType: string, props: Record<string, unknown> | undefined): JobSecretReference[] {
  const raw = (props as Wire<SageMakerJobProperties> | undefined ?? {}).SecretEnvironment;
  if (raw === undefined || raw === null || raw === '') return [];
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error(`${resourceType}: the SecretEnvironment property is not valid JSON (a JSON array of {Name, SecretArn[, JsonKey]} or {Name, ParameterName})`);
    }
  }
  if (!Array.isArray(parsed)) {
    throw new Error(`${resourceType}: the SecretEnvironment property must be a JSON array of {Name, SecretArn[, JsonKey]} or {Name, ParameterName}, got ${parsed === null ? 'null' : typeof parsed}`);
  }
  const seen = new Set<string>();
  return parsed.map((entry: unknown, i): JobSecretReference => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${resourceType}: SecretEnvironment[${i}] must be an object {Name, SecretArn[, JsonKey]} or {Name, ParameterName}`);
    }
    const e = entry as Record<string, unknown>;
    const name = e.Name;
    if (typeof name !== 'string' || !ENVIRONMENT_KEY_PATTERN.test(name) || name.length > MAX_ENVIRONMENT_KEY_LENGTH) {
      throw new Error(`${resourceType}: SecretEnvironment[${i}].Name must be an environment variable name (1-${MAX_ENVIRONMENT_KEY_LENGTH} letters, digits or underscores, not starting with a digit), got ${typeof name === 'string' ? JSON.stringify(name.slice(0, 100)) : typeof name}`);
    }
    if (seen.has(name)) throw new Error(`${resourceType}: secret environment variable ${name} is given twice in SecretEnvironment`);
    seen.add(name);
    const nonEmpty = (key: string): string | undefined => {
      const v = e[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' || v.trim() === '') throw new Error(`${resourceType}: secret environment variable ${name}: ${key} must be a non-empty string`);
      return v;
    };
    const secretArn = nonEmpty('SecretArn');
    const jsonKey = nonEmpty('JsonKey');
    const parameterName = nonEmpty('ParameterName');
    if ((secretArn === undefined) === (parameterName === undefined)) {
      throw new Error(`${resourceType}: secret environment variable ${name} needs exactly one of SecretArn (Secrets Manager) and ParameterName (SSM Parameter Store)`);
    }
    if (jsonKey !== undefined && secretArn === undefined) {
      throw new Error(`${resourceType}: secret environment variable ${name}: JsonKey goes with a SecretArn, not a ParameterName`);
    }
    const known = new Set(['Name', 'SecretArn', 'JsonKey', 'ParameterName']);
    const unknown = Object.keys(e).filter((k) => !known.has(k));
    if (unknown.length) throw new Error(`${resourceType}: secret environment variable ${name}: unknown member(s) ${unknown.join(', ')}`);
    return secretArn !== undefined
      ? { Name: name, SecretArn: secretArn, ...(jsonKey !== undefined ? { JsonKey: jsonKey } : {}) }
      : { Name: name, ParameterName: parameterName };
  });
}

/** The Environment objects of a request the secret variables go into: a training job's, or every training definition's of a tuning job. */
function environmentsOf(api: JobApi, request: Record<string, unknown>): Array<{ readonly where: string; readonly env: unknown }> {
  if (api.kind === 'training') return [{ where: 'Environment', env: request.Environment }];
  const out: Array<{ where: string; env: unknown }> = [];
  const single = request.TrainingJobDefinition as Record<string, unknown> | undefined;
  if (single && typeof single === 'object') out.push({ where: 'TrainingJobDefinition.Environment', env: single.Environment });
  const many = request.TrainingJobDefinitions;
  if (Array.isArray(many)) many.forEach((d: Record<string, unknown> | undefined, i) => out.push({ where: `TrainingJobDefinitions[${i}].Environment`, env: d?.Environment }));
  return out;
}

/** Refuses a secret variable the request's Environment (any training definition's) already sets. */
export function checkSecretEnvironment(resourceType: string, request: Record<string, unknown>, secrets: readonly JobSecretReference[]): void {
  if (secrets.length === 0) return;
  const api = apiOf(resourceType);
  const environments = environmentsOf(api, request);
  if (api.kind === 'tuning' && environments.length === 0) {
    throw new Error(`${resourceType}: SecretEnvironment needs a TrainingJobDefinition or TrainingJobDefinitions in the request to set the variables on`);
  }
  for (const { where, env } of environments) {
    if (env === undefined || env === null) continue;
    if (typeof env !== 'object' || Array.isArray(env)) throw new Error(`${resourceType}: Request.${where} must be an object to add the secret environment variables to`);
    for (const s of secrets) {
      if (Object.prototype.hasOwnProperty.call(env, s.Name)) {
        throw new Error(`${resourceType}: secret environment variable ${s.Name} is also in Request.${where}: give each variable one source`);
      }
    }
  }
}

/** The request with the secret values added to its Environment(s); the request itself is not changed. */
/**
 * A script-mode training job (its hyperparameters name a `sagemaker_program`) also gets
 * `sagemaker_job_name`, JSON-encoded, as the SageMaker Python SDK's framework estimators set it:
 * the containers read it (TensorFlow's default `model_dir`, for one). Only the handler knows the
 * name; a pipeline's training step leaves it out, as the SDK's does.
 */
function withScriptModeJobName(api: JobApi, request: Record<string, unknown>, name: string): Record<string, unknown> {
  const hyperparameters = request.HyperParameters as Record<string, string> | undefined;
  if (api.kind !== 'training' || !hyperparameters || !('sagemaker_program' in hyperparameters) || 'sagemaker_job_name' in hyperparameters) return request;
  return { ...request, HyperParameters: { ...hyperparameters, sagemaker_job_name: JSON.stringify(name) } };
}

function withSecretEnvironment(api: JobApi, request: Record<string, unknown>, values: Readonly<Record<string, string>>): Record<string, unknown> {
  if (Object.keys(values).length === 0) return request;
  const add = (def: Record<string, unknown>) => ({ ...def, Environment: { ...(def.Environment as Record<string, string> | undefined ?? {}), ...values } });
  if (api.kind === 'training') return add(request);
  const out = { ...request };
  if (out.TrainingJobDefinition && typeof out.TrainingJobDefinition === 'object') out.TrainingJobDefinition = add(out.TrainingJobDefinition as Record<string, unknown>);
  if (Array.isArray(out.TrainingJobDefinitions)) out.TrainingJobDefinitions = (out.TrainingJobDefinitions as Array<Record<string, unknown>>).map(add);
  return out;
}

/** The secret values of one start: read once, on first need. */
interface SecretValues {
  readonly count: number;
  /** The variable names (for logs). */
  readonly names: string[];
  read(): Promise<Readonly<Record<string, string>>>;
}

function secretValues(rt: Runtime, label: string, clients: SageMakerJobClients, secrets: readonly JobSecretReference[]): SecretValues {
  let values: Promise<Record<string, string>> | undefined;
  return {
    count: secrets.length,
    names: secrets.map((s) => s.Name),
    read: () => {
      values ??= (async () => {
        const out: Record<string, string> = {};
        for (const s of secrets) out[s.Name] = await readSecret(rt, label, clients, s);
        return out;
      })();
      return values;
    },
  };
}

/** The value of one secret variable. Errors name the variable and the reference, never the value. */
async function readSecret(rt: Runtime, label: string, clients: SageMakerJobClients, s: JobSecretReference): Promise<string> {
  if (s.SecretArn !== undefined) {
    const where = `the Secrets Manager secret ${s.SecretArn}`;
    if (!clients.secretsManager) throw new Error(`${label}: secret environment variable ${s.Name}: no Secrets Manager client`);
    let out: GetSecretValueCommandOutput;
    try {
      out = await rt.send(clients.secretsManager, new GetSecretValueCommand({ SecretId: s.SecretArn }));
    } catch (err) {
      rt.log({ action: 'GetSecretValue', variable: s.Name, secretArn: s.SecretArn, result: 'failed', error: errorText(err) });
      throw new Error(`${label}: cannot read secret environment variable ${s.Name} from ${where}: ${errorText(err)}`);
    }
    const str = out.SecretString;
    if (typeof str !== 'string') throw new Error(`${label}: secret environment variable ${s.Name}: ${where} has no SecretString (a binary secret cannot be an environment variable)`);
    rt.log({ action: 'GetSecretValue', variable: s.Name, secretArn: s.SecretArn, ...(s.JsonKey !== undefined ? { jsonKey: s.JsonKey } : {}), result: 'read' });
    if (s.JsonKey === undefined) return str;
    let obj: unknown;
    try {
      obj = JSON.parse(str);
    } catch {
      // never the parser's message: it quotes the text, the secret
      throw new Error(`${label}: secret environment variable ${s.Name}: ${where} is not a JSON object, so it has no key ${s.JsonKey}`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new Error(`${label}: secret environment variable ${s.Name}: ${where} is not a JSON object, so it has no key ${s.JsonKey}`);
    }
    if (!Object.prototype.hasOwnProperty.call(obj, s.JsonKey)) {
      throw new Error(`${label}: secret environment variable ${s.Name}: ${where} has no key ${s.JsonKey}`);
    }
    const member = (obj as Record<string, unknown>)[s.JsonKey];
    if (typeof member !== 'string') {
      throw new Error(`${label}: secret environment variable ${s.Name}: key ${s.JsonKey} of ${where} is ${member === null ? 'null' : Array.isArray(member) ? 'an array' : typeof member === 'object' ? 'an object' : `a ${typeof member}`}, not a string`);
    }
    return member;
  }
  const where = `the SSM parameter ${s.ParameterName}`;
  if (!clients.ssm) throw new Error(`${label}: secret environment variable ${s.Name}: no SSM client`);
  let out: GetParameterCommandOutput;
  try {
    out = await rt.send(clients.ssm, new GetParameterCommand({ Name: s.ParameterName, WithDecryption: true }));
  } catch (err) {
    rt.log({ action: 'GetParameter', variable: s.Name, parameterName: s.ParameterName, result: 'failed', error: errorText(err) });
    throw new Error(`${label}: cannot read secret environment variable ${s.Name} from ${where}: ${errorText(err)}`);
  }
  const value = out.Parameter?.Value;
  if (typeof value !== 'string') throw new Error(`${label}: secret environment variable ${s.Name}: ${where} has no value`);
  rt.log({ action: 'GetParameter', variable: s.Name, parameterName: s.ParameterName, type: out.Parameter?.Type, result: 'read' });
  return value;
}

/** `text` with every secret value replaced by `***`. */
function redact(text: string, values: Readonly<Record<string, string>>): string {
  let out = text;
  for (const v of Object.values(values)) if (v) out = out.split(v).join('***');
  return out;
}

/** The error, with every secret value removed from its message and stack (it goes to the logs and to CloudFormation). */
function redactError(err: unknown, values: Readonly<Record<string, string>>): unknown {
  if (Object.keys(values).length === 0 || typeof err !== 'object' || err === null) return err;
  const e = err as { message?: unknown; stack?: unknown };
  try {
    if (typeof e.message === 'string') e.message = redact(e.message, values);
    if (typeof e.stack === 'string') e.stack = redact(e.stack, values);
  } catch {
    return new Error(redact(errorText(err), values));
  }
  return err;
}

type StopResult = 'gone' | 'finished' | 'stop-requested' | 'stopping';

/** Stops the job when it is InProgress. */
async function stopIfRunning(rt: Runtime, api: JobApi, sagemaker: SdkClient, name: string): Promise<StopResult> {
  const out = await describeJob(rt, api, sagemaker, name);
  if (!out) {
    rt.log({ action: 'Delete', jobName: name, result: 'gone' });
    return 'gone';
  }
  const status = api.status(out);
  if (status === 'Stopping') {
    rt.log({ action: 'Delete', jobName: name, status, result: 'stopping' });
    return 'stopping';
  }
  if (status !== 'InProgress') {
    rt.log({ action: 'Delete', jobName: name, status, result: 'finished' });
    return 'finished';
  }
  try {
    await rt.send(sagemaker, api.stop(name));
    rt.log({ action: api.stopAction, jobName: name, status, result: 'stop-requested' });
    return 'stop-requested';
  } catch (err) {
    if (isNotFoundError(err)) {
      rt.log({ action: api.stopAction, jobName: name, status, result: 'gone' });
      return 'gone';
    }
    // The job finished (or began stopping) between the describe and the stop.
    if (errorName(err) === 'ValidationException') {
      rt.log({ action: api.stopAction, jobName: name, status, result: 'already-finished', error: errorText(err) });
      return 'finished';
    }
    rt.log({ action: api.stopAction, jobName: name, status, result: 'failed', error: errorText(err) });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// isComplete
// ---------------------------------------------------------------------------------------------------

/** Longest FailureReason quoted in an error (the whole response to CloudFormation must stay under 4 KB). */
const MAX_REASON_CHARS = 1000;

function reasonOf(reason: string | undefined): string {
  if (!reason) return 'no reason given';
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}...` : reason;
}

/** isComplete of both resource types, with the SageMaker client and runtime knobs injected. */
export async function sageMakerJobIsComplete(event: CustomResourceEvent, clients: SageMakerJobClients): Promise<JobIsCompleteResponse> {
  const api = apiOf(event.ResourceType);
  const rt = runtime(clients, api.resource);
  if (event.RequestType === 'Delete') return deleteIsComplete(rt, api, clients.sagemaker, event);
  // The framework passes onEvent's physical id (the attempt actually started); without one, the first attempt.
  const name = event.PhysicalResourceId ?? parseJobRequest(event.ResourceType, event.ResourceProperties, event.StackId).name;
  try {
    return await pollJob(rt, api, clients.sagemaker, name);
  } catch (err) {
    if (isTransientError(err)) {
      rt.log({ action: 'poll', jobName: name, result: isThrottlingError(err) ? 'throttled' : 'transient-error', error: errorText(err) });
      return { IsComplete: false };
    }
    throw err;
  }
}

async function pollJob(rt: Runtime, api: JobApi, sagemaker: SdkClient, name: string): Promise<JobIsCompleteResponse> {
  const out = await describeJob(rt, api, sagemaker, name);
  if (!out) {
    // onEvent created it or saw it: a describe that does not find it yet is eventual consistency.
    rt.log({ action: 'poll', jobName: name, result: 'not-visible-yet' });
    return { IsComplete: false };
  }
  const status = api.status(out);
  if ((status === 'Failed' || status === 'Stopped') && exceededMaxRuntime(out)) {
    rt.log({ action: 'poll', jobName: name, status, result: 'max-runtime-exceeded', failureReason: out.FailureReason });
    const limit = maxRuntimeOf(out);
    throw new Error(`${api.label} ${name} exceeded its maxRuntime${limit !== undefined ? ` (${limit} s)` : ''} and SageMaker stopped it: raise the spec's maxRuntime (within the deploy-time limit) or make the job faster${out.FailureReason ? `: ${reasonOf(out.FailureReason)}` : ''}`);
  }
  switch (status) {
    case 'InProgress':
    case 'Stopping':
      rt.log({
        action: 'poll',
        jobName: name,
        status,
        ...(api.kind === 'training' ? { secondaryStatus: (out as DescribeTrainingJobCommandOutput).SecondaryStatus } : {}),
        result: 'waiting',
      });
      return { IsComplete: false };
    case 'Completed':
      if (api.kind === 'compilation') return completedCompilation(rt, name, out as unknown as DescribeCompilationJobCommandOutput);
      return api.kind === 'training'
        ? completedTraining(rt, name, out as DescribeTrainingJobCommandOutput)
        : completedTuning(rt, sagemaker, name, out as DescribeHyperParameterTuningJobCommandOutput);
    case 'Failed':
      rt.log({ action: 'poll', jobName: name, status, result: 'failed', failureReason: out.FailureReason });
      throw new Error(`${api.label} ${name} failed: ${reasonOf(out.FailureReason)}`);
    case 'Stopped':
      rt.log({ action: 'poll', jobName: name, status, result: 'stopped' });
      throw new Error(`${api.label} ${name} was stopped before it completed (stopped outside this stack?)${out.FailureReason ? `: ${reasonOf(out.FailureReason)}` : ''}`);
    case 'Deleting':
    case 'DeleteFailed':
      rt.log({ action: 'poll', jobName: name, status, result: 'deleted' });
      throw new Error(`${api.label} ${name} is being deleted (status ${status}): it cannot complete`);
    default:
      // A status this handler does not know yet: keep polling rather than guess.
      rt.log({ action: 'poll', jobName: name, status, result: 'unknown-status' });
      return { IsComplete: false };
  }
}

/** Whether the job ended because it reached its own MaxRuntimeInSeconds. */
function exceededMaxRuntime(out: DescribeTrainingJobCommandOutput | DescribeHyperParameterTuningJobCommandOutput): boolean {
  const secondary = (out as DescribeTrainingJobCommandOutput).SecondaryStatus;
  return secondary === 'MaxRuntimeExceeded' || /MaxRuntimeExceeded/i.test(out.FailureReason ?? '');
}

function maxRuntimeOf(out: DescribeTrainingJobCommandOutput | DescribeHyperParameterTuningJobCommandOutput): number | undefined {
  return (out as DescribeTrainingJobCommandOutput).StoppingCondition?.MaxRuntimeInSeconds
    ?? (out as DescribeHyperParameterTuningJobCommandOutput).HyperParameterTuningJobConfig?.ResourceLimits?.MaxRuntimeInSeconds;
}

function completedTraining(rt: Runtime, name: string, out: DescribeTrainingJobCommandOutput): JobIsCompleteResponse {
  const { data, droppedMetrics } = trainingJobData(out);
  rt.log({
    action: 'poll',
    jobName: name,
    status: out.TrainingJobStatus,
    result: 'completed',
    modelDataUri: data.ModelDataUri,
    metrics: Object.keys(data).filter((k) => k.startsWith('Metric_')).length,
    ...(droppedMetrics.length ? { droppedMetrics } : {}),
  });
  return { IsComplete: true, Data: data };
}

function completedCompilation(rt: Runtime, name: string, out: DescribeCompilationJobCommandOutput): JobIsCompleteResponse {
  const data = {
    CompilationJobName: out.CompilationJobName ?? name,
    CompilationJobArn: out.CompilationJobArn ?? '',
    CompiledModelDataUri: out.ModelArtifacts?.S3ModelArtifacts ?? '',
    // the image Neo recommends for a SageMaker target (none for edge devices and platforms)
    InferenceImage: out.InferenceImage ?? '',
  } satisfies Record<CompilationJobAttribute, string>;
  rt.log({ action: 'poll', jobName: name, status: out.CompilationJobStatus, result: 'completed', compiledModelDataUri: data.CompiledModelDataUri });
  return { IsComplete: true, Data: data };
}

async function completedTuning(
  rt: Runtime,
  sagemaker: SdkClient,
  name: string,
  out: DescribeHyperParameterTuningJobCommandOutput,
): Promise<JobIsCompleteResponse> {
  const bestName = out.BestTrainingJob?.TrainingJobName;
  if (!bestName) {
    rt.log({ action: 'poll', jobName: name, status: out.HyperParameterTuningJobStatus, result: 'no-best-training-job' });
    throw new Error(`Tuning job ${name} completed without a best training job (no training job reported the objective metric)`);
  }
  const best = await rt.send<DescribeTrainingJobCommandOutput>(sagemaker, new DescribeTrainingJobCommand({ TrainingJobName: bestName }));
  const data = tuningJobData(out, best);
  rt.log({ action: 'poll', jobName: name, status: out.HyperParameterTuningJobStatus, result: 'completed', ...data });
  return { IsComplete: true, Data: data };
}

async function deleteIsComplete(rt: Runtime, api: JobApi, sagemaker: SdkClient, event: CustomResourceEvent): Promise<JobIsCompleteResponse> {
  const target = deleteTarget(rt, event);
  if (target === undefined) return { IsComplete: true };
  const jobName = targetLabel(target);
  try {
    const done = (await stopTarget(rt, api, sagemaker, target)) === 'done';
    rt.log({ action: 'poll', requestType: 'Delete', jobName, result: done ? 'done' : 'waiting-for-stop' });
    return { IsComplete: done };
  } catch (err) {
    if (isTransientError(err)) {
      rt.log({ action: 'poll', requestType: 'Delete', jobName, result: isThrottlingError(err) ? 'throttled' : 'transient-error', error: errorText(err) });
      return { IsComplete: false };
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Lambda entry points
// ---------------------------------------------------------------------------------------------------

let realClients: SageMakerJobClients | undefined;

/** The real SDK clients, built on first use (so importing this module in tests creates none). */
function defaultClients(): SageMakerJobClients {
  realClients ??= { sagemaker: new SageMakerClient({}), secretsManager: new SecretsManagerClient({}), ssm: new SSMClient({}) };
  return realClients;
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  return sageMakerJobOnEvent(event, defaultClients());
}

export async function isComplete(event: CustomResourceEvent): Promise<JobIsCompleteResponse> {
  return sageMakerJobIsComplete(event, defaultClients());
}
