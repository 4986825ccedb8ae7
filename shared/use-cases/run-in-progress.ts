import { Conflict } from '../domain/errors';
import type { LeaseScope } from '../ports/stores';
import type { SyncDeps } from './deps';

/** Holder name of the probe; no run id looks like it. */
const PROBE_HOLDER = 'api-probe';

/**
 * Answers 409 `run_in_progress` at once when an import or sync of `scope` is running in the
 * tenant, rather than queueing a run that would fail on the lease:
 * 1. Try to take the lease with an expiry of now: it succeeds only when no live lease exists.
 * 2. Release it at once. Because it expired as it was written, a worker taking the lease in
 *    between is never refused because of the probe.
 * A run queued but not started yet holds no lease; its worker settles the race.
 */
export async function assertNoRunInProgress(deps: Pick<SyncDeps, 'leases' | 'clock'>, tenantId: string, scope: LeaseScope): Promise<void> {
  const now = deps.clock.now();
  const free = await deps.leases.acquire(tenantId, scope, PROBE_HOLDER, now, now);
  if (!free) {
    throw new Conflict('run_in_progress', `Another ${scope} import or sync is already running for this workspace.`);
  }
  await deps.leases.release(tenantId, scope, PROBE_HOLDER);
}
