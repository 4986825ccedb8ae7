/**
 * Applies `work` to every item with at most `limit` in flight. After a failure no new item is
 * started, and the call settles only once the items in flight have, then rejects with the first
 * failure: nothing of this call keeps writing after it returned.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstFailure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < items.length && !firstFailure) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        firstFailure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstFailure) throw (firstFailure as { error: unknown }).error;
}

/** `values` cut into consecutive chunks of `size` (the last may be shorter). */
export function chunksOf<T>(values: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

/**
 * Waits for every one of `work` to settle, then rejects with the first failure if any: unlike
 * Promise.all, nothing of it is still running when this settles.
 */
export async function allDone(work: readonly Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
