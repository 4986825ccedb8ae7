/**
 * An invocation's time, as a run spends it: work stops at a safe point while there is still time
 * to save a checkpoint and hand the run on, and nothing of the run outlives the invocation.
 * The time left is asked of the host each time, not once, because the host may cut it short
 * (the local runtime does when it is stopped, to have runs hand themselves on).
 */

/** Kept back from the end of an invocation for the checkpoint, the hand-off and the clean-up. */
const SAFETY_SHARE = 0.2;
const MIN_SAFETY_MS = 500;
const MAX_SAFETY_MS = 30_000;
/** A chunk of work is assumed to take at least this long before one has been measured. */
const MIN_CHUNK_ESTIMATE_MS = 50;
/** How often the host's clock is looked at for the deadline while a chunk is in flight. */
const DEADLINE_POLL_MS = 100;

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
  readonly #safetyMs: number;
  #longestChunkMs = MIN_CHUNK_ESTIMATE_MS;
  #chunkStartedAt = performance.now();

  /** `remainingMs`: what the host says this invocation has left (Lambda's getRemainingTimeInMillis). */
  constructor(private readonly remainingMs: () => number) {
    this.#safetyMs = Math.min(MAX_SAFETY_MS, Math.max(MIN_SAFETY_MS, remainingMs() * SAFETY_SHARE));
    this.signal = this.#controller.signal;
    this.#timer = setInterval(() => {
      if (this.usableMs() <= 0) this.#controller.abort(new DeadlineReached());
    }, DEADLINE_POLL_MS);
    this.#timer.unref();
    if (this.usableMs() <= 0) this.#controller.abort(new DeadlineReached());
  }

  /** Time left before the checkpoint and hand-off must start. */
  usableMs(): number {
    return this.remainingMs() - this.#safetyMs;
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
    return !this.signal.aborted && this.usableMs() > this.#longestChunkMs;
  }

  /** Whether a wait of `ms` fits in the usable time left. */
  fits(ms: number): boolean {
    return !this.signal.aborted && this.usableMs() > ms;
  }

  dispose(): void {
    clearInterval(this.#timer);
  }
}
