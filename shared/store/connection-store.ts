/**
 * Tenants' Intacct connections in the entities table, indexed so the nightly fan-out can list
 * them; their last-sync times live in the runs table (see `syncStateKey`).
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunFamily } from '#domain/runs';
import { type Connection, type ConnectionStore, INTACCT_GATEWAYS, type IntacctGateway, type LinkedCompany } from '#ports/stores';
import { isConditionalCheckFailed } from './dynamo-errors';
import { readEnum, readNullableString, readNumber, readString, type StoredItem } from './item-fields';
import {
  CONNECTED_PARTITION,
  connectedIndexKey,
  connectFailuresKey,
  connectionKey,
  ENTITY_TYPE_ATTRIBUTE,
  EXPIRES_AT_ATTRIBUTE,
  KEY_ATTRIBUTES,
  SECONDARY_INDEX_NAME,
  syncStateKey,
} from './keys';
import { iteratePartition } from './paging';

const CONNECTION_ATTRIBUTES = {
  tenantId: 'tenantId',
  companyId: 'companyId',
  userId: 'userId',
  entityId: 'entityId',
  gateway: 'gateway',
  secretRef: 'secretRef',
  connectedAt: 'connectedAt',
} as const;

/**
 * The last-sync times are top-level attributes of the sync-state item rather than one map, so
 * recording one family's finish is a single SET that needs no map to exist first.
 */
const SYNC_STATE_ATTRIBUTES = {
  lastSyncClients: 'lastSyncClients',
  lastSyncUsers: 'lastSyncUsers',
  linkedCompanyId: 'linkedCompanyId',
  linkedEntityId: 'linkedEntityId',
} as const;

const LAST_SYNC_ATTRIBUTE: Record<RunFamily, string> = {
  clients: SYNC_STATE_ATTRIBUTES.lastSyncClients,
  users: SYNC_STATE_ATTRIBUTES.lastSyncUsers,
};

const FAILURE_ATTRIBUTES = { windowStart: 'windowStart', count: 'failures' } as const;
/** A window's count is kept a day at most: long after any throttling window. */
const FAILURE_RETENTION_SECONDS = 86_400;
const MS_PER_SECOND = 1000;

/** Connections per index page in the nightly fan-out. */
const DEFAULT_CONNECTION_PAGE_SIZE = 100;

function toItem(connection: Connection): StoredItem {
  return {
    ...connectionKey(connection.tenantId),
    ...connectedIndexKey(connection.tenantId),
    [ENTITY_TYPE_ATTRIBUTE]: 'Connection',
    [CONNECTION_ATTRIBUTES.tenantId]: connection.tenantId,
    [CONNECTION_ATTRIBUTES.companyId]: connection.companyId,
    [CONNECTION_ATTRIBUTES.userId]: connection.userId,
    [CONNECTION_ATTRIBUTES.entityId]: connection.entityId,
    [CONNECTION_ATTRIBUTES.gateway]: connection.gateway,
    [CONNECTION_ATTRIBUTES.secretRef]: connection.secretRef,
    [CONNECTION_ATTRIBUTES.connectedAt]: connection.connectedAt,
  };
}

/** Connections saved before the REST gateway existed carry no gateway: they are XML ones. */
const gatewayOf = (item: StoredItem): IntacctGateway =>
  item[CONNECTION_ATTRIBUTES.gateway] === undefined ? 'xml' : readEnum(item, CONNECTION_ATTRIBUTES.gateway, INTACCT_GATEWAYS);

function fromItem(item: StoredItem, syncState: StoredItem | undefined): Connection {
  return {
    tenantId: readString(item, CONNECTION_ATTRIBUTES.tenantId),
    companyId: readString(item, CONNECTION_ATTRIBUTES.companyId),
    userId: readString(item, CONNECTION_ATTRIBUTES.userId),
    entityId: readNullableString(item, CONNECTION_ATTRIBUTES.entityId),
    gateway: gatewayOf(item),
    secretRef: readString(item, CONNECTION_ATTRIBUTES.secretRef),
    connectedAt: readString(item, CONNECTION_ATTRIBUTES.connectedAt),
    lastSync: {
      clients: syncState ? readNullableString(syncState, SYNC_STATE_ATTRIBUTES.lastSyncClients) : null,
      users: syncState ? readNullableString(syncState, SYNC_STATE_ATTRIBUTES.lastSyncUsers) : null,
    },
  };
}

export interface ConnectionStoreOptions {
  pageSize?: number;
}

