import type { Condition, OrderTerm } from './conditions';
import { compileCondition, isStoreOrder, sortRecords } from './conditions';
import type { IntacctRecord } from './schema';
import type { ObjectTable } from './store';

export interface ListingRequest {
  condition: Condition | undefined;
  order: OrderTerm[];
  caseInsensitive: boolean;
}

/**
 * The filtered, ordered records of a table. Cached per table until its next write, so paging
 * through 200k records costs one filter/sort, then a slice per page. Store order is RECORDNO
 * order, so the common orderings need no sort at all. The caller must not mutate the array.
 */
export function listRecords(table: ObjectTable, request: ListingRequest): readonly IntacctRecord[] {
  const { condition, order, caseInsensitive } = request;
  if (!condition && isStoreOrder(order)) return table.records;
  const cacheKey = JSON.stringify([condition ?? null, order, caseInsensitive]);
  return table.cachedListing(cacheKey, () => {
    const matching = condition
      ? table.records.filter(compileCondition(table.schema, condition, caseInsensitive))
      : table.records.slice();
    if (isStoreOrder(order)) return matching;
    if (order[0]?.field === 'RECORDNO') return matching.reverse();
    return sortRecords(table.schema, matching, order, caseInsensitive);
  });
}
