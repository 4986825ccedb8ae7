import { createHash } from 'node:crypto';
import type { IntacctObject, LinkStatus } from '#domain/entities';
import type { DomainEventType } from '#domain/events';
import type { IntacctFields } from '#domain/intacct-records';
import type { FieldChange } from '#domain/runs';
import type { EntityStore } from '#ports/stores';

/** The part of a mapped Intacct record every kind shares. */
export interface MappedRecord {
  recordNo: string;
  intacctId: string;
  warnings: string[];
}

export interface LinkedEntity {
  id: string;
  tenantId: string;
  version: number;
}

/**
 * What the import and sync engines need to know about one kind of linked record
 * (client ← CUSTOMER, user ← EMPLOYEE, department ← DEPARTMENT). The engines are written once;
 * each kind only supplies its mapping and its rules from shared/domain.
 */
export interface LinkedKind<T extends LinkedEntity, M extends MappedRecord> {
  object: IntacctObject;
  store: EntityStore<T>;
  map(fields: IntacctFields): M;
  /** Mapped fields and link state applied; the same object back when nothing changed. */
  apply(entity: T, mapped: M, now: string): { next: T; changes: FieldChange[] };
  unlink(entity: T, now: string): T;
  /**
   * Fingerprint of everything `apply` would write for this Intacct record (see Link.fingerprint);
   * equal fingerprints mean equal writes.
   */
  fingerprint(mapped: M): string;
  /** The entity's own view of its Intacct link, if any. */
  linkOf(entity: T): { status: LinkStatus; recordNo: string } | undefined;
  events: { imported: DomainEventType | null; updated: DomainEventType | null; unlinked: DomainEventType | null; linked: DomainEventType | null };
  /** Name of the PSA id in event details (`clientId`, `userId`, `departmentId`). */
  eventIdKey: string;
  /** Name of the Intacct id in event details (`customerId`, `employeeId`, `departmentId`). */
  eventIntacctIdKey: string;
}

/**
 * Whether a link record's PSA entity agrees to be its target: it may be unlinked or not linked
 * yet (a link written just before a crash), but not linked to another Intacct record (I1).
 */
export function entityAcceptsLink<T extends LinkedEntity>(kind: LinkedKind<T, MappedRecord>, entity: T, recordNo: string): boolean {
  const link = kind.linkOf(entity);
  return link?.status !== 'linked' || link.recordNo === recordNo;
}

/** Bumped whenever `apply` starts writing something a fingerprint does not cover. */
const FINGERPRINT_VERSION = 1;

/** A short, stable digest of what a mapping would write (JSON of `parts`, SHA-256, base64url). */
export function fingerprintOf(parts: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([FINGERPRINT_VERSION, parts]))
    .digest('base64url');
}
