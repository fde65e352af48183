import {
  NOT_FOUND_ERRORS,
  isNotFoundError,
  isThrottlingError,
  isTransientError,
  paginate,
  readStringList,
  runtime,
  sendWithRetry,
} from '../../constructs/private/handlers/runtime';
import {
  ScriptedClient,
  accessDenied,
  always,
  awsError,
  dependencyViolation,
  http429,
  recordingSleep,
  resourceNotFound,
  throttling,
  validationError,
} from '../support/scripted-client';

class XCommand { constructor(readonly input: unknown) {} }

describe('sendWithRetry', () => {
  test('retries throttling with growing delays, then succeeds', async () => {
    const client = new ScriptedClient({ XCommand: [throttling(), http429(), throttling('RequestLimitExceeded'), { ok: true }] });
    const clock = recordingSleep();
    const logs: Record<string, unknown>[] = [];
    const out = await sendWithRetry(client, new XCommand({}), { sleep: clock.sleep, random: () => 0, log: (e) => logs.push(e) });
    expect(out).toEqual({ ok: true });
    expect(client.countOf('XCommand')).toBe(4);
    // random() = 0 → d/2 with d = 200·2^(n-1)
    expect(clock.delays).toEqual([100, 200, 400]);
    expect(logs.map((l) => l.action)).toEqual(['throttled-retry', 'throttled-retry', 'throttled-retry']);
    expect(logs[0]).toMatchObject({ command: 'XCommand', attempt: 1, delayMs: 100, error: 'ThrottlingException' });
  });

  test('gives up after maxAttempts by rethrowing the last throttling error', async () => {
    const client = new ScriptedClient({ XCommand: [always(throttling())] });
    const clock = recordingSleep();
    await expect(sendWithRetry(client, new XCommand({}), { sleep: clock.sleep, random: () => 0.99, maxAttempts: 4, log: () => {} }))
      .rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(client.countOf('XCommand')).toBe(4);
    expect(clock.delays).toHaveLength(3);
    expect(clock.delays.every((d, i) => i === 0 || d > clock.delays[i - 1])).toBe(true);
  });

  test('caps the delay at maxDelayMs', async () => {
    const client = new ScriptedClient({ XCommand: [throttling(), throttling(), throttling(), throttling(), {}] });
    const clock = recordingSleep();
    await sendWithRetry(client, new XCommand({}), { sleep: clock.sleep, random: () => 0, baseDelayMs: 1000, maxDelayMs: 3000, log: () => {} });
    expect(clock.delays).toEqual([500, 1000, 1500, 1500]);
  });

  test('does not retry other errors', async () => {
    const client = new ScriptedClient({ XCommand: [accessDenied(), {}] });
    const clock = recordingSleep();
    await expect(sendWithRetry(client, new XCommand({}), { sleep: clock.sleep, log: () => {} }))
      .rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(client.countOf('XCommand')).toBe(1);
    expect(clock.delays).toEqual([]);
  });
});

describe('paginate', () => {
  test('follows NextToken to the last page', async () => {
    const client = new ScriptedClient({
      XCommand: [{ Items: [1, 2], NextToken: 't1' }, { Items: [3], NextToken: 't2' }, { Items: [4] }],
    });
    const items = await paginate<number, { Items?: number[]; NextToken?: string }>(
      (NextToken) => client.send(new XCommand({ NextToken })),
      (page) => page.Items,
    );
    expect(items).toEqual([1, 2, 3, 4]);
    expect(client.inputsOf('XCommand')).toEqual([{}, { NextToken: 't1' }, { NextToken: 't2' }]);
  });

  test('a custom token reader (Marker) and a page without items', async () => {
    const client = new ScriptedClient({ XCommand: [{ NextMarker: 'm1' }, { Things: ['a'], NextMarker: '' }] });
    const items = await paginate<string, { Things?: string[]; NextMarker?: string }>(
      (Marker) => client.send(new XCommand({ Marker })),
      (page) => page.Things,
      (page) => page.NextMarker,
    );
    expect(items).toEqual(['a']);
    expect(client.countOf('XCommand')).toBe(2);
  });
});

