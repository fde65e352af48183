/**
 * Issue 12's scenarios through aws-cdk-lib's real Provider framework (onEvent, the Step Functions
 * waiter's isComplete polls, onTimeout) and CloudFormation's custom-resource rules, played by
 * test/support/provider-framework.ts on a virtual clock, against stateful fakes of AWS: what is
 * left running, and what CloudFormation is told.
 */
import { DATA_SEED_RESOURCE_TYPE, OWNER_TAG_KEY, dataSeedOnEvent } from '../../constructs/data/handlers/data-seed';
import * as dispatcher from '../../constructs/private/handlers/provider';
import {
  DOMAIN_CLEANUP_RESOURCE_TYPE,
  POLL_BUDGET_MS,
  domainCleanupIsComplete,
  domainCleanupOnEvent,
} from '../../constructs/studio/handlers/domain-cleanup';
import {
  SageMakerJobClients,
  TRAINING_JOB_RESOURCE_TYPE,
  TUNING_JOB_RESOURCE_TYPE,
  resolvedJobName,
  sageMakerJobIsComplete,
  sageMakerJobOnEvent,
} from '../../constructs/training/handlers/sagemaker-job';
import { CloudFormationHarness, HarnessOptions, UserHandler, VirtualClock } from '../support/provider-framework';
import { accessDenied, awsError, throttling, validationError } from '../support/scripted-client';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STACK_NAME = 'MyStack';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/11111111-aaaa-bbbb-cccc-000000000001`;
const TRAIN_ID = 'TrainJobA1B2C3';
const TUNE_ID = 'TuneJobD4E5F6';
/** The provider role may act on `training-job/<prefix>-*` and `hyper-parameter-tuning-job/<prefix>-*` only. */
const PREFIX = 'mystack-trainjob';
const BASE = `${PREFIX}-0123456789`;
const TUNING_PREFIX = 'mystack-tune';
const TUNING_BASE = `${TUNING_PREFIX}-abcdef`;
const MIN = 60_000;
const INVENTED = (logicalId: string) => new RegExp(`^${STACK_NAME}-${logicalId}-[A-Z0-9]{12,13}$`);

// ---------------------------------------------------------------------------------------------------
// A stateful SageMaker (jobs that run on the virtual clock, an IAM-like grant, injected faults)
// ---------------------------------------------------------------------------------------------------

type Kind = 'training' | 'tuning';

interface Job {
  readonly kind: Kind;
  readonly name: string;
  readonly request: Record<string, any>;
  readonly createdAt: number;
  readonly runMs: number;
  stopRequestedAt?: number;
}

interface Fault {
  readonly command: string;
  /** Whether this call gets the fault (default: every call while `times` lasts). */
  readonly when?: (input: any, now: number) => boolean;
  readonly error: () => Error;
  /** The service does the work, then answers the error (an ambiguous answer). */
  readonly afterEffect?: boolean;
  times?: number;
}

const STOP_MS = 90_000;

class FakeSageMaker {
  readonly jobs = new Map<string, Job>();
  readonly calls: Array<{ command: string; input: any; at: number; error?: string }> = [];
  readonly denied: string[] = [];
  private readonly faults: Fault[] = [];

  constructor(readonly clock: VirtualClock, readonly opts: { runMs?: (name: string, request: Record<string, any>) => number; latencyMs?: number } = {}) {}

  fault(f: Fault): this {
    this.faults.push(f);
    return this;
  }

  statusOf(job: Job): { status: string; secondary: string; failureReason?: string } {
    const now = this.clock.now();
    if (job.stopRequestedAt !== undefined) return now >= job.stopRequestedAt + STOP_MS ? { status: 'Stopped', secondary: 'Stopped' } : { status: 'Stopping', secondary: 'Stopping' };
    const maxS = job.kind === 'training' ? job.request.StoppingCondition?.MaxRuntimeInSeconds : job.request.HyperParameterTuningJobConfig?.ResourceLimits?.MaxRuntimeInSeconds;
    const maxMs = maxS === undefined ? undefined : Number(maxS) * 1000;
    if (maxMs !== undefined && job.runMs > maxMs && now >= job.createdAt + maxMs) {
      return { status: 'Stopped', secondary: 'MaxRuntimeExceeded', failureReason: 'Training job runtime exceeded MaxRuntimeInSeconds provided' };
    }
    if (now >= job.createdAt + job.runMs) return { status: 'Completed', secondary: 'Completed' };
    return { status: 'InProgress', secondary: 'Training' };
  }

  /** Jobs still running (InProgress or Stopping): what keeps billing. */
  running(): string[] {
    return [...this.jobs.values()].filter((j) => ['InProgress', 'Stopping'].includes(this.statusOf(j).status)).map((j) => j.name);
  }

  status(name: string): string | undefined {
    const job = this.jobs.get(name);
    return job && this.statusOf(job).status;
  }

  async send(command: { input?: any; constructor: { name: string } }): Promise<any> {
    const name = command.constructor.name;
    const input = structuredClone(command.input ?? {});
    if (this.opts.latencyMs) await this.clock.sleep(this.opts.latencyMs);
    const call: FakeSageMaker['calls'][number] = { command: name, input, at: this.clock.now() };
    this.calls.push(call);
    try {
      const fault = this.faults.find((f) => f.command === name && (f.times === undefined || f.times > 0) && (!f.when || f.when(input, this.clock.now())));
      if (fault && !fault.afterEffect) {
        if (fault.times !== undefined) fault.times--;
        throw fault.error();
      }
      const out = this.serve(name, input);
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        throw fault.error();
      }
      return out;
    } catch (err) {
      call.error = (err as Error).name;
      throw err;
    }
  }

  private grant(kind: Kind, jobName: string, action: string): void {
    const prefixes = kind === 'training' ? [`${PREFIX}-`, `${TUNING_PREFIX}-`] : [`${TUNING_PREFIX}-`];
    if (!prefixes.some((p) => jobName.startsWith(p))) {
      this.denied.push(`${action} ${jobName}`);
      const arn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind === 'training' ? 'training-job' : 'hyper-parameter-tuning-job'}/${jobName.toLowerCase()}`;
      throw accessDenied(`User: arn:aws:sts::${ACCOUNT}:assumed-role/HandlerRole/fn is not authorized to perform: sagemaker:${action} on resource: ${arn} because no identity-based policy allows the sagemaker:${action} action`);
    }
  }

  private serve(command: string, input: any): unknown {
    const kind: Kind = /HyperParameterTuning/.test(command) ? 'tuning' : 'training';
    const field = kind === 'training' ? 'TrainingJobName' : 'HyperParameterTuningJobName';
    const jobName: string = input[field];
    const action = command.replace(/Command$/, '');
    this.grant(kind, jobName, action);
    const job = this.jobs.get(jobName);
    if (action.startsWith('Create')) {
      if (job) throw awsError('ResourceInUse', `Job ${jobName} already exists`);
      const request = { ...input };
      this.jobs.set(jobName, { kind, name: jobName, request, createdAt: this.clock.now(), runMs: this.opts.runMs?.(jobName, request) ?? 20 * MIN });
      return { [kind === 'training' ? 'TrainingJobArn' : 'HyperParameterTuningJobArn']: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:job/${jobName}` };
    }
    if (!job || job.kind !== kind) throw awsError('ResourceNotFound', `Requested resource not found: ${jobName}`);
    const s = this.statusOf(job);
    if (action.startsWith('Stop')) {
      if (s.status !== 'InProgress') throw validationError(`The job ${jobName} is not in progress (status ${s.status})`);
      job.stopRequestedAt = this.clock.now();
      return {};
    }
    // Describe
    if (kind === 'training') {
      return {
        TrainingJobName: jobName,
        TrainingJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${jobName}`,
        TrainingJobStatus: s.status,
        SecondaryStatus: s.secondary,
        ...(s.failureReason ? { FailureReason: s.failureReason } : {}),
        StoppingCondition: job.request.StoppingCondition,
        ...(s.status === 'Completed' ? { ModelArtifacts: { S3ModelArtifacts: `s3://data-bucket/models/${jobName}/output/model.tar.gz` }, FinalMetricDataList: [{ MetricName: 'validation:auc', Value: 0.91 }] } : {}),
      };
    }
    return {
      HyperParameterTuningJobName: jobName,
      HyperParameterTuningJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/${jobName}`,
      HyperParameterTuningJobStatus: s.status,
      HyperParameterTuningJobConfig: job.request.HyperParameterTuningJobConfig,
      ...(s.status === 'Completed' ? { BestTrainingJob: { TrainingJobName: `${jobName}-001-a1b2c3d4`, FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.93 } } } : {}),
    };
  }
}

/** The best training job a completed fake tuning job names. */
function addBestTrainingJob(sm: FakeSageMaker, tuningName: string): void {
  const name = `${tuningName}-001-a1b2c3d4`;
  sm.jobs.set(name, { kind: 'training', name, request: {}, createdAt: sm.clock.now(), runMs: 0 });
}

// ---------------------------------------------------------------------------------------------------
// Requests and wiring
// ---------------------------------------------------------------------------------------------------

function trainingRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/TrainingRole`,
    AlgorithmSpecification: { TrainingImage: `763104351884.dkr.ecr.${REGION}.amazonaws.com/xgboost:1.7-1`, TrainingInputMode: 'File' },
    OutputDataConfig: { S3OutputPath: 's3://data-bucket/models/' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3000 },
    ...overrides,
  };
}

function tuningRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2, MaxRuntimeInSeconds: 3000 },
    },
    TrainingJobDefinition: trainingRequest(),
    ...overrides,
  };
}

function jobProps(kind: Kind, request: Record<string, unknown> = kind === 'training' ? trainingRequest() : tuningRequest(), extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { NameBase: kind === 'training' ? BASE : TUNING_BASE, Request: JSON.stringify(request), ...extra };
}

function firstName(kind: Kind, request: Record<string, unknown> = kind === 'training' ? trainingRequest() : tuningRequest()): string {
  return kind === 'training'
    ? resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, request, STACK_ID)
    : resolvedJobName(TUNING_JOB_RESOURCE_TYPE, TUNING_BASE, request, STACK_ID);
}

function jobHandler(clock: VirtualClock, clients: Omit<SageMakerJobClients, 'sleep' | 'random'>): UserHandler {
  const c: SageMakerJobClients = { ...clients, sleep: clock.sleep, random: () => 0.5 };
  return { onEvent: (e) => sageMakerJobOnEvent(e, c), isComplete: (e) => sageMakerJobIsComplete(e, c) };
}

/** A stack with one deploy-time job (training or tuning) in front of the real framework. */
function jobStack(kind: Kind, sagemakerOpts: ConstructorParameters<typeof FakeSageMaker>[1] = {}, harness: Partial<HarnessOptions> = {}) {
  const clock = new VirtualClock();
  const sm = new FakeSageMaker(clock, sagemakerOpts);
  const cfn = new CloudFormationHarness({
    clock,
    stackName: STACK_NAME,
    logicalId: kind === 'training' ? TRAIN_ID : TUNE_ID,
    resourceType: kind === 'training' ? TRAINING_JOB_RESOURCE_TYPE : TUNING_JOB_RESOURCE_TYPE,
    handler: jobHandler(clock, { sagemaker: sm }),
    ...harness,
  });
  return { clock, sm, cfn };
}

// ---------------------------------------------------------------------------------------------------
// 1. Rollback while a job runs
// ---------------------------------------------------------------------------------------------------

