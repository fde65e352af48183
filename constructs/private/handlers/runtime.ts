/**
 * Shared runtime of the custom-resource handlers (custom-resources.Provider framework): the event and
 * response shapes, the injectable dependencies, AWS error classification, throttling retries with
 * backoff, pagination and structured logging.
 *
 * Pure TypeScript with no imports at all: each handler bundle (esbuild, `@aws-sdk/*` external) pulls
 * this file in through a relative import, and nothing here depends on a particular AWS service client.
 * Service-specific knowledge (which errors mean "gone" or "not now" for a given API) stays in the
 * handlers and is passed in (see `isNotFoundError(err, extraNames)` and `runtime(..., config)`).
 */

// ---------------------------------------------------------------------------------------------------
// Event and response shapes (the subset of the Provider framework contract the handlers use)
// ---------------------------------------------------------------------------------------------------

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface CustomResourceEvent {
  readonly RequestType: RequestType;
  readonly ResourceType: string;
  readonly LogicalResourceId?: string;
  readonly RequestId?: string;
  readonly StackId?: string;
  /** Absent on Create; on Delete it may be an id the handler never returned (failed create). */
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Injected dependencies
// ---------------------------------------------------------------------------------------------------

/** The one method of an AWS SDK v3 client the handlers use; real clients and test fakes both satisfy it. */
export interface SdkClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own output type; Client.send's overloads need the SDK's middleware generics
  send(command: any): Promise<any>;
}

export type Sleep = (ms: number) => Promise<void>;
export type LogFn = (entry: Record<string, unknown>) => void;

/** Throttling retry and logging knobs; every field has a production default. */
export interface RuntimeOptions {
  /** Waits between throttled retries. Default: setTimeout. Tests inject a no-op. */
  readonly sleep?: Sleep;
  /** Jitter source in [0, 1). Default: Math.random. */
  readonly random?: () => number;
  /** Receives one structured entry per action. Default: one JSON line on console.log. */
  readonly log?: LogFn;
  /** Tries per API call while throttled (first try included). Default 5. */
  readonly maxAttempts?: number;
  /** Backoff before the 2nd try; doubles per retry, capped at maxDelayMs. Default 200 ms. */
  readonly baseDelayMs?: number;
  /** Default 3000 ms. */
  readonly maxDelayMs?: number;
}

// ---------------------------------------------------------------------------------------------------
// Resource properties (CloudFormation delivers them as strings; lists as string arrays)
// ---------------------------------------------------------------------------------------------------

/** A trimmed non-empty string, or undefined for absent, null or blank values. */
export function readString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** Accepts a string array, a JSON array string or a comma-separated string; blanks are dropped. */
export function readStringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => readString(v)).filter((v): v is string => v !== undefined);
  const s = String(value).trim();
  if (s.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return readStringList(parsed);
    } catch {
      // not JSON: fall through to the comma-separated reading
    }
  }
  return s.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

// ---------------------------------------------------------------------------------------------------
// Error classification
// ---------------------------------------------------------------------------------------------------

interface AwsErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly Code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $fault?: string;
}

/** The AWS error code (SDK v3 `name`, or `Code`/`code`), '' when there is none. */
export function errorName(err: unknown): string {
  const e = (err ?? {}) as AwsErrorLike;
  return e.name ?? e.Code ?? e.code ?? '';
}

export function errorMessage(err: unknown): string {
  return String(((err ?? {}) as AwsErrorLike).message ?? '');
}

/** `<code>: <message>`, at most 500 characters, for log entries. */
export function errorText(err: unknown): string {
  return `${errorName(err)}: ${errorMessage(err)}`.slice(0, 500);
}

export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'TooManyRequests',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

export function isThrottlingError(err: unknown): boolean {
  if (THROTTLING_ERRORS.has(errorName(err))) return true;
  return ((err ?? {}) as AwsErrorLike).$metadata?.httpStatusCode === 429;
}

/** Codes (or Node.js `code`s) of a call that timed out or lost its connection: it may or may not have been served. */
export const NETWORK_ERRORS: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'NetworkingError',
]);

/**
 * Whether the error is worth trying again later: throttling, a server fault (HTTP 5xx or
 * `$fault: 'server'`), a timeout or a lost connection. A caller that created something must treat
 * such an error as "maybe done" (describe before creating again).
 */
export function isTransientError(err: unknown): boolean {
  if (isThrottlingError(err)) return true;
  const e = (err ?? {}) as AwsErrorLike & { readonly errno?: unknown };
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (e.$fault === 'server') return true;
  return [e.name, e.code, e.Code].some((c) => typeof c === 'string' && NETWORK_ERRORS.has(c));
}

/** Not-found codes recognised by every handler; a handler adds its own through `extraNames`. */
export const NOT_FOUND_ERRORS: ReadonlySet<string> = new Set([
  'ResourceNotFound', // SageMaker
  'ResourceNotFoundException',
  'FileSystemNotFound', // EFS
  'MountTargetNotFound',
  'InvalidGroup.NotFound', // EC2
  'InvalidGroupId.NotFound',
  'InvalidPermission.NotFound',
]);

