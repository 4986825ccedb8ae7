/**
 * Claims an import settles with its checkpoint instead of a write per link.
 *
 * An import writes a chunk's claims (new links naming the run, the PSA id decided up front and the
 * fingerprint of the mapping it is about to apply), then the chunk's PSA records, then — at most a
 * couple of seconds later — its checkpoint past the chunk. So once a run's saved checkpoint has
 * passed a record in the import step of the record's object, the PSA record behind its claim exists
 * and the claim means no more than a plain link: the fingerprint it carries is true. A claim the
 * checkpoint has not passed may still lack its PSA record (the run is at it, or died in between),
 * and readers keep treating it as a claim: they look at the PSA record before trusting the link.
 */
import type { IntacctObject } from '#domain/entities';
import { type SyncRun, stepsOf } from '#domain/runs';
import { compareRecordNo } from '#domain/sync-rules';
import type { Link } from '#ports/stores';
import type { SyncDeps } from './deps';

/** Whether `run`'s checkpoint shows it done with `recordNo` of `object` in its import step. */
export function importedPast(run: SyncRun, object: IntacctObject, recordNo: string): boolean {
  const checkpoint = run.checkpoint;
  if (checkpoint === null) return false;
  const importStep = stepsOf(run.request).findIndex((step) => step.do === 'import' && step.object === object);
  if (importStep < 0 || checkpoint.step < importStep) return false;
  if (checkpoint.step > importStep) return true;
  return checkpoint.afterRecordNo !== null && compareRecordNo(recordNo, checkpoint.afterRecordNo) <= 0;
}

/**
 * Reads links as settled: a claim whose run's saved checkpoint has passed its record is answered as
 * no claim. Each claiming run is read once per instance; a run that is gone (its record expired)
 * settles nothing, so its claims are looked at the slow way, which also clears them.
 */
export class ClaimSettlement {
  readonly #runs = new Map<string, Promise<SyncRun | null>>();

  constructor(
    private readonly deps: Pick<SyncDeps, 'runs'>,
    private readonly tenantId: string,
  ) {}

  async settle(links: readonly Link[]): Promise<Link[]> {
    const settled: Link[] = [];
    for (const link of links) {
      if (link.claim === null) {
        settled.push(link);
        continue;
      }
      const run = await this.runOf(link.claim.runId);
      settled.push(run !== null && importedPast(run, link.object, link.recordNo) ? { ...link, claim: null } : link);
    }
    return settled;
  }

  /** `pages` with every page settled. */
  async *settlePages(pages: AsyncIterable<Link[]>): AsyncIterable<Link[]> {
    for await (const page of pages) yield this.settle(page);
  }

  private runOf(runId: string): Promise<SyncRun | null> {
    let run = this.#runs.get(runId);
    if (!run) {
      run = this.deps.runs.get(this.tenantId, runId);
      this.#runs.set(runId, run);
    }
    return run;
  }
}
