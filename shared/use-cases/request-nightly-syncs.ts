import { domainEvent, type DomainEvent } from '../domain/events';
import type { SyncDeps } from './engine/deps';

/**
 * The nightly fan-out (the schedule's target):
 * 1. Walk every connected tenant, page by page (a disconnected tenant is not listed, so its sync stops).
 * 2. Publish one `TenantSyncRequested` `{ tenantId, scope: 'all', night }` per tenant; the bus routes
 *    each to tenant-sync, so one slow or failing tenant never holds up another. `night` (the
 *    schedule's UTC date) lets tenant-sync drop a request delivered twice, or published again by a
 *    retried fan-out.
 * Answers how many tenants were asked to sync.
 */
export async function requestNightlySyncs(deps: Pick<SyncDeps, 'connections' | 'events'>, night: string): Promise<{ tenants: number; night: string }> {
  let tenants = 0;
  for await (const connections of deps.connections.listConnected()) {
    const events: DomainEvent[] = connections.map((connection) =>
      domainEvent('TenantSyncRequested', { tenantId: connection.tenantId, scope: 'all', night }, [night]),
    );
    await deps.events.publish(events);
    tenants += events.length;
  }
  return { tenants, night };
}

/** The night a schedule firing at `firedAt` belongs to: its UTC date, YYYY-MM-DD. */
export const nightOf = (firedAt: Date): string => firedAt.toISOString().slice(0, 10);
