import { abandonedError, untilAbandoned } from './abort';
import { IntacctError } from './errors';

/** How hard to retry: attempts in all (first included) and the exponential backoff bounds. */
export interface RetryPolicy {
  /** Attempts in all when retrying is bounded (no caller signal to retry until). */
  maxAttempts: number;
  baseDelayMs: number;
  /** Longest single wait when retrying is bounded. */
  maxDelayMs: number;
  /** Longest single wait when retrying until the caller's signal aborts; default 30 000 ms. */
  untilAbortedMaxDelayMs?: number;
  /** Longest wait a Retry-After header can ask for and get; default 60 000 ms. */
  maxRetryAfterMs?: number;
  /** Waits between attempts; given the caller's signal, it may stop waiting when that aborts (not required: the wait is abandoned anyway). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

/** How one call retries beyond its policy. */
export interface RetryMode {
  /**
   * Retry retryable failures, however many, until `signal` aborts (a run's time budget, a route's
   * deadline), then fail with the last real failure seen rather than a timeout. Only with a signal
   * that belongs to the caller: a signal that may never abort would retry forever.
   */
  untilAborted?: boolean;
  /** Told of every retryable failure before it is retried (already redacted by the caller's operation). */
  onRetry?: (error: IntacctError) => void;
}

const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_BASE_DELAY_MS = 200;
const DEFAULT_MAX_DELAY_MS = 10_000;
const DEFAULT_UNTIL_ABORTED_MAX_DELAY_MS = 30_000;

/** A connector's retry settings, each optional (IntacctClientOptions.retry and the REST client's). */
export interface RetrySettings {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  untilAbortedMaxDelayMs?: number;
  maxRetryAfterMs?: number;
  /** Default true: a call with a signal retries until it aborts; false keeps the attempt limit for every call. */
  untilAborted?: boolean;
}

/** The retry policy of `settings`, every missing value at its production default. */
export function retryPolicyOf(
  settings: RetrySettings | undefined,
  sleep: RetryPolicy['sleep'] | undefined,
  random: RetryPolicy['random'] | undefined,
): RetryPolicy {
  const maxDelayMs = settings?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  return {
    maxAttempts: settings?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    baseDelayMs: settings?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs,
    untilAbortedMaxDelayMs: settings?.untilAbortedMaxDelayMs ?? Math.max(maxDelayMs, DEFAULT_UNTIL_ABORTED_MAX_DELAY_MS),
    maxRetryAfterMs: settings?.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    sleep: sleep ?? sleepMs,
    random: random ?? Math.random,
  };
}
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

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

/**
 * The wait before the next attempt after `failure`: what its Retry-After asked for (at most
 * maxRetryAfterMs), else the full-jitter backoff under the mode's cap.
 */
function retryDelayMs(retry: number, failure: unknown, policy: RetryPolicy, untilAborted: boolean): number {
  const asked = failure instanceof IntacctError ? failure.retryAfterMs : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
  const untilAbortedCap = policy.untilAbortedMaxDelayMs ?? Math.max(policy.maxDelayMs, DEFAULT_UNTIL_ABORTED_MAX_DELAY_MS);
  const maxDelayMs = untilAborted ? untilAbortedCap : policy.maxDelayMs;
  return backoffDelayMs(retry, { ...policy, maxDelayMs });
}

/** Only errors the connector itself marked retryable are retried; authentication errors never are. */
function isRetryable(error: unknown): boolean {
  return error instanceof IntacctError && error.retryable && error.kind !== 'authentication';
}

/**
 * Runs `operation` (given the 1-based attempt number) until it succeeds or throws a non-retryable
 * error. Bounded (the default): at most `maxAttempts` attempts, the last error rethrown unchanged;
 * once `signal` aborts, no further attempt starts and a backoff wait ends at once, rejecting with
 * IntacctTimeoutError. With `mode.untilAborted` and a signal: no attempt limit; once the signal
 * aborts (during a wait or an attempt) it rejects with the last retryable failure seen, or
 * IntacctTimeoutError when none was. The attempt on the wire is the operation's to stop: it gets
 * the same signal from its caller.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  mode: RetryMode = {},
): Promise<T> {
  const untilAborted = mode.untilAborted === true && signal !== undefined;
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  let lastFailure: { error: unknown } | undefined;
  const abandoned = (): unknown => (untilAborted && lastFailure ? lastFailure.error : abandonedError());
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) throw abandoned();
    try {
      return await operation(attempt);
    } catch (error) {
      // The attempt was stopped by the abort: what went wrong before is the better answer.
      if (signal?.aborted && untilAborted && lastFailure) throw lastFailure.error;
      if (!isRetryable(error)) throw error;
      if (!untilAborted && attempt >= maxAttempts) throw error;
      lastFailure = { error };
      if (signal?.aborted) throw abandoned();
      mode.onRetry?.(error as IntacctError);
      try {
        await untilAbandoned(policy.sleep(retryDelayMs(attempt, error, policy, untilAborted), signal), signal);
      } catch (waitError) {
        throw signal?.aborted ? abandoned() : waitError;
      }
    }
  }
}
