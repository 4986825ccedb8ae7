import { type DomainEvent, domainEvent } from '#domain/events';
import type { SyncDeps } from './engine/deps';

/**
 * The nightly fan-out (the schedule's target):
 * 1. Walk every connected tenant, page by page (a disconnected tenant is not listed, so its sync stops).
 * 2. Publish one `TenantSyncRequested` `{ tenantId, scope: 'all', scheduledAt }` per tenant; the bus
 *    routes each to tenant-sync, so one slow or failing tenant never holds up another. `scheduledAt`
 *    (when the schedule fired) lets tenant-sync drop a request delivered twice, or published again
 *    by a retried fan-out.
 * 3. Count them (NightlyTenantsRequested) as each page is published, so a fan-out that fails
 *    half-way still reports the tenants it did ask.
 * Answers how many tenants were asked to sync.
 */
export async function requestNightlySyncs(
  deps: Pick<SyncDeps, 'connections' | 'events' | 'telemetry'>,
  scheduledAt: string,
): Promise<{ tenants: number; scheduledAt: string }> {
  let tenants = 0;
  for await (const connections of deps.connections.listConnected()) {
    const events: DomainEvent[] = connections.map((connection) =>
      domainEvent('TenantSyncRequested', { tenantId: connection.tenantId, scope: 'all', scheduledAt }, [scheduledAt]),
    );
    await deps.events.publish(events);
    deps.telemetry.record('nightlyTenantsRequested', {}, events.length);
    tenants += events.length;
  }
  return { tenants, scheduledAt };
}
