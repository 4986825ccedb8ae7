import type { Condition, OrderTerm, Predicate } from './conditions';
import { compileCondition, isStoreOrder, sortRecords } from './conditions';
import type { Visibility } from './entities';
import { isVisible, visibilityKey } from './entities';
import type { IntacctRecord } from './schema';
import type { ObjectTable } from './store';

export interface ListingRequest {
  condition: Condition | undefined;
  order: OrderTerm[];
  caseInsensitive: boolean;
  /** The records the session may see (entities.ts). */
  visibility: Visibility;
}

function matcher(table: ObjectTable, request: ListingRequest): Predicate | undefined {
  const { condition, caseInsensitive, visibility } = request;
  const matches = condition ? compileCondition(table.schema, condition, caseInsensitive) : undefined;
  if (visibility.kind === 'all') return matches;
  return matches ? (record) => isVisible(record, visibility) && matches(record) : (record) => isVisible(record, visibility);
}

/**
 * The visible, filtered, ordered records of a table. Cached per table until its next write, so
 * paging through 200k records costs one filter/sort, then a slice per page. Store order is RECORDNO
 * order, so the common orderings need no sort at all. The caller must not mutate the array.
 */
export function listRecords(table: ObjectTable, request: ListingRequest): readonly IntacctRecord[] {
  const { condition, order, caseInsensitive, visibility } = request;
  if (!condition && visibility.kind === 'all' && isStoreOrder(order)) return table.records;
  const cacheKey = JSON.stringify([condition ?? null, order, caseInsensitive, visibilityKey(visibility)]);
  return table.cachedListing(cacheKey, () => {
    const predicate = matcher(table, request);
    const matching = predicate ? table.records.filter(predicate) : table.records.slice();
    if (isStoreOrder(order)) return matching;
    if (order[0]?.field === 'RECORDNO') return matching.reverse();
    return sortRecords(table.schema, matching, order, caseInsensitive);
  });
}
