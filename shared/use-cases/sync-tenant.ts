import { Conflict, NotFound } from '#domain/errors';
import { FAMILY_OF_RUN, isSyncRun, type RunFamily, type RunTrigger, type SyncRun } from '#domain/runs';
import type { Invocation } from '#ports/runtime';
import type { SyncDeps } from './engine/deps';
import { intacctForTenant } from './engine/intacct-for-tenant';
import { executeRun, launchRun, queueRun, standaloneInvocation } from './engine/run-lifecycle';

export type SyncScope = 'clients' | 'users' | 'all';

const FAMILIES: Record<SyncScope, RunFamily[]> = {
  clients: ['clients'],
  users: ['users'],
  all: ['clients', 'users'],
};

const SYNC_TYPE = { clients: 'client_sync', users: 'user_sync' } as const;

/**
 * Sync now (the API call): check the tenant is connected, queue a `client_sync` or `user_sync` run
 * under its family's lease (409 while another import or sync of the family is queued or running)
 * and hand it to its worker.
 */
export async function queueSync(
  deps: SyncDeps,
  tenantId: string,
  type: 'client_sync' | 'user_sync',
  options: { dryRun: boolean; trigger: RunTrigger },
): Promise<SyncRun> {
  await intacctForTenant(deps, tenantId);
  const run = await queueRun(deps, { tenantId, request: { type, resetLinks: false }, trigger: options.trigger, dryRun: options.dryRun });
  await launchRun(deps, run);
  return run;
}

/** Executes (or continues) a queued sync run. */
export async function runQueuedSync(deps: SyncDeps, tenantId: string, runId: string, invocation?: Invocation): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run || !isSyncRun(run.type)) throw new NotFound('run_not_found', 'No such sync run.');
  return executeRun(deps, tenantId, runId, invocation);
}

export interface TenantSyncRequest {
  tenantId: string;
  scope: SyncScope;
  dryRun?: boolean;
  trigger: RunTrigger;
  /** When the schedule fired (ISO-8601), for a scheduled sync: one sync per tenant and firing. */
  scheduledAt?: string;
}

export interface TenantSyncResult {
  runs: SyncRun[];
  /** Families not synced because a run of theirs was already queued or running (no failed run, no alarm). */
  skipped: { family: RunFamily; reason: 'run_in_progress' | 'already_requested' }[];
}

/**
 * The daily sync of one tenant (the nightly event, or a manual invoke), R3–R10:
 * 1. A nightly request delivered again for the same firing of the schedule is dropped (EventBridge
 *    and Lambda deliver at least once, and a retried fan-out publishes every tenant again).
 * 2. Each object family gets its own run, queued under its lease; a family already busy is skipped.
 * 3. The runs execute side by side in this invocation (clients; users with their departments), each
 *    continuing in a fresh invocation if it needs more time.
 */
export async function syncTenant(
  deps: SyncDeps,
  request: TenantSyncRequest,
  invocation: Invocation = standaloneInvocation(deps),
): Promise<TenantSyncResult> {
  const families = FAMILIES[request.scope];
  // A dry run predicts; it is never the firing's sync, so it neither finds nor records one.
  const firing = request.dryRun ? undefined : request.scheduledAt;
  const started = firing ? await deps.runs.nightlyRuns(request.tenantId, firing) : null;
  if (started) return continueStarted(deps, request.tenantId, started, families, invocation);
  const queued: SyncRun[] = [];
  const skipped: TenantSyncResult['skipped'] = [];
  for (const family of families) {
    try {
      queued.push(
        await queueRun(deps, {
          tenantId: request.tenantId,
          request: { type: SYNC_TYPE[family], resetLinks: false },
          trigger: request.trigger,
          dryRun: request.dryRun ?? false,
        }),
      );
    } catch (error) {
      if (!(error instanceof Conflict && error.code === 'run_in_progress')) throw error;
      skipped.push({ family, reason: 'run_in_progress' });
    }
  }
  // Recorded once the runs are queued: a delivery retried after a crash before this point syncs
  // afresh, one arriving meanwhile finds the families busy, one arriving later finds the runs.
  if (firing)
    await deps.runs.markNightly(
      request.tenantId,
      firing,
      queued.map((run) => run.id),
    );
  // Clients and users hold separate leases and share the company's request slots, so running them
  // side by side overlaps one's Intacct round trips with the other's work.
  const outcomes = await Promise.allSettled(
    queued.map((run, index) => executeRun(deps, request.tenantId, run.id, index === 0 ? invocation : { ...invocation, id: deps.ids.newId() })),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return { runs: outcomes.map((outcome) => (outcome as PromiseFulfilledResult<SyncRun>).value), skipped };
}

/**
 * A nightly request delivered again for a firing already handled: its runs are taken up where they
 * are (a run whose worker died continues from its checkpoint; a finished or running one is left as
 * it is), so a retried delivery neither repeats the sync nor loses it.
 */
async function continueStarted(
  deps: SyncDeps,
  tenantId: string,
  runIds: readonly string[],
  families: readonly RunFamily[],
  invocation: Invocation,
): Promise<TenantSyncResult> {
  const runs = await Promise.all(
    runIds.map((runId, index) => executeRun(deps, tenantId, runId, index === 0 ? invocation : { ...invocation, id: deps.ids.newId() })),
  );
  const covered = new Set(runs.map((run) => FAMILY_OF_RUN[run.type]));
  return { runs, skipped: families.filter((family) => !covered.has(family)).map((family) => ({ family, reason: 'already_requested' as const })) };
}
