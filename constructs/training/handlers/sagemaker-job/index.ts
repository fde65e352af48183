/**
 * Custom-resource handlers (custom-resources.Provider framework: onEvent + isComplete) that run a
 * SageMaker job while the stack deploys and wait for it:
 *
 * - `Custom::SageMakerTrainingJob`: a training job (CreateTrainingJob).
 * - `Custom::SageMakerTuningJob`: a hyperparameter tuning job (CreateHyperParameterTuningJob).
 *
 * Properties (strings, as CloudFormation delivers them):
 * - `Request`: the complete Create* request as a JSON string, job name included (`TrainingJobName` /
 *   `HyperParameterTuningJobName`). It is a JSON string because CloudFormation turns every non-string
 *   value of a property into a string, which the API would reject (`"InstanceCount": "1"`).
 *
 * The job name is the physical id.
 * - Create: describes the job first; a job that already exists (a retried create, or a rollback to a
 *   request that already ran) is not created again. Otherwise creates it; `ResourceInUse` (a create
 *   racing another) also means it exists. Nothing here sleeps: isComplete polls the job.
 * - Update: the same name (an unchanged request) changes nothing. A new name is a Create of the new
 *   job; CloudFormation then sends a Delete for the old id.
 * - isComplete (Create/Update): InProgress/Stopping is incomplete; Completed returns the attributes
 *   (see `trainingJobData` / `tuningJobData`); Failed and Stopped fail the deployment with the reason.
 * - Delete: stops the job while it runs and waits until it is no longer InProgress/Stopping. A job
 *   already finished or gone, or a physical id that is not a job name (a create that failed before
 *   answering), is success. SageMaker keeps finished jobs: nothing is deleted.
 *
 * Throttling is retried with backoff (shared runtime); an isComplete poll still throttled after the
 * retries reports incomplete (the next poll tries again) instead of failing the deployment.
 */
import {
  CreateHyperParameterTuningJobCommand,
  CreateTrainingJobCommand,
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

export const TRAINING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTrainingJob';
export const TUNING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTuningJob';

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
  readonly namePattern: RegExp;
  readonly maxNameLength: number;
  readonly createAction: string;
  readonly stopAction: string;
  describe(name: string): unknown;
  create(request: Record<string, unknown>): unknown;
  stop(name: string): unknown;
  status(out: DescribeTrainingJobCommandOutput | DescribeHyperParameterTuningJobCommandOutput): string | undefined;
}

/** SageMaker's job name rule (TrainingJobName; a tuning job name is at most 32 characters). */
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const TUNING_JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

const TRAINING: JobApi = {
  kind: 'training',
  resourceType: TRAINING_JOB_RESOURCE_TYPE,
  label: 'Training job',
  resource: 'SageMakerTrainingJob',
  nameField: 'TrainingJobName',
  namePattern: JOB_NAME_PATTERN,
  maxNameLength: 63,
  createAction: 'CreateTrainingJob',
  stopAction: 'StopTrainingJob',
  describe: (name) => new DescribeTrainingJobCommand({ TrainingJobName: name }),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  create: (request) => new CreateTrainingJobCommand(request as any),
  stop: (name) => new StopTrainingJobCommand({ TrainingJobName: name }),
  status: (out) => (out as DescribeTrainingJobCommandOutput).TrainingJobStatus,
};

const TUNING: JobApi = {
  kind: 'tuning',
  resourceType: TUNING_JOB_RESOURCE_TYPE,
  label: 'Tuning job',
  resource: 'SageMakerTuningJob',
  nameField: 'HyperParameterTuningJobName',
  namePattern: TUNING_JOB_NAME_PATTERN,
  maxNameLength: 32,
  createAction: 'CreateHyperParameterTuningJob',
  stopAction: 'StopHyperParameterTuningJob',
  describe: (name) => new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  create: (request) => new CreateHyperParameterTuningJobCommand(request as any),
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
  const pattern = resourceType === TUNING_JOB_RESOURCE_TYPE ? TUNING_JOB_NAME_PATTERN : JOB_NAME_PATTERN;
  return pattern.test(id);
}

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

export interface JobRequest {
  readonly name: string;
  readonly request: Record<string, unknown>;
}

/** Parses the `Request` property (a JSON string) and checks the job name in it. */
export function parseJobRequest(resourceType: string, props: Record<string, unknown> | undefined): JobRequest {
  const api = apiOf(resourceType);
  const raw = (props ?? {}).Request;
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
  const name = (request as Record<string, unknown>)[api.nameField];
  if (typeof name !== 'string' || !api.namePattern.test(name)) {
    throw new Error(`${resourceType}: Request.${api.nameField} must be 1-${api.maxNameLength} letters, digits or hyphens (starting and ending with a letter or digit), got ${JSON.stringify(name ?? null)}`);
  }
  return { name, request: request as Record<string, unknown> };
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
      const { name, request } = parseJobRequest(event.ResourceType, event.ResourceProperties);
      await startJob(rt, api, clients.sagemaker, name, request, 'Create');
      return { PhysicalResourceId: name };
    }
    case 'Update': {
      const { name, request } = parseJobRequest(event.ResourceType, event.ResourceProperties);
      if (name === event.PhysicalResourceId) {
        rt.log({ action: 'Update', jobName: name, result: 'unchanged' });
        return { PhysicalResourceId: name };
      }
      await startJob(rt, api, clients.sagemaker, name, request, 'Update', event.PhysicalResourceId);
      return { PhysicalResourceId: name };
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

/** Creates the job unless it exists already. */
async function startJob(
  rt: Runtime,
  api: JobApi,
  sagemaker: SdkClient,
  name: string,
  request: Record<string, unknown>,
  requestType: 'Create' | 'Update',
  previousJobName?: string,
): Promise<void> {
  const base = { action: api.createAction, requestType, jobName: name, ...(previousJobName !== undefined ? { previousJobName } : {}) };
  const existing = await describeJob(rt, api, sagemaker, name);
  if (existing) {
    rt.log({ ...base, result: 'exists', status: api.status(existing) });
    return;
  }
  try {
    await rt.send(sagemaker, api.create(request));
    rt.log({ ...base, result: 'created' });
  } catch (err) {
    if (errorName(err) === 'ResourceInUse') {
      rt.log({ ...base, result: 'exists-race', error: errorText(err) });
      return;
    }
    rt.log({ ...base, result: 'failed', error: errorText(err) });
    throw err;
  }
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
  const name = event.PhysicalResourceId ?? parseJobRequest(event.ResourceType, event.ResourceProperties).name;
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
function clients(): SageMakerJobClients {
  realSageMaker ??= new SageMakerClient({});
  return { sagemaker: realSageMaker };
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  return sageMakerJobOnEvent(event, clients());
}

export async function isComplete(event: CustomResourceEvent): Promise<JobIsCompleteResponse> {
  return sageMakerJobIsComplete(event, clients());
}
