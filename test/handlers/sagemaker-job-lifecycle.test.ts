/**
 * Deploy-time jobs through whole CloudFormation lifecycles, as the Provider framework calls the
 * handler (onEvent, then isComplete polls), with the event shapes CloudFormation sends: what is left
 * running (which Stop calls were made) and what CloudFormation is told.
 */
import {
  MAX_CREATE_TRIES,
  TRAINING_JOB_RESOURCE_TYPE,
  TUNING_JOB_RESOURCE_TYPE,
  isInventedPhysicalId,
  resolvedJobName,
  sageMakerJobIsComplete,
  sageMakerJobOnEvent,
} from '../../constructs/training/handlers/sagemaker-job';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import { ScriptedClient, accessDenied, always, awsError, resourceNotFound, testRuntime, throttling } from '../support/scripted-client';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STACK_NAME = 'MyStack';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/11111111-aaaa-bbbb-cccc-000000000001`;
const LOGICAL_ID = 'TrainJobA1B2C3';
/** What CloudFormation makes up for a create that never answered. */
const INVENTED = `${STACK_NAME}-${LOGICAL_ID}-1ABCDEFGHIJKL`;
/** `<prefix>-<synth hash>`: the provider role may act on `training-job/<prefix>-*` only. */
const PREFIX = 'mystack-trainjob';
const BASE = `${PREFIX}-0123456789`;
const TUNING_PREFIX = 'mystack-tune';
const TUNING_BASE = `${TUNING_PREFIX}-abcdef`;

function trainingRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/TrainingRole`,
    AlgorithmSpecification: { TrainingImage: `763104351884.dkr.ecr.${REGION}.amazonaws.com/xgboost:1.7-1`, TrainingInputMode: 'File' },
    OutputDataConfig: { S3OutputPath: 's3://data-bucket/models/' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    ...overrides,
  };
}

function tuningRequest(): Record<string, unknown> {
  return {
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
    },
    TrainingJobDefinition: trainingRequest(),
  };
}

