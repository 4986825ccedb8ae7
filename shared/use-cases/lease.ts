import { Conflict } from '../domain/errors';
import type { LeaseScope } from '../ports/stores';
import type { SyncDeps } from './deps';

/** A lease outlives the longest Lambda invocation, so a crashed holder frees it by itself. */
export const LEASE_TTL_MS = 15 * 60_000;
const LEASE_RENEW_EVERY_MS = LEASE_TTL_MS / 3;

/**
 * Runs `work` while holding the tenant's lease for `scope`, so two imports or syncs of the same
 * object family in one tenant never interleave. Throws Conflict `run_in_progress` when taken.
 */
export async function withLease<T>(
  deps: Pick<SyncDeps, 'leases' | 'clock'>,
  tenantId: string,
  scope: LeaseScope,
  holder: string,
  work: () => Promise<T>,
): Promise<T> {
  const now = deps.clock.now();
  const acquired = await deps.leases.acquire(tenantId, scope, holder, new Date(now.getTime() + LEASE_TTL_MS), now);
  if (!acquired) {
    throw new Conflict('run_in_progress', `Another ${scope} import or sync is already running for this workspace.`);
  }
  const renewal = setInterval(() => {
    const until = new Date(deps.clock.now().getTime() + LEASE_TTL_MS);
    deps.leases.renew(tenantId, scope, holder, until).catch(() => undefined);
  }, LEASE_RENEW_EVERY_MS);
  renewal.unref();
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await deps.leases.release(tenantId, scope, holder);
  }
}
