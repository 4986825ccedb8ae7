/**
 * Every DynamoDB key the adapters use is built here, and nowhere else.
 *
 * Key segments are joined with `#`, so a tenant id or record id containing `#` could make two
 * different keys spell the same string (tenant `a#RUN` vs. run records of tenant `a`);
 * `keySegment` refuses such values before they reach a key.
 */

import type { IntacctObject } from '#domain/entities';
import { InvalidInput } from '#domain/errors';
import { isTenantId, TENANT_ID_RULE } from '#domain/tenant-id';

/** Names of the key attributes shared by all three tables and their index. */
export const KEY_ATTRIBUTES = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexPartitionKey: 'gsi1pk',
  indexSortKey: 'gsi1sk',
} as const;

/** Every item names what it is, so a table scan or a stream consumer can tell items apart. */
export const ENTITY_TYPE_ATTRIBUTE = 'entityType';

/** Epoch seconds after which DynamoDB may delete the item (runs table only). */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';

/** The one global secondary index of the entities table. */
export const SECONDARY_INDEX_NAME = 'gsi1';

export type EntityType =
  | 'Client'
  | 'User'
  | 'Department'
  | 'Connection'
  | 'SyncState'
  | 'Link'
  | 'Run'
  | 'RunRecord'
  | 'UnlinkCandidate'
  | 'OutboxEntry'
  | 'Nightly'
  | 'CompanySlot'
  | 'ConnectFailures'
  | 'Lease'
  | 'OAuthState'
  | 'TokenRefreshLock';

export interface PrimaryKey {
  pk: string;
  sk: string;
}

export interface SecondaryIndexKey {
  gsi1pk: string;
  gsi1sk: string;
}

const SEPARATOR = '#';
/** Intacct RECORDNO values are integers well below 10^12; padding makes string order numeric order. */
const RECORD_NO_WIDTH = 12;
/** Room for a billion records per run, far beyond the largest company. */
const RUN_RECORD_SEQ_WIDTH = 9;
const MAX_RUN_RECORD_SEQ = 10 ** RUN_RECORD_SEQ_WIDTH - 1;
const RUN_RECORD_SEQ = new RegExp(`^[0-9]{${RUN_RECORD_SEQ_WIDTH}}$`);
const DIGITS_ONLY = /^\d+$/;

const OBJECT_SEGMENTS: Record<IntacctObject, string> = {
  customer: 'CUSTOMER',
  employee: 'EMPLOYEE',
  department: 'DEPARTMENT',
};

/** Answers `value` when it is safe inside a key; throws InvalidInput naming `field` otherwise. */
function keySegment(value: string, field: string): string {
  if (value.length === 0 || value.includes(SEPARATOR)) {
    throw new InvalidInput('invalid_identifier', `${field} must be non-empty and must not contain "${SEPARATOR}".`, [
      { field, message: `must be non-empty and must not contain "${SEPARATOR}"` },
    ]);
  }
  return value;
}

/** A tenant's keys; a tenant id outside the one rule never reaches a key. */
function tenantPrefix(tenantId: string): string {
  if (!isTenantId(tenantId)) {
    throw new InvalidInput('invalid_identifier', `tenantId must be ${TENANT_ID_RULE}.`, [
      { field: 'tenantId', message: `must be ${TENANT_ID_RULE}` },
    ]);
  }
  return `TENANT${SEPARATOR}${tenantId}`;
}

/** Partition holding all clients of a tenant. */
export const clientPartition = (tenantId: string): string => `${tenantPrefix(tenantId)}${SEPARATOR}CLIENT`;
/** Partition holding all users of a tenant. */
export const userPartition = (tenantId: string): string => `${tenantPrefix(tenantId)}${SEPARATOR}USER`;
/** Partition holding all departments of a tenant. */
export const departmentPartition = (tenantId: string): string => `${tenantPrefix(tenantId)}${SEPARATOR}DEPARTMENT`;

/** Key of one versioned entity inside its partition. */
export function entityKey(partition: string, id: string): PrimaryKey {
  return { pk: partition, sk: keySegment(id, 'id') };
}

