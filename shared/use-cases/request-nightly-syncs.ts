import type { DomainEvent } from '../domain/events';
import type { SyncDeps } from './deps';

/**
 * The nightly fan-out (the schedule's target):
 * 1. Walk every connected tenant, page by page (a disconnected tenant is not listed, so its sync stops).
 * 2. Publish one `TenantSyncRequested` `{ tenantId, scope: 'all' }` per tenant; the bus routes
 *    each to tenant-sync, so one slow or failing tenant never holds up another.
 * Answers how many tenants were asked to sync.
 */
export async function requestNightlySyncs(deps: Pick<SyncDeps, 'connections' | 'events'>): Promise<{ tenants: number }> {
  let tenants = 0;
  for await (const connections of deps.connections.listConnected()) {
    const events: DomainEvent[] = connections.map((connection) => ({
      type: 'TenantSyncRequested',
      detail: { tenantId: connection.tenantId, scope: 'all' },
    }));
    await deps.events.publish(events);
    tenants += events.length;
  }
  return { tenants };
}