describe('1. rollback while a job runs (CloudFormation stops waiting and deletes with an invented id)', () => {
  test.each<[Kind]>([['training'], ['tuning']])('%s: the Delete with the invented id stops the running job; nothing keeps billing', async (kind) => {
    const { sm, cfn } = jobStack(kind, { runMs: () => 40 * MIN });
    const job = firstName(kind);
    // another resource fails 10 minutes into the create
    const create = await cfn.create(jobProps(kind), { stopWaitingAfterMs: 10 * MIN });
    expect(create.status).toBe('CANCELLED');
    expect(sm.running()).toEqual([job]);

    const rollback = await cfn.rollback();
    expect(rollback!.event.PhysicalResourceId).toMatch(INVENTED(kind === 'training' ? TRAIN_ID : TUNE_ID));
    if (kind === 'tuning') expect(rollback!.event.PhysicalResourceId!.length).toBeGreaterThan(32);
    expect(rollback!.status).toBe('SUCCESS');
    expect(rollback!.physicalResourceId).toBe(rollback!.event.PhysicalResourceId);
    expect(sm.status(job)).toBe('Stopped');
    // never a describe of a name outside the grant (the invented id), so no AccessDenied
    expect(sm.denied).toEqual([]);

    // the create's waiter, which CloudFormation no longer waits for, ends on the stopped job: ignored
    await cfn.settle();
    expect(sm.running()).toEqual([]);
    const late = cfn.responses.filter((r) => r.body.RequestId === create.requestId);
    expect(late.map((r) => [r.body.Status, r.accepted])).toEqual([['FAILED', false]]);
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. The provider's wait against CloudFormation's hour
// ---------------------------------------------------------------------------------------------------

describe("2. the provider's 55-minute wait answers before CloudFormation's hour", () => {
  test('a 75-minute job: the framework answers FAILED (timed out) at 55 minutes with the job name; the rollback Delete stops the job', async () => {
    const request = trainingRequest({ StoppingCondition: { MaxRuntimeInSeconds: 4500 } });
    const { sm, cfn } = jobStack('training', { runMs: () => 75 * MIN });
    const job = firstName('training', request);
    const create = await cfn.create(jobProps('training', request));
    expect(create.status).toBe('FAILED');
    expect(create.reason).toBe('Operation timed out');
    expect(create.elapsedMs).toBe(55 * MIN);
    expect(create.elapsedMs).toBeLessThan(60 * MIN);
    expect(create.physicalResourceId).toBe(job);
    expect(cfn.executions).toEqual([expect.objectContaining({ result: 'timed-out', polls: 111 })]);

    const rollback = await cfn.rollback();
    expect(rollback!.event.PhysicalResourceId).toBe(job);
    expect(rollback!.status).toBe('SUCCESS');
    expect(sm.status(job)).toBe('Stopped');
    expect(sm.denied).toEqual([]);
    await cfn.settle();
    expect(sm.running()).toEqual([]);
  });

  test('a long but allowed job (50 minutes) completes, with its attributes', async () => {
    const { sm, cfn } = jobStack('training', { runMs: () => 50 * MIN });
    const job = firstName('training');
    const create = await cfn.create(jobProps('training'));
    expect(create.status).toBe('SUCCESS');
    expect(create.physicalResourceId).toBe(job);
    expect(create.elapsedMs).toBe(50 * MIN);
    expect(create.data).toEqual(expect.objectContaining({ TrainingJobName: job, ModelDataUri: `s3://data-bucket/models/${job}/output/model.tar.gz`, Metric_validation_auc: '0.91' }));
    expect(sm.running()).toEqual([]);
  });

  test('with the old 2-hour provider wait, CloudFormation times out at 60 minutes; its rollback Delete (invented id) still stops the job and the late answer is ignored', async () => {
    const request = trainingRequest({ StoppingCondition: { MaxRuntimeInSeconds: 4500 } });
    const { sm, cfn } = jobStack('training', { runMs: () => 75 * MIN }, { totalTimeoutMs: 120 * MIN });
    const job = firstName('training', request);
    const create = await cfn.create(jobProps('training', request));
    expect(create.status).toBe('TIMED_OUT');
    expect(create.elapsedMs).toBe(60 * MIN);
    const rollback = await cfn.rollback();
    expect(rollback!.event.PhysicalResourceId).toMatch(INVENTED(TRAIN_ID));
    expect(rollback!.status).toBe('SUCCESS');
    await cfn.settle();
    expect(sm.status(job)).toBe('Stopped');
    expect(cfn.responses.filter((r) => r.body.RequestId === create.requestId).every((r) => !r.accepted)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. The rollback of an update that started a job
// ---------------------------------------------------------------------------------------------------

describe('3. rollback Update stops the job the failed update started', () => {
  test('the update starts a new job, the stack rolls back: the rollback Update (old properties, old id) stops it and keeps the old job', async () => {
    const oldRequest = trainingRequest();
    const newRequest = trainingRequest({ StoppingCondition: { MaxRuntimeInSeconds: 2400 } });
    const oldJob = firstName('training', oldRequest);
    const newJob = firstName('training', newRequest);
    const { sm, cfn } = jobStack('training', { runMs: (name) => (name === oldJob ? 5 * MIN : 30 * MIN) });
    expect((await cfn.create(jobProps('training', oldRequest))).status).toBe('SUCCESS');
    // another resource of the update fails 3 minutes in
    const update = await cfn.update(jobProps('training', newRequest), { stopWaitingAfterMs: 3 * MIN });
    expect(update.status).toBe('CANCELLED');
    expect(sm.running()).toEqual([newJob]);

    const rollback = await cfn.rollback();
    expect(rollback!.event).toEqual(expect.objectContaining({ RequestType: 'Update', PhysicalResourceId: oldJob }));
    expect(JSON.parse(rollback!.event.OldResourceProperties!.Request as string)).toEqual(newRequest);
    expect(rollback!.status).toBe('SUCCESS');
    expect(rollback!.physicalResourceId).toBe(oldJob);
    await cfn.settle();
    expect(sm.status(newJob)).toBe('Stopped');
    expect(sm.status(oldJob)).toBe('Completed');
    expect(sm.running()).toEqual([]);
    expect(sm.calls.filter((c) => c.command === 'CreateTrainingJobCommand')).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. An ambiguous create
// ---------------------------------------------------------------------------------------------------

describe('4. ambiguous CreateTrainingJob (the service accepted it, the answer was a 5xx)', () => {
  test('the job is adopted, not created twice; the rollback Delete stops it', async () => {
    const { sm, cfn } = jobStack('training', { runMs: () => 40 * MIN });
    const job = firstName('training');
    sm.fault({ command: 'CreateTrainingJobCommand', afterEffect: true, times: 1, error: () => awsError('InternalFailure', 'We encountered an internal error. Please try again.', 500) });
    const create = await cfn.create(jobProps('training'), { stopWaitingAfterMs: 5 * MIN });
    expect(create.status).toBe('CANCELLED');
    expect([...sm.jobs.keys()]).toEqual([job]);
    expect(sm.calls.filter((c) => c.command === 'CreateTrainingJobCommand')).toHaveLength(1);
    expect(cfn.handlerLog.join('\n')).toMatch(/"result":"adopted-after-ambiguous-create"/);

    const rollback = await cfn.rollback();
    expect(rollback!.status).toBe('SUCCESS');
    await cfn.settle();
    expect(sm.status(job)).toBe('Stopped');
    expect(sm.running()).toEqual([]);
  });

  test('the adopted job, left alone, completes the create', async () => {
    const { sm, cfn } = jobStack('training');
    sm.fault({ command: 'CreateTrainingJobCommand', afterEffect: true, times: 1, error: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const create = await cfn.create(jobProps('training'));
    expect(create.status).toBe('SUCCESS');
    expect(create.physicalResourceId).toBe(firstName('training'));
    expect(sm.jobs.size).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Transient errors are "not yet"
// ---------------------------------------------------------------------------------------------------

describe('5. 5xx bursts and socket timeouts on polls are "not yet"', () => {
  const unavailable = () => awsError('ServiceUnavailable', 'Service Unavailable', 503);
  const socketTimeout = () => Object.assign(new Error('connect ETIMEDOUT 52.94.0.1:443'), { code: 'ETIMEDOUT' });

  test('a healthy deploy succeeds through a 5xx burst and a socket timeout on its polls', async () => {
    const { sm, cfn } = jobStack('training', { runMs: () => 20 * MIN });
    sm.fault({ command: 'DescribeTrainingJobCommand', when: (_i, now) => burst(now, 5, 7), error: unavailable });
    sm.fault({ command: 'DescribeTrainingJobCommand', when: (_i, now) => burst(now, 12, 13), error: socketTimeout });
    const create = await cfn.create(jobProps('training'));
    expect(create.status).toBe('SUCCESS');
    expect(sm.calls.filter((c) => c.error === 'ServiceUnavailable').length).toBeGreaterThanOrEqual(4);
    expect(sm.calls.some((c) => c.error === 'Error')).toBe(true); // the socket timeout
    expect(sm.running()).toEqual([]);
  });

  test('the delete of the stack succeeds through socket timeouts', async () => {
    const { sm, cfn } = jobStack('training', { runMs: () => 5 * MIN });
    expect((await cfn.create(jobProps('training'))).status).toBe('SUCCESS');
    const start = cfn.clock.now();
    sm.fault({ command: 'DescribeTrainingJobCommand', when: (_i, now) => now - start < 2 * MIN, error: socketTimeout });
    const del = await cfn.delete();
    expect(del.status).toBe('SUCCESS');
    expect(del.elapsedMs).toBeGreaterThanOrEqual(2 * MIN);
  });

  test('the Studio teardown succeeds through 5xx on ListApps', async () => {
    const { studio, cfn } = studioStack({ apps: 3 });
    expect((await cfn.create(studioProps())).status).toBe('SUCCESS');
    studio.fault('ListAppsCommand', 3, () => awsError('InternalFailure', 'Internal error', 500));
    const del = await cfn.delete();
    expect(del.status).toBe('SUCCESS');
    expect(studio.listAppsFailures).toBe(3);
    expect(studio.liveApps()).toEqual([]);
  });
});

/** Whether `now` (virtual epoch ms) is within minutes [from, to) of the virtual start. */
function burst(now: number, from: number, to: number): boolean {
  const m = (now - Date.UTC(2026, 0, 1)) / MIN;
  return m >= from && m < to;
}

// ---------------------------------------------------------------------------------------------------
// A stateful Studio domain (apps, spaces, profiles) for the teardown
// ---------------------------------------------------------------------------------------------------

const DOMAIN_ID = 'd-abc123xyz';
const APP_DELETE_MS = 2 * MIN;

interface App { AppName: string; AppType: string; UserProfileName?: string; SpaceName?: string; Status: string; deletingSince?: number }

class FakeStudio {
  readonly apps: App[] = [];
  listAppsFailures = 0;
  readonly deleteAppCalls: Array<{ app: string; result: string }> = [];
  private readonly faults = new Map<string, { left: number; error: () => Error }>();

  constructor(readonly clock: VirtualClock, readonly opts: { latencyMs?: number; throttleDeletesTimes?: number; refuseFailedApps?: boolean } = {}) {}

  fault(command: string, times: number, error: () => Error): void {
    this.faults.set(command, { left: times, error });
  }

  liveApps(): string[] {
    return this.apps.filter((a) => this.statusOf(a) !== 'Deleted').map((a) => a.AppName);
  }

  private statusOf(a: App): string {
    if (a.deletingSince !== undefined) return this.clock.now() >= a.deletingSince + APP_DELETE_MS ? 'Deleted' : 'Deleting';
    return a.Status;
  }

  private readonly throttles = new Map<string, number>();

  async send(command: { input?: any; constructor: { name: string } }): Promise<any> {
    const name = command.constructor.name;
    const input = command.input ?? {};
    if (this.opts.latencyMs) await this.clock.sleep(this.opts.latencyMs);
    const f = this.faults.get(name);
    if (f && f.left > 0) {
      f.left--;
      if (name === 'ListAppsCommand') this.listAppsFailures++;
      throw f.error();
    }
    switch (name) {
      case 'DescribeDomainCommand':
        return { DomainId: DOMAIN_ID, Status: 'InService' };
      case 'ListAppsCommand': {
        const all = this.apps.map((a) => ({ ...a, Status: this.statusOf(a) })).map(({ deletingSince: _d, ...a }) => a);
        const start = Number(input.NextToken ?? 0);
        const page = all.slice(start, start + (input.MaxResults ?? 100));
        return { Apps: page, ...(start + page.length < all.length ? { NextToken: String(start + page.length) } : {}) };
      }
      case 'DeleteAppCommand': {
        const app = this.apps.find((a) => a.AppName === input.AppName)!;
        const n = (this.throttles.get(app.AppName) ?? 0) + 1;
        this.throttles.set(app.AppName, n);
        if (n <= (this.opts.throttleDeletesTimes ?? 0)) {
          this.deleteAppCalls.push({ app: app.AppName, result: 'throttled' });
          throw throttling();
        }
        if (app.Status === 'Failed' && this.opts.refuseFailedApps) {
          this.deleteAppCalls.push({ app: app.AppName, result: 'refused' });
          throw validationError(`App ${app.AppName} is in Failed state and cannot be deleted`);
        }
        const status = this.statusOf(app);
        if (status === 'Deleted') throw awsError('ResourceNotFound', `App ${app.AppName} does not exist`);
        app.deletingSince ??= this.clock.now();
        this.deleteAppCalls.push({ app: app.AppName, result: 'accepted' });
        return {};
      }
      case 'ListSpacesCommand':
        return { Spaces: [] };
      case 'ListUserProfilesCommand':
        return { UserProfiles: [] };
      default:
        throw new Error(`FakeStudio: unexpected ${name}`);
    }
  }
}

function studioStack(o: { apps: number; failedApps?: number } & ConstructorParameters<typeof FakeStudio>[1]) {
  const clock = new VirtualClock();
  const studio = new FakeStudio(clock, o);
  for (let i = 0; i < o.apps; i++) studio.apps.push({ AppName: `app-${i}`, AppType: 'JupyterLab', SpaceName: `space-${i}`, Status: i < (o.failedApps ?? 0) ? 'Failed' : 'InService' });
  const clients = { sagemaker: studio, sleep: clock.sleep, random: () => 0.5, now: clock.now };
  const cfn = new CloudFormationHarness({
    clock,
    stackName: STACK_NAME,
    logicalId: 'StudioCleanup',
    resourceType: DOMAIN_CLEANUP_RESOURCE_TYPE,
    handler: {
      onEvent: async (e) => domainCleanupOnEvent(e, clients),
      isComplete: (e, context) => domainCleanupIsComplete(e, { ...clients, remainingTimeMs: () => context.getRemainingTimeInMillis() }),
    },
  });
  return { clock, studio, cfn };
}

function studioProps(): Record<string, unknown> {
  return { DomainId: DOMAIN_ID, Mode: 'DESTROY', DeleteDomain: 'false' };
}

// ---------------------------------------------------------------------------------------------------
// 6. A permanent refusal in the Studio teardown
// ---------------------------------------------------------------------------------------------------

describe('6. Studio teardown: DeleteApp on a Failed app refused with ValidationException', () => {
  test('the handler logs the refusal naming the app and moves on: the teardown finishes in minutes, not at the hour', async () => {
    const { studio, cfn } = studioStack({ apps: 4, failedApps: 1, refuseFailedApps: true });
    expect((await cfn.create(studioProps())).status).toBe('SUCCESS');
    const del = await cfn.delete();
    expect(del.status).toBe('SUCCESS');
    expect(del.elapsedMs).toBeLessThanOrEqual(5 * MIN);
    // refused on every poll it is listed in, never waited for: the teardown ends when the others are gone
    const refused = studio.deleteAppCalls.filter((c) => c.result === 'refused');
    expect(new Set(refused.map((c) => c.app))).toEqual(new Set(['app-0']));
    expect(refused.length).toBeLessThanOrEqual(Math.ceil((del.elapsedMs + 1) / 30_000));
    expect(studio.liveApps()).toEqual(['app-0']);
    const refusal = cfn.handlerLog.map((l) => JSON.parse(l)).find((e) => e.result === 'refused-left-behind');
    expect(refusal).toEqual(expect.objectContaining({ action: 'DeleteApp', appName: 'app-0', status: 'Failed', error: expect.stringMatching(/^ValidationException: .*Failed state/) }));
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. 180 apps under sustained throttling
// ---------------------------------------------------------------------------------------------------

describe('7. 180 Studio apps under sustained throttling', () => {
  test('each poll stops before the 300 s Lambda timeout and answers "not yet"; the teardown finishes in several polls', async () => {
    // every DeleteApp is throttled 4 times (2.25 s of backoff) and every call takes 250 ms: ~3.5 s an
    // app, over 10 minutes for all 180, twice the Lambda's 300 s
    const { studio, cfn } = studioStack({ apps: 180, latencyMs: 250, throttleDeletesTimes: 4 });
    expect((await cfn.create(studioProps())).status).toBe('SUCCESS');
    const del = await cfn.delete();
    expect(del.status).toBe('SUCCESS');
    expect(studio.liveApps()).toEqual([]);
    const polls = cfn.invocations.filter((i) => i.functionName === 'isComplete' && i.requestType === 'Delete');
    expect(polls.length).toBeGreaterThan(5);
    expect(polls.every((p) => p.outcome === 'returned')).toBe(true);
    expect(Math.max(...polls.map((p) => p.durationMs))).toBeLessThan(300_000);
    expect(Math.max(...polls.map((p) => p.durationMs))).toBeLessThanOrEqual(POLL_BUDGET_MS + 5_000);
    expect(cfn.handlerLog.filter((l) => l.includes('"result":"deadline-reached"')).length).toBeGreaterThanOrEqual(5);
  });

  test('without the deadline a poll would outlive the Lambda: the harness answers the timeout as Lambda does, and the delete FAILS', async () => {
    // the same load with a poll budget beyond the function timeout and no Lambda context
    const clock = new VirtualClock();
    const studio = new FakeStudio(clock, { latencyMs: 250, throttleDeletesTimes: 4 });
    for (let i = 0; i < 180; i++) studio.apps.push({ AppName: `app-${i}`, AppType: 'JupyterLab', SpaceName: `space-${i}`, Status: 'InService' });
    const clients = { sagemaker: studio, sleep: clock.sleep, random: () => 0.5, now: clock.now, pollBudgetMs: 3_600_000 };
    const cfn = new CloudFormationHarness({
      clock, stackName: STACK_NAME, logicalId: 'StudioCleanup', resourceType: DOMAIN_CLEANUP_RESOURCE_TYPE,
      handler: { onEvent: async (e) => domainCleanupOnEvent(e, clients), isComplete: (e) => domainCleanupIsComplete(e, clients) },
    });
    await cfn.create(studioProps());
    const del = await cfn.delete();
    expect(del.status).toBe('FAILED');
    expect(del.reason).toMatch(/Task timed out after 300.00 seconds/);
    expect(cfn.invocations.find((i) => i.outcome === 'timed-out')).toEqual(expect.objectContaining({ functionName: 'isComplete', durationMs: 300_000 }));
  });
});

// ---------------------------------------------------------------------------------------------------
// 8. DataSeed rename / move with removeOnDelete
// ---------------------------------------------------------------------------------------------------

class FakeS3 {
  readonly objects = new Map<string, { body: string; tags: Record<string, string> }>();
  readonly deleted: string[] = [];

  async send(command: { input?: any; constructor: { name: string } }): Promise<any> {
    const input = command.input ?? {};
    const key = `s3://${input.Bucket}/${input.Key}`;
    switch (command.constructor.name) {
      case 'CopyObjectCommand': {
        const tags = Object.fromEntries(String(input.Tagging ?? '').split('&').filter(Boolean).map((kv: string) => kv.split('=').map(decodeURIComponent)));
        this.objects.set(key, { body: `copy of ${input.CopySource}`, tags });
        return { CopyObjectResult: { ETag: '"e"' } };
      }
      case 'GetObjectTaggingCommand': {
        const o = this.objects.get(key);
        if (!o) throw awsError('NoSuchKey', 'The specified key does not exist.', 404);
        return { TagSet: Object.entries(o.tags).map(([Key, Value]) => ({ Key, Value })) };
      }
      case 'DeleteObjectCommand':
        this.objects.delete(key);
        this.deleted.push(key);
        return {};
      default:
        throw new Error(`FakeS3: unexpected ${command.constructor.name}`);
    }
  }
}

describe('8. DataSeed renamed or moved (a new logical id) with removeOnDelete', () => {
  const seedProps = (key = 'seed/train/iris.csv') => ({ SourceBucket: 'cdk-assets', SourceKey: 'abc.csv', DestinationBucket: 'data-bucket', DestinationKey: key, RemoveOnDelete: 'true' });

  test("the new resource is created first; the old one's Delete leaves the object the new one wrote", async () => {
    const clock = new VirtualClock();
    const s3 = new FakeS3();
    const clients = { s3, sleep: clock.sleep, random: () => 0.5 };
    const cfn = new CloudFormationHarness({ clock, stackName: STACK_NAME, handler: { onEvent: (e) => dataSeedOnEvent(e, clients) } });
    const oldSeed = cfn.resource('DataSeedA1B2', DATA_SEED_RESOURCE_TYPE);
    const newSeed = cfn.resource('RenamedSeedC3D4', DATA_SEED_RESOURCE_TYPE);
    expect((await oldSeed.create(seedProps())).status).toBe('SUCCESS');
    // the stack update: the renamed construct is a new resource, created before the old one's Delete
    const created = await newSeed.create(seedProps());
    expect(created.status).toBe('SUCCESS');
    const deleted = await oldSeed.delete();
    expect(deleted.status).toBe('SUCCESS');
    expect(deleted.physicalResourceId).toBe(created.physicalResourceId); // the same s3:// id
    expect(s3.objects.has('s3://data-bucket/seed/train/iris.csv')).toBe(true);
    expect(s3.deleted).toEqual([]);
    expect(cfn.handlerLog.join('\n')).toMatch(/"result":"kept-written-by-another-resource"/);
    // and the new resource's own Delete removes it
    expect((await newSeed.delete()).status).toBe('SUCCESS');
    expect(s3.objects.size).toBe(0);
  });

  test('an update that moves the destination: the cleanup Delete of the old id removes the old object only', async () => {
    const clock = new VirtualClock();
    const s3 = new FakeS3();
    const clients = { s3, sleep: clock.sleep, random: () => 0.5 };
    const cfn = new CloudFormationHarness({ clock, stackName: STACK_NAME, logicalId: 'DataSeedA1B2', resourceType: DATA_SEED_RESOURCE_TYPE, handler: { onEvent: (e) => dataSeedOnEvent(e, clients) } });
    await cfn.create(seedProps('seed/v1.csv'));
    const update = await cfn.update(seedProps('seed/v2.csv'));
    expect(update.physicalResourceId).toBe('s3://data-bucket/seed/v2.csv');
    const [cleanup] = await cfn.cleanup();
    expect(cleanup.event.PhysicalResourceId).toBe('s3://data-bucket/seed/v1.csv');
    expect(cleanup.status).toBe('SUCCESS');
    expect([...s3.objects.keys()]).toEqual(['s3://data-bucket/seed/v2.csv']);
    expect(s3.objects.get('s3://data-bucket/seed/v2.csv')!.tags[OWNER_TAG_KEY]).toMatch(/^[0-9a-f]{40}$/);
  });
});

// ---------------------------------------------------------------------------------------------------
// 10. A job that hit its own MaxRuntimeInSeconds
// ---------------------------------------------------------------------------------------------------

describe('10. a job stopped by its own MaxRuntimeInSeconds', () => {
  test('CloudFormation is told the job exceeded its maxRuntime, not that it was stopped outside the stack; the rollback Delete succeeds', async () => {
    const request = trainingRequest({ StoppingCondition: { MaxRuntimeInSeconds: 1800 } });
    const { sm, cfn } = jobStack('training', { runMs: () => 40 * MIN });
    const job = firstName('training', request);
    const create = await cfn.create(jobProps('training', request));
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(new RegExp(`^Training job ${job} exceeded its maxRuntime \\(1800 s\\) and SageMaker stopped it`));
    expect(create.reason).not.toMatch(/outside this stack/);
    expect(create.elapsedMs).toBeGreaterThanOrEqual(30 * MIN);
    expect(create.elapsedMs).toBeLessThan(31 * MIN);
    expect(create.physicalResourceId).toBe(job);
    const rollback = await cfn.rollback();
    expect(rollback!.status).toBe('SUCCESS');
    expect(sm.running()).toEqual([]);
  });

  test('a tuning job: the best training job is described inside the grant and the attributes returned', async () => {
    const { sm, cfn } = jobStack('tuning', { runMs: () => 30 * MIN });
    const job = firstName('tuning');
    // the best training job the fake names once the tuning job completes
    addBestTrainingJob(sm, job);
    const r = await cfn.create(jobProps('tuning'));
    expect(r.status).toBe('SUCCESS');
    expect(r.data).toEqual(expect.objectContaining({ HyperParameterTuningJobName: job, BestTrainingJobName: `${job}-001-a1b2c3d4`, BestObjectiveValue: '0.93' }));
    expect(sm.denied).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// 9. Secret environment variables: references in the properties, values only in the Create* call
// ---------------------------------------------------------------------------------------------------

describe('9. secret environment variables never reach the framework logs or CloudFormation', () => {
  const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:hf-token-AbCdEf`;
  const PARAMETER = '/ml/wandb-api-key';
  const HF_TOKEN = 'hf_SeCrEtToKeN0123456789';
  const WANDB_KEY = 'wandb-K3y-9f8e7d6c5b4a';
  const secretEnvironment = JSON.stringify([{ Name: 'HF_TOKEN', SecretArn: SECRET_ARN, JsonKey: 'token' }, { Name: 'WANDB_API_KEY', ParameterName: PARAMETER }]);

  function secretStack(kind: Kind, sagemakerOpts: ConstructorParameters<typeof FakeSageMaker>[1] = {}) {
    const clock = new VirtualClock();
    const sm = new FakeSageMaker(clock, sagemakerOpts);
    const secretsManager = {
      send: async (c: { input: { SecretId: string } }) => {
        await clock.sleep(50);
        if (c.input.SecretId !== SECRET_ARN) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return { ARN: SECRET_ARN, SecretString: JSON.stringify({ token: HF_TOKEN, user: 'ml' }) };
      },
    };
    const ssm = { send: async () => ({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: WANDB_KEY } }) };
    const cfn = new CloudFormationHarness({
      clock,
      stackName: STACK_NAME,
      logicalId: kind === 'training' ? TRAIN_ID : TUNE_ID,
      resourceType: kind === 'training' ? TRAINING_JOB_RESOURCE_TYPE : TUNING_JOB_RESOURCE_TYPE,
      handler: jobHandler(clock, { sagemaker: sm, secretsManager, ssm }),
    });
    const everything = () => [
      ...cfn.frameworkLog,
      ...cfn.handlerLog,
      ...cfn.responses.map((r) => JSON.stringify(r.body)),
      ...cfn.outcomes.map((o) => JSON.stringify(o)),
    ].join('\n');
    return { clock, sm, cfn, everything };
  }

  test.each<[Kind]>([['training'], ['tuning']])('%s: create -> polls -> delete: the job gets the values, no framework log line, handler log line or response holds one', async (kind) => {
    const { sm, cfn, everything } = secretStack(kind, { runMs: () => 10 * MIN });
    const job = firstName(kind);
    if (kind === 'tuning') addBestTrainingJob(sm, job);
    const create = await cfn.create(jobProps(kind, undefined, { SecretEnvironment: secretEnvironment }));
    expect(create.status).toBe('SUCCESS');
    // the job name is the Request's alone: the same as without secrets
    expect(create.physicalResourceId).toBe(job);
    const sent = sm.jobs.get(job)!.request;
    const env = kind === 'training' ? sent.Environment : sent.TrainingJobDefinition.Environment;
    expect(env).toEqual({ HF_TOKEN, WANDB_API_KEY: WANDB_KEY });
    expect(cfn.executions[0].polls).toBeGreaterThan(10);
    expect((await cfn.delete()).status).toBe('SUCCESS');
    // the framework logged the properties on every event and poll: the references only
    expect(cfn.frameworkLog.filter((l) => l.includes(SECRET_ARN)).length).toBeGreaterThan(20);
    const all = everything();
    expect(all).not.toContain(HF_TOKEN);
    expect(all).not.toContain(WANDB_KEY);
  });

  test('a create refused with a message quoting the environment: CloudFormation gets the reason redacted', async () => {
    const { sm, cfn, everything } = secretStack('training');
    sm.fault({ command: 'CreateTrainingJobCommand', times: 1, error: () => validationError(`1 validation error detected: Value '{HF_TOKEN=${HF_TOKEN}, WANDB_API_KEY=${WANDB_KEY}}' at 'environment' failed to satisfy constraint`) });
    const create = await cfn.create(jobProps('training', undefined, { SecretEnvironment: secretEnvironment }));
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(/Value '\{HF_TOKEN=\*\*\*, WANDB_API_KEY=\*\*\*\}' at 'environment'/);
    expect((await cfn.rollback())!.status).toBe('SUCCESS');
    const all = everything();
    expect(all).not.toContain(HF_TOKEN);
    expect(all).not.toContain(WANDB_KEY);
  });

  test('a missing secret fails the create naming the variable and the secret', async () => {
    const { cfn } = secretStack('training');
    const wrong = JSON.stringify([{ Name: 'HF_TOKEN', SecretArn: `${SECRET_ARN}-gone` }]);
    const create = await cfn.create(jobProps('training', undefined, { SecretEnvironment: wrong }));
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(/cannot read secret environment variable HF_TOKEN from the Secrets Manager secret .*-gone: ResourceNotFoundException/);
    expect(create.physicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
  });
});

// ---------------------------------------------------------------------------------------------------
// The harness itself: the framework's, Lambda's, Step Functions' and CloudFormation's rules it plays
// ---------------------------------------------------------------------------------------------------

describe('the harness', () => {
  const stack = (handler: UserHandler, o: Partial<HarnessOptions> = {}) => new CloudFormationHarness({ stackName: STACK_NAME, logicalId: 'Res', resourceType: 'Custom::Thing', handler, ...o });

  test('the waiter polls the framework isComplete at once, then every 30 s; the response carries isComplete\'s Data', async () => {
    const seen: number[] = [];
    const cfn: CloudFormationHarness = stack({
      onEvent: async () => ({ PhysicalResourceId: 'thing-1' }),
      isComplete: async () => {
        seen.push(cfn.clock.now());
        return seen.length < 4 ? { IsComplete: false } : { IsComplete: true, Data: { Answer: '42' } };
      },
    });
    const r = await cfn.create({ Size: 3 });
    expect(r).toEqual(expect.objectContaining({ status: 'SUCCESS', physicalResourceId: 'thing-1', data: { Answer: '42' }, elapsedMs: 90_000 }));
    expect(seen.map((t) => t - seen[0])).toEqual([0, 30_000, 60_000, 90_000]);
    // CloudFormation delivers scalars as strings; the framework logged the event
    expect(r.event.ResourceProperties.Size).toBe('3');
    expect(cfn.frameworkLog[0]).toMatch(/^\[provider-framework\] onEventHandler \{/);
  });

  test('a user function that throws: Lambda\'s Unhandled error, the framework answers FAILED with the CREATE_FAILED marker, and skips the rollback Delete itself', async () => {
    const calls: string[] = [];
    const cfn = stack({ onEvent: async (e) => { calls.push(e.RequestType); throw new Error('boom'); } });
    const r = await cfn.create({});
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/^boom\n\nLogs: \/aws\/lambda\/MyStack-SageMakerConstructsProviderOnEvent/);
    expect(r.physicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
    const d = await cfn.rollback();
    expect(d!.status).toBe('SUCCESS');
    expect(calls).toEqual(['Create']);
    expect(cfn.frameworkLog).toContain('[provider-framework] ignoring DELETE event caused by a failed CREATE event');
  });

  test('a user function still running at 300 s is stopped there and answered "Task timed out", whatever it would have returned', async () => {
    const cfn: CloudFormationHarness = stack({ onEvent: async () => { await cfn.clock.sleep(299_000); await cfn.clock.sleep(2_000); return { PhysicalResourceId: 'never' }; } });
    const r = await cfn.create({});
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/Task timed out after 300\.00 seconds/);
    expect(r.elapsedMs).toBe(300_000);
    expect(cfn.invocations).toEqual([expect.objectContaining({ functionName: 'onEvent', outcome: 'timed-out', durationMs: 300_000 })]);
  });

  test('getRemainingTimeInMillis counts down from the function timeout on the virtual clock', async () => {
    const remaining: number[] = [];
    const cfn: CloudFormationHarness = stack({ onEvent: async (_e, ctx) => { remaining.push(ctx.getRemainingTimeInMillis()); await cfn.clock.sleep(120_000); remaining.push(ctx.getRemainingTimeInMillis()); return { PhysicalResourceId: 'x' }; }, isComplete: async () => ({ IsComplete: true }) });
    await cfn.create({});
    expect(remaining).toEqual([300_000, 180_000]);
  });

  test('CloudFormation waits at most ServiceTimeout; a shorter one in the properties is honoured; the rollback Delete carries an invented id', async () => {
    const cfn = stack({ onEvent: async () => ({ PhysicalResourceId: 'x' }), isComplete: async () => ({ IsComplete: false }) }, { totalTimeoutMs: 120 * MIN });
    const r = await cfn.create({ ServiceTimeout: 600 });
    expect(r).toEqual(expect.objectContaining({ status: 'TIMED_OUT', elapsedMs: 600_000, physicalResourceId: undefined }));
    const d = await cfn.rollback({ stopWaitingAfterMs: 0 });
    expect(d!.event.PhysicalResourceId).toMatch(/^MyStack-Res-[A-Z0-9]{13}$/);
  });

  test('a response over 4096 bytes is refused by CloudFormation', async () => {
    const cfn = stack({ onEvent: async () => ({ PhysicalResourceId: 'x' }), isComplete: async () => ({ IsComplete: true, Data: { Big: 'x'.repeat(5000) } }) });
    const r = await cfn.create({});
    expect(r).toEqual(expect.objectContaining({ status: 'FAILED', reason: 'Response object is too long.' }));
  });

  test('a failed Update is rolled back with the old properties, the failed ones as OldResourceProperties, and the old id', async () => {
    const events: any[] = [];
    const cfn = stack({
      onEvent: async (e) => {
        events.push(e);
        if (e.RequestType === 'Update' && e.ResourceProperties.V === '2') throw new Error('no');
        return { PhysicalResourceId: `id-${e.ResourceProperties.V}` };
      },
    });
    await cfn.create({ V: 1 });
    expect((await cfn.update({ V: 2 })).status).toBe('FAILED');
    const back = await cfn.rollback();
    expect(back!.status).toBe('SUCCESS');
    expect(events[2]).toEqual(expect.objectContaining({ RequestType: 'Update', PhysicalResourceId: 'id-1', ResourceProperties: expect.objectContaining({ V: '1' }), OldResourceProperties: expect.objectContaining({ V: '2' }) }));
  });

  test('drives our dispatcher as it is: an unknown type fails its Create; the Delete of a type it no longer serves succeeds', async () => {
    const cfn = new CloudFormationHarness({ stackName: STACK_NAME, handler: dispatcher });
    const gone = cfn.resource('Old', 'Custom::Gone');
    const r = await gone.create({});
    expect(r.status).toBe('FAILED');
    expect(r.reason).toMatch(/unsupported resource type Custom::Gone/);
    expect(cfn.handlerLog.join('\n')).toMatch(/"action":"unknown-resource-type"/);
    // a resource an earlier version created
    const old = cfn.resource('Older', 'Custom::Gone');
    old.physicalResourceId = 'old-id';
    old.properties = { ServiceToken: 'x' };
    expect(await old.delete()).toEqual(expect.objectContaining({ status: 'SUCCESS', physicalResourceId: 'old-id' }));
  });
});
