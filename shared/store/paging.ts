/**
 * Page-by-page listing of one partition, with opaque cursors.
 *
 * A cursor is the base64url JSON of the last key a page answered. It is checked strictly on the
 * way back in: a cursor that is not ours, or that names another partition (another tenant's, say),
 * is refused with InvalidInput instead of being handed to DynamoDB.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '#domain/errors';
import type { Page, PageRequest } from '#ports/stores';
import type { StoredItem } from './item-fields';
import { KEY_ATTRIBUTES, type PrimaryKey, primaryKeyOf } from './keys';

/** Largest page a caller may ask for; DynamoDB caps a Query answer at 1 MB anyway. */
const MAX_PAGE_LIMIT = 1000;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CURSOR_FIELDS = [KEY_ATTRIBUTES.partitionKey, KEY_ATTRIBUTES.sortKey].sort();

function invalidCursor(reason: string): InvalidInput {
  return new InvalidInput('invalid_cursor', 'The cursor is not valid for this listing.', [{ field: 'cursor', message: reason }]);
}

/** Encodes the key a page stopped at as an opaque cursor. */
export function encodeCursor(key: PrimaryKey): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk }), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor that must continue a listing of `expectedPartition`.
 * Throws InvalidInput (field `cursor`) for anything else.
 */
export function decodeCursor(cursor: string, expectedPartition: string): PrimaryKey {
  if (!BASE64URL.test(cursor)) throw invalidCursor('is not base64url');
  const json = Buffer.from(cursor, 'base64url').toString('utf8');
  let decoded: unknown;
  try {
    decoded = JSON.parse(json);
  } catch {
    throw invalidCursor('is not a cursor issued by this listing');
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw invalidCursor('is not a cursor issued by this listing');
  }
  const fields = Object.keys(decoded).sort();
  if (fields.length !== CURSOR_FIELDS.length || fields.some((field, i) => field !== CURSOR_FIELDS[i])) {
    throw invalidCursor('is not a cursor issued by this listing');
  }
  const { pk, sk } = decoded as Record<string, unknown>;
  if (typeof pk !== 'string' || typeof sk !== 'string' || sk.length === 0) {
    throw invalidCursor('is not a cursor issued by this listing');
  }
  if (pk !== expectedPartition) throw invalidCursor('belongs to another listing');
  return { pk, sk };
}

/** Checks the requested page size; throws InvalidInput (field `limit`) when out of range. */
export function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidInput('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}.`, [
      { field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_LIMIT}` },
    ]);
  }
  return limit;
}

export interface PartitionPageQuery<T> {
  doc: DynamoDBDocumentClient;
  tableName: string;
  partition: string;
  page: PageRequest;
  /** Newest first when the sort keys are time-ordered ids. */
  descending?: boolean;
  fromItem(item: StoredItem): T;
}

/**
 * One page of a base-table partition in sort-key order.
 *
 * Asks for one item more than the page holds, so `nextCursor` is null exactly when nothing
 * follows (a bare Limit would hand out a last cursor that leads to an empty page).
 */
export async function queryPartitionPage<T>(query: PartitionPageQuery<T>): Promise<Page<T>> {
  const limit = checkedLimit(query.page.limit);
  const cursor = query.page.cursor;
  const startKey = cursor ? decodeCursor(cursor, query.partition) : undefined;
  const answer = await query.doc.send(
    new QueryCommand({
      TableName: query.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
      ExpressionAttributeValues: { ':pk': query.partition },
      ExclusiveStartKey: startKey ? { ...startKey } : undefined,
      ScanIndexForward: !query.descending,
      Limit: limit + 1,
      ConsistentRead: true,
    }),
  );
  const items = answer.Items ?? [];
  if (items.length > limit) {
    const pageItems = items.slice(0, limit);
    const last = pageItems[pageItems.length - 1];
    return {
      items: pageItems.map((item) => query.fromItem(item)),
      nextCursor: last ? encodeCursor(primaryKeyOf(last)) : null,
    };
  }
  // Fewer items than asked for but a LastEvaluatedKey: DynamoDB stopped at its 1 MB cap.
  const stoppedAt = answer.LastEvaluatedKey;
  return {
    items: items.map((item) => query.fromItem(item)),
    nextCursor: stoppedAt ? encodeCursor(primaryKeyOf(stoppedAt)) : null,
  };
}

export interface PartitionScan {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Set to walk the entities table's secondary index instead of the base table. */
  indexName?: string;
  partitionAttribute: string;
  partition: string;
  pageSize: number;
  /** Start after this key (which need not exist); from the start when omitted. */
  after?: PrimaryKey;
}

/** Every item of one partition, in sort-key order, one DynamoDB page at a time (empty pages skipped). */
export async function* iteratePartition(scan: PartitionScan): AsyncIterable<StoredItem[]> {
  let startKey: Record<string, unknown> | undefined = scan.after ? { ...scan.after } : undefined;
  do {
    const answer = await scan.doc.send(
      new QueryCommand({
        TableName: scan.tableName,
        IndexName: scan.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': scan.partitionAttribute },
        ExpressionAttributeValues: { ':pk': scan.partition },
        ExclusiveStartKey: startKey,
        Limit: scan.pageSize,
        // Index reads cannot be consistent; base-table reads should see the writes just made.
        ConsistentRead: scan.indexName === undefined,
      }),
    );
    const items = answer.Items ?? [];
    if (items.length > 0) yield items;
    startKey = answer.LastEvaluatedKey;
  } while (startKey);
}
