import { abandonedError } from './abort';
import type { ApiSession } from './xml-response';

/** One getAPISession on its way, shared by every call waiting for it. */
interface Opening {
  promise: Promise<ApiSession>;
  /** Stops the opening; used only once every call waiting for it has given up. */
  controller: AbortController;
  /** Calls waiting for it that can still give up; Infinity once one waits without a signal. */
  waiters: number;
  settled: boolean;
}

/**
 * Holds one API session for a client: opened on first use, shared by concurrent calls (one
 * getAPISession at a time), and dropped only when a call proves that very session expired.
 *
 * A call passing a signal stops waiting when it aborts; the opening itself goes on for the other
 * calls waiting for it, and is stopped (and forgotten, so the next call opens afresh) only when
 * every waiting call has given up. One call's deadline so never fails another call.
 */
export class SessionCache {
  readonly #openSession: (signal: AbortSignal) => Promise<ApiSession>;
  #current: Opening | undefined;

  constructor(openSession: (signal: AbortSignal) => Promise<ApiSession>) {
    this.#openSession = openSession;
  }

  /**
   * The current session, opening one if there is none. A failed opening is not cached. With a
   * signal that aborts first, rejects with IntacctTimeoutError (at once when already aborted).
   */
  get(signal?: AbortSignal): Promise<ApiSession> {
    if (signal?.aborted) return Promise.reject(abandonedError());
    const opening = this.#current ?? this.#open();
    if (!signal) {
      opening.waiters = Number.POSITIVE_INFINITY;
      return opening.promise;
    }
    opening.waiters += 1;
    return new Promise<ApiSession>((resolve, reject) => {
      const onAbort = (): void => {
        opening.waiters -= 1;
        if (opening.waiters === 0 && !opening.settled) {
          if (this.#current === opening) this.#current = undefined;
          opening.controller.abort();
        }
        reject(abandonedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      opening.promise.then(
        (session) => {
          signal.removeEventListener('abort', onAbort);
          resolve(session);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Opens a fresh session now, replacing the current one. */
  renew(signal?: AbortSignal): Promise<ApiSession> {
    if (signal?.aborted) return Promise.reject(abandonedError());
    this.#current = undefined;
    return this.get(signal);
  }

  /**
   * Forgets `expired` if it is still the current session; when another call already replaced it,
   * the replacement stays, so parallel failures on one expired session cause a single renewal.
   */
  async invalidate(expired: ApiSession): Promise<void> {
    const current = this.#current;
    if (!current) return;
    const session = await current.promise.catch(() => undefined);
    if (session === undefined || session.sessionId === expired.sessionId) {
      if (this.#current === current) this.#current = undefined;
    }
  }

  #open(): Opening {
    const controller = new AbortController();
    let promise: Promise<ApiSession>;
    try {
      promise = this.#openSession(controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    const opening: Opening = { promise, controller, waiters: 0, settled: false };
    this.#current = opening;
    promise.then(
      () => {
        opening.settled = true;
      },
      () => {
        opening.settled = true;
        if (this.#current === opening) this.#current = undefined;
      },
    );
    return opening;
  }
}
