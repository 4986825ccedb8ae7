/**
 * The one DynamoDB adapter behind clients, users and departments: each kind supplies its codec
 * (its partition, its own attributes, optionally an index key), this supplies the conditional writes.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict, InvalidInput } from '#domain/errors';
import type { EntityStore, Page, PageRequest } from '#ports/stores';
import { type BatchRetryPolicy, batchGetAll, batchPutAll } from './batch';
import { conditionHolds, isConditionalCheckFailed } from './dynamo-errors';
import { readNumber, readString, type StoredItem } from './item-fields';
import { ENTITY_TYPE_ATTRIBUTE, type EntityType, entityKey, KEY_ATTRIBUTES, type SecondaryIndexKey } from './keys';
import { queryPartitionPage } from './paging';

export interface VersionedEntity {
  id: string;
  tenantId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Attributes every versioned entity stores besides its own. */
const VERSIONED_ATTRIBUTES = {
  id: 'id',
  tenantId: 'tenantId',
  version: 'version',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
} as const;

/** What one kind of entity tells the shared adapter. */
export interface VersionedEntityCodec<T extends VersionedEntity> {
  entityType: EntityType;
  /** The partition holding every entity of this kind in a tenant. */
  partition(tenantId: string): string;
  /** Index key, for kinds looked up by something other than their id. */
  indexKey?(entity: T): SecondaryIndexKey;
  /** The kind's own attributes (everything but the versioned base fields). */
  toAttributes(entity: T): StoredItem;
  /** Rebuilds the entity from its stored item and the already-read base fields. */
  fromAttributes(item: StoredItem, base: VersionedEntity): T;
}

export interface VersionedEntityStoreConfig<T extends VersionedEntity> {
  doc: DynamoDBDocumentClient;
  tableName: string;
  codec: VersionedEntityCodec<T>;
  batchRetry?: BatchRetryPolicy;
}

/** The full item of `entity`: keys, entity type, base fields and the kind's own attributes. */
function versionedToItem<T extends VersionedEntity>(codec: VersionedEntityCodec<T>, entity: T): StoredItem {
  return {
    ...codec.toAttributes(entity),
    ...entityKey(codec.partition(entity.tenantId), entity.id),
    ...(codec.indexKey ? codec.indexKey(entity) : {}),
    [ENTITY_TYPE_ATTRIBUTE]: codec.entityType,
    [VERSIONED_ATTRIBUTES.id]: entity.id,
    [VERSIONED_ATTRIBUTES.tenantId]: entity.tenantId,
    [VERSIONED_ATTRIBUTES.version]: entity.version,
    [VERSIONED_ATTRIBUTES.createdAt]: entity.createdAt,
    [VERSIONED_ATTRIBUTES.updatedAt]: entity.updatedAt,
  };
}

/** The entity stored in `item`. */
export function versionedFromItem<T extends VersionedEntity>(codec: VersionedEntityCodec<T>, item: StoredItem): T {
  const entityType = readString(item, ENTITY_TYPE_ATTRIBUTE);
  if (entityType !== codec.entityType) {
    throw new Error(`Expected a stored ${codec.entityType}, found a ${entityType}`);
  }
  return codec.fromAttributes(item, {
    id: readString(item, VERSIONED_ATTRIBUTES.id),
    tenantId: readString(item, VERSIONED_ATTRIBUTES.tenantId),
    version: readNumber(item, VERSIONED_ATTRIBUTES.version),
    createdAt: readString(item, VERSIONED_ATTRIBUTES.createdAt),
    updatedAt: readString(item, VERSIONED_ATTRIBUTES.updatedAt),
  });
}

/** An EntityStore over one partition per tenant of the entities table. */
export class VersionedEntityStore<T extends VersionedEntity> implements EntityStore<T> {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly tableName: string;
  protected readonly codec: VersionedEntityCodec<T>;
  private readonly batchRetry: BatchRetryPolicy | undefined;

  constructor(config: VersionedEntityStoreConfig<T>) {
    this.doc = config.doc;
    this.tableName = config.tableName;
    this.codec = config.codec;
    this.batchRetry = config.batchRetry;
  }

  async get(tenantId: string, id: string): Promise<T | null> {
    const answer = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: entityKey(this.codec.partition(tenantId), id),
        ConsistentRead: true,
      }),
    );
    return answer.Item ? versionedFromItem(this.codec, answer.Item) : null;
  }

  async getMany(tenantId: string, ids: readonly string[]): Promise<Map<string, T>> {
    const partition = this.codec.partition(tenantId);
    const items = await batchGetAll(
      this.doc,
      this.tableName,
      ids.map((id) => entityKey(partition, id)),
      this.batchRetry,
    );
    const found = new Map<string, T>();
    for (const item of items) {
      const entity = versionedFromItem(this.codec, item);
      found.set(entity.id, entity);
    }
    return found;
  }

  list(tenantId: string, page: PageRequest): Promise<Page<T>> {
    return queryPartitionPage({
      doc: this.doc,
      tableName: this.tableName,
      partition: this.codec.partition(tenantId),
      page,
      fromItem: (item) => versionedFromItem(this.codec, item),
    });
  }

  async create(entity: T): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: versionedToItem(this.codec, entity),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new Conflict('already_exists', `${this.codec.entityType} ${entity.id} already exists.`);
      }
      throw error;
    }
  }

  async createNew(entities: readonly T[]): Promise<void> {
    await batchPutAll(
      this.doc,
      this.tableName,
      entities.map((entity) => versionedToItem(this.codec, entity)),
      this.batchRetry,
    );
  }

  async update(entity: T, expectedVersion: number): Promise<void> {
    if (entity.version !== expectedVersion + 1) {
      throw new InvalidInput('invalid_version', `The new version must be ${expectedVersion + 1}.`, [
        { field: 'version', message: `must be expectedVersion + 1 (${expectedVersion + 1})` },
      ]);
    }
    try {
      // A whole-item put, so a renamed client moves in the name index in the same single write.
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: versionedToItem(this.codec, entity),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': VERSIONED_ATTRIBUTES.version },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new Conflict(
          'version_conflict',
          `${this.codec.entityType} ${entity.id} was changed or removed since version ${expectedVersion} was read.`,
        );
      }
      throw error;
    }
  }

  deleteIfVersion(tenantId: string, id: string, expectedVersion: number): Promise<boolean> {
    return conditionHolds(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: entityKey(this.codec.partition(tenantId), id),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': VERSIONED_ATTRIBUTES.version },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      ),
    );
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: entityKey(this.codec.partition(tenantId), id) }));
  }
}
