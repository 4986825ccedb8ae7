/** Small helpers for tests that await failures and drain listings. */
import type { ListingPage } from '#ports/intacct-source';

/** The error `promise` rejects with; a promise that resolves fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** Every page of a listing, in order. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const page of pages) collected.push(page);
  return collected;
}

/** The RECORDNO of every record of a source listing, in order. */
export async function recordNos(pages: AsyncIterable<ListingPage>): Promise<string[]> {
  const listed: string[] = [];
  for await (const page of pages) listed.push(...page.records.map((record) => record.RECORDNO!));
  return listed;
}