/**
 * Index key grouping a tenant's clients by normalised name. The name is the last segment,
 * so a `#` inside it cannot reach into another tenant's keys.
 */
export function clientNameIndexKey(tenantId: string, normalizedName: string, clientId: string): SecondaryIndexKey {
  return { gsi1pk: clientNamePartition(tenantId, normalizedName), gsi1sk: keySegment(clientId, 'id') };
}

/** Index partition of all clients of a tenant with one normalised name. */
export const clientNamePartition = (tenantId: string, normalizedName: string): string =>
  `${tenantPrefix(tenantId)}${SEPARATOR}CLIENTNAME${SEPARATOR}${normalizedName}`;

/** A tenant's Intacct connection. */
export function connectionKey(tenantId: string): PrimaryKey {
  return { pk: tenantPrefix(tenantId), sk: 'CONNECTION' };
}

/**
 * A tenant's last successful sync times, kept in the runs table beside the runs that set them,
 * so a nightly sync that changed nothing writes nothing to the entity and link tables.
 */
export function syncStateKey(tenantId: string): PrimaryKey {
  return { pk: tenantPrefix(tenantId), sk: 'SYNCSTATE' };
}

/** A tenant's count of failed connects in the current throttling window (runs table, with a TTL). */
export function connectFailuresKey(tenantId: string): PrimaryKey {
  return { pk: tenantPrefix(tenantId), sk: 'CONNECT-FAILURES' };
}

/** Index partition listing every connected tenant. */
export const CONNECTED_PARTITION = 'CONNECTED';

/** Places a connection in the connected-tenants index, ordered by tenant id. */
export function connectedIndexKey(tenantId: string): SecondaryIndexKey {
  return { gsi1pk: CONNECTED_PARTITION, gsi1sk: keySegment(tenantId, 'tenantId') };
}

/** Partition holding a tenant's links of one Intacct object. */
export const linkPartition = (tenantId: string, object: IntacctObject): string => `${tenantPrefix(tenantId)}${SEPARATOR}${OBJECT_SEGMENTS[object]}`;

/** A RECORDNO as a sort key segment: zero-padded, so string order is numeric order. */
function recordNoSegment(recordNo: string): string {
  if (!DIGITS_ONLY.test(recordNo) || recordNo.length > RECORD_NO_WIDTH) {
    throw new InvalidInput('invalid_record_no', `recordNo must be an integer of at most ${RECORD_NO_WIDTH} digits.`, [
      { field: 'recordNo', message: `must be an integer of at most ${RECORD_NO_WIDTH} digits` },
    ]);
  }
  return `REC${SEPARATOR}${recordNo.padStart(RECORD_NO_WIDTH, '0')}`;
}

/** Key of the link of one Intacct record; RECORDNO zero-padded so links sort numerically. */
export function linkKey(tenantId: string, object: IntacctObject, recordNo: string): PrimaryKey {
  return { pk: linkPartition(tenantId, object), sk: recordNoSegment(recordNo) };
}

/** Partition holding a tenant's runs, sorted by their time-ordered ids. */
export const runPartition = (tenantId: string): string => `${tenantPrefix(tenantId)}${SEPARATOR}RUN`;

/** Key of one run summary. Run ids are time-ordered, so the partition lists newest last. */
export function runKey(tenantId: string, runId: string): PrimaryKey {
  return { pk: runPartition(tenantId), sk: keySegment(runId, 'runId') };
}

/** Partition holding the per-record outcomes of one run. */
export const runRecordPartition = (tenantId: string, runId: string): string => `${runPartition(tenantId)}${SEPARATOR}${keySegment(runId, 'runId')}`;

/** Key of one run record; `seq` zero-padded so records list in the order they were appended. */
export function runRecordKey(tenantId: string, runId: string, seq: number): PrimaryKey {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_RUN_RECORD_SEQ) {
    throw new InvalidInput('invalid_sequence', `seq must be an integer from 0 to ${MAX_RUN_RECORD_SEQ}.`, [
      { field: 'seq', message: `must be an integer from 0 to ${MAX_RUN_RECORD_SEQ}` },
    ]);
  }
  return { pk: runRecordPartition(tenantId, runId), sk: String(seq).padStart(RUN_RECORD_SEQ_WIDTH, '0') };
}

