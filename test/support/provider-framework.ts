/**
 * A test harness that drives custom-resource handlers through aws-cdk-lib's REAL Provider framework
 * runtime (custom-resources/lib/provider-framework/runtime/framework.js: onEvent, isComplete,
 * onTimeout, wrapped in cfn-response's safeHandler), playing the three services around it on a
 * virtual clock:
 *
 * - Lambda: `outbound.invokeFunction` calls the user handler (our dispatcher, or a handler with
 *   injected fake clients) with a JSON copy of the payload and a Lambda context whose
 *   `getRemainingTimeInMillis()` counts down from the function timeout (300 s, as
 *   constructs/private/provider.ts configures). A handler that throws is answered as Lambda does,
 *   `{ FunctionError: 'Unhandled', Payload: { errorType, errorMessage, trace } }`; a handler still
 *   running at its timeout is frozen there (its sleeps never return) and answered
 *   `Task timed out after 300.00 seconds`.
 * - Step Functions: `outbound.startExecution` starts the waiter as the state machine of
 *   waiter-state-machine.js runs it: the framework isComplete at once, then again every
 *   `queryInterval` (x `backoffRate`) on any error (the framework's `Retry`), `maxAttempts =
 *   totalTimeout / queryInterval` retries, then the Catch: the framework onTimeout with
 *   `{ Error, Cause: JSON.stringify({ errorType, errorMessage, trace }) }`.
 * - CloudFormation: `outbound.httpRequest` receives the response. CloudFormation waits at most
 *   `ServiceTimeout` (3600 s) for it; a response after that, or after CloudFormation stopped waiting
 *   (another resource failed), is recorded but ignored. Rollbacks follow CloudFormation's rules: a
 *   Create without a physical id CloudFormation knows of (timed out, cancelled) is deleted with an
 *   invented id `<stackName>-<logicalId>-<13 upper-case letters/digits>`; a Create answered FAILED by
 *   the framework carries the CREATE_FAILED marker (the framework itself skips that Delete); a
 *   failed Update is rolled back with an Update carrying the old properties (the failed ones as
 *   OldResourceProperties) and the old physical id.
 *
 * Time is virtual: nothing sleeps for real. Every wait (a handler's injected `sleep`, a fake AWS
 * call's latency, the waiter's interval, CloudFormation's timeout) is a timer of `VirtualClock`;
 * the clock jumps to the next timer once every process is blocked, so the waiter of one request and
 * a rollback Delete interleave as they would in AWS.
 *
 * Usage:
 *
 *   const clock = new VirtualClock();
 *   const sagemaker = new MyFakeSageMaker(clock);            // its latency: `await clock.sleep(ms)`
 *   const clients = { sagemaker, sleep: clock.sleep, random: () => 0.5 };
 *   const cfn = new CloudFormationHarness({ clock, logicalId: 'Train', resourceType: TRAINING_JOB_RESOURCE_TYPE,
 *     handler: { onEvent: (e) => sageMakerJobOnEvent(e, clients), isComplete: (e) => sageMakerJobIsComplete(e, clients) } });
 *   const created = await cfn.create(props, { stopWaitingAfterMs: 600_000 }); // another resource failed: CANCELLED
 *   const deleted = await cfn.rollback();   // the Delete CloudFormation sends then (invented id)
 *   await cfn.settle();                     // the create's waiter runs on; its late answer is ignored
 *   cfn.frameworkLog; cfn.handlerLog; cfn.responses; cfn.invocations; cfn.outcomes
 *
 * Not played: Lambda's retries of the asynchronous framework onEvent invoke (its errors are in
 * `frameworkErrors`), Step Functions' and Lambda's payload limits, the framework functions' own
 * 15-minute timeout, CloudFormation's retries of a response PUT.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { AsyncLocalStorage } from 'async_hooks';
import { createHash } from 'crypto';
import * as path from 'path';

// ---------------------------------------------------------------------------------------------------
// Virtual clock (a discrete-event scheduler)
// ---------------------------------------------------------------------------------------------------

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** What the clock knows of the Lambda invocation a piece of handler code runs in. */
interface InvocationScope {
  readonly deadline: number;
}

