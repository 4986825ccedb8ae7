/** Run records and the events (with their outbox proofs) the engine reports for linked records. */
import { domainEvent } from '#domain/events';
import type { RunRecord } from '#domain/runs';
import type { Link, OutboxEntry } from '#ports/stores';
import type { LinkedEntity, LinkedKind, MappedRecord } from './linked-kind';

type LinkIdentity = Pick<Link, 'tenantId' | 'object' | 'intacctId' | 'recordNo' | 'psaId'>;

export function recordOf(link: Pick<Link, 'object' | 'intacctId' | 'recordNo' | 'psaId'>, outcome: RunRecord['outcome']): RunRecord {
  return {
    object: link.object,
    intacctId: link.intacctId,
    recordNo: link.recordNo,
    psaId: link.psaId,
    outcome,
    changes: [],
    warnings: [],
    error: null,
  };
}

function eventDetail<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  link: LinkIdentity,
  extra: Record<string, unknown>,
): { tenantId: string } & Record<string, unknown> {
  return {
    tenantId: link.tenantId,
    [kind.eventIdKey]: link.psaId,
    [kind.eventIntacctIdKey]: link.intacctId,
    recordNo: link.recordNo,
    ...extra,
  };
}

/** The PSA record is linked to this Intacct record. */
const linkedTo = (link: LinkIdentity): Record<string, unknown> => ({
  'integrations.intacct.status': 'linked',
  'integrations.intacct.recordNo': link.recordNo,
});

function entry<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  type: NonNullable<LinkedKind<T, M>['events'][keyof LinkedKind<T, M>['events']]>,
  link: LinkIdentity,
  extra: Record<string, unknown>,
  idParts: readonly unknown[],
  expect: Record<string, unknown>,
  record: RunRecord,
): OutboxEntry {
  return {
    event: domainEvent(type, eventDetail(kind, link, extra), idParts),
    proof: { of: 'entity', object: kind.object, psaId: link.psaId, expect },
    record,
  };
}

/** A new PSA record imported for `link` (once per PSA record). */
export function importedEntry<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  link: LinkIdentity,
  record: RunRecord,
): OutboxEntry | null {
  if (!kind.events.imported) return null;
  return entry(kind, kind.events.imported, link, {}, [link.psaId], linkedTo(link), record);
}

/** An existing PSA record linked to the Intacct record of `link` (once per link made). */
export function linkedEntry<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  link: LinkIdentity & Pick<Link, 'createdAt'>,
  record: RunRecord,
): OutboxEntry | null {
  if (!kind.events.linked) return null;
  return entry(kind, kind.events.linked, link, {}, [link.psaId, link.recordNo, link.createdAt], linkedTo(link), record);
}

/** Mapped fields of a linked PSA record brought back in line by run `runId` (once per run and mapping). */
export function updatedEntry<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  link: LinkIdentity,
  runId: string,
  fingerprint: string,
  record: RunRecord,
): OutboxEntry | null {
  if (!kind.events.updated) return null;
  const expect = Object.fromEntries(record.changes.map((change) => [change.field, change.to]));
  return entry(
    kind,
    kind.events.updated,
    link,
    { fields: record.changes.map((change) => change.field) },
    [runId, link.psaId, fingerprint],
    { ...expect, 'integrations.intacct.recordNo': link.recordNo },
    record,
  );
}

/** A PSA record unlinked from the Intacct record of `link` (once per link). */
export function unlinkedEntry<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  link: LinkIdentity & Pick<Link, 'createdAt'>,
  record: RunRecord,
): OutboxEntry | null {
  if (!kind.events.unlinked) return null;
  return entry(
    kind,
    kind.events.unlinked,
    link,
    {},
    [link.psaId, link.recordNo, link.createdAt],
    { 'integrations.intacct.status': 'unlinked', 'integrations.intacct.recordNo': link.recordNo },
    record,
  );
}

export const eventIdOfEntry = (outboxEntry: OutboxEntry): string => outboxEntry.event.detail.eventId;