describe('error classification', () => {
  test('isNotFoundError: the shared names, ValidationException "does not exist", and extra names', () => {
    expect(isNotFoundError(resourceNotFound())).toBe(true);
    expect(isNotFoundError(awsError('InvalidGroup.NotFound', 'gone'))).toBe(true);
    expect(isNotFoundError(validationError('Domain d-1 does not exist'))).toBe(true);
    expect(isNotFoundError(validationError('Domain is in state Pending'))).toBe(false);
    expect(isNotFoundError(dependencyViolation())).toBe(false);

    const subnetGone = awsError('InvalidSubnetID.NotFound', 'The subnet does not exist');
    expect(isNotFoundError(subnetGone)).toBe(false);
    expect(isNotFoundError(subnetGone, ['InvalidSubnetID.NotFound'])).toBe(true);
    expect(isNotFoundError(subnetGone, new Set(['InvalidSubnetID.NotFound', 'NoSuchKey']))).toBe(true);
    expect(isNotFoundError(awsError('NoSuchBucket', 'gone'), ['NoSuchKey'])).toBe(false);
    // extra names add to the shared set, they do not replace it
    expect(isNotFoundError(resourceNotFound(), ['NoSuchKey'])).toBe(true);
    // and the shared set is not modified by them
    expect(NOT_FOUND_ERRORS.has('InvalidSubnetID.NotFound')).toBe(false);
  });

  test('isThrottlingError: by name or by HTTP 429', () => {
    expect(isThrottlingError(throttling())).toBe(true);
    expect(isThrottlingError(throttling('RequestLimitExceeded'))).toBe(true);
    expect(isThrottlingError(http429('Whatever'))).toBe(true);
    expect(isThrottlingError(accessDenied())).toBe(false);
    expect(isThrottlingError(undefined)).toBe(false);
  });

  test('isTransientError: throttling, 5xx, server faults, timeouts and lost connections; not client errors', () => {
    const nodeError = (code: string) => Object.assign(new Error(code), { code });
    const named = (name: string) => Object.assign(new Error(name), { name });
    for (const err of [
      throttling(), http429('Whatever'),
      awsError('InternalFailure', 'internal', 500), awsError('ServiceUnavailable', 'unavailable', 503),
      Object.assign(new Error('x'), { name: 'Odd', $fault: 'server' }),
      named('TimeoutError'), nodeError('ETIMEDOUT'),
      nodeError('ECONNRESET'), nodeError('EPIPE'), nodeError('ECONNREFUSED'), named('NetworkingError'),
    ]) {
      expect(isTransientError(err)).toBe(true);
    }
    for (const err of [accessDenied(), validationError('bad'), resourceNotFound(), awsError('ResourceInUse', 'in use'), new Error('plain'), undefined]) {
      expect(isTransientError(err)).toBe(false);
    }
    // throttling alone stays what isThrottlingError reports
    expect(isThrottlingError(awsError('InternalFailure', 'internal', 500))).toBe(false);
  });
});

describe('runtime().deleteItem', () => {
  test('gone, retry-next-poll, requested, and failed outcomes with extra not-found names', async () => {
    const client = new ScriptedClient({
      XCommand: [awsError('NoSuchThing', 'gone'), dependencyViolation(), {}, accessDenied()],
    });
    const logs: Record<string, unknown>[] = [];
    const rt = runtime({ log: (e) => logs.push(e) }, 'Test', {
      notFoundErrors: ['NoSuchThing'],
      retryNextPollErrors: new Set(['DependencyViolation']),
    });
    await expect(rt.deleteItem(client, new XCommand({}), { action: 'DeleteX' })).resolves.toBe('gone');
    await expect(rt.deleteItem(client, new XCommand({}), { action: 'DeleteX' })).resolves.toBe('retry');
    await expect(rt.deleteItem(client, new XCommand({}), { action: 'DeleteX' })).resolves.toBe('requested');
    await expect(rt.deleteItem(client, new XCommand({}), { action: 'DeleteX' })).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(logs.map((l) => [l.resource, l.result])).toEqual([
      ['Test', 'gone'], ['Test', 'retry-next-poll'], ['Test', 'requested'], ['Test', 'failed'],
    ]);
  });
});

describe('readStringList', () => {
  test('reads arrays, JSON arrays and comma-separated strings', () => {
    expect(readStringList(['a', ' ', 'b'])).toEqual(['a', 'b']);
    expect(readStringList('["a","b"]')).toEqual(['a', 'b']);
    expect(readStringList('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(readStringList(undefined)).toEqual([]);
  });
});
