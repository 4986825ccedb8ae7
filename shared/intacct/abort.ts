import { IntacctTimeoutError } from './errors';

/**
 * The error every part of the connector rejects with once the caller's signal aborted. The
 * signal's reason is not copied into it: it is the caller's value and may hold anything.
 */
export function abandonedError(): IntacctTimeoutError {
  return new IntacctTimeoutError();
}

/** Throws the connector's timeout error when `signal` has already aborted. */
export function throwIfAbandoned(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abandonedError();
}

/**
 * Settles like `work`, or rejects with the connector's timeout error as soon as `signal` aborts,
 * whichever comes first. `work` itself is not stopped (pass the signal to it for that); its later
 * rejection is swallowed so it never surfaces as unhandled. The abort listener is removed on settle.
 */
export function untilAbandoned<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abandonedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => undefined);
      reject(abandonedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