/** DynamoDB ConnectionStore: connections in the entities table, sync state in the runs table. */
export class DynamoConnectionStore implements ConnectionStore {
  private readonly pageSize: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly syncStateTableName: string,
    options: ConnectionStoreOptions = {},
  ) {
    this.pageSize = options.pageSize ?? DEFAULT_CONNECTION_PAGE_SIZE;
  }

  async get(tenantId: string): Promise<Connection | null> {
    const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: connectionKey(tenantId), ConsistentRead: true }));
    if (!answer.Item) return null;
    return fromItem(answer.Item, await this.syncState(tenantId));
  }

  private async syncState(tenantId: string): Promise<StoredItem | undefined> {
    const answer = await this.doc.send(new GetCommand({ TableName: this.syncStateTableName, Key: syncStateKey(tenantId), ConsistentRead: true }));
    return answer.Item;
  }

  /** Saves the connection; the last-sync times are left as the syncs recorded them. */
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
    for await (const items of pages) yield items.map((item) => fromItem(item, undefined));
  }

  async linkedCompany(tenantId: string): Promise<LinkedCompany | null> {
    const state = await this.syncState(tenantId);
    const companyId = state ? readNullableString(state, SYNC_STATE_ATTRIBUTES.linkedCompanyId) : null;
    if (state === undefined || companyId === null) return null;
    return { companyId, entityId: readNullableString(state, SYNC_STATE_ATTRIBUTES.linkedEntityId) };
  }

  async setLinkedCompany(tenantId: string, company: LinkedCompany): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.syncStateTableName,
        Key: syncStateKey(tenantId),
        UpdateExpression: 'SET #companyId = :companyId, #entityId = :entityId, #entityType = :entityType',
        ExpressionAttributeNames: {
          '#companyId': SYNC_STATE_ATTRIBUTES.linkedCompanyId,
          '#entityId': SYNC_STATE_ATTRIBUTES.linkedEntityId,
          '#entityType': ENTITY_TYPE_ATTRIBUTE,
        },
        ExpressionAttributeValues: { ':companyId': company.companyId, ':entityId': company.entityId, ':entityType': 'SyncState' },
      }),
    );
  }

  async failedConnects(tenantId: string, since: string): Promise<{ count: number; windowStart: string | null }> {
    const answer = await this.doc.send(
      new GetCommand({ TableName: this.syncStateTableName, Key: connectFailuresKey(tenantId), ConsistentRead: true }),
    );
    const windowStart = answer.Item ? readString(answer.Item, FAILURE_ATTRIBUTES.windowStart) : null;
    if (!answer.Item || windowStart === null || windowStart < since) return { count: 0, windowStart: null };
    return { count: readNumber(answer.Item, FAILURE_ATTRIBUTES.count), windowStart };
  }

  async recordFailedConnect(tenantId: string, at: string, since: string): Promise<void> {
    const expiresAt = Math.floor(Date.parse(at) / MS_PER_SECOND) + FAILURE_RETENTION_SECONDS;
    // Counted into the current window, or a new window from `at` when the last one has passed.
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.syncStateTableName,
          Key: connectFailuresKey(tenantId),
          UpdateExpression: 'SET #entityType = :entityType, #expiresAt = :expiresAt ADD #count :one',
          ConditionExpression: 'attribute_exists(#windowStart) AND #windowStart >= :since',
          ExpressionAttributeNames: {
            '#entityType': ENTITY_TYPE_ATTRIBUTE,
            '#expiresAt': EXPIRES_AT_ATTRIBUTE,
            '#count': FAILURE_ATTRIBUTES.count,
            '#windowStart': FAILURE_ATTRIBUTES.windowStart,
          },
          ExpressionAttributeValues: { ':entityType': 'ConnectFailures', ':expiresAt': expiresAt, ':one': 1, ':since': since },
        }),
      )
      .catch(async (error: unknown) => {
        if (!isConditionalCheckFailed(error)) throw error;
        await this.doc.send(
          new PutCommand({
            TableName: this.syncStateTableName,
            Item: {
              ...connectFailuresKey(tenantId),
              [ENTITY_TYPE_ATTRIBUTE]: 'ConnectFailures',
              [EXPIRES_AT_ATTRIBUTE]: expiresAt,
              [FAILURE_ATTRIBUTES.windowStart]: at,
              [FAILURE_ATTRIBUTES.count]: 1,
            },
          }),
        );
      });
  }

  async recordSyncFinished(tenantId: string, scope: RunFamily, finishedAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.syncStateTableName,
        Key: syncStateKey(tenantId),
        UpdateExpression: 'SET #lastSync = :finishedAt, #entityType = :entityType',
        ExpressionAttributeNames: { '#lastSync': LAST_SYNC_ATTRIBUTE[scope], '#entityType': ENTITY_TYPE_ATTRIBUTE },
        ExpressionAttributeValues: { ':finishedAt': finishedAt, ':entityType': 'SyncState' },
      }),
    );
  }
}
