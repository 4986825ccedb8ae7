/** The nightly schedule's target call (daily-sync with a schedule rule's event), and a nightly request for one tenant. */
import { randomUUID } from 'node:crypto';
import { domainEvent, EVENT_SOURCE } from '#domain/events';
import type { PutEventsEntry } from './event-bus';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './functions';

export const DEFAULT_SYNC_SCHEDULE = '0 2 * * *';
const NIGHTLY_RULE_NAME = 'psa-intacct-sync-nightly';

export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

/**
 * The event a schedule rule delivers for the firing at `scheduledAt`. EventBridge gives `time` in
 * whole seconds; a firing by hand (`manual`) keeps its milliseconds, so two made within one second
 * still count as two firings (tenant-sync syncs a tenant once per firing).
 */
export function scheduledEvent(scheduledAt: Date, manual = false): ScheduledEvent {
  const time = scheduledAt.toISOString();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: manual ? time : time.replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${NIGHTLY_RULE_NAME}`],
    detail: {},
  };
}

/**
 * What daily-sync publishes for one tenant at the firing `scheduledAt` (shared/use-cases/
 * request-nightly-syncs.ts), as a PutEvents entry: the bus routes it to tenant-sync, which syncs the
 * tenant once per firing. `POST /__local/nightly` puts this one entry for the caller's tenant only.
 */
export function tenantNightlyEntry(tenantId: string, scheduledAt: string, busName: string): PutEventsEntry {
  const event = domainEvent('TenantSyncRequested', { tenantId, scope: 'all', scheduledAt }, [scheduledAt]);
  return { Source: EVENT_SOURCE, DetailType: event.type, Detail: JSON.stringify(event.detail), EventBusName: busName };
}