/** The sequence number a run record key names; InvalidInput (field `cursor`) for a key no run record has. */
export function runRecordSeqOf(key: PrimaryKey): number {
  if (!RUN_RECORD_SEQ.test(key.sk)) {
    throw new InvalidInput('invalid_cursor', 'The cursor is not valid for this listing.', [
      { field: 'cursor', message: 'is not a cursor issued by this listing' },
    ]);
  }
  return Number(key.sk);
}

/** Partition holding a run's unlink candidates of one Intacct object (held ones included). */
export const runCandidatePartition = (tenantId: string, runId: string, object: IntacctObject): string =>
  `${runPartition(tenantId)}${SEPARATOR}${keySegment(runId, 'runId')}${SEPARATOR}UNLINK${SEPARATOR}${OBJECT_SEGMENTS[object]}`;

/** Key of one unlink candidate; RECORDNO zero-padded so candidates list in Intacct order. */
export function runCandidateKey(tenantId: string, runId: string, object: IntacctObject, recordNo: string): PrimaryKey {
  return { pk: runCandidatePartition(tenantId, runId, object), sk: recordNoSegment(recordNo) };
}

/** Partition holding a run's events written before the changes they announce. */
export const runOutboxPartition = (tenantId: string, runId: string): string =>
  `${runPartition(tenantId)}${SEPARATOR}${keySegment(runId, 'runId')}${SEPARATOR}OUTBOX`;

/** Key of one outbox entry, by its event id. */
export function runOutboxKey(tenantId: string, runId: string, eventId: string): PrimaryKey {
  return { pk: runOutboxPartition(tenantId, runId), sk: keySegment(eventId, 'eventId') };
}

/** Key of the marker that the nightly sync of one firing of the schedule was requested for a tenant. */
export function nightlyKey(tenantId: string, scheduledAt: string): PrimaryKey {
  return { pk: `${tenantPrefix(tenantId)}${SEPARATOR}NIGHTLY`, sk: keySegment(scheduledAt, 'scheduledAt') };
}

/**
 * Key of request slot `slot` of an Intacct company (the endpoint and company id, hashed: any text
 * fits a key that way). Slots belong to the company, whichever tenants connect to it.
 */
export function companySlotKey(companyHash: string, slot: number): PrimaryKey {
  return { pk: `COMPANY${SEPARATOR}${keySegment(companyHash, 'company')}${SEPARATOR}SLOTS`, sk: `SLOT${SEPARATOR}${slot}` };
}

/** Key of the lease guarding one scope of a tenant. */
export function leaseKey(tenantId: string, scope: string): PrimaryKey {
  return { pk: `${tenantPrefix(tenantId)}${SEPARATOR}LEASE`, sk: keySegment(scope, 'scope') };
}

/**
 * Key of a pending OAuth authorization (runs table, with a TTL), by its state alone: the callback
 * brings the state, and the item names the tenant it belongs to.
 */
export function oauthStateKey(state: string): PrimaryKey {
  return { pk: `OAUTH-STATE${SEPARATOR}${keySegment(state, 'state')}`, sk: 'OAUTH-STATE' };
}

/** Key of a tenant's OAuth token refresh lock (runs table, with a TTL). */
export function tokenRefreshLockKey(tenantId: string): PrimaryKey {
  return { pk: tenantPrefix(tenantId), sk: 'OAUTH-REFRESH-LOCK' };
}

/** The primary key of a stored item, as DynamoDB would answer it in LastEvaluatedKey. */
export function primaryKeyOf(item: Record<string, unknown>): PrimaryKey {
  const pk = item[KEY_ATTRIBUTES.partitionKey];
  const sk = item[KEY_ATTRIBUTES.sortKey];
  if (typeof pk !== 'string' || typeof sk !== 'string') {
    throw new Error('Stored item lacks its string key attributes');
  }
  return { pk, sk };
}
