/**
 * An invocation's time, as a run spends it: work stops at a safe point while there is still time
 * to save a checkpoint and hand the run on, and nothing of the run outlives the invocation.
 */

/** Kept back from the end of an invocation for the checkpoint, the hand-off and the clean-up. */
const SAFETY_SHARE = 0.2;
const MIN_SAFETY_MS = 500;
const MAX_SAFETY_MS = 30_000;
/** A chunk of work is assumed to take at least this long before one has been measured. */
const MIN_CHUNK_ESTIMATE_MS = 50;

/** Thrown (as the signal's reason) when an invocation's usable time is up in the middle of a chunk. */
export class DeadlineReached extends Error {
  override name = 'DeadlineReached';
  constructor() {
    super('The invocation reached its deadline; the run continues in a new one.');
  }
}

export class TimeBudget {
  /** Aborts when the usable time is up: in-flight Intacct calls stop and free their slots. */
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #usableUntil: number;
  #longestChunkMs = MIN_CHUNK_ESTIMATE_MS;
  #chunkStartedAt = performance.now();

  /** `remainingMs`: what the host says this invocation has left (Lambda's getRemainingTimeInMillis). */
  constructor(remainingMs: number) {
    const safety = Math.min(MAX_SAFETY_MS, Math.max(MIN_SAFETY_MS, remainingMs * SAFETY_SHARE));
    const usable = Math.max(0, remainingMs - safety);
    this.#usableUntil = performance.now() + usable;
    this.signal = this.#controller.signal;
    this.#timer = setTimeout(() => this.#controller.abort(new DeadlineReached()), usable);
    this.#timer.unref();
  }

  /** Marks the start of a chunk of work (a page, a batch of unlinks). */
  startChunk(): void {
    this.#chunkStartedAt = performance.now();
  }

  /** Marks the end of a chunk; answers whether another one as long as the longest so far still fits. */
  endChunk(): boolean {
    this.#longestChunkMs = Math.max(this.#longestChunkMs, performance.now() - this.#chunkStartedAt);
    return this.hasRoom();
  }

  /** Whether a chunk as long as the longest so far fits in the usable time left. */
  hasRoom(): boolean {
    return !this.signal.aborted && this.#usableUntil - performance.now() > this.#longestChunkMs;
  }

  /** Throws DeadlineReached once the usable time is up. */
  check(): void {
    if (this.signal.aborted) throw new DeadlineReached();
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