/** The default start of virtual time: 2026-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH = Date.UTC(2026, 0, 1);

export class VirtualClock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private readonly scope = new AsyncLocalStorage<InvocationScope>();

  constructor(start = VIRTUAL_EPOCH) {
    this.t = start;
  }

  /** Virtual epoch milliseconds (a drop-in for Date.now). */
  readonly now = (): number => this.t;

  /**
   * Waits `ms` of virtual time (inject it as the handlers' `sleep`, and call it for a fake API's
   * latency). In a Lambda invocation, a wait past the function's timeout never returns: the function
   * is frozen at its timeout, as Lambda stops it.
   */
  readonly sleep = (ms: number): Promise<void> => {
    const inv = this.scope.getStore();
    if (inv && this.t + Math.max(0, ms) > inv.deadline) return new Promise<void>(() => { /* killed by the Lambda timeout */ });
    return this.timer(ms).promise;
  };

  /** @internal a cancellable timer, not subject to the invocation's deadline */
  timer(ms: number): { promise: Promise<void>; cancel: () => void } {
    let fire!: () => void;
    const promise = new Promise<void>((resolve) => { fire = resolve; });
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fire };
    this.timers.push(timer);
    return { promise, cancel: () => { this.timers = this.timers.filter((x) => x !== timer); } };
  }

  /** @internal runs `fn` as the code of an invocation that ends at `deadline` */
  inInvocation<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
    return this.scope.run({ deadline }, fn);
  }

  /** Timers still pending (background processes: a waiter CloudFormation stopped waiting for, ...). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Runs the simulation until `target` settles: whenever every process is blocked, time jumps to the
   * next timer. Throws if nothing is scheduled while `target` is still pending (a deadlock).
   */
  async runUntil<T>(target: Promise<T>, maxSteps = 2_000_000): Promise<T> {
    let settled = false;
    target.then(() => { settled = true; }, () => { settled = true; });
    for (let step = 0; ; step++) {
      await flush();
      if (settled) return target;
      if (step >= maxSteps) throw new Error(`VirtualClock: no end after ${maxSteps} timer steps`);
      const next = this.popNext();
      if (!next) throw new Error('VirtualClock: deadlock: the operation waits for something no timer will bring');
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
  }

  /** Runs every pending timer (the background processes) to the end. */
  async drain(maxSteps = 2_000_000): Promise<void> {
    for (let step = 0; ; step++) {
      await flush();
      const next = this.popNext();
      if (!next) return;
      if (step >= maxSteps) throw new Error(`VirtualClock: no end after ${maxSteps} timer steps`);
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
  }

  private popNext(): Timer | undefined {
    if (this.timers.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.timers.length; i++) {
      const a = this.timers[i];
      const b = this.timers[best];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
    }
    return this.timers.splice(best, 1)[0];
  }
}

/** Lets every promise chain run until it waits for a timer (no real I/O happens in the harness). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------------------------------
// The real framework, with its outbound calls replaced
// ---------------------------------------------------------------------------------------------------

interface FrameworkModule {
  onEvent(event: unknown): Promise<void>;
  isComplete(event: unknown): Promise<void>;
  onTimeout(event: unknown): Promise<void>;
}

interface OutboundModule {
  invokeFunction(req: { FunctionName: string; Payload: string }): Promise<unknown>;
  startExecution(req: { stateMachineArn: string; input: string }): Promise<unknown>;
  httpRequest(options: { hostname?: string; path?: string; method?: string }, body: string): Promise<void>;
}

interface Runtime {
  framework: FrameworkModule;
  outbound: OutboundModule;
  util: { log: (title: string, ...args: unknown[]) => void };
  cfnResponse: { CREATE_FAILED_PHYSICAL_ID_MARKER: string; MISSING_PHYSICAL_ID_MARKER: string };
  consts: { USER_ON_EVENT_FUNCTION_ARN_ENV: string; USER_IS_COMPLETE_FUNCTION_ARN_ENV: string; WAITER_STATE_MACHINE_ARN_ENV: string };
}

/** aws-cdk-lib's framework runtime folder (its package exports do not expose it: resolved by path). */
export const FRAMEWORK_RUNTIME_DIR = path.join(path.dirname(require.resolve('aws-cdk-lib')), 'custom-resources', 'lib', 'provider-framework', 'runtime');

let loaded: Runtime | undefined;
let activeStack: CloudFormationHarness | undefined;

function frameworkRuntime(): Runtime {
  if (loaded) return loaded;
  // outbound.js loads the Lambda and Step Functions clients at require time; this package does not
  // install them, and the harness replaces every call they would make.
  if (typeof jest !== 'undefined') {
    jest.doMock('@aws-sdk/client-lambda', () => ({ Lambda: class {}, waitUntilFunctionActiveV2: async () => undefined }), { virtual: true });
    jest.doMock('@aws-sdk/client-sfn', () => ({ SFN: class {} }), { virtual: true });
  }
  const req = (name: string) => require(path.join(FRAMEWORK_RUNTIME_DIR, name));
  const outbound = req('outbound.js') as OutboundModule;
  const util = req('util.js');
  const rt: Runtime = { framework: req('framework.js'), outbound, util, cfnResponse: req('cfn-response.js'), consts: req('consts.js') };
  // framework.js and cfn-response.js call these through the module objects at call time
  outbound.invokeFunction = (r) => current().lambdaInvoke(r);
  outbound.startExecution = (r) => current().stepFunctionsStart(r);
  outbound.httpRequest = (o, b) => current().cloudFormationReceive(o, b);
  const originalLog = util.log;
  // the same line util.log writes to console.log, recorded instead of printed
  util.log = (title: string, ...args: unknown[]) => {
    const stack = activeStack;
    if (!stack) return originalLog(title, ...args);
    stack.recordFrameworkLog(['[provider-framework]', title, ...args.map((x) => typeof x === 'object' ? JSON.stringify(x, undefined, 2) : x)].map(String).join(' '));
  };
  loaded = rt;
  return rt;
}

function current(): CloudFormationHarness {
  if (!activeStack) throw new Error('provider-framework harness: a framework call outside any harness operation');
  return activeStack;
}

// ---------------------------------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------------------------------

/** The Lambda context the user handlers get. */
export interface HarnessLambdaContext {
  getRemainingTimeInMillis(): number;
  readonly functionName: string;
  readonly awsRequestId: string;
}

/** The event CloudFormation sends (what the user handler receives, ResponseURL included). */
export interface CfnRequestEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

/** A user function: our dispatcher's shape (onEvent, isComplete), with the Lambda context. */
export interface UserHandler {
  onEvent(event: any, context: HarnessLambdaContext): Promise<unknown>;
  /** Absent: complete when onEvent returns (as the dispatcher answers for such types). */
  isComplete?(event: any, context: HarnessLambdaContext): Promise<unknown>;
}

/** The response body the framework PUT to the response URL. */
export interface CfnResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, unknown>;
}

