/**
 * Keyset listing with requests in flight ahead of the consumer, that still never skips nor repeats
 * a record that exists for the whole listing, however records are created or deleted meanwhile.
 *
 * Pages are asked relative to an anchor (the last RECORDNO already verified, none at first) as
 * `RECORDNO > anchor ORDER BY RECORDNO` at offsets 0, P-1, 2(P-1), …, so consecutive pages share
 * exactly one record. A page counts only when its first record is the previous page's last one:
 * then it continues the previous page without a gap, whatever changed before it. When it is not
 * (a deletion or insertion shifted the offsets), that page and every later speculative one are
 * dropped and the listing restarts from the last verified RECORDNO.
 *
 * A listing can start after a given RECORDNO (to resume from a checkpoint), and can be given a
 * signal: every page request gets it, and once it aborts the consumer's next() rejects.
 */

/** One answer to a page request: records ascending by RECORDNO, and Intacct's counts. */
export interface KeysetPage<R> {
  records: R[];
  totalCount: number;
  numRemaining: number;
}

/**
 * Asks `RECORDNO > anchor` (everything when null), ordered by RECORDNO, `pageSize` records from
 * `offset`; `signal` is the listing's, for the request to stop when it aborts.
 */
type KeysetPageFetcher<R> = (anchor: string | null, offset: number, signal: AbortSignal | undefined) => Promise<KeysetPage<R>>;

export interface PipelinedListingOptions<R> {
  fetchPage: KeysetPageFetcher<R>;
  /** RECORDNO of a record, as text exactly as Intacct sends it. */
  recordNoOf: (record: R) => string;
  /** Records per request; at least 2 so that pages can overlap by one record. */
  pageSize: number;
  /** Requests this listing keeps in flight at most (the company's allowance). */
  concurrency: number;
  /** Verified pages held for the consumer at most, beyond the requests in flight. */
  readAheadPages: number;
  /** List only records after this RECORDNO (a checkpoint); from the first record when absent. */
  afterRecordNo?: string;
  /**
   * Given to every page request. Once it aborts, no request is sent and next() rejects with
   * `abortError()` (default: the signal's reason), also while pages are still buffered.
   */
  signal?: AbortSignal;
  abortError?: () => unknown;
}

/** One page handed to the consumer; `totalCount` is the listing's size as its first answer counted it. */
export interface PipelinedPage<R> {
  records: R[];
  totalCount: number;
}

type Slot<R> = { state: 'pending' } | { state: 'answered'; page: KeysetPage<R> } | { state: 'failed'; error: unknown };

/**
 * Lists every record ascending by RECORDNO, each exactly once, with up to `concurrency` requests in
 * flight and at most `concurrency + readAheadPages` pages fetched ahead of the consumer.
 * Without changes during the listing it sends ceil((N - 1) / (P - 1)) requests for N > 1 records
 * (one for N ≤ 1): the first page of a listing goes alone, and its count plans the rest.
 */
export function pipelinedKeysetListing<R>(options: PipelinedListingOptions<R>): AsyncIterable<PipelinedPage<R>> {
  if (!Number.isInteger(options.pageSize) || options.pageSize < 2) throw new RangeError('pageSize must be an integer of at least 2');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  if (!Number.isInteger(options.readAheadPages) || options.readAheadPages < 0) {
    throw new RangeError('readAheadPages must be a non-negative integer');
  }
  return {
    [Symbol.asyncIterator]: () => new KeysetPipeline(options),
  };
}

class KeysetPipeline<R> implements AsyncIterator<PipelinedPage<R>> {
  readonly #options: PipelinedListingOptions<R>;
  /** Offset step between consecutive pages: one record of each page repeats as the next page's first. */
  readonly #stride: number;

  #anchor: string | null;
  /** Bumped on every restart, so answers to dropped requests are recognised and ignored. */
  #epoch = 0;
  /** Requests of the current epoch by page index, until verified or dropped. */
  #slots = new Map<number, Slot<R>>();
  #nextToRequest = 0;
  #nextToVerify = 0;
  /** Highest page index worth asking for in this epoch, as the latest verified page counts it. */
  #lastPlanned = 0;
  /** The last RECORDNO handed out: the next page must start with it, and a restart continues after it. */
  #lastVerified: string | null;
  #totalCount: number | null = null;
  /** Requests on the wire, dropped ones included: they still hold a slot of the company's allowance. */
  #inFlight = 0;
  readonly #verified: PipelinedPage<R>[] = [];
  #complete = false;
  #closed = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  readonly #onAbort = (): void => this.#notify();

