import type { IntacctObject } from '#domain/entities';
import { Conflict } from '#domain/errors';
import type { FieldChange } from '#domain/runs';
import type { EntityStore } from '#ports/stores';
import type { SyncDeps } from './deps';
import type { LinkedEntity } from './linked-kind';

/** A PSA edit racing a sync costs one re-read each time; after this many the record is failed, not forced. */
const MAX_VERSION_RETRIES = 5;

export type WriteResult<T> =
  | { kind: 'unchanged'; entity: T }
  | { kind: 'written'; entity: T; changes: FieldChange[] }
  | { kind: 'gone' }
  | { kind: 'refused' };

/**
 * Applies `change` to the stored entity with an optimistic version check, re-reading and
 * re-applying when someone else wrote in between, so a PSA edit is neither lost nor half
 * applied. `change` answers null to refuse (the entity no longer accepts the change).
 * In a dry run nothing is written, but the outcome is the same.
 */
export async function writeWithVersionCheck<T extends LinkedEntity>(
  store: EntityStore<T>,
  start: T,
  change: (current: T) => { next: T; changes: FieldChange[] } | null,
  dryRun: boolean,
): Promise<WriteResult<T>> {
  let current: T | null = start;
  for (let attempt = 0; attempt <= MAX_VERSION_RETRIES; attempt += 1) {
    if (!current) return { kind: 'gone' };
    const result = change(current);
    if (!result) return { kind: 'refused' };
    if (result.next === current) return { kind: 'unchanged', entity: current };
    if (dryRun) return { kind: 'written', entity: result.next, changes: result.changes };
    try {
      await store.update(result.next, current.version);
      return { kind: 'written', entity: result.next, changes: result.changes };
    } catch (error) {
      if (!(error instanceof Conflict && error.code === 'version_conflict')) throw error;
      current = await store.get(current.tenantId, current.id);
    }
  }
  throw new Conflict('version_conflict', 'The record kept changing while the sync tried to update it.');
}

/** What a PSA edit needs to know about the kind of record it edits. */
export interface EditedKind<T extends LinkedEntity> {
  object: IntacctObject;
  store: EntityStore<T>;
  linkOf(entity: T): { recordNo: string } | undefined;
}

/**
 * A PSA edit of a record that may be linked to Intacct (R3). Before every write attempt, when the
 * edit touches fields a sync writes, the fingerprint of the link the version about to be
 * overwritten has is invalidated — decided from that version, not an earlier read — so however the
 * edit interleaves with a sync or a link by hand, the next sync looks at the record again.
 * `edit` answers null to refuse the edit (the record no longer allows it).
 */
export async function editLinkedRecord<T extends LinkedEntity>(
  deps: Pick<SyncDeps, 'links'>,
  kind: EditedKind<T>,
  start: T,
  touchesSyncedFields: boolean,
  edit: (current: T) => T | null,
): Promise<WriteResult<T>> {
  let current: T | null = start;
  for (let attempt = 0; attempt <= MAX_VERSION_RETRIES; attempt += 1) {
    if (!current) return { kind: 'gone' };
    const next = edit(current);
    if (!next) return { kind: 'refused' };
    await invalidateLinkOf(deps, kind, current, touchesSyncedFields);
    try {
      await kind.store.update(next, current.version);
      return { kind: 'written', entity: next, changes: [] };
    } catch (error) {
      if (!(error instanceof Conflict && error.code === 'version_conflict')) throw error;
      current = await kind.store.get(current.tenantId, current.id);
    }
  }
  throw new Conflict('version_conflict', 'The record kept changing while the edit was saved; try again.');
}

/**
 * A PSA delete of a record that may be linked (R6): the link's fingerprint is invalidated before
 * each attempt, the record deleted only at the version read, then its link removed. Answers whether
 * the record was deleted (false: it was already gone).
 */
export async function deleteLinkedRecord<T extends LinkedEntity>(deps: Pick<SyncDeps, 'links'>, kind: EditedKind<T>, start: T): Promise<boolean> {
  let current: T | null = start;
  for (let attempt = 0; attempt <= MAX_VERSION_RETRIES; attempt += 1) {
    if (!current) return false;
    await invalidateLinkOf(deps, kind, current, true);
    if (await kind.store.deleteIfVersion(current.tenantId, current.id, current.version)) {
      const link = kind.linkOf(current);
      if (link) await deps.links.deleteIfPointsTo(current.tenantId, kind.object, link.recordNo, current.id);
      return true;
    }
    current = await kind.store.get(current.tenantId, current.id);
  }
  throw new Conflict('version_conflict', 'The record kept changing while it was being deleted; try again.');
}

async function invalidateLinkOf<T extends LinkedEntity>(
  deps: Pick<SyncDeps, 'links'>,
  kind: EditedKind<T>,
  entity: T,
  touchesSyncedFields: boolean,
): Promise<void> {
  const link = kind.linkOf(entity);
  if (link && touchesSyncedFields) await deps.links.invalidateFingerprint(entity.tenantId, kind.object, link.recordNo, entity.id);
}
