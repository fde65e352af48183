/**
 * A fake AWS SDK v3 client for custom-resource handler tests.
 *
 * `send(command)` answers from a script keyed by the command's class name ('ListAppsCommand', ...):
 * each key holds a queue of replies consumed in order. A reply is
 *   - a value: resolved as the command output;
 *   - an Error (see the builders below): thrown, as the SDK throws service errors;
 *   - a function `(input, call)`: called, and its result (or throw) used, for input-dependent answers;
 *   - `always(reply)`: never consumed, answers every further call (put it last).
 * A call with nothing left to answer fails loudly with an `UnscriptedCallError`, so a handler calling
 * more than the test expects is caught.
 *
 * Every call is recorded (client name, command name, a deep copy of the input), on the client and on an
 * optional shared `CallLog`, so a test with several clients can assert the order across them.
 *
 * Generic on purpose: nothing here knows about SageMaker Studio, so training-job, pipeline or endpoint
 * handlers can script their clients the same way.
 */

// ---------------------------------------------------------------------------------------------------
// Script
// ---------------------------------------------------------------------------------------------------

const STICKY = Symbol('scripted-client.always');

export type ReplyFn = (input: any, call: RecordedCall) => unknown;

/** A value to resolve, an Error to throw, or a function computing either. */
export type Reply = unknown;

export interface StickyReply {
  readonly [STICKY]: true;
  readonly reply: Reply;
}

/** Answers every remaining call to the command with `reply` (never used up). */
export function always(reply: Reply): StickyReply {
  return { [STICKY]: true, reply };
}

function isSticky(reply: unknown): reply is StickyReply {
  return typeof reply === 'object' && reply !== null && STICKY in reply;
}

/** Command class name → replies in call order. */
export type Script = Record<string, Reply[]>;

export interface RecordedCall {
  /** The ScriptedClient's name ('sagemaker', 'efs', ...). */
  readonly client: string;
  /** The command's class name, e.g. 'DeleteAppCommand'. */
  readonly command: string;
  /** Deep copy of the command input as sent. */
  readonly input: any;
  /** 0-based position in the shared call log (or in this client's calls when unshared). */
  readonly seq: number;
}

/** Calls across several clients, in order. */
export class CallLog {
  readonly calls: RecordedCall[] = [];

  /** `client:Command` for every call, e.g. 'efs:DeleteMountTargetCommand'. */
  sequence(): string[] {
    return this.calls.map((c) => `${c.client}:${c.command}`);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

export class UnscriptedCallError extends Error {
  constructor(client: string, command: string, n: number, input: unknown) {
    super(`ScriptedClient(${client}): no scripted reply left for ${command} (call #${n}) with input ${safeJson(input)}`);
    this.name = 'UnscriptedCallError';
  }
}

export interface ScriptedClientOptions {
  /** Shown in recorded calls and error messages. Default 'client'. */
  readonly name?: string;
  /** Also record calls here (share one log between clients to assert cross-client order). */
  readonly log?: CallLog;
}

export class ScriptedClient {
  readonly name: string;
  readonly calls: RecordedCall[] = [];
  private readonly queues = new Map<string, Reply[]>();
  private readonly sharedLog?: CallLog;

  constructor(script: Script = {}, options: ScriptedClientOptions = {}) {
    this.name = options.name ?? 'client';
    this.sharedLog = options.log;
    for (const [command, replies] of Object.entries(script)) this.on(command, ...replies);
  }

  /** Appends replies for a command (after any already queued). */
  on(command: string, ...replies: Reply[]): this {
    const queue = this.queues.get(command) ?? [];
    queue.push(...replies);
    this.queues.set(command, queue);
    return this;
  }

  /** Same signature as an SDK v3 client's `send`. */
  async send(command: { readonly input?: unknown }): Promise<any> {
    const name = commandName(command);
    const call: RecordedCall = {
      client: this.name,
      command: name,
      input: deepCopy(command?.input ?? {}),
      seq: this.sharedLog ? this.sharedLog.calls.length : this.calls.length,
    };
    this.calls.push(call);
    this.sharedLog?.calls.push(call);

    const queue = this.queues.get(name) ?? [];
    if (queue.length === 0) throw new UnscriptedCallError(this.name, name, this.countOf(name), call.input);
    const head = queue[0];
    let reply: Reply;
    if (isSticky(head)) {
      reply = head.reply;
    } else {
      queue.shift();
      reply = head;
    }
    const value = typeof reply === 'function' ? await (reply as ReplyFn)(call.input, call) : reply;
    if (value instanceof Error) throw value;
    return value === undefined ? {} : deepCopy(value);
  }

  /** Inputs of every call to `command`, in order. */
  inputsOf(command: string): any[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.input);
  }

  countOf(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }

  /** Command names of every call, in order. */
  commandNames(): string[] {
    return this.calls.map((c) => c.command);
  }

  /** Calls whose command name matches (e.g. /^Delete|^Revoke/ for "anything destructive"). */
  callsMatching(pattern: RegExp): RecordedCall[] {
    return this.calls.filter((c) => pattern.test(c.command));
  }

  /** Replies queued but never used (sticky ones excluded): handy to assert a script was followed. */
  unusedReplies(): Record<string, number> {
    const unused: Record<string, number> = {};
    for (const [command, queue] of this.queues) {
      const n = queue.filter((r) => !isSticky(r)).length;
      if (n > 0) unused[command] = n;
    }
    return unused;
  }

  /** Forgets recorded calls (the script stays). */
  clearCalls(): void {
    this.calls.length = 0;
  }
}

function commandName(command: unknown): string {
  const name = (command as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (!name || name === 'Object') throw new Error('ScriptedClient: send() needs an SDK command instance (class name is the script key)');
  return name;
}

function deepCopy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value; // functions or class instances that cannot be cloned: keep the reference
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------------------
// AWS-style errors (what SDK v3 throws: name = error code, $fault, $metadata.httpStatusCode)
// ---------------------------------------------------------------------------------------------------

export interface AwsStyleError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId: string; readonly attempts: number; readonly totalRetryDelay: number };
  /** Same as name, as some services (EC2) also expose it. */
  readonly Code: string;
}

