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
/** How often the host's clock is looked at for the deadline while a chunk is in flight. */
const DEADLINE_POLL_MS = 100;
/** A chunk is sized to take at most this share of the usable time left (the rest absorbs slow writes). */
const CHUNK_SHARE = 0.5;
/** The smallest chunk worth its checkpoint; an invocation does at least one, so every invocation makes progress. */
const MIN_CHUNK_RECORDS = 10;
/** Before any record has been timed, a chunk this small measures how long records take. */
const FIRST_CHUNK_RECORDS = 50;
/** Weight of the newest chunk in the running estimate of time per record. */
const ESTIMATE_WEIGHT = 0.5;

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
  #chunkStartedAt = performance.now();
  #chunksDone = 0;
  /** Measured time per record of work, carried from invocation to invocation in the checkpoint; 0 = not yet known. */
  msPerRecord: number;

  /**
   * `remainingMs`: what the host says this invocation has left (Lambda's getRemainingTimeInMillis);
   * `msPerRecord`: what earlier invocations of the run measured.
   */
  constructor(
    private readonly remainingMs: () => number,
    msPerRecord = 0,
  ) {
    this.msPerRecord = msPerRecord;
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

  /**
   * How many records (at most `most`) the next chunk may take so that it ends well before the usable
   * time is up, from the time per record measured so far; 0 when even a small chunk no longer fits.
   * The first chunk of an invocation always gets at least MIN_CHUNK_RECORDS, so each makes progress.
   */
  chunkSize(most: number): number {
    if (this.signal.aborted) return 0;
    const usable = this.usableMs();
    if (this.msPerRecord === 0) return usable > 0 || this.#chunksDone === 0 ? Math.min(most, FIRST_CHUNK_RECORDS) : 0;
    const fitting = Math.floor((usable * CHUNK_SHARE) / this.msPerRecord);
    if (fitting >= most) return most;
    if (fitting >= MIN_CHUNK_RECORDS) return fitting;
    return this.#chunksDone === 0 ? Math.min(most, MIN_CHUNK_RECORDS) : 0;
  }

  /** Marks the start of a chunk of work (some records, a batch of unlinks). */
  startChunk(): void {
    this.#chunkStartedAt = performance.now();
  }

  /** Marks the end of a chunk of `records` records, learning how long a record takes. */
  endChunk(records: number): void {
    this.#chunksDone += 1;
    if (records <= 0) return;
    const measured = (performance.now() - this.#chunkStartedAt) / records;
    this.msPerRecord = this.msPerRecord === 0 ? measured : ESTIMATE_WEIGHT * measured + (1 - ESTIMATE_WEIGHT) * this.msPerRecord;
  }

  /** Whether a wait of `ms` fits in the usable time left. */
  fits(ms: number): boolean {
    return !this.signal.aborted && this.usableMs() > ms;
  }

  dispose(): void {
    clearInterval(this.#timer);
  }
}
