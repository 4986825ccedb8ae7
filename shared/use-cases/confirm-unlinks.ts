import { Conflict, NotFound } from '#domain/errors';
import { FAMILY_OF_RUN, type SyncRun } from '#domain/runs';
import type { SyncDeps } from './engine/deps';
import { leaseForQueuedRun } from './engine/leases';
import { launchRun, WORKER_LOST } from './engine/run-lifecycle';

/**
 * Confirm held unlinks (I3), an admin action on a `needs_review` run:
 * 1. Take the run's family lease (409 while another import or sync of the family runs).
 * 2. Move the run from `needs_review` back to `queued`, marked confirmed, in one conditional write:
 *    a second confirm finds it no longer awaiting review (409). The held records, counted as skipped
 *    while they waited, are taken out of the counts to be decided again.
 * 3. Hand the run to its worker, which re-checks each held record with Intacct, unlinks those still
 *    missing (keeping every PSA record and its data, R4) and ends the run `succeeded`.
 * A confirmation whose worker died (the run closed `worker_lost`) can be confirmed again: it
 * continues from its checkpoint, and the held records are not taken out of the counts twice.
 */
export async function confirmUnlinks(deps: SyncDeps, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run) throw new NotFound('run_not_found', 'No such sync run.');
  const notAwaiting = new Conflict('run_not_awaiting_review', 'This run has no unlinks waiting for confirmation.');
  const checkpoint = run.checkpoint;
  const awaiting = run.status === 'needs_review';
  const confirmationLost = run.status === 'failed' && run.error?.code === WORKER_LOST.code && checkpoint?.confirmed === true;
  // A lost confirmation may have unlinked everything already; confirming again then only finishes it.
  if (!checkpoint || !((awaiting && checkpoint.heldObjects.length > 0) || confirmationLost)) throw notAwaiting;
  const family = FAMILY_OF_RUN[run.type];
  await leaseForQueuedRun(deps, tenantId, family, run.id);
  // The held records were counted as skipped while they waited; from here they are decided again.
  const held = awaiting ? run.heldCount : 0;
  const confirmed: SyncRun = {
    ...run,
    status: 'queued',
    finishedAt: null,
    execution: null,
    error: null,
    counts: { ...run.counts, skipped: Math.max(0, run.counts.skipped - held) },
    progress: { ...run.progress, processed: Math.max(0, run.progress.processed - held) },
    checkpoint: awaiting ? { ...checkpoint, confirmed: true, candidateCursor: null } : checkpoint,
  };
  if (!(await deps.runs.saveIf(confirmed, { statuses: [run.status], execution: run.execution }))) {
    await deps.leases.release(tenantId, family, run.id);
    throw notAwaiting;
  }
  await launchRun(deps, confirmed);
  return confirmed;
}
