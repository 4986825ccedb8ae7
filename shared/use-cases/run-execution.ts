import { DomainError } from '../domain/errors';
import { emptyCounts, type HeldUnlink, type RunTrigger, type RunType, type SyncRun } from '../domain/runs';
import type { LeaseScope } from '../ports/stores';
import type { SyncDeps } from './deps';
import { withLease } from './lease';
import { RunJournal } from './run-journal';

export type RunBodyResult = { status: 'succeeded' } | { status: 'needs_review'; held: HeldUnlink[] };

const SCOPE_OF: Record<RunType, LeaseScope> = {
  client_import: 'clients',
  client_sync: 'clients',
  user_import: 'users',
  user_sync: 'users',
};

const IS_SYNC: Record<RunType, boolean> = {
  client_import: false,
  client_sync: true,
  user_import: false,
  user_sync: true,
};

/** A queued run: what the API answers with (202 + runId) before a worker picks it up. */
export async function createQueuedRun(
  deps: Pick<SyncDeps, 'runs' | 'clock' | 'ids'>,
  args: { tenantId: string; type: RunType; trigger: RunTrigger; dryRun: boolean; request: Record<string, unknown> },
): Promise<SyncRun> {
  const now = deps.clock.now().toISOString();
  const run: SyncRun = {
    id: deps.ids.newId(),
    tenantId: args.tenantId,
    type: args.type,
    trigger: args.trigger,
    dryRun: args.dryRun,
    status: 'queued',
    request: args.request,
    startedAt: null,
    finishedAt: null,
    progress: { processed: 0, total: 0 },
    counts: emptyCounts(),
    error: null,
    heldUnlinks: [],
    recordCount: 0,
    createdAt: now,
  };
  await deps.runs.create(run);
  return run;
}

/**
 * Executes a run under the tenant's lease for its object family and records how it ended.
 * A run executed again (a retried Lambda, a re-run after a crash) starts its counts afresh and
 * converges, since every step it takes is idempotent (I6).
 * Domain failures (Intacct down, not connected, another run in progress) end the run as
 * `failed` with their code; anything unexpected is recorded and rethrown so the caller's retry
 * and dead-letter machinery sees it.
 */
export async function executeRun(
  deps: SyncDeps,
  run: SyncRun,
  body: (journal: RunJournal) => Promise<RunBodyResult>,
): Promise<SyncRun> {
  const journal = new RunJournal(deps, run, { keepUnchangedRecords: !IS_SYNC[run.type] });
  try {
    return await withLease(deps, run.tenantId, SCOPE_OF[run.type], run.id, async () => {
      await journal.start();
      const result = await body(journal);
      if (result.status === 'needs_review') run.heldUnlinks = result.held;
      const finished = await journal.finish(result.status);
      if (IS_SYNC[run.type] && !run.dryRun && result.status === 'succeeded') {
        await deps.connections.recordSyncFinished(run.tenantId, SCOPE_OF[run.type], finished.finishedAt ?? '');
      }
      return finished;
    });
  } catch (error) {
    const known = error instanceof DomainError;
    const failure = known
      ? { code: error.code, message: error.message }
      : { code: 'internal_error', message: 'The run stopped on an unexpected error; it is safe to run it again.' };
    const finished = await journal.finish('failed', failure).catch(() => run);
    if (!known) throw error;
    return finished;
  }
}