export interface ReceivedResponse {
  /** Virtual ms since the request was sent. */
  readonly afterMs: number;
  readonly body: CfnResponseBody;
  /** Whether CloudFormation still waited for it (else ignored: timed out, cancelled, or a duplicate). */
  readonly accepted: boolean;
  /** The raw body's size (CloudFormation refuses more than 4096 bytes). */
  readonly bytes: number;
}

export type OutcomeStatus = 'SUCCESS' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

/** What CloudFormation made of one request. */
export interface CfnOutcome {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly requestId: string;
  /** SUCCESS/FAILED: the response; TIMED_OUT: none within ServiceTimeout; CANCELLED: CloudFormation stopped waiting. */
  readonly status: OutcomeStatus;
  readonly reason?: string;
  /** The physical id CloudFormation now knows for the resource (undefined: none). */
  readonly physicalResourceId?: string;
  readonly data?: Record<string, unknown>;
  /** The response CloudFormation accepted, if any. */
  readonly response?: CfnResponseBody;
  /** Virtual time from the request to CloudFormation's decision. */
  readonly elapsedMs: number;
  /** The event sent. */
  readonly event: CfnRequestEvent;
}

export interface InvocationRecord {
  readonly functionName: 'onEvent' | 'isComplete';
  readonly requestType: string;
  readonly requestId: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly outcome: 'returned' | 'threw' | 'timed-out';
  readonly error?: string;
}

export interface HarnessOptions {
  /** The user functions (our dispatcher, or a handler with fake clients). */
  readonly handler: UserHandler;
  /** Shared by the fakes (their latency) and the handlers (their sleep, their now). Default a new one. */
  readonly clock?: VirtualClock;
  readonly stackName?: string;
  readonly region?: string;
  readonly account?: string;
  /** The resource of `create()`/`update()`/`delete()` on the harness itself. */
  readonly logicalId?: string;
  readonly resourceType?: string;
  /** The user functions' Lambda timeout. Default 300 s (constructs/private/provider.ts). */
  readonly functionTimeoutMs?: number;
  /** Default 30 s (constructs/private/provider.ts). */
  readonly queryIntervalMs?: number;
  /** Default 55 min (PROVIDER_TOTAL_TIMEOUT). */
  readonly totalTimeoutMs?: number;
  /** Default 1. */
  readonly backoffRate?: number;
  /** CloudFormation's wait for a response when the properties set no ServiceTimeout. Default 3600 s (the maximum). */
  readonly serviceTimeoutMs?: number;
}

export const DEFAULTS = {
  functionTimeoutMs: 300_000,
  queryIntervalMs: 30_000,
  totalTimeoutMs: 55 * 60_000,
  backoffRate: 1,
  serviceTimeoutMs: 3_600_000,
} as const;