  constructor(options: PipelinedListingOptions<R>) {
    this.#options = options;
    this.#stride = options.pageSize - 1;
    this.#anchor = options.afterRecordNo ?? null;
    // A restart before any page was verified must still continue after the checkpoint.
    this.#lastVerified = this.#anchor;
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  async next(): Promise<IteratorResult<PipelinedPage<R>>> {
    for (;;) {
      if (this.#closed) return { done: true, value: undefined };
      const signal = this.#options.signal;
      if (signal?.aborted && (this.#verified.length > 0 || !this.#complete)) {
        // Requests in flight got the same signal and stop on their own, giving back their slots.
        this.#close();
        throw this.#options.abortError ? this.#options.abortError() : signal.reason;
      }
      this.#fill();
      const page = this.#verified.shift();
      if (page) {
        this.#fill();
        return { done: false, value: page };
      }
      if (this.#failure) {
        this.#close();
        throw this.#failure.error;
      }
      if (this.#complete) {
        this.#close();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** The consumer stopped early: send nothing more; answers still on the way are ignored. */
  async return(): Promise<IteratorResult<PipelinedPage<R>>> {
    this.#close();
    this.#verified.length = 0;
    this.#slots.clear();
    return { done: true, value: undefined };
  }

  #close(): void {
    this.#closed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
  }

  /** Sends requests while the allowance, the plan and the read-ahead bound all permit. */
  #fill(): void {
    const maxAhead = this.#options.concurrency + this.#options.readAheadPages;
    while (
      !this.#closed &&
      !this.#complete &&
      !this.#failure &&
      !this.#options.signal?.aborted &&
      this.#inFlight < this.#options.concurrency &&
      this.#nextToRequest <= this.#lastPlanned &&
      this.#verified.length + this.#slots.size < maxAhead
    ) {
      this.#request(this.#nextToRequest);
      this.#nextToRequest += 1;
    }
  }

  #request(index: number): void {
    const epoch = this.#epoch;
    const slots = this.#slots;
    slots.set(index, { state: 'pending' });
    this.#inFlight += 1;
    const settle = (slot: Slot<R>): void => {
      this.#inFlight -= 1;
      if (epoch === this.#epoch && slots === this.#slots && slots.has(index)) {
        slots.set(index, slot);
        this.#verifyInOrder();
      }
      this.#fill();
      this.#notify();
    };
    let sent: Promise<KeysetPage<R>>;
    try {
      sent = this.#options.fetchPage(this.#anchor, index * this.#stride, this.#options.signal);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (page) => settle({ state: 'answered', page }),
      (error: unknown) => settle({ state: 'failed', error }),
    );
  }

  /** Verifies answered pages in page order; a later page waits for every earlier one. */
  #verifyInOrder(): void {
    for (;;) {
      const slot = this.#slots.get(this.#nextToVerify);
      if (!slot || slot.state === 'pending') return;
      this.#slots.delete(this.#nextToVerify);
      if (slot.state === 'failed') {
        this.#failure = { error: slot.error };
        return;
      }
      if (!this.#accept(this.#nextToVerify, slot.page)) return;
      this.#nextToVerify += 1;
    }
  }

  /** Takes one answered page in order; false when the listing ended or restarted. */
  #accept(index: number, page: KeysetPage<R>): boolean {
    const { recordNoOf, pageSize } = this.#options;
    const records = page.records;
    let fresh = records;
    if (index > 0) {
      const first = records[0];
      if (first === undefined || recordNoOf(first) !== this.#lastVerified) {
        this.#restart();
        return false;
      }
      fresh = records.slice(1);
    }
    this.#totalCount ??= page.totalCount;
    if (fresh.length > 0) this.#verified.push({ records: fresh, totalCount: this.#totalCount });
    const last = records.at(-1);
    if (last !== undefined) this.#lastVerified = recordNoOf(last);
    if (page.numRemaining === 0 || records.length < pageSize) {
      this.#complete = true;
      return false;
    }
    const resultSize = index * this.#stride + records.length + page.numRemaining;
    this.#lastPlanned = this.#lastPageIndexFor(resultSize);
    return true;
  }

  /** The index of the page that reaches the last of `resultSize` records (page i starts at i·(P-1)). */
  #lastPageIndexFor(resultSize: number): number {
    return resultSize <= 1 ? 0 : Math.floor((resultSize - 2) / this.#stride);
  }

  /** Drops every request of this epoch and lists on after the last verified RECORDNO. */
  #restart(): void {
    this.#epoch += 1;
    this.#anchor = this.#lastVerified;
    this.#slots = new Map();
    this.#nextToRequest = 0;
    this.#nextToVerify = 0;
    // Offsets just proved unreliable, so the new epoch's first page goes alone and plans the rest.
    this.#lastPlanned = 0;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
