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
