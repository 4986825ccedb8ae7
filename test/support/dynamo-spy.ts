/**
 * Counts the DynamoDB commands a client sends, per operation and table, and can fail the k-th
 * write before it leaves the process (a crash between two writes, as far as the store can tell).
 *
 * The spy sits in the client's middleware stack at the initialize step: it sees each command once,
 * whatever the SDK's retries do later. A document client shares its stack with the client it wraps,
 * so spying on either sees both.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type SpiedClient = DynamoDBClient | DynamoDBDocumentClient;

/** Thrown by an armed spy instead of sending the write. */
export class SimulatedCrash extends Error {
  constructor(
    readonly operation: string,
    readonly tables: readonly string[],
  ) {
    super(`Simulated crash before ${operation} on ${tables.join(', ')}`);
    this.name = 'SimulatedCrash';
  }
}

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const BATCH_OPERATIONS = new Set(['BatchWriteItem', 'BatchGetItem']);

export interface DynamoSpy {
  /** Commands of `operation` (e.g. 'PutItem', 'Query'), on `table` or on any table. */
  commands(operation: string, table?: string): number;
  /** Items touched by `operation`: batch items for BatchWriteItem/BatchGetItem, else one per command. */
  items(operation: string, table?: string): number;
  /** Item writes (PutItem, UpdateItem, DeleteItem and every BatchWriteItem item), on `table` or anywhere. */
  writes(table?: string): number;
  /** Item writes per table name. */
  writesByTable(): Record<string, number>;
  /**
   * Makes the `k`-th write command from now (1-based; a BatchWriteItem counts as one) that touches
   * one of `tables` (any table when omitted) throw SimulatedCrash instead of being sent. Fires once.
   */
  failOnWrite(k: number, tables?: readonly string[]): void;
  /**
   * As failOnWrite, but every write after the k-th fails too: the process died there, and nothing
   * it would still have done (closing its run, releasing its lease) reaches the store.
   */
  dieOnWrite(k: number): void;
  /** Forgets the counts and disarms. */
  reset(): void;
  /** Removes the spy from the client. */
  detach(): void;
}

interface Arming {
  remaining: number;
  tables: ReadonlySet<string> | null;
  /** Keep failing every write once fired. */
  sticky: boolean;
}

let spyCount = 0;

/** Item counts per table of a command's input. */
function itemsPerTable(operation: string, input: Record<string, unknown>): Map<string, number> {
  const perTable = new Map<string, number>();
  if (BATCH_OPERATIONS.has(operation)) {
    const requestItems = (input.RequestItems ?? {}) as Record<string, unknown>;
    for (const [table, request] of Object.entries(requestItems)) {
      const items = Array.isArray(request) ? request : ((request as { Keys?: unknown[] }).Keys ?? []);
      perTable.set(table, items.length);
    }
  } else if (typeof input.TableName === 'string') {
    perTable.set(input.TableName, 1);
  }
  return perTable;
}

/** Adds a counting, optionally failing, middleware to `client`. */
export function spyOnDynamo(client: SpiedClient): DynamoSpy {
  const commandCounts = new Map<string, Map<string, number>>();
  const itemCounts = new Map<string, Map<string, number>>();
  let arming: Arming | null = null;
  spyCount += 1;
  const name = `dynamoSpy${spyCount}`;

  const bump = (counts: Map<string, Map<string, number>>, operation: string, table: string, by: number): void => {
    const perTable = counts.get(operation) ?? new Map<string, number>();
    perTable.set(table, (perTable.get(table) ?? 0) + by);
    counts.set(operation, perTable);
  };
  const total = (counts: Map<string, Map<string, number>>, operation: string, table?: string): number => {
    const perTable = counts.get(operation);
    if (!perTable) return 0;
    if (table !== undefined) return perTable.get(table) ?? 0;
    return [...perTable.values()].reduce((sum, count) => sum + count, 0);
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const perTable = itemsPerTable(operation, args.input as Record<string, unknown>);
      const tables = [...perTable.keys()];
      if (arming && WRITE_OPERATIONS.has(operation) && tables.some((table) => arming?.tables?.has(table) ?? true)) {
        arming.remaining -= 1;
        if (arming.remaining <= 0) {
          if (!arming.sticky) arming = null;
          throw new SimulatedCrash(operation, tables);
        }
      }
      for (const [table, count] of perTable) {
        bump(commandCounts, operation, table, 1);
        bump(itemCounts, operation, table, count);
      }
      return next(args);
    },
    { step: 'initialize', name },
  );

  const writesByTable = (): Record<string, number> => {
    const result: Record<string, number> = {};
    for (const operation of WRITE_OPERATIONS) {
      for (const [table, count] of itemCounts.get(operation) ?? []) result[table] = (result[table] ?? 0) + count;
    }
    return result;
  };

  return {
    commands: (operation, table) => total(commandCounts, operation, table),
    items: (operation, table) => total(itemCounts, operation, table),
    writes: (table) => {
      const byTable = writesByTable();
      if (table !== undefined) return byTable[table] ?? 0;
      return Object.values(byTable).reduce((sum, count) => sum + count, 0);
    },
    writesByTable,
    failOnWrite(k, tables) {
      if (!Number.isInteger(k) || k < 1) throw new Error('failOnWrite needs a write number of 1 or more');
      arming = { remaining: k, tables: tables ? new Set(tables) : null, sticky: false };
    },
    dieOnWrite(k) {
      if (!Number.isInteger(k) || k < 1) throw new Error('dieOnWrite needs a write number of 1 or more');
      arming = { remaining: k, tables: null, sticky: true };
    },
    reset() {
      commandCounts.clear();
      itemCounts.clear();
      arming = null;
    },
    detach() {
      client.middlewareStack.remove(name);
    },
  };
}