function props(kind: 'training' | 'tuning', request: Record<string, unknown>): Record<string, unknown> {
  return {
    ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:provider`,
    NameBase: kind === 'training' ? BASE : TUNING_BASE,
    Request: JSON.stringify(request),
  };
}

function cfnEvent(kind: 'training' | 'tuning', requestType: RequestType, o: {
  request?: Record<string, unknown>;
  old?: Record<string, unknown>;
  physicalId?: string;
} = {}): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: kind === 'training' ? TRAINING_JOB_RESOURCE_TYPE : TUNING_JOB_RESOURCE_TYPE,
    LogicalResourceId: LOGICAL_ID,
    RequestId: 'req-1',
    StackId: STACK_ID,
    ...(o.physicalId !== undefined ? { PhysicalResourceId: o.physicalId } : {}),
    ResourceProperties: props(kind, o.request ?? (kind === 'training' ? trainingRequest() : tuningRequest())),
    ...(o.old ? { OldResourceProperties: props(kind, o.old) } : {}),
  };
}

const firstName = (kind: 'training' | 'tuning', request?: Record<string, unknown>) => kind === 'training'
  ? resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, request ?? trainingRequest(), STACK_ID)
  : resolvedJobName(TUNING_JOB_RESOURCE_TYPE, TUNING_BASE, request ?? tuningRequest(), STACK_ID);

/**
 * A SageMaker that keeps its jobs: Create adds an InProgress job, Stop makes it Stopping; a
 * describe shows Stopping once, the next one Stopped. Every name described must be inside the provider's grant
 * (`<prefix>-*`): any other describe answers AccessDenied, as IAM would.
 */
function fakeSageMaker(kind: 'training' | 'tuning', jobs: Record<string, string> = {}, script: Record<string, unknown[]> = {}) {
  const field = kind === 'training' ? 'TrainingJobName' : 'HyperParameterTuningJobName';
  const statusField = kind === 'training' ? 'TrainingJobStatus' : 'HyperParameterTuningJobStatus';
  const prefix = `${kind === 'training' ? PREFIX : TUNING_PREFIX}-`;
  const granted = (name: string) => {
    if (!name.startsWith(prefix)) throw accessDenied(`not authorized to perform on resource ${name}`);
  };
  const describe = always((input: Record<string, string>) => {
    const name = input[field];
    granted(name);
    const status = jobs[name];
    if (status === undefined) throw resourceNotFound(`Requested resource not found: ${name}`);
    if (status === 'Stopping') jobs[name] = 'Stopped';
    return { [field]: name, [statusField]: status };
  });
  const create = always((input: Record<string, string>) => {
    granted(input[field]);
    if (jobs[input[field]] !== undefined) throw awsError('ResourceInUse', 'exists');
    jobs[input[field]] = 'InProgress';
    return {};
  });
  const stop = always((input: Record<string, string>) => {
    granted(input[field]);
    jobs[input[field]] = 'Stopping';
    return {};
  });
  const names: Record<string, unknown[]> = kind === 'training'
    ? { DescribeTrainingJobCommand: [describe], CreateTrainingJobCommand: [create], StopTrainingJobCommand: [stop] }
    : { DescribeHyperParameterTuningJobCommand: [describe], CreateHyperParameterTuningJobCommand: [create], StopHyperParameterTuningJobCommand: [stop] };
  const merged: Record<string, unknown[]> = { ...names };
  for (const [k, replies] of Object.entries(script)) merged[k] = [...replies, ...names[k]];
  const sagemaker = new ScriptedClient(merged, { name: 'sagemaker' });
  const rt = testRuntime();
  return { sagemaker, jobs, logs: rt.logs, clients: { sagemaker, ...rt.options } };
}

function described(sagemaker: ScriptedClient, command: string, field: string): string[] {
  return sagemaker.inputsOf(command).map((i: Record<string, string>) => i[field]);
}

// ---------------------------------------------------------------------------------------------------
// 1. Rollback while a job runs: Delete with a physical id CloudFormation invented
// ---------------------------------------------------------------------------------------------------

describe('rollback of a create that never answered (CloudFormation invents the physical id)', () => {
  test('isInventedPhysicalId recognises <stack>-<logical id>-<12-13 upper-case/digits> only', () => {
    const e = { StackId: STACK_ID, LogicalResourceId: LOGICAL_ID };
    expect(isInventedPhysicalId(INVENTED, e)).toBe(true);
    expect(isInventedPhysicalId(`${STACK_NAME}-${LOGICAL_ID}-1ABCDEFGHIJK`, e)).toBe(true);
    expect(isInventedPhysicalId(firstName('training'), e)).toBe(false);
    expect(isInventedPhysicalId(`${STACK_NAME}-Other-1ABCDEFGHIJKL`, e)).toBe(false);
    expect(isInventedPhysicalId(undefined, e)).toBe(false);
  });

  test('GIVEN a training job still running WHEN Delete comes with the invented id THEN the job is stopped, the id never described, and the delete succeeds', async () => {
    const first = firstName('training');
    const h = fakeSageMaker('training');
    // Create, then polls while it runs
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: first });
    await expect(sageMakerJobIsComplete(cfnEvent('training', 'Create', { physicalId: first }), h.clients)).resolves.toEqual({ IsComplete: false });
    // CloudFormation stops waiting and rolls back
    const del = cfnEvent('training', 'Delete', { physicalId: INVENTED });
    await expect(sageMakerJobOnEvent(del, h.clients)).resolves.toEqual({ PhysicalResourceId: INVENTED });
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: first }]);
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: false }); // Stopping
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.jobs).toEqual({ [first]: 'Stopped' });
    const names = described(h.sagemaker, 'DescribeTrainingJobCommand', 'TrainingJobName');
    expect(names).not.toContain(INVENTED);
    expect(names.every((n) => n.startsWith(`${PREFIX}-`))).toBe(true);
  });

  test('GIVEN the first name Stopped and -r2 running WHEN Delete comes with the invented id THEN -r2 is stopped', async () => {
    const first = firstName('training');
    const h = fakeSageMaker('training', { [first]: 'Stopped', [`${first}-r2`]: 'InProgress' });
    const del = cfnEvent('training', 'Delete', { physicalId: INVENTED });
    await sageMakerJobOnEvent(del, h.clients);
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: `${first}-r2` }]);
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(1);
    // walked the attempts up to the first name without a job, never further
    expect(described(h.sagemaker, 'DescribeTrainingJobCommand', 'TrainingJobName').filter((n) => n.endsWith('-r4'))).toEqual([]);
  });

  test('GIVEN a Stopping job WHEN the Delete polls THEN incomplete until it is Stopped', async () => {
    const first = firstName('training');
    const h = fakeSageMaker('training', { [first]: 'Stopping' });
    const del = cfnEvent('training', 'Delete', { physicalId: INVENTED });
    await sageMakerJobOnEvent(del, h.clients); // sees Stopping, then the fake moves it to Stopped
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
  });

  test('GIVEN no job was started WHEN Delete comes with the invented id THEN success, nothing stopped', async () => {
    const h = fakeSageMaker('training');
    const del = cfnEvent('training', 'Delete', { physicalId: INVENTED });
    await expect(sageMakerJobOnEvent(del, h.clients)).resolves.toEqual({ PhysicalResourceId: INVENTED });
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
    expect(described(h.sagemaker, 'DescribeTrainingJobCommand', 'TrainingJobName')).toEqual([firstName('training'), firstName('training')]);
  });

  test('GIVEN a tuning job running WHEN Delete comes with the invented id (over 32 characters) THEN the tuning job is stopped', async () => {
    const first = firstName('tuning');
    const h = fakeSageMaker('tuning');
    await expect(sageMakerJobOnEvent(cfnEvent('tuning', 'Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: first });
    const del = cfnEvent('tuning', 'Delete', { physicalId: INVENTED });
    expect(INVENTED.length).toBeGreaterThan(32);
    await sageMakerJobOnEvent(del, h.clients);
    expect(h.sagemaker.inputsOf('StopHyperParameterTuningJobCommand')).toEqual([{ HyperParameterTuningJobName: first }]);
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.jobs).toEqual({ [first]: 'Stopped' });
    expect(described(h.sagemaker, 'DescribeHyperParameterTuningJobCommand', 'HyperParameterTuningJobName')).not.toContain(INVENTED);
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. The rollback of an update that started a job
// ---------------------------------------------------------------------------------------------------

describe('rollback of an update that started a job', () => {
  const oldRequest = trainingRequest();
  const newRequest = trainingRequest({ StoppingCondition: { MaxRuntimeInSeconds: 2400 } });

  test('GIVEN an update started a new job and the stack rolls back WHEN the rollback Update (old properties, old id) comes THEN the new job is stopped and the old id kept', async () => {
    const oldJob = firstName('training', oldRequest);
    const newJob = firstName('training', newRequest);
    const h = fakeSageMaker('training', { [oldJob]: 'Completed' });
    // the forward update: a new job
    const forward = cfnEvent('training', 'Update', { request: newRequest, old: oldRequest, physicalId: oldJob });
    await expect(sageMakerJobOnEvent(forward, h.clients)).resolves.toEqual({ PhysicalResourceId: newJob });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
    await expect(sageMakerJobIsComplete({ ...forward, PhysicalResourceId: newJob }, h.clients)).resolves.toEqual({ IsComplete: false });
    // CloudFormation rolls back: the old properties and id, the failed update's properties as old
    const rollback = cfnEvent('training', 'Update', { request: oldRequest, old: newRequest, physicalId: oldJob });
    await expect(sageMakerJobOnEvent(rollback, h.clients)).resolves.toEqual({ PhysicalResourceId: oldJob });
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: newJob }]);
    expect(h.jobs[newJob]).toBe('Stopping');
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'Update', rolledBackJob: newJob, result: 'rolled-back-job-stopped' }));
  });

  test('GIVEN the rollback Update comes with the failed update\'s physical id WHEN it runs THEN the old job is adopted and the failed update\'s job stopped', async () => {
    const oldJob = firstName('training', oldRequest);
    const newJob = firstName('training', newRequest);
    const h = fakeSageMaker('training', { [oldJob]: 'Completed', [newJob]: 'InProgress' });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Update', { request: oldRequest, old: newRequest, physicalId: newJob }), h.clients)).resolves.toEqual({ PhysicalResourceId: oldJob });
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: newJob }]);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
  });

  test('GIVEN a forward update (the old job completed) WHEN Update THEN the new job starts and nothing is stopped', async () => {
    const oldJob = firstName('training', oldRequest);
    const h = fakeSageMaker('training', { [oldJob]: 'Completed' });
    await sageMakerJobOnEvent(cfnEvent('training', 'Update', { request: newRequest, old: oldRequest, physicalId: oldJob }), h.clients);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(1);
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
  });

  test('GIVEN an Update whose old properties resolve to the same job WHEN Update THEN nothing is stopped', async () => {
    const job = firstName('training', oldRequest);
    const h = fakeSageMaker('training', { [job]: 'InProgress' });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Update', { request: oldRequest, old: oldRequest, physicalId: job }), h.clients)).resolves.toEqual({ PhysicalResourceId: job });
    expect(h.sagemaker.calls).toEqual([]);
  });

  test('GIVEN the stop of the rolled-back job is denied WHEN the rollback Update comes THEN the rollback still succeeds (logged)', async () => {
    const oldJob = firstName('training', oldRequest);
    const newJob = firstName('training', newRequest);
    const h = fakeSageMaker('training', { [oldJob]: 'Completed', [newJob]: 'InProgress' }, { StopTrainingJobCommand: [accessDenied()] });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Update', { request: oldRequest, old: newRequest, physicalId: oldJob }), h.clients)).resolves.toEqual({ PhysicalResourceId: oldJob });
    expect(h.logs).toContainEqual(expect.objectContaining({ rolledBackJob: newJob, result: 'rolled-back-job-stop-failed' }));
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. A create whose answer was lost
// ---------------------------------------------------------------------------------------------------

describe('ambiguous create (5xx, network error or throttling after the service may have accepted it)', () => {
  const serverError = () => awsError('InternalFailure', 'We encountered an internal error', 500);
  const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

  // throttling is retried by the runtime first (5 tries): every try "was accepted" and answers throttling
  test.each([
    ['a 5xx', serverError, 1],
    ['a connection reset', reset, 1],
    ['throttling past the retries', () => throttling(), 5],
  ])('GIVEN the service accepted the create but answered %s WHEN Create THEN the job is adopted, not created again, and the delete of a rollback stops it', async (_what, failure, tries) => {
    const first = firstName('training');
    const jobs: Record<string, string> = {};
    const accepted = (input: Record<string, string>) => {
      jobs[input.TrainingJobName] = 'InProgress';
      throw failure();
    };
    const h = fakeSageMaker('training', jobs, { CreateTrainingJobCommand: Array.from({ length: tries as number }, () => accepted) });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: first });
    expect(h.logs).toContainEqual(expect.objectContaining({ jobName: first, result: 'adopted-after-ambiguous-create' }));
    await expect(sageMakerJobIsComplete(cfnEvent('training', 'Create', { physicalId: first }), h.clients)).resolves.toEqual({ IsComplete: false });
    const del = cfnEvent('training', 'Delete', { physicalId: first });
    await sageMakerJobOnEvent(del, h.clients);
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: first }]);
  });

  test('GIVEN a 5xx and no job behind it WHEN Create THEN the create is tried again', async () => {
    const first = firstName('training');
    const h = fakeSageMaker('training', {}, { CreateTrainingJobCommand: [serverError()] });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: first });
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(2);
    expect(h.jobs).toEqual({ [first]: 'InProgress' });
  });

  test(`GIVEN 5xx on every one of ${MAX_CREATE_TRIES} tries and no job WHEN Create THEN it fails with the error`, async () => {
    const h = fakeSageMaker('training', {}, { CreateTrainingJobCommand: Array.from({ length: MAX_CREATE_TRIES }, serverError) });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Create'), h.clients)).rejects.toThrow(/internal error/);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(MAX_CREATE_TRIES);
  });

  test('GIVEN a client error (access denied) WHEN Create THEN it fails at once, without a second describe', async () => {
    const h = fakeSageMaker('training', {}, { CreateTrainingJobCommand: [accessDenied('not authorized to perform: iam:PassRole')] });
    await expect(sageMakerJobOnEvent(cfnEvent('training', 'Create'), h.clients)).rejects.toThrow(/iam:PassRole/);
    expect(h.sagemaker.countOf('DescribeTrainingJobCommand')).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Transient errors on polls are "not yet"
// ---------------------------------------------------------------------------------------------------

describe('transient errors on a poll', () => {
  test.each([
    ['a 503', () => awsError('ServiceUnavailable', 'Service Unavailable', 503)],
    ['a timeout', () => Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['ETIMEDOUT', () => Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
  ])('GIVEN %s WHEN isComplete polls a Create or a Delete THEN incomplete, not a failure', async (_what, failure) => {
    const first = firstName('training');
    const h = fakeSageMaker('training', { [first]: 'InProgress' }, { DescribeTrainingJobCommand: [failure(), failure(), failure()] });
    await expect(sageMakerJobIsComplete(cfnEvent('training', 'Create', { physicalId: first }), h.clients)).resolves.toEqual({ IsComplete: false });
    const del = cfnEvent('training', 'Delete', { physicalId: first });
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: false });
    // onEvent of the Delete defers to the polls
    await expect(sageMakerJobOnEvent(del, h.clients)).resolves.toEqual({ PhysicalResourceId: first });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
    // the next poll gets through and stops the job
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: first }]);
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: false }); // Stopping
    await expect(sageMakerJobIsComplete(del, h.clients)).resolves.toEqual({ IsComplete: true });
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. A job that hit its own maxRuntime
// ---------------------------------------------------------------------------------------------------

describe('a job stopped by its own MaxRuntimeInSeconds', () => {
  test.each([
    ['Stopped', { SecondaryStatus: 'MaxRuntimeExceeded' }],
    ['Failed', { FailureReason: 'MaxRuntimeExceeded: Training job runtime exceeded MaxRuntimeInSeconds provided' }],
  ])('GIVEN a %s job WHEN isComplete THEN it reports the maxRuntime, not a stop outside the stack', async (status, extra) => {
    const first = firstName('training');
    const sagemaker = new ScriptedClient({
      DescribeTrainingJobCommand: [{ TrainingJobName: first, TrainingJobStatus: status, StoppingCondition: { MaxRuntimeInSeconds: 1800 }, ...extra }],
    }, { name: 'sagemaker' });
    const err = await sageMakerJobIsComplete(cfnEvent('training', 'Create', { physicalId: first }), { sagemaker, ...testRuntime().options }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(new RegExp(`^Training job ${first} exceeded its maxRuntime \\(1800 s\\)`));
    expect((err as Error).message).not.toMatch(/outside this stack/);
  });

  test('GIVEN a job stopped without MaxRuntimeExceeded WHEN isComplete THEN still "stopped outside this stack"', async () => {
    const first = firstName('training');
    const sagemaker = new ScriptedClient({ DescribeTrainingJobCommand: [{ TrainingJobName: first, TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' }] }, { name: 'sagemaker' });
    await expect(sageMakerJobIsComplete(cfnEvent('training', 'Create', { physicalId: first }), { sagemaker, ...testRuntime().options })).rejects.toThrow(/outside this stack/);
  });
});
