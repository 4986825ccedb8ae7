/** Builds the DynamoDB clients and wires every store adapter to its table. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#ports/runtime';
import type { Stores } from '#ports/stores';
import type { BatchRetryPolicy } from './batch';
import { DynamoClientStore } from './client-store';
import { DynamoConnectionStore } from './connection-store';
import { DynamoDepartmentStore } from './department-store';
import { raiseConcurrentChanges } from './dynamo-errors';
import { DynamoLeaseStore } from './lease-store';
import { DynamoLinkStore } from './link-store';
import { DynamoRunStore } from './run-store';
import type { TableNames } from './tables';
import { DynamoUserStore } from './user-store';

export interface DynamoClientOptions {
  /** A local DynamoDB-compatible endpoint (dynalite); omit in the cloud. */
  endpoint?: string;
  /** Defaults to the SDK's own resolution (AWS_REGION on Lambda), or `local` with an endpoint. */
  region?: string;
}

const LOCAL_REGION = 'local';
/** Local emulators check that requests are signed, not by whom. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A low-level DynamoDB client; with an endpoint it signs with fixed local credentials. */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  const client = options.endpoint
    ? new DynamoDBClient({ endpoint: options.endpoint, region: options.region ?? LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
    : new DynamoDBClient(options.region ? { region: options.region } : {});
  raiseConcurrentChanges(client);
  return client;
}

/**
 * Wraps `client` in the document client every adapter uses. Undefined values are dropped,
 * since domain objects may carry optional fields DynamoDB cannot store.
 */
export function documentClientFor(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export interface StoreOptions {
  /** Source of run-record creation times (for their TTL); the system clock by default. */
  clock?: Clock;
  runRecordRetentionDays?: number;
  linkPageSize?: number;
  connectionPageSize?: number;
  batchRetry?: BatchRetryPolicy;
}

export type { Stores };

const systemClock: Clock = { now: () => new Date() };

/** Every store adapter, over the tables named in `names`. */
export function createStores(doc: DynamoDBDocumentClient, names: TableNames, options: StoreOptions = {}): Stores {
  return {
    clients: new DynamoClientStore(doc, names.entities, options.batchRetry),
    users: new DynamoUserStore(doc, names.entities, options.batchRetry),
    departments: new DynamoDepartmentStore(doc, names.entities, options.batchRetry),
    links: new DynamoLinkStore(doc, names.links, { pageSize: options.linkPageSize, batchRetry: options.batchRetry }),
    runs: new DynamoRunStore(doc, names.runs, {
      clock: options.clock ?? systemClock,
      recordRetentionDays: options.runRecordRetentionDays,
      batchRetry: options.batchRetry,
    }),
    leases: new DynamoLeaseStore(doc, names.runs),
    connections: new DynamoConnectionStore(doc, names.entities, names.runs, { pageSize: options.connectionPageSize }),
  };
}
