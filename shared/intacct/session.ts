import type { ApiSession } from './xml-response';

/**
 * Holds one API session for a client: opened on first use, shared by concurrent calls (one
 * getAPISession at a time), and dropped only when a call proves that very session expired.
 */
export class SessionCache {
  readonly #openSession: () => Promise<ApiSession>;
  #current: Promise<ApiSession> | undefined;

  constructor(openSession: () => Promise<ApiSession>) {
    this.#openSession = openSession;
  }

  /** The current session, opening one if there is none. A failed opening is not cached. */
  get(): Promise<ApiSession> {
    if (!this.#current) {
      const opening = this.#openSession();
      this.#current = opening;
      opening.catch(() => {
        if (this.#current === opening) this.#current = undefined;
      });
    }
    return this.#current;
  }

  /** Opens a fresh session now, replacing the current one. */
  renew(): Promise<ApiSession> {
    this.#current = undefined;
    return this.get();
  }

  /**
   * Forgets `expired` if it is still the current session; when another call already replaced it,
   * the replacement stays, so parallel failures on one expired session cause a single renewal.
   */
  async invalidate(expired: ApiSession): Promise<void> {
    const current = this.#current;
    if (!current) return;
    const session = await current.catch(() => undefined);
    if (session === undefined || session.sessionId === expired.sessionId) {
      if (this.#current === current) this.#current = undefined;
    }
  }
}
