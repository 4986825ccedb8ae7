/** Tenants' Intacct connections in the entities table, indexed so the nightly fan-out can list them. */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Connection, ConnectionStore, LeaseScope } from '../ports/stores';
import { isConditionalCheckFailed } from './dynamo-errors';
import { readNullableString, readString, type StoredItem } from './item-fields';
import {
  CONNECTED_PARTITION,
  ENTITY_TYPE_ATTRIBUTE,
  KEY_ATTRIBUTES,
  SECONDARY_INDEX_NAME,
  connectedIndexKey,
  connectionKey,
} from './keys';
import { iteratePartition } from './paging';

/**
 * The last-sync times are top-level attributes rather than one map, so recording one family's
 * finish is a single SET that needs no map to exist first.
 */
const CONNECTION_ATTRIBUTES = {
  tenantId: 'tenantId',
  companyId: 'companyId',
  userId: 'userId',
  entityId: 'entityId',
  secretRef: 'secretRef',
  connectedAt: 'connectedAt',
  lastSyncClients: 'lastSyncClients',
  lastSyncUsers: 'lastSyncUsers',
} as const;

const LAST_SYNC_ATTRIBUTE: Record<LeaseScope, string> = {
  clients: CONNECTION_ATTRIBUTES.lastSyncClients,
  users: CONNECTION_ATTRIBUTES.lastSyncUsers,
};

/** Connections per index page in the nightly fan-out. */
export const DEFAULT_CONNECTION_PAGE_SIZE = 100;

function toItem(connection: Connection): StoredItem {
  return {
    ...connectionKey(connection.tenantId),
    ...connectedIndexKey(connection.tenantId),
    [ENTITY_TYPE_ATTRIBUTE]: 'Connection',
    [CONNECTION_ATTRIBUTES.tenantId]: connection.tenantId,
    [CONNECTION_ATTRIBUTES.companyId]: connection.companyId,
    [CONNECTION_ATTRIBUTES.userId]: connection.userId,
    [CONNECTION_ATTRIBUTES.entityId]: connection.entityId,
    [CONNECTION_ATTRIBUTES.secretRef]: connection.secretRef,
    [CONNECTION_ATTRIBUTES.connectedAt]: connection.connectedAt,
    [CONNECTION_ATTRIBUTES.lastSyncClients]: connection.lastSync.clients,
    [CONNECTION_ATTRIBUTES.lastSyncUsers]: connection.lastSync.users,
  };
}

function fromItem(item: StoredItem): Connection {
  return {
    tenantId: readString(item, CONNECTION_ATTRIBUTES.tenantId),
    companyId: readString(item, CONNECTION_ATTRIBUTES.companyId),
    userId: readString(item, CONNECTION_ATTRIBUTES.userId),
    entityId: readNullableString(item, CONNECTION_ATTRIBUTES.entityId),
    secretRef: readString(item, CONNECTION_ATTRIBUTES.secretRef),
    connectedAt: readString(item, CONNECTION_ATTRIBUTES.connectedAt),
    lastSync: {
      clients: readNullableString(item, CONNECTION_ATTRIBUTES.lastSyncClients),
      users: readNullableString(item, CONNECTION_ATTRIBUTES.lastSyncUsers),
    },
  };
}

export interface ConnectionStoreOptions {
  pageSize?: number;
}

/** DynamoDB ConnectionStore over the entities table. */
export class DynamoConnectionStore implements ConnectionStore {
  private readonly pageSize: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: ConnectionStoreOptions = {},
  ) {
    this.pageSize = options.pageSize ?? DEFAULT_CONNECTION_PAGE_SIZE;
  }

  async get(tenantId: string): Promise<Connection | null> {
    const answer = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: connectionKey(tenantId), ConsistentRead: true }),
    );
    return answer.Item ? fromItem(answer.Item) : null;
  }

  async put(connection: Connection): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: toItem(connection) }));
  }

  async delete(tenantId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: connectionKey(tenantId) }));
  }

  /** Reads the index, so a tenant connected a moment ago may only show up on the next listing. */
  async *listConnected(): AsyncIterable<Connection[]> {
    const pages = iteratePartition({
      doc: this.doc,
      tableName: this.tableName,
      indexName: SECONDARY_INDEX_NAME,
      partitionAttribute: KEY_ATTRIBUTES.indexPartitionKey,
      partition: CONNECTED_PARTITION,
      pageSize: this.pageSize,
    });
    for await (const items of pages) yield items.map(fromItem);
  }

  /** A tenant that disconnected while its sync ran stays disconnected: the time is then dropped. */
  async recordSyncFinished(tenantId: string, scope: LeaseScope, finishedAt: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: connectionKey(tenantId),
          UpdateExpression: 'SET #lastSync = :finishedAt',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#lastSync': LAST_SYNC_ATTRIBUTE[scope], '#pk': KEY_ATTRIBUTES.partitionKey },
          ExpressionAttributeValues: { ':finishedAt': finishedAt },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