/** CloudFormation refuses a custom resource response larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

// ---------------------------------------------------------------------------------------------------
// The stack
// ---------------------------------------------------------------------------------------------------

interface PendingRequest {
  readonly event: CfnRequestEvent;
  readonly sentAt: number;
  waiting: boolean;
  deliver?: (body: CfnResponseBody, bytes: number) => void;
}

/**
 * One stack of CloudFormation in front of one Provider (the real framework functions, our user
 * functions). `create/update/delete/rollback` act on the resource given in the options;
 * `resource(logicalId, type)` gives others in the same stack (same clock, same provider).
 */
export class CloudFormationHarness {
  readonly clock: VirtualClock;
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly account: string;
  readonly options: Required<Pick<HarnessOptions, 'functionTimeoutMs' | 'queryIntervalMs' | 'totalTimeoutMs' | 'backoffRate' | 'serviceTimeoutMs'>>;
  /** Every line the framework logged (util.log), in order. */
  readonly frameworkLog: string[] = [];
  /** Every console.log line of the user handlers (their default logger), in order. */
  readonly handlerLog: string[] = [];
  /** Every response the framework sent, accepted or ignored. */
  readonly responses: ReceivedResponse[] = [];
  readonly invocations: InvocationRecord[] = [];
  /** Errors the framework's onEvent function threw instead of answering CloudFormation (none expected). */
  readonly frameworkErrors: Array<{ readonly requestId: string; readonly error: string }> = [];
  /** What CloudFormation made of every request, in order (all resources). */
  readonly outcomes: CfnOutcome[] = [];
  /** Waiter executions started (Step Functions). */
  readonly executions: Array<{ readonly requestId: string; readonly startedAt: number; endedAt?: number; result?: 'succeeded' | 'timed-out' | 'failed'; polls: number }> = [];
  readonly handler: UserHandler;
  private readonly requests = new Map<string, PendingRequest>();
  private readonly resources = new Map<string, ResourceHarness>();
  private requestCount = 0;
  private readonly onEventArn: string;
  private readonly isCompleteArn: string;
  private readonly waiterArn: string;
  private readonly serviceToken: string;
  private readonly defaultResource?: ResourceHarness;

