import { describe, expect, it } from 'vitest';
import {
  IntacctAuthenticationError,
  IntacctPermissionError,
  IntacctProtocolError,
  IntacctQueryError,
  IntacctRateLimitError,
  IntacctTimeoutError,
  IntacctTransientError,
} from '#intacct/errors';
import { backoffDelayMs, type RetryPolicy, withRetry } from '#intacct/retry';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    maxAttempts: 6,
    baseDelayMs: 200,
    maxDelayMs: 10_000,
    random: () => 0.5,
    sleep: async (ms) => {
      slept.push(ms);
    },
    slept,
    ...overrides,
  };
}

function failingTimes(failures: Error[], value = 'done') {
  let calls = 0;
  const attempts: number[] = [];
  const operation = async (attempt: number) => {
    attempts.push(attempt);
    const failure = failures[calls];
    calls += 1;
    if (failure) throw failure;
    return value;
  };
  return { operation, attempts };
}

describe('backoffDelayMs', () => {
  it('doubles the ceiling each retry, caps it, and scales it by the random draw (full jitter)', () => {
    const bounds = { baseDelayMs: 200, maxDelayMs: 1000 };

    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, { ...bounds, random: () => 0.999999 }))).toEqual([199, 399, 799, 999]);
    expect(backoffDelayMs(3, { ...bounds, random: () => 0 })).toBe(0);
    expect(backoffDelayMs(2, { ...bounds, random: () => 0.5 })).toBe(200);
  });
});

