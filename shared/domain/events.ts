/** Domain events published on the bus (spec section 5). Details carry ids, never credentials. */
import { createHash } from 'node:crypto';

export const EVENT_SOURCE = 'psa.intacct-sync';

export const DOMAIN_EVENT_TYPES = [
  'ClientImported',
  'ClientUpdated',
  'ClientUnlinked',
  'ClientLinked',
  'UserImported',
  'UserUpdated',
  'UserUnlinked',
  'UserLinked',
  'UserInvited',
  'SyncRunFinished',
  'TenantSyncRequested',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  type: DomainEventType;
  /**
   * `eventId` is derived from what happened, not from when it was sent, so a change published again
   * after a crash or a retry carries the same id and consumers can drop the repeat.
   */
  detail: { tenantId: string; eventId: string } & Record<string, unknown>;
}

/** A stable id for the event `type` about `parts` (the same change always gives the same id). */
function eventIdOf(type: DomainEventType, tenantId: string, parts: readonly unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([type, tenantId, ...parts]))
    .digest('base64url')
    .slice(0, 32);
}

/** An event whose id is derived from `parts`. */
export function domainEvent(type: DomainEventType, detail: { tenantId: string } & Record<string, unknown>, parts: readonly unknown[]): DomainEvent {
  return { type, detail: { ...detail, eventId: eventIdOf(type, detail.tenantId, parts) } };
}
