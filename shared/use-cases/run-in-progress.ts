import type { RunType } from '../domain/runs';
import { Conflict } from '../domain/errors';
import type { LeaseScope } from '../ports/stores';
import type { SyncDeps } from './deps';
import { LEASE_TTL_MS } from './lease';

/** Recent runs looked at for one still waiting for its worker. */
const RECENT_RUNS_CHECKED = 20;

const TYPES_OF_SCOPE: Record<LeaseScope, readonly RunType[]> = {
  clients: ['client_import', 'client_sync'],
  users: ['user_import', 'user_sync'],
};

/**
 * Answers 409 `run_in_progress` at once instead of queueing a run that would only fail on the lease:
 * 1. A live lease for the scope means a worker is running an import or sync.
 * 2. A run of the scope queued or running within a lease's lifetime means one is about to.
 */
export async function assertNoRunInProgress(
  deps: Pick<SyncDeps, 'leases' | 'runs' | 'clock'>,
  tenantId: string,
  scope: LeaseScope,
): Promise<void> {
  const now = deps.clock.now();
  const conflict = new Conflict('run_in_progress', `Another ${scope} import or sync is already running for this workspace.`);
  if (await deps.leases.isHeld(tenantId, scope, now)) throw conflict;
  const cutoff = new Date(now.getTime() - LEASE_TTL_MS).toISOString();
  const recent = await deps.runs.list(tenantId, { limit: RECENT_RUNS_CHECKED });
  const pending = recent.items.some(
    (run) => TYPES_OF_SCOPE[scope].includes(run.type) && (run.status === 'queued' || run.status === 'running') && run.createdAt >= cutoff,
  );
  if (pending) throw conflict;
}
