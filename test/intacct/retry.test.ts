import { describe, expect, it } from 'vitest';
import {
  IntacctAuthenticationError,
  IntacctPermissionError,
  IntacctProtocolError,
  IntacctQueryError,
  IntacctRateLimitError,
  IntacctTransientError,
} from '../../shared/intacct/errors';
import { backoffDelayMs, withRetry, type RetryPolicy } from '../../shared/intacct/retry';

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
