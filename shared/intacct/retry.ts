import { throwIfAbandoned, untilAbandoned } from './abort';
import { IntacctError } from './errors';

/** How hard to retry: attempts in all (first included) and the exponential backoff bounds. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits between attempts; given the caller's signal, it may stop waiting when that aborts (not required: the wait is abandoned anyway). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

export const DEFAULT_MAX_ATTEMPTS = 6;
export const DEFAULT_BASE_DELAY_MS = 200;
export const DEFAULT_MAX_DELAY_MS = 10_000;

const BACKOFF_FACTOR = 2;

/** Waits `ms` milliseconds on a real timer; an abort of `signal` clears the timer and ends the wait at once. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Full-jitter backoff: a uniform draw between 0 and min(maxDelay, base * 2^(retry-1)).
 * `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * BACKOFF_FACTOR ** (retry - 1));
  return Math.floor(policy.random() * ceiling);
}

/** Only errors the connector itself marked retryable are retried; authentication errors never are. */
export function isRetryable(error: unknown): boolean {
  return error instanceof IntacctError && error.retryable && error.kind !== 'authentication';
}

/**
 * Runs `operation` (given the 1-based attempt number) until it succeeds, throws a non-retryable
 * error, or `maxAttempts` is used up; the last error is rethrown unchanged. Once `signal` aborts,
 * no further attempt starts and a backoff wait ends at once, rejecting with IntacctTimeoutError
 * (the attempt on the wire is the operation's to stop: it gets the same signal from its caller).
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  for (let attempt = 1; ; attempt += 1) {
    throwIfAbandoned(signal);
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      throwIfAbandoned(signal);
      await untilAbandoned(policy.sleep(backoffDelayMs(attempt, policy), signal), signal);
    }
  }
}
