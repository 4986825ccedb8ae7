import type { CompanySlots } from '#ports/company-slots';

/** Gives back a slot; calling it more than once has no further effect. */
export type Release = () => void;

/** A counting semaphore with first-come, first-served waiting. */
export class Semaphore {
  #limit: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = checkLimit(limit);
  }

  get limit(): number {
    return this.#limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Callers queued for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Lowers the limit; slots already held finish normally. Raising is refused so a shared limit only tightens. */
  tighten(limit: number): void {
    this.#limit = Math.min(this.#limit, checkLimit(limit));
  }

  /**
   * Resolves with a release function once a slot is free. When `signal` aborts first, the caller
   * leaves the queue (it never takes a slot, now or later) and the promise rejects with the
   * signal's reason; an already-aborted signal rejects at once.
   */
  async acquire(signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    if (this.#inFlight < this.#limit && this.#waiting.length === 0) {
      this.#inFlight += 1;
    } else {
      // The releaser hands its slot straight to us, so #inFlight is already counted on wake-up.
      await this.#wait(signal);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#handOver();
    };
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(wake);
        // Not queued any more means the slot was already handed over: keep it, the caller releases it.
        if (index < 0) return;
        this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #handOver(): void {
    if (this.#inFlight <= this.#limit) {
      const next = this.#waiting.shift();
      if (next) {
        next();
        return;
      }
    }
    this.#inFlight -= 1;
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('concurrency must be a positive integer');
  return limit;
}

/** Intacct's default allowance of concurrent API requests per company. */
export const DEFAULT_COMPANY_CONCURRENCY = 2;

// Process-wide on purpose: the allowance belongs to the Intacct company, not to one client object.
const companySemaphores = new Map<string, Semaphore>();

/** The key that identifies one Intacct company's allowance. */
export function companyKey(endpointUrl: string, companyId: string): string {
  return `${endpointUrl}\u0000${companyId}`;
}

/**
 * The semaphore shared by every client in this process for one company (endpoint + company id).
 * When clients ask for different limits the smallest wins, so no client can push the company over.
 */
export function companySemaphore(endpointUrl: string, companyId: string, limit = DEFAULT_COMPANY_CONCURRENCY): Semaphore {
  return semaphoreForKey(companyKey(endpointUrl, companyId), limit);
}

/** The semaphore of a company key (see companyKey), made on first use; the smallest limit asked for wins. */
function semaphoreForKey(company: string, limit: number): Semaphore {
  const existing = companySemaphores.get(company);
  if (existing) {
    existing.tighten(limit);
    return existing;
  }
  const created = new Semaphore(limit);
  companySemaphores.set(company, created);
  return created;
}

/**
 * The company slots of this process: one first-come, first-served semaphore per company key,
 * shared by every client in the process (the default when a client is given no other slots).
 */
export const processCompanySlots: CompanySlots = {
  acquire: (company, limit, signal) => semaphoreForKey(company, limit).acquire(signal),
};
