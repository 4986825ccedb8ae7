import type { DomainEvent } from '../domain/events';
import { emptyCounts, type RunRecord, type RunStatus, type SyncRun } from '../domain/runs';
import type { SyncDeps } from './deps';

/** Per-record outcomes are written in batches of this many (one BatchWrite is 25 items). */
const RECORD_FLUSH_SIZE = 100;
/** Progress is saved on the run at most this often, so a long run costs few run writes. */
const PROGRESS_SAVE_INTERVAL_MS = 2_000;

export interface JournalOptions {
  /**
   * Syncs leave `unchanged` records out of the per-record list (they are only counted), so a
   * nightly run over a large, quiet company writes a handful of items instead of one per record.
   */
  keepUnchangedRecords: boolean;
}

/**
 * The run record of one import or sync as it happens: counts, progress, per-record outcomes
 * and the events to publish. Nothing here decides anything; use cases report to it.
 * A dry run keeps its run record but publishes no events.
 */
export class RunJournal {
  private pendingRecords: RunRecord[] = [];
  private pendingEvents: DomainEvent[] = [];
  private lastProgressSave = 0;

  constructor(
    private readonly deps: Pick<SyncDeps, 'runs' | 'events' | 'clock'>,
    readonly run: SyncRun,
    private readonly options: JournalOptions,
  ) {}

  get tenantId(): string {
    return this.run.tenantId;
  }

  get dryRun(): boolean {
    return this.run.dryRun;
  }

  /** Marks the run running (a re-run after a crash starts its counts afresh). */
  async start(): Promise<void> {
    this.run.status = 'running';
    this.run.startedAt = this.deps.clock.now().toISOString();
    this.run.finishedAt = null;
    this.run.counts = emptyCounts();
    this.run.progress = { processed: 0, total: 0 };
    this.run.error = null;
    this.run.heldUnlinks = [];
    this.run.recordCount = 0;
    await this.deps.runs.save(this.run);
  }

  setTotal(total: number): void {
    this.run.progress.total = total;
  }

  /** Counts records looked at that need no outcome (Intacct records nobody imported, R7). */
  passOver(count: number): void {
    this.run.progress.processed += count;
  }

  /** Adds one record's outcome; `linked` counts as an update of an existing PSA record. */
  async record(record: RunRecord): Promise<void> {
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
    this.run.progress.processed += 1;
    if (record.outcome !== 'unchanged' || this.options.keepUnchangedRecords || record.warnings.length > 0) {
      this.pendingRecords.push(record);
    }
    if (this.pendingRecords.length >= RECORD_FLUSH_SIZE) await this.flush();
  }

  emit(event: DomainEvent): void {
    if (!this.run.dryRun) this.pendingEvents.push(event);
  }

  /** Writes buffered outcomes and events, and the progress when it is due. */
  async flush(): Promise<void> {
    if (this.pendingRecords.length > 0) {
      const records = this.pendingRecords;
      this.pendingRecords = [];
      await this.deps.runs.appendRecords(this.run.tenantId, this.run.id, this.run.recordCount, records);
      this.run.recordCount += records.length;
    }
    if (this.pendingEvents.length > 0) {
      const events = this.pendingEvents;
      this.pendingEvents = [];
      await this.deps.events.publish(events);
    }
    const now = this.deps.clock.now().getTime();
    if (now - this.lastProgressSave >= PROGRESS_SAVE_INTERVAL_MS) {
      this.lastProgressSave = now;
      await this.deps.runs.save(this.run);
    }
  }

  /** Closes the run with its final status and publishes SyncRunFinished. */
  async finish(status: RunStatus, error: { code: string; message: string } | null = null): Promise<SyncRun> {
    this.run.status = status;
    this.run.error = error;
    this.run.finishedAt = this.deps.clock.now().toISOString();
    this.pendingEvents.push({
      type: 'SyncRunFinished',
      detail: {
        tenantId: this.run.tenantId,
        runId: this.run.id,
        runType: this.run.type,
        status,
        dryRun: this.run.dryRun,
        counts: { ...this.run.counts },
      },
    });
    this.lastProgressSave = Number.NEGATIVE_INFINITY;
    await this.flush();
    return this.run;
  }
}