  constructor(opts: HarnessOptions) {
    frameworkRuntime();
    this.handler = opts.handler;
    this.clock = opts.clock ?? new VirtualClock();
    this.stackName = opts.stackName ?? 'MyStack';
    this.region = opts.region ?? 'eu-west-1';
    this.account = opts.account ?? '111122223333';
    this.stackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/11111111-aaaa-bbbb-cccc-000000000001`;
    this.options = {
      functionTimeoutMs: opts.functionTimeoutMs ?? DEFAULTS.functionTimeoutMs,
      queryIntervalMs: opts.queryIntervalMs ?? DEFAULTS.queryIntervalMs,
      totalTimeoutMs: opts.totalTimeoutMs ?? DEFAULTS.totalTimeoutMs,
      backoffRate: opts.backoffRate ?? DEFAULTS.backoffRate,
      serviceTimeoutMs: opts.serviceTimeoutMs ?? DEFAULTS.serviceTimeoutMs,
    };
    const fn = (name: string) => `arn:aws:lambda:${this.region}:${this.account}:function:${this.stackName}-SageMakerConstructsProvider${name}`;
    this.onEventArn = fn('OnEvent');
    this.isCompleteArn = fn('IsComplete');
    this.waiterArn = `arn:aws:states:${this.region}:${this.account}:stateMachine:waiter-${this.stackName}`;
    this.serviceToken = fn('ProviderframeworkonEvent');
    if (opts.logicalId && opts.resourceType) this.defaultResource = this.resource(opts.logicalId, opts.resourceType);
  }

  /** The resource `logicalId` of type `resourceType` in this stack (created on first use). */
  resource(logicalId: string, resourceType: string): ResourceHarness {
    const existing = this.resources.get(logicalId);
    if (existing) return existing;
    const r = new ResourceHarness(this, logicalId, resourceType);
    this.resources.set(logicalId, r);
    return r;
  }

  private get main(): ResourceHarness {
    if (!this.defaultResource) throw new Error('provider-framework harness: pass logicalId and resourceType, or use resource()');
    return this.defaultResource;
  }

  create(props: Record<string, unknown>, o?: WaitOptions): Promise<CfnOutcome> { return this.main.create(props, o); }
  update(props: Record<string, unknown>, o?: WaitOptions): Promise<CfnOutcome> { return this.main.update(props, o); }
  delete(o?: WaitOptions): Promise<CfnOutcome> { return this.main.delete(o); }
  rollback(o?: WaitOptions): Promise<CfnOutcome | undefined> { return this.main.rollback(o); }
  /** Sends the Delete of the physical ids replaced by successful updates (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS). */
  cleanup(o?: WaitOptions): Promise<CfnOutcome[]> { return this.main.cleanup(o); }

  /** Lets every background process (waiters CloudFormation no longer waits for) run to its end. */
  async settle(): Promise<void> {
    await this.run(async () => this.clock.drain());
  }

  /** Framework and handler log lines together. */
  get allLogs(): string[] {
    return [...this.frameworkLog, ...this.handlerLog];
  }

  // -------------------------------------------------------------------------------------------------
  // internals used by ResourceHarness and the outbound replacements
  // -------------------------------------------------------------------------------------------------

  /** @internal */
  recordFrameworkLog(line: string): void {
    this.frameworkLog.push(line);
  }

  /** @internal runs `fn` with this stack active and console.log captured */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = activeStack;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the framework's outbound calls go to the stack of the running operation
    activeStack = this;
    const consoleLog = console.log;
    console.log = (...args: unknown[]) => { this.handlerLog.push(args.map((a) => typeof a === 'string' ? a : JSON.stringify(a)).join(' ')); };
    const env = setEnv({
      [loaded!.consts.USER_ON_EVENT_FUNCTION_ARN_ENV]: this.onEventArn,
      [loaded!.consts.USER_IS_COMPLETE_FUNCTION_ARN_ENV]: this.isCompleteArn,
      [loaded!.consts.WAITER_STATE_MACHINE_ARN_ENV]: this.waiterArn,
    });
    try {
      return await fn();
    } finally {
      await flush();
      env.restore();
      console.log = consoleLog;
      activeStack = previous;
    }
  }

  /** @internal CloudFormation sends a request and waits for its response (or gives up). */
  async send(resource: ResourceHarness, e: Omit<CfnRequestEvent, 'ServiceToken' | 'ResponseURL' | 'StackId' | 'RequestId' | 'LogicalResourceId' | 'ResourceType'>, o: WaitOptions = {}): Promise<CfnOutcome> {
    const outcome = await this.sendAndWait(resource, e, o);
    this.outcomes.push(outcome);
    return outcome;
  }

  private async sendAndWait(resource: ResourceHarness, e: Omit<CfnRequestEvent, 'ServiceToken' | 'ResponseURL' | 'StackId' | 'RequestId' | 'LogicalResourceId' | 'ResourceType'>, o: WaitOptions = {}): Promise<CfnOutcome> {
    const requestId = `${hex(`${this.stackId}/${resource.logicalId}/${++this.requestCount}`, 8)}-0000-4000-8000-${hex(String(this.requestCount), 12)}`;
    const event: CfnRequestEvent = {
      ...e,
      ServiceToken: this.serviceToken,
      ResponseURL: `https://cloudformation-custom-resource-response-${this.region.replace(/-/g, '')}.s3-${this.region}.amazonaws.com/${encodeURIComponent(this.stackId)}%7C${resource.logicalId}%7C${requestId}?X-Amz-Signature=abc`,
      StackId: this.stackId,
      RequestId: requestId,
      LogicalResourceId: resource.logicalId,
      ResourceType: resource.resourceType,
    };
    const pending: PendingRequest = { event, sentAt: this.clock.now(), waiting: true };
    this.requests.set(requestId, pending);
    const serviceTimeoutMs = serviceTimeoutOf(event.ResourceProperties) ?? this.options.serviceTimeoutMs;
    const waitMs = Math.min(serviceTimeoutMs, o.stopWaitingAfterMs ?? Infinity);
    return this.run(async () => {
      const response = new Promise<{ body: CfnResponseBody; bytes: number }>((resolve) => { pending.deliver = (body, bytes) => resolve({ body, bytes }); });
      const giveUp = this.clock.timer(waitMs);
      // the framework's onEvent Lambda, invoked asynchronously by CloudFormation
      // (an error it does not answer itself is recorded: Lambda's asynchronous retries are not played)
      this.frameworkCall('onEvent', structuredClone(event)).catch((err: unknown) => { this.frameworkErrors.push({ requestId, error: String((err as Error)?.stack ?? err) }); });
      const first = await this.clock.runUntil(Promise.race([response, giveUp.promise.then(() => undefined)]));
      giveUp.cancel();
      pending.waiting = false;
      const elapsedMs = this.clock.now() - pending.sentAt;
      if (!first) {
        const cancelled = o.stopWaitingAfterMs !== undefined && o.stopWaitingAfterMs < serviceTimeoutMs;
        return {
          requestType: event.RequestType,
          requestId,
          status: cancelled ? 'CANCELLED' : 'TIMED_OUT',
          reason: cancelled
            ? 'Resource creation cancelled'
            : `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}].`,
          physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
          elapsedMs,
          event,
        };
      }
      const { body, bytes } = first;
      if (bytes > MAX_RESPONSE_BYTES) {
        // refused unread: a Create keeps no id (its rollback Delete carries an invented one)
        return { requestType: event.RequestType, requestId, status: 'FAILED', reason: 'Response object is too long.', physicalResourceId: event.PhysicalResourceId, response: body, elapsedMs, event };
      }
      const answeredId = body.PhysicalResourceId || undefined;
      return {
        requestType: event.RequestType,
        requestId,
        status: body.Status,
        reason: body.Reason,
        // a failed Update or Delete keeps the resource's id; a failed Create gets the one it answered
        physicalResourceId: body.Status === 'SUCCESS' || event.RequestType === 'Create' ? answeredId : event.PhysicalResourceId,
        data: body.Data,
        response: body,
        elapsedMs,
        event,
      };
    });
  }

  /** @internal the framework's own Lambda functions (their 15-minute timeout is never reached here) */
  async frameworkCall(name: 'onEvent' | 'isComplete' | 'onTimeout', event: unknown): Promise<void> {
    return loaded!.framework[name](event);
  }

  /** @internal outbound.invokeFunction: Lambda's synchronous invoke of a user function */
  async lambdaInvoke(req: { FunctionName: string; Payload: string }): Promise<unknown> {
    const functionName = req.FunctionName === this.onEventArn ? 'onEvent' : req.FunctionName === this.isCompleteArn ? 'isComplete' : undefined;
    if (!functionName) throw Object.assign(new Error(`Function not found: ${req.FunctionName}`), { name: 'ResourceNotFoundException' });
    const event = JSON.parse(req.Payload) as CfnRequestEvent;
    const startedAt = this.clock.now();
    const deadline = startedAt + this.options.functionTimeoutMs;
    const awsRequestId = hex(`${event.RequestId}/${functionName}/${startedAt}/${this.invocations.length}`, 32);
    const context: HarnessLambdaContext = {
      getRemainingTimeInMillis: () => Math.max(0, deadline - this.clock.now()),
      functionName: req.FunctionName.split(':').pop()!,
      awsRequestId,
    };
    const fn = functionName === 'onEvent'
      ? (ev: unknown) => this.handler.onEvent(ev, context)
      : this.handler.isComplete
        ? (ev: unknown) => this.handler.isComplete!(ev, context)
        : async () => ({ IsComplete: true });
    const kill = this.clock.timer(this.options.functionTimeoutMs);
    type Result = { kind: 'returned'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'timed-out' };
    const run: Promise<Result> = this.clock.inInvocation(deadline, async () => fn(event))
      .then((value): Result => ({ kind: 'returned', value }), (error): Result => ({ kind: 'threw', error }));
    let result = await Promise.race([run, kill.promise.then((): Result => ({ kind: 'timed-out' }))]);
    kill.cancel();
    // whatever it returned, a function that ran past its timeout was stopped by Lambda
    if (result.kind !== 'timed-out' && this.clock.now() > deadline) result = { kind: 'timed-out' };
    const record = (outcome: InvocationRecord['outcome'], error?: string) => this.invocations.push({
      functionName, requestType: event.RequestType, requestId: event.RequestId, startedAt, durationMs: Math.min(this.clock.now(), deadline) - startedAt, outcome, ...(error ? { error } : {}),
    });
    if (result.kind === 'timed-out') {
      record('timed-out');
      const seconds = (this.options.functionTimeoutMs / 1000).toFixed(2);
      return functionError({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${awsRequestId} Error: Task timed out after ${seconds} seconds` });
    }
    if (result.kind === 'threw') {
      const err = result.error as { name?: string; message?: string; stack?: string } | undefined;
      const errorMessage = typeof result.error === 'string' ? result.error : String(err?.message ?? err);
      record('threw', errorMessage);
      return functionError({
        errorType: err?.name ?? 'Error',
        errorMessage,
        trace: typeof err?.stack === 'string' ? err.stack.split('\n') : [],
      });
    }
    record('returned');
    return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: new TextEncoder().encode(JSON.stringify(result.value ?? null)) };
  }

  /** @internal outbound.startExecution: the waiter state machine (waiter-state-machine.js) */
  async stepFunctionsStart(req: { stateMachineArn: string; input: string }): Promise<unknown> {
    if (req.stateMachineArn !== this.waiterArn) throw new Error(`State machine does not exist: ${req.stateMachineArn}`);
    const input = JSON.parse(req.input) as CfnRequestEvent;
    const execution = { requestId: input.RequestId, startedAt: this.clock.now(), polls: 0 } as CloudFormationHarness['executions'][number];
    this.executions.push(execution);
    const maxAttempts = this.options.totalTimeoutMs / this.options.queryIntervalMs;
    if (!Number.isInteger(maxAttempts)) throw new Error(`totalTimeout ${this.options.totalTimeoutMs} ms is not a multiple of queryInterval ${this.options.queryIntervalMs} ms`);
    // runs in the background, as an execution does
    void (async () => {
      for (let retry = 0; ; retry++) {
        execution.polls++;
        let error: unknown;
        try {
          await this.frameworkCall('isComplete', JSON.parse(req.input));
          execution.result = 'succeeded';
          execution.endedAt = this.clock.now();
          return;
        } catch (err) {
          error = err;
        }
        if (retry >= maxAttempts) {
          // Catch States.ALL -> framework-onTimeout-task, with the error output as its input
          const e = error as { name?: string; message?: string; stack?: string };
          const timeoutEvent = { Error: e?.name ?? 'Error', Cause: JSON.stringify({ errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e), trace: (e?.stack ?? '').split('\n') }) };
          try {
            await this.frameworkCall('onTimeout', timeoutEvent);
            execution.result = 'timed-out';
          } catch {
            execution.result = 'failed';
          }
          execution.endedAt = this.clock.now();
          return;
        }
        await this.clock.timer(this.options.queryIntervalMs * this.options.backoffRate ** retry).promise;
      }
    })();
    return { executionArn: `${this.waiterArn.replace(':stateMachine:', ':execution:')}:${input.RequestId}`, startDate: new Date(this.clock.now()) };
  }

  /** @internal outbound.httpRequest: the PUT to the pre-signed response URL */
  async cloudFormationReceive(_options: unknown, body: string): Promise<void> {
    const parsed = JSON.parse(body) as CfnResponseBody;
    const pending = parsed.RequestId ? this.requests.get(parsed.RequestId) : undefined;
    const accepted = !!pending?.waiting;
    this.responses.push({ afterMs: pending ? this.clock.now() - pending.sentAt : 0, body: parsed, accepted, bytes: Buffer.byteLength(body, 'utf8') });
    if (pending && accepted) {
      pending.waiting = false;
      pending.deliver?.(parsed, Buffer.byteLength(body, 'utf8'));
    }
  }

  /** @internal the id CloudFormation invents for a create it never got an answer for */
  inventPhysicalId(logicalId: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const digest = createHash('sha256').update(`${this.stackId}/${logicalId}/${this.requestCount}`).digest();
    let suffix = '';
    for (let i = 0; i < 13; i++) suffix += alphabet[digest[i] % alphabet.length];
    return `${this.stackName}-${logicalId}-${suffix}`;
  }
}

export interface WaitOptions {
  /**
   * CloudFormation stops waiting after this much virtual time, as when another resource of the stack
   * failed meanwhile (the outcome is CANCELLED; the provider's waiter runs on in the background).
   */
  readonly stopWaitingAfterMs?: number;
}

/** One custom resource of the stack: what CloudFormation knows of it, and its requests. */
export class ResourceHarness {
  /** The physical id CloudFormation knows (undefined before a create answered). */
  physicalResourceId?: string;
  /** The properties of the last successful create or update. */
  properties?: Record<string, unknown>;
  /** Every outcome, in order. */
  readonly history: CfnOutcome[] = [];
  /** Physical ids replaced by successful updates, waiting for the cleanup Delete (with the properties they had). */
  readonly replaced: Array<{ id: string; properties: Record<string, unknown> }> = [];
  private last?: { outcome: CfnOutcome; previous?: { id?: string; properties?: Record<string, unknown> } };

  constructor(readonly stack: CloudFormationHarness, readonly logicalId: string, readonly resourceType: string) {}

  private props(p: Record<string, unknown>): Record<string, unknown> {
    return cfnStrings({ ServiceToken: `arn:aws:lambda:${this.stack.region}:${this.stack.account}:function:${this.stack.stackName}-SageMakerConstructsProviderframeworkonEvent`, ...p }) as Record<string, unknown>;
  }

  async create(properties: Record<string, unknown>, o?: WaitOptions): Promise<CfnOutcome> {
    const props = this.props(properties);
    const outcome = await this.stack.send(this, { RequestType: 'Create', ResourceProperties: props }, o);
    this.last = { outcome };
    if (outcome.status === 'SUCCESS') {
      this.physicalResourceId = outcome.physicalResourceId;
      this.properties = props;
    } else if (outcome.status === 'FAILED') {
      this.physicalResourceId = outcome.physicalResourceId;
      this.properties = props;
    } else {
      // no answer: CloudFormation knows no id and will invent one for the rollback Delete
      this.physicalResourceId = undefined;
      this.properties = props;
    }
    return this.record(outcome);
  }

  async update(properties: Record<string, unknown>, o?: WaitOptions): Promise<CfnOutcome> {
    if (!this.properties) throw new Error(`${this.logicalId}: update before create`);
    const props = this.props(properties);
    const previous = { id: this.physicalResourceId, properties: this.properties };
    const outcome = await this.stack.send(this, {
      RequestType: 'Update',
      ResourceProperties: props,
      OldResourceProperties: this.properties,
      ...(this.physicalResourceId !== undefined ? { PhysicalResourceId: this.physicalResourceId } : {}),
    }, o);
    this.last = { outcome, previous };
    if (outcome.status === 'SUCCESS') {
      if (outcome.physicalResourceId !== previous.id && previous.id !== undefined) this.replaced.push({ id: previous.id, properties: previous.properties });
      this.physicalResourceId = outcome.physicalResourceId;
      this.properties = props;
    }
    return this.record(outcome);
  }

  async delete(o?: WaitOptions): Promise<CfnOutcome> {
    if (!this.properties) throw new Error(`${this.logicalId}: delete before create`);
    const outcome = await this.stack.send(this, {
      RequestType: 'Delete',
      ResourceProperties: this.properties,
      PhysicalResourceId: this.physicalResourceId ?? this.stack.inventPhysicalId(this.logicalId),
    }, o);
    this.last = { outcome };
    return this.record(outcome);
  }

  /**
   * What CloudFormation sends when the stack rolls back after this resource's last request:
   * - a Create (failed, timed out, cancelled or even successful): Delete, with the id it answered,
   *   the framework's CREATE_FAILED marker, or an invented `<stack>-<logicalId>-<suffix>`;
   * - an Update: Update back to the previous properties (the failed ones as OldResourceProperties),
   *   with the previous physical id.
   */
  async rollback(o?: WaitOptions): Promise<CfnOutcome | undefined> {
    const last = this.last;
    if (!last) throw new Error(`${this.logicalId}: nothing to roll back`);
    if (last.outcome.requestType === 'Create') return this.delete(o);
    if (last.outcome.requestType === 'Update') {
      const failed = last.outcome.event.ResourceProperties;
      const previous = last.previous!;
      const outcome = await this.stack.send(this, {
        RequestType: 'Update',
        ResourceProperties: previous.properties!,
        OldResourceProperties: failed,
        ...(previous.id !== undefined ? { PhysicalResourceId: previous.id } : {}),
      }, o);
      this.last = { outcome, previous: { id: this.physicalResourceId, properties: failed } };
      if (outcome.status === 'SUCCESS') {
        this.physicalResourceId = previous.id;
        this.properties = previous.properties;
        // the replaced id of the rolled-back update is the old one itself: nothing to clean up
        const i = this.replaced.findIndex((r) => r.id === previous.id);
        if (i >= 0) this.replaced.splice(i, 1);
      }
      return this.record(outcome);
    }
    return undefined;
  }

  async cleanup(o?: WaitOptions): Promise<CfnOutcome[]> {
    const outcomes: CfnOutcome[] = [];
    for (const r of this.replaced.splice(0)) {
      outcomes.push(this.record(await this.stack.send(this, { RequestType: 'Delete', ResourceProperties: r.properties, PhysicalResourceId: r.id }, o)));
    }
    return outcomes;
  }

  private record(outcome: CfnOutcome): CfnOutcome {
    this.history.push(outcome);
    return outcome;
  }
}

// ---------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------

function functionError(payload: Record<string, unknown>): unknown {
  return { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST', Payload: new TextEncoder().encode(JSON.stringify(payload)) };
}

/** CloudFormation delivers every scalar of a custom resource's properties as a string. */
export function cfnStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cfnStrings);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, cfnStrings(v)]));
  if (value === null || value === undefined) return value;
  return String(value);
}

function serviceTimeoutOf(props: Record<string, unknown>): number | undefined {
  const v = Number(props.ServiceTimeout);
  return Number.isFinite(v) && v > 0 ? Math.min(v, 3600) * 1000 : undefined;
}

function hex(seed: string, n: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, n);
}

function setEnv(vars: Record<string, string>): { restore(): void } {
  const before: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    before[k] = process.env[k];
    process.env[k] = v;
  }
  return {
    restore() {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
