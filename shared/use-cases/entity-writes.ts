import { Conflict } from '../domain/errors';
import type { FieldChange } from '../domain/runs';
import type { EntityStore } from '../ports/stores';
import type { LinkedEntity } from './linked-kind';

/** A PSA edit racing a sync costs one re-read each time; after this many the record is failed, not forced. */
export const MAX_VERSION_RETRIES = 5;

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
