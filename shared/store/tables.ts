/**
 * The three tables, described once: `createTables` builds them locally and the CDK stack builds
 * them in the cloud from the same `TABLE_SCHEMAS`.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, SECONDARY_INDEX_NAME } from './keys';

/** Physical table names, from configuration; adapters never hard-code them. */
export interface TableNames {
  entities: string;
  links: string;
  runs: string;
}

export interface KeyAttribute {
  name: string;
  /** Every key in this design is a string. */
  type: 'S';
}

interface TableIndexSchema {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  projection: 'ALL';
}

export interface TableSchema {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: readonly TableIndexSchema[];
  /** Attribute holding the expiry in epoch seconds, or null when items never expire. */
  timeToLiveAttribute: string | null;
}

const stringKey = (name: string): KeyAttribute => ({ name, type: 'S' });

const PRIMARY_KEY = {
  partitionKey: stringKey(KEY_ATTRIBUTES.partitionKey),
  sortKey: stringKey(KEY_ATTRIBUTES.sortKey),
};

/** Keys, index and TTL of each table. */
export const TABLE_SCHEMAS: Readonly<Record<keyof TableNames, TableSchema>> = {
  entities: {
    ...PRIMARY_KEY,
    globalSecondaryIndexes: [
      {
        indexName: SECONDARY_INDEX_NAME,
        partitionKey: stringKey(KEY_ATTRIBUTES.indexPartitionKey),
        sortKey: stringKey(KEY_ATTRIBUTES.indexSortKey),
        projection: 'ALL',
      },
    ],
    timeToLiveAttribute: null,
  },
  links: { ...PRIMARY_KEY, globalSecondaryIndexes: [], timeToLiveAttribute: null },
  runs: { ...PRIMARY_KEY, globalSecondaryIndexes: [], timeToLiveAttribute: EXPIRES_AT_ATTRIBUTE },
};

export interface CreateTablesOptions {
  /**
   * Turn TTL on for tables that declare it. Off by default because the local emulator (dynalite)
   * does not implement UpdateTimeToLive; in the cloud the CDK stack sets TTL.
   */
  enableTimeToLive?: boolean;
  /** How long to wait for a new table to become ACTIVE. */
  activeTimeoutMs?: number;
}

const DEFAULT_ACTIVE_TIMEOUT_MS = 60_000;
const ACTIVE_POLL_INTERVAL_MS = 25;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    { AttributeName: sortKey.name, KeyType: 'RANGE' },
  ];
}

function attributeDefinitions(schema: TableSchema): { AttributeName: string; AttributeType: 'S' }[] {
  const keys = [schema.partitionKey, schema.sortKey, ...schema.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  const unique = new Map(keys.map((key) => [key.name, key.type]));
  return [...unique].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | null> {
  try {
    const answer = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return answer.Table?.TableStatus ?? null;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

async function createTable(client: DynamoDBClient, tableName: string, schema: TableSchema): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(schema.partitionKey, schema.sortKey),
        AttributeDefinitions: attributeDefinitions(schema),
        GlobalSecondaryIndexes:
          schema.globalSecondaryIndexes.length > 0
            ? schema.globalSecondaryIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: index.projection },
              }))
            : undefined,
      }),
    );
  } catch (error) {
    // Another process created it between our DescribeTable and CreateTable: fine, wait for it.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
}

/** Polls DescribeTable; the SDK waiter's 20 s minimum delay would dominate every local start. */
async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await tableStatus(client, tableName)) !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await sleep(ACTIVE_POLL_INTERVAL_MS);
  }
}

/** Creates whichever of the three tables is missing and waits until all are ACTIVE. */
export async function createTables(client: DynamoDBClient, names: TableNames, options: CreateTablesOptions = {}): Promise<void> {
  const timeoutMs = options.activeTimeoutMs ?? DEFAULT_ACTIVE_TIMEOUT_MS;
  const tables = Object.keys(TABLE_SCHEMAS) as (keyof TableNames)[];
  await Promise.all(
    tables.map(async (table) => {
      const tableName = names[table];
      const schema = TABLE_SCHEMAS[table];
      if ((await tableStatus(client, tableName)) === null) await createTable(client, tableName, schema);
      await waitUntilActive(client, tableName, timeoutMs);
      if (options.enableTimeToLive && schema.timeToLiveAttribute !== null) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: schema.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    }),
  );
}