export function awsError(name: string, message: string, httpStatusCode = 400): AwsStyleError {
  const err = new Error(message) as Error & Record<string, unknown>;
  err.name = name;
  err.Code = name;
  err.$fault = httpStatusCode >= 500 ? 'server' : 'client';
  err.$metadata = { httpStatusCode, requestId: 'test-request-id', attempts: 1, totalRetryDelay: 0 };
  return err as unknown as AwsStyleError;
}

/** `ThrottlingException` (HTTP 400) by default; pass 'RequestLimitExceeded' (EC2), 'TooManyRequestsException', ... */
export function throttling(name = 'ThrottlingException', message = 'Rate exceeded'): AwsStyleError {
  return awsError(name, message, 400);
}

/** A throttle recognisable only by its HTTP status. */
export function http429(name = 'TooManyRequests', message = 'Too Many Requests'): AwsStyleError {
  return awsError(name, message, 429);
}

/** SageMaker's not-found. */
export function resourceNotFound(message = 'Resource not found'): AwsStyleError {
  return awsError('ResourceNotFound', message, 400);
}

export function fileSystemNotFound(message = 'File system not found'): AwsStyleError {
  return awsError('FileSystemNotFound', message, 404);
}

export function mountTargetNotFound(message = 'Mount target not found'): AwsStyleError {
  return awsError('MountTargetNotFound', message, 404);
}

/** EC2's not-found for a security group. */
export function securityGroupNotFound(groupId = 'sg-unknown'): AwsStyleError {
  return awsError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`, 400);
}

/** Not-found errors by service, for tables of cases. */
export const notFound = {
  sagemaker: resourceNotFound,
  fileSystem: fileSystemNotFound,
  mountTarget: mountTargetNotFound,
  securityGroup: securityGroupNotFound,
} as const;

export function validationError(message: string): AwsStyleError {
  return awsError('ValidationException', message, 400);
}

/** EC2: the group is still in use (ENIs, references). */
export function dependencyViolation(groupId = 'sg-unknown'): AwsStyleError {
  return awsError('DependencyViolation', `resource ${groupId} has a dependent object`, 400);
}

export function accessDenied(message = 'User is not authorized to perform this action'): AwsStyleError {
  return awsError('AccessDeniedException', message, 403);
}

// ---------------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------------

/** A sleep that returns at once and records the requested delays (inject instead of real timers). */
export function recordingSleep(): { readonly sleep: (ms: number) => Promise<void>; readonly delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => { delays.push(ms); } };
}

/**
 * The runtime options every handler test injects: a recording sleep, no jitter, captured log
 * entries. Spread `options` into the handler's clients.
 */
export function testRuntime(): {
  readonly options: { readonly sleep: (ms: number) => Promise<void>; readonly random: () => number; readonly log: (entry: Record<string, unknown>) => void };
  readonly delays: number[];
  readonly logs: Record<string, unknown>[];
} {
  const clock = recordingSleep();
  const logs: Record<string, unknown>[] = [];
  return { options: { sleep: clock.sleep, random: () => 0, log: (entry) => { logs.push(entry); } }, delays: clock.delays, logs };
}
