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
 *   is skipped. Nothing here sleeps: isComplete polls the job.
 * - Update: a physical id that is one of the attempt names of the new request changes nothing.
 *   Otherwise it is a Create of the new job; CloudFormation then sends a Delete for the old id.
 * - isComplete (Create/Update): InProgress/Stopping is incomplete; Completed returns the attributes
 *   (see `trainingJobData` / `tuningJobData`); Failed and Stopped fail the deployment with the reason.
 * - Delete: stops the job named by the physical id while it runs and waits until it is no longer
 *   InProgress/Stopping. A job already finished or gone, or a physical id that is not a job name (a
 *   create that failed before answering), is success. SageMaker keeps finished jobs: nothing is
 *   deleted.
 *
 * Throttling is retried with backoff (shared runtime); an isComplete poll still throttled after the
 * retries reports incomplete (the next poll tries again) instead of failing the deployment.
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
} from '@aws-sdk/client-sagemaker';
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
  runtime,
} from '../../../private/handlers/runtime';

import { SageMakerJobProperties, TRAINING_JOB_RESOURCE_TYPE, TUNING_JOB_RESOURCE_TYPE } from '../../../private/contracts/sagemaker-job';
import type { Wire } from '../../../private/contracts';
import { isSageMakerName } from '../../../private/contracts/names';
export { TRAINING_JOB_RESOURCE_TYPE, TUNING_JOB_RESOURCE_TYPE };

// ---------------------------------------------------------------------------------------------------
// Injected dependencies and response shapes
// ---------------------------------------------------------------------------------------------------

export interface SageMakerJobClients extends RuntimeOptions {
  readonly sagemaker: SdkClient;
}

/** isComplete's answer: `Data` (the resource's attributes) only with IsComplete true. */
export interface JobIsCompleteResponse extends IsCompleteResponse {
  readonly Data?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------
// The two kinds of job
// ---------------------------------------------------------------------------------------------------

export type JobKind = 'training' | 'tuning';

interface JobApi {
  readonly kind: JobKind;
  readonly resourceType: string;
  /** For messages: 'Training job' / 'Tuning job'. */
  readonly label: string;
  /** Log `resource` field. */
  readonly resource: string;
  /** The request member holding the job name. */
  readonly nameField: 'TrainingJobName' | 'HyperParameterTuningJobName';
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
} as const;

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

function apiOf(resourceType: string): JobApi {
  if (resourceType === TRAINING_JOB_RESOURCE_TYPE) return TRAINING;
  if (resourceType === TUNING_JOB_RESOURCE_TYPE) return TUNING;
  throw new Error(`unsupported resource type ${resourceType}; expected ${TRAINING_JOB_RESOURCE_TYPE} or ${TUNING_JOB_RESOURCE_TYPE}`);
}

/** Whether `id` can name a job of this kind (the resource type's; any job when omitted). */
export function isJobName(id: string | undefined, resourceType?: string): id is string {
  if (id === undefined) return false;
  return isSageMakerName(id, (resourceType === TUNING_JOB_RESOURCE_TYPE ? TUNING : TRAINING).maxNameLength);
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
      return { PhysicalResourceId: await startJob(rt, api, clients.sagemaker, job, 'Create') };
    }
    case 'Update': {
      const job = parseJobRequest(event.ResourceType, event.ResourceProperties, event.StackId);
      const current = event.PhysicalResourceId;
      if (job.retries ? isAttemptOf(current, job.name) : current === job.name) {
        rt.log({ action: 'Update', jobName: current, result: 'unchanged' });
        return { PhysicalResourceId: current! };
      }
      return { PhysicalResourceId: await startJob(rt, api, clients.sagemaker, job, 'Update', current) };
    }
    case 'Delete': {
      const id = event.PhysicalResourceId;
      if (!isJobName(id, event.ResourceType)) {
        rt.log({ action: 'Delete', physicalResourceId: id, result: 'skipped-not-a-job-name' });
        return { PhysicalResourceId: id ?? event.RequestId ?? 'none' };
      }
      try {
        await stopIfRunning(rt, api, clients.sagemaker, id);
      } catch (err) {
        // isComplete describes (and stops) the job again on every poll: do not fail the delete now.
        if (!isThrottlingError(err)) throw err;
        rt.log({ action: 'Delete', jobName: id, result: 'throttled-deferred-to-poll', error: errorText(err) });
      }
      return { PhysicalResourceId: id };
    }
    default:
      throw new Error(`unsupported request type ${String((event as { RequestType?: unknown }).RequestType)}`);
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
    try {
      await rt.send(sagemaker, api.create({ ...job.request, [api.nameField]: name }));
      rt.log({ ...base, result: 'created' });
      return name;
    } catch (err) {
      if (errorName(err) === 'ResourceInUse') {
        rt.log({ ...base, result: 'exists-race', error: errorText(err) });
        return name;
      }
      rt.log({ ...base, result: 'failed', error: errorText(err) });
      throw err;
    }
  }
  rt.log({ action: api.createAction, requestType, jobName: job.name, result: 'attempts-exhausted', attempts });
  throw new Error(`${api.label} ${job.name}: all ${attempts} names (${job.name}, ${attemptName(job.name, 2)} ... ${attemptName(job.name, attempts)}) are taken by jobs that stopped or failed; fix the cause of the failures, then set a new runId to start under a new name`);
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
    if (isThrottlingError(err)) {
      rt.log({ action: 'poll', jobName: name, result: 'throttled', error: errorText(err) });
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
  const id = event.PhysicalResourceId;
  if (!isJobName(id, event.ResourceType)) return { IsComplete: true };
  try {
    const result = await stopIfRunning(rt, api, sagemaker, id);
    const done = result === 'gone' || result === 'finished';
    rt.log({ action: 'poll', requestType: 'Delete', jobName: id, result: done ? 'done' : 'waiting-for-stop' });
    return { IsComplete: done };
  } catch (err) {
    if (isThrottlingError(err)) {
      rt.log({ action: 'poll', requestType: 'Delete', jobName: id, result: 'throttled', error: errorText(err) });
      return { IsComplete: false };
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Lambda entry points
// ---------------------------------------------------------------------------------------------------

let realSageMaker: SageMakerClient | undefined;

/** The real SageMaker client, built on first use (so importing this module in tests creates none). */
function defaultClients(): SageMakerJobClients {
  realSageMaker ??= new SageMakerClient({});
  return { sagemaker: realSageMaker };
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  return sageMakerJobOnEvent(event, defaultClients());
}

export async function isComplete(event: CustomResourceEvent): Promise<JobIsCompleteResponse> {
  return sageMakerJobIsComplete(event, defaultClients());
}