/**
 * Not-found in any of its spellings (NOT_FOUND_ERRORS, then `extraNames`, then a ValidationException
 * saying "does not exist"/"not found"); on a delete or describe it means "already gone".
 */
export function isNotFoundError(err: unknown, extraNames?: Iterable<string>): boolean {
  const name = errorName(err);
  if (NOT_FOUND_ERRORS.has(name)) return true;
  if (extraNames) {
    for (const extra of extraNames) {
      if (extra === name) return true;
    }
  }
  return name === 'ValidationException' && /does not exist|not found/i.test(errorMessage(err));
}

// ---------------------------------------------------------------------------------------------------
// Retries, pagination, logging
// ---------------------------------------------------------------------------------------------------

/**
 * Sends one command, retrying throttling with exponential backoff and jitter: the n-th retry waits a
 * random time in [d/2, d) with d = min(maxDelayMs, baseDelayMs * 2^(n-1)). Rethrows the last throttling
 * error once maxAttempts tries are spent; other errors are rethrown at once.
 */
export async function sendWithRetry<T = unknown>(
  client: SdkClient,
  command: unknown,
  options: RuntimeOptions = {},
  log: LogFn = logger(options, 'handler'),
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 3000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.send(command)) as T;
    } catch (err) {
      if (!isThrottlingError(err) || attempt >= maxAttempts) throw err;
      const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling / 2 + random() * (ceiling / 2));
      log({ action: 'throttled-retry', command: commandName(command), attempt, delayMs, error: errorName(err) });
      await sleep(delayMs);
    }
  }
}

/** The command's class name ('DeleteAppCommand', ...), or 'command' for a plain object. */
export function commandName(command: unknown): string {
  const name = (command as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name && name !== 'Object' ? name : 'command';
}

/** paginate() gives up (throws) after this many pages, rather than loop on a token that never ends. */
export const MAX_PAGES = 1000;

/** Follows a list API to its last page. `nextToken` defaults to the page's NextToken. */
export async function paginate<Item, Page>(
  fetchPage: (token: string | undefined) => Promise<Page>,
  items: (page: Page) => Item[] | undefined,
  nextToken: (page: Page) => string | undefined = (page) => (page as { NextToken?: string }).NextToken,
): Promise<Item[]> {
  const all: Item[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetchPage(token);
    all.push(...(items(page) ?? []));
    token = nextToken(page) || undefined;
    if (!token) return all;
  }
  throw new Error(`pagination did not end after ${MAX_PAGES} pages`);
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A log function adding `resource` to every entry: `options.log` if given, else one JSON line on stdout. */
export function logger(options: RuntimeOptions, resource: string): LogFn {
  const sink = options.log;
  if (sink) return (entry) => sink({ resource, ...entry });
  return (entry) => console.log(JSON.stringify({ resource, ...entry }));
}

// ---------------------------------------------------------------------------------------------------
// Runtime: send with retries, delete with outcome, log — bound to one handler's options
// ---------------------------------------------------------------------------------------------------

/** What a delete request came to: accepted, already gone, or refused for now (try on the next poll). */
export type DeleteOutcome = 'requested' | 'gone' | 'retry';

export interface RuntimeConfig {
  /** Codes that mean "already gone" for this handler, on top of NOT_FOUND_ERRORS. */
  readonly notFoundErrors?: Iterable<string>;
  /** Codes a delete answers when the resource is busy or in a state that refuses it ('retry'). Default none. */
  readonly retryNextPollErrors?: ReadonlySet<string>;
}

export interface Runtime {
  /** sendWithRetry with this runtime's options and log. */
  send<T = unknown>(client: SdkClient, command: unknown): Promise<T>;
  /**
   * Sends a delete and logs `logEntry` with its result: not-found is 'gone', a retry-next-poll code is
   * 'retry', anything else (throttling past the retries included) is logged and rethrown.
   */
  deleteItem(client: SdkClient, command: unknown, logEntry: Record<string, unknown>): Promise<DeleteOutcome>;
  log: LogFn;
}

export function runtime(options: RuntimeOptions, resource: string, config: RuntimeConfig = {}): Runtime {
  const log = logger(options, resource);
  const notFound = config.notFoundErrors === undefined ? undefined : [...config.notFoundErrors];
  const retryNextPoll = config.retryNextPollErrors ?? new Set<string>();
  const send = <T>(client: SdkClient, command: unknown): Promise<T> => sendWithRetry<T>(client, command, options, log);
  return {
    log,
    send,
    async deleteItem(client, command, logEntry) {
      try {
        await send(client, command);
        log({ ...logEntry, result: 'requested' });
        return 'requested';
      } catch (err) {
        if (isNotFoundError(err, notFound)) {
          log({ ...logEntry, result: 'gone' });
          return 'gone';
        }
        if (!isThrottlingError(err) && retryNextPoll.has(errorName(err))) {
          log({ ...logEntry, result: 'retry-next-poll', error: errorText(err) });
          return 'retry';
        }
        log({ ...logEntry, result: isThrottlingError(err) ? 'throttled' : 'failed', error: errorText(err) });
        throw err;
      }
    },
  };
}
