/** Domain events published on the bus (spec section 5). Details carry ids, never credentials. */

export const EVENT_SOURCE = 'psa.intacct-sync';

export type DomainEventType =
  | 'ClientImported'
  | 'ClientUpdated'
  | 'ClientUnlinked'
  | 'ClientLinked'
  | 'UserImported'
  | 'UserUpdated'
  | 'UserUnlinked'
  | 'UserLinked'
  | 'UserInvited'
  | 'SyncRunFinished'
  | 'TenantSyncRequested';

export interface DomainEvent {
  type: DomainEventType;
  detail: { tenantId: string } & Record<string, unknown>;
}
