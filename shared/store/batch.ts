/**
 * Batch reads and writes in DynamoDB-sized chunks, retrying what DynamoDB hands back unprocessed
 * (it does so under throttling) with a short exponential backoff.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunksOf, forEachBounded } from '#domain/bounded';
import type { StoredItem } from './item-fields';
import type { PrimaryKey } from './keys';

/** DynamoDB's own limits per request. */
const BATCH_GET_MAX_KEYS = 100;
export const BATCH_WRITE_MAX_ITEMS = 25;
/**
 * Requests of one batch call in flight at once: a chunk of 500 records is 20 BatchWriteItem calls,
 * which sent one after the other cost 20 round trips of DynamoDB's latency instead of 2.
 */
const BATCH_REQUESTS_IN_FLIGHT = 16;

export interface BatchRetryPolicy {
  /** Attempts per chunk, the first included, before giving up. */
  maxAttempts: number;
  /** Wait before the first retry; doubled for each following one. */
  baseDelayMs: number;
}

const DEFAULT_BATCH_RETRY: BatchRetryPolicy = { maxAttempts: 8, baseDelayMs: 25 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `initial` and whatever DynamoDB hands back unprocessed, with exponential backoff, until
 * nothing is left; gives up loudly after `retry.maxAttempts`.
 */
async function untilProcessed<T>(what: string, initial: T[], retry: BatchRetryPolicy, send: (pending: T[]) => Promise<T[]>): Promise<void> {
  let pending = initial;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > retry.maxAttempts) {
      throw new Error(`${what} left ${pending.length} unprocessed after ${retry.maxAttempts} attempts`);
    }
    if (attempt > 1) await sleep(retry.baseDelayMs * 2 ** (attempt - 2));
    pending = await send(pending);
  }
}

/**
 * Reads `keys` from one table (strongly consistent). Duplicate keys are read once, since
 * DynamoDB refuses a batch that repeats a key. Missing items are simply absent from the answer.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly PrimaryKey[],
  retry: BatchRetryPolicy = DEFAULT_BATCH_RETRY,
): Promise<StoredItem[]> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const found: StoredItem[] = [];
  await forEachBounded(chunksOf(unique, BATCH_GET_MAX_KEYS), BATCH_REQUESTS_IN_FLIGHT, async (chunk) => {
    const keysOfChunk: Record<string, unknown>[] = chunk.map((key) => ({ ...key }));
    await untilProcessed(`BatchGetItem on ${tableName}`, keysOfChunk, retry, async (pending) => {
      const answer = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      found.push(...(answer.Responses?.[tableName] ?? []));
      return answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
    });
  });
  return found;
}

/** Puts `items` into one table, 25 per request, until every item is written. */
export function batchPutAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly StoredItem[],
  retry: BatchRetryPolicy = DEFAULT_BATCH_RETRY,
): Promise<void> {
  return batchWriteAll(
    doc,
    tableName,
    items.map((item) => ({ PutRequest: { Item: item } })),
    retry,
  );
}

/** Deletes the items with `keys` from one table, 25 per request; absent items are no error. */
export function batchDeleteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly PrimaryKey[],
  retry: BatchRetryPolicy = DEFAULT_BATCH_RETRY,
): Promise<void> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  return batchWriteAll(
    doc,
    tableName,
    unique.map((key) => ({ DeleteRequest: { Key: { ...key } } })),
    retry,
  );
}

type WriteRequest = { PutRequest?: { Item: Record<string, unknown> | undefined }; DeleteRequest?: { Key: Record<string, unknown> | undefined } };

async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  retry: BatchRetryPolicy,
): Promise<void> {
  await forEachBounded(chunksOf(requests, BATCH_WRITE_MAX_ITEMS), BATCH_REQUESTS_IN_FLIGHT, (chunk) =>
    untilProcessed(`BatchWriteItem on ${tableName}`, chunk, retry, async (pending) => {
      const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      return answer.UnprocessedItems?.[tableName] ?? [];
    }),
  );
}
