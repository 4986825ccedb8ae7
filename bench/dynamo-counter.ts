/**
 * Counts what the service asks of DynamoDB: commands and items per operation and table, and the
 * write units those writes would cost. It sits in the client's middleware stack at the
 * initialize step, so it sees each command once, before the SDK's own retries.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENTITY_TYPE_ATTRIBUTE, KEY_ATTRIBUTES } from '#store/keys';
import { WRITE_UNIT_BYTES } from './config';

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const COUNTER_NAME = 'benchDynamoCounter';
/** DynamoDB's per-value overhead for lists and maps, and the size it charges a number at most. */
const CONTAINER_OVERHEAD_BYTES = 3;
const MAX_NUMBER_BYTES = 21;
const NUMBER_DIGITS_PER_BYTE = 2;

/** Totals of one table. */
export interface TableTraffic {
  /** Commands per operation name (GetItem, Query, BatchWriteItem, ...). */
  commands: Record<string, number>;
  /** Items asked for or written per operation (batch items counted one by one). */
  items: Record<string, number>;
  readRequests: number;
  writeRequests: number;
  /** Items written (puts, updates, deletes, batch puts and deletes). */
  itemWrites: number;
  /** Write units of the table itself (1 per started KB of each item written). */
  writeUnits: number;
  /** Write units the table's secondary index adds (items carrying an index key, projection ALL). */
  indexWriteUnits: number;
  /** Bytes of the items put, for the write floor's item size. */
  bytesWritten: number;
  /** Items put that carried an index key, for the write floor's mix. */
  indexedItemWrites: number;
  /** Items put, per entity type: how many, and one of them as sent (marshalled), for the write floors. */
  shapes: Record<string, ItemShape>;
}

/** An item the service put, as DynamoDB received it, and how many of its entity type were put. */
export interface ItemShape {
  count: number;
  sample: Record<string, AttributeValue>;
}

export interface DynamoTraffic {
  readRequests: number;
  writeRequests: number;
  itemWrites: number;
  writeUnits: number;
  indexWriteUnits: number;
  byTable: Record<string, TableTraffic>;
}

export interface DynamoCounter {
  snapshot(): DynamoTraffic;
  reset(): void;
}

function emptyTable(): TableTraffic {
  return {
    commands: {},
    items: {},
    readRequests: 0,
    writeRequests: 0,
    itemWrites: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    bytesWritten: 0,
    indexedItemWrites: 0,
    shapes: {},
  };
}

/** Approximate DynamoDB size of a document-client value: names plus values, as DynamoDB bills them. */
function dynamoValueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.min(MAX_NUMBER_BYTES, Math.ceil(String(value).length / NUMBER_DIGITS_PER_BYTE) + 1);
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + dynamoValueBytes(item), CONTAINER_OVERHEAD_BYTES);
  if (typeof value === 'object') {
    return Object.entries(value).reduce<number>(
      (sum, [name, item]) => (item === undefined ? sum : sum + Buffer.byteLength(name, 'utf8') + dynamoValueBytes(item)),
      CONTAINER_OVERHEAD_BYTES,
    );
  }
  return 0;
}

/** Write units of one item of `bytes`. */
function writeUnitsFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

type WriteRequest = { PutRequest?: { Item?: Record<string, unknown> }; DeleteRequest?: unknown };

/** The items a write command stores per table (null for deletes and updates, whose size is unknown here). */
function writtenItems(operation: string, input: Record<string, unknown>): Map<string, (Record<string, unknown> | null)[]> {
  const perTable = new Map<string, (Record<string, unknown> | null)[]>();
  if (operation === 'BatchWriteItem') {
    for (const [table, requests] of Object.entries((input.RequestItems ?? {}) as Record<string, WriteRequest[]>)) {
      perTable.set(
        table,
        requests.map((request) => request.PutRequest?.Item ?? null),
      );
    }
  } else if (typeof input.TableName === 'string') {
    perTable.set(input.TableName, [operation === 'PutItem' ? ((input.Item as Record<string, unknown>) ?? null) : null]);
  }
  return perTable;
}

/** Item counts per table of a read command. */
function readItems(operation: string, input: Record<string, unknown>): Map<string, number> {
  const perTable = new Map<string, number>();
  if (operation === 'BatchGetItem') {
    for (const [table, request] of Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>)) {
      perTable.set(table, request.Keys?.length ?? 0);
    }
  } else if (typeof input.TableName === 'string') {
    perTable.set(input.TableName, 1);
  }
  return perTable;
}

/** Adds the counter to `client`'s middleware stack (a document client shares its client's stack). */
export function countDynamo(client: DynamoDBClient | DynamoDBDocumentClient): DynamoCounter {
  let tables = new Map<string, TableTraffic>();
  const tableOf = (name: string): TableTraffic => {
    let traffic = tables.get(name);
    if (!traffic) {
      traffic = emptyTable();
      tables.set(name, traffic);
    }
    return traffic;
  };
  const bump = (record: Record<string, number>, key: string, by: number): void => {
    record[key] = (record[key] ?? 0) + by;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      if (WRITE_OPERATIONS.has(operation)) {
        for (const [table, items] of writtenItems(operation, input)) {
          const traffic = tableOf(table);
          bump(traffic.commands, operation, 1);
          bump(traffic.items, operation, items.length);
          traffic.writeRequests += 1;
          traffic.itemWrites += items.length;
          for (const item of items) {
            const bytes = item ? dynamoValueBytes(item) : 0;
            const units = writeUnitsFor(bytes);
            traffic.writeUnits += units;
            traffic.bytesWritten += bytes;
            if (item && KEY_ATTRIBUTES.indexPartitionKey in item) {
              traffic.indexWriteUnits += units;
              traffic.indexedItemWrites += 1;
            }
          }
        }
      } else {
        for (const [table, count] of readItems(operation, input)) {
          const traffic = tableOf(table);
          bump(traffic.commands, operation, 1);
          bump(traffic.items, operation, count);
          if (READ_OPERATIONS.has(operation)) traffic.readRequests += 1;
        }
      }
      return next(args);
    },
    { step: 'initialize', name: COUNTER_NAME },
  );

  // A second look at the same writes once the document client has marshalled them: the floors
  // write copies of the very items the service wrote, so DynamoDB has the same work per item.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (operation === 'PutItem' || operation === 'BatchWriteItem') {
        for (const [table, items] of writtenItems(operation, args.input as Record<string, unknown>)) {
          for (const item of items) {
            if (!item) continue;
            const marshalled = item as Record<string, AttributeValue>;
            const type = marshalled[ENTITY_TYPE_ATTRIBUTE]?.S ?? 'untyped';
            const shapes = tableOf(table).shapes;
            const shape = shapes[type];
            if (shape) shape.count += 1;
            else shapes[type] = { count: 1, sample: marshalled };
          }
        }
      }
      return next(args);
    },
    { step: 'build', name: `${COUNTER_NAME}Shapes` },
  );

  return {
    snapshot() {
      const byTable = Object.fromEntries([...tables].map(([name, traffic]) => [name, structuredClone(traffic)]));
      const all = Object.values(byTable);
      const sum = (pick: (traffic: TableTraffic) => number) => all.reduce((total, traffic) => total + pick(traffic), 0);
      return {
        readRequests: sum((t) => t.readRequests),
        writeRequests: sum((t) => t.writeRequests),
        itemWrites: sum((t) => t.itemWrites),
        writeUnits: sum((t) => t.writeUnits),
        indexWriteUnits: sum((t) => t.indexWriteUnits),
        byTable,
      };
    },
    reset() {
      tables = new Map();
    },
  };
}
