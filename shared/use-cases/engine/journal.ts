/**
 * The record of one run as it happens: counts, progress and per-record outcomes, saved with the
 * run's checkpoint at safe points. Nothing here decides anything; the steps report to it.
 */
import type { RunRecord, SyncRun } from '#domain/runs';
import type { SyncDeps } from './deps';
import { LeaseLost } from './leases';

/**
 * Writes made without a condition (an import's claims) are sent only while the lease is surely ours
 * for this much longer: far more than a batch of writes takes, so no write of a worker that has lost
 * its lease can land after somebody else took the lease over.
 */
const UNCONDITIONAL_WRITE_WINDOW_MS = 30_000;

/** What a journal knows of its worker's hold on the run (the Heartbeat). */
export interface RunOwnership {
  /** Aborts when this worker no longer owns the run: nothing more may be written. */
  readonly lost: AbortSignal;
  /** Until when the run's lease is this worker's (ISO time), as last renewed. */
  readonly until: string;
}

/** Per-record outcomes are written in batches of this many: a chunk's worth (stored a hundred to an item). */
const RECORD_FLUSH_SIZE = 500;
/** A checkpoint is saved at most this often unless a step asks for one, so a long run costs few run writes. */
const CHECKPOINT_INTERVAL_MS = 2_000;

export interface JournalOptions {
  /**
   * Syncs leave `unchanged` records out of the per-record list (they are only counted), so a
   * nightly run over a large, quiet company writes a handful of items instead of one per record.
   */
  keepUnchangedRecords: boolean;
}

const recordKey = (record: Pick<RunRecord, 'object' | 'recordNo'>): string => `${record.object}#${record.recordNo}`;

export class RunJournal {
  private pendingRecords: RunRecord[] = [];
  private lastSave = 0;
  /** Outcomes of changes an earlier attempt made before it stopped (see settleOutbox). */
  private recovered = new Map<string, RunRecord>();

  constructor(
    private readonly deps: Pick<SyncDeps, 'runs' | 'clock'>,
    readonly run: SyncRun,
    private readonly options: JournalOptions,
    private readonly ownership: RunOwnership,
  ) {}

  get tenantId(): string {
    return this.run.tenantId;
  }

  get dryRun(): boolean {
    return this.run.dryRun;
  }

  /** Throws LeaseLost once this worker no longer owns the run. */
  assertOwned(): void {
    if (this.ownership.lost.aborted) throw new LeaseLost();
  }

  /**
   * Throws LeaseLost unless this worker owns the run and will for a while yet: call right before
   * writes that carry no condition, which nothing would stop once another worker took over.
   */
  assertOwnedForUnconditionalWrites(): void {
    this.assertOwned();
    const left = Date.parse(this.ownership.until) - this.deps.clock.now().getTime();
    if (left < UNCONDITIONAL_WRITE_WINDOW_MS) throw new LeaseLost();
  }

  /** Remembers outcomes of changes an earlier attempt made, to report them when this attempt finds them done. */
  recover(records: readonly RunRecord[]): void {
    for (const record of records) this.recovered.set(recordKey(record), record);
  }

  /** Raises the total to `total` (what the listings so far count); it never goes below what was processed. */
  setTotal(total: number): void {
    this.run.progress.total = Math.max(total, this.run.progress.processed);
  }

  /** Counts records looked at that need no outcome (Intacct records nobody imported, R7). */
  passOver(count: number): void {
    this.run.progress.processed += count;
    this.setTotal(this.run.progress.total);
  }

  /** Adds one record's outcome; `linked` counts as an update of an existing PSA record. */
  async record(outcome: RunRecord): Promise<void> {
    const recovered = this.recovered.get(recordKey(outcome));
    const record = recovered && outcome.outcome === 'unchanged' ? recovered : outcome;
    this.recovered.delete(recordKey(outcome));
    const counts = this.run.counts;
    switch (record.outcome) {
      case 'created':
        counts.created += 1;
        break;
      case 'updated':
      case 'linked':
        counts.updated += 1;
        break;
      case 'unchanged':
        counts.unchanged += 1;
        break;
      case 'unlinked':
        counts.unlinked += 1;
        break;
      case 'skipped':
        counts.skipped += 1;
        break;
      case 'failed':
        counts.failed += 1;
        break;
    }
    this.passOver(1);
    if (record.outcome !== 'unchanged' || this.options.keepUnchangedRecords || record.warnings.length > 0) {
      this.pendingRecords.push(record);
    }
    if (this.pendingRecords.length >= RECORD_FLUSH_SIZE) await this.flushRecords();
  }

  /** Writes buffered outcomes. */
  async flushRecords(): Promise<void> {
    if (this.pendingRecords.length === 0) return;
    this.assertOwned();
    const records = this.pendingRecords;
    this.pendingRecords = [];
    await this.deps.runs.appendRecords(this.run.tenantId, this.run.id, this.run.recordCount, records);
    this.run.recordCount += records.length;
  }

  /**
   * Saves counts, progress and checkpoint, at most every couple of seconds unless `force`; call only
   * where the checkpoint describes work that is complete. Throws LeaseLost when the run is no longer
   * this worker's.
   */
  async checkpoint(force = false): Promise<void> {
    const now = performance.now();
    if (!force && now - this.lastSave < CHECKPOINT_INTERVAL_MS) return;
    await this.flushRecords();
    this.assertOwned();
    const saved = await this.deps.runs.saveIf(this.run, { statuses: ['running'], execution: this.run.execution });
    if (!saved) throw new LeaseLost();
    this.lastSave = now;
  }
}