describe('withRetry', () => {
  it('retries transient and rate-limit errors, then succeeds', async () => {
    const retryPolicy = policy();
    const { operation, attempts } = failingTimes([new IntacctTransientError('500'), new IntacctRateLimitError('429')]);

    await expect(withRetry(operation, retryPolicy)).resolves.toBe('done');

    expect(attempts).toEqual([1, 2, 3]);
    expect(retryPolicy.slept).toEqual([100, 200]);
  });

  it('retries a retryable query error (rolled back)', async () => {
    const { operation, attempts } = failingTimes([new IntacctQueryError('rolled back', { retryable: true })]);

    await expect(withRetry(operation, policy())).resolves.toBe('done');
    expect(attempts).toEqual([1, 2]);
  });

  it.each([
    ['authentication', new IntacctAuthenticationError('bad login')],
    ['permission', new IntacctPermissionError('no access')],
    ['protocol', new IntacctProtocolError('doctype')],
    ['query', new IntacctQueryError('bad field')],
    ['a non-Intacct error', new TypeError('bug')],
  ])('never retries %s', async (_label, failure) => {
    const retryPolicy = policy();
    const { operation, attempts } = failingTimes([failure]);

    await expect(withRetry(operation, retryPolicy)).rejects.toBe(failure);
    expect(attempts).toEqual([1]);
    expect(retryPolicy.slept).toEqual([]);
  });

  it('never retries an authentication error even if marked retryable', async () => {
    const failure = new IntacctAuthenticationError('bad login');
    failure.retryable = true;
    const { operation, attempts } = failingTimes([failure]);

    await expect(withRetry(operation, policy())).rejects.toBe(failure);
    expect(attempts).toEqual([1]);
  });

  it('gives up after maxAttempts and rethrows the last error', async () => {
    const failures = [1, 2, 3].map((n) => new IntacctTransientError(`outage ${n}`));
    const retryPolicy = policy({ maxAttempts: 3 });
    const { operation, attempts } = failingTimes(failures);

    await expect(withRetry(operation, retryPolicy)).rejects.toBe(failures[2]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(retryPolicy.slept).toHaveLength(2);
  });
});

describe("withRetry until the caller's signal aborts", () => {
  let slept: number[] = [];

  /** A policy whose waits record their length and end at once, aborting `controller` after `abortAfterWaits` of them. */
  function patientPolicy(controller: AbortController, abortAfterWaits = Number.POSITIVE_INFINITY, overrides: Partial<RetryPolicy> = {}) {
    return policy({
      sleep: async (ms) => {
        slept.push(ms);
        if (slept.length >= abortAfterWaits) controller.abort();
      },
      ...overrides,
    });
  }

  it('keeps retrying past maxAttempts while the signal has not aborted', async () => {
    slept = [];
    const controller = new AbortController();
    const failures = Array.from({ length: 20 }, (_, n) => new IntacctRateLimitError(`429 #${n}`));
    const { operation, attempts } = failingTimes(failures);

    await expect(withRetry(operation, patientPolicy(controller), controller.signal, { untilAborted: true })).resolves.toBe('done');

    expect(attempts).toHaveLength(21);
  });

  it('rejects with the last real failure, not a timeout, when the signal aborts during a wait', async () => {
    slept = [];
    const controller = new AbortController();
    const failures = Array.from({ length: 50 }, (_, n) => new IntacctTransientError(`503 #${n}`));
    const { operation, attempts } = failingTimes(failures);

    await expect(withRetry(operation, patientPolicy(controller, 9), controller.signal, { untilAborted: true })).rejects.toBe(failures[8]);
    expect(attempts).toHaveLength(9);
  });

  it('rejects with the last real failure when the signal aborts during an attempt', async () => {
    const controller = new AbortController();
    const first = new IntacctRateLimitError('429');
    let attempts = 0;
    const operation = async () => {
      attempts += 1;
      if (attempts === 1) throw first;
      controller.abort();
      throw new IntacctTimeoutError();
    };

    await expect(withRetry(operation, policy(), controller.signal, { untilAborted: true })).rejects.toBe(first);
  });

  it('rejects with a timeout when nothing went wrong before the abort', async () => {
    const controller = new AbortController();
    const operation = async () => {
      controller.abort();
      throw new IntacctTimeoutError();
    };

    await expect(withRetry(operation, policy(), controller.signal, { untilAborted: true })).rejects.toBeInstanceOf(IntacctTimeoutError);
  });

  it('still never retries what is not retryable', async () => {
    const controller = new AbortController();
    const failure = new IntacctAuthenticationError('bad login');
    const { operation, attempts } = failingTimes([failure]);

    await expect(withRetry(operation, policy(), controller.signal, { untilAborted: true })).rejects.toBe(failure);
    expect(attempts).toEqual([1]);
  });

  it('is not switched on without a signal: the attempt limit holds', async () => {
    const failures = Array.from({ length: 10 }, () => new IntacctTransientError('503'));
    const { operation, attempts } = failingTimes(failures);

    await expect(withRetry(operation, policy({ maxAttempts: 4 }), undefined, { untilAborted: true })).rejects.toBe(failures[3]);
    expect(attempts).toHaveLength(4);
  });

  it('caps each wait at untilAbortedMaxDelayMs and tells onRetry of every failure', async () => {
    slept = [];
    const controller = new AbortController();
    const failures = Array.from({ length: 30 }, () => new IntacctTransientError('503'));
    const { operation } = failingTimes(failures);
    const told: unknown[] = [];

    await withRetry(
      operation,
      patientPolicy(controller, Number.POSITIVE_INFINITY, { random: () => 0.999, untilAbortedMaxDelayMs: 40_000 }),
      controller.signal,
      {
        untilAborted: true,
        onRetry: (error) => told.push(error),
      },
    );

    expect(Math.max(...slept)).toBeLessThan(40_000);
    expect(Math.max(...slept)).toBeGreaterThan(39_000);
    expect(told).toEqual(failures);
  });

  it('waits what Retry-After asked for, up to maxRetryAfterMs, in either mode', async () => {
    const hinted = (ms: number) => Object.assign(new IntacctRateLimitError('429'), { retryAfterMs: ms });
    const retryPolicy = policy({ maxRetryAfterMs: 50_000 });
    const { operation } = failingTimes([hinted(7_000), hinted(120_000)]);

    await withRetry(operation, retryPolicy);

    expect(retryPolicy.slept).toEqual([7_000, 50_000]);
  });
});
