/** Clients in the entities table, findable by normalised name through the index. */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Client } from '#domain/entities';
import { normalizeName } from '#domain/sync-rules';
import type { ClientStore } from '#ports/stores';
import type { BatchRetryPolicy } from './batch';
import { readMap, readString, type StoredItem } from './item-fields';
import { clientNameIndexKey, clientNamePartition, clientPartition, KEY_ATTRIBUTES, SECONDARY_INDEX_NAME } from './keys';
import { type VersionedEntityCodec, VersionedEntityStore, versionedFromItem } from './versioned-entity-store';

const CLIENT_ATTRIBUTES = {
  name: 'name',
  street: 'street',
  zip: 'zip',
  city: 'city',
  country: 'country',
  countryCode: 'countryCode',
  notes: 'notes',
  integrations: 'integrations',
} as const;

const clientCodec: VersionedEntityCodec<Client> = {
  entityType: 'Client',
  partition: clientPartition,
  indexKey: (client) => clientNameIndexKey(client.tenantId, normalizeName(client.name), client.id),
  toAttributes: (client) => ({
    [CLIENT_ATTRIBUTES.name]: client.name,
    [CLIENT_ATTRIBUTES.street]: client.street,
    [CLIENT_ATTRIBUTES.zip]: client.zip,
    [CLIENT_ATTRIBUTES.city]: client.city,
    [CLIENT_ATTRIBUTES.country]: client.country,
    [CLIENT_ATTRIBUTES.countryCode]: client.countryCode,
    [CLIENT_ATTRIBUTES.notes]: client.notes,
    [CLIENT_ATTRIBUTES.integrations]: client.integrations,
  }),
  fromAttributes: (item, base) => ({
    ...base,
    name: readString(item, CLIENT_ATTRIBUTES.name),
    street: readString(item, CLIENT_ATTRIBUTES.street),
    zip: readString(item, CLIENT_ATTRIBUTES.zip),
    city: readString(item, CLIENT_ATTRIBUTES.city),
    country: readString(item, CLIENT_ATTRIBUTES.country),
    countryCode: readString(item, CLIENT_ATTRIBUTES.countryCode),
    notes: readString(item, CLIENT_ATTRIBUTES.notes),
    integrations: readMap<Client['integrations']>(item, CLIENT_ATTRIBUTES.integrations),
  }),
};

/** DynamoDB ClientStore. */
export class DynamoClientStore extends VersionedEntityStore<Client> implements ClientStore {
  constructor(doc: DynamoDBDocumentClient, tableName: string, batchRetry?: BatchRetryPolicy) {
    super({ doc, tableName, codec: clientCodec, batchRetry });
  }

  /**
   * Reads the name index, which DynamoDB keeps eventually consistent: a client created
   * a moment ago may not be found yet.
   */
  async findByName(tenantId: string, name: string): Promise<Client[]> {
    const clients: Client[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SECONDARY_INDEX_NAME,
          KeyConditionExpression: '#gsi1pk = :name',
          ExpressionAttributeNames: { '#gsi1pk': KEY_ATTRIBUTES.indexPartitionKey },
          ExpressionAttributeValues: { ':name': clientNamePartition(tenantId, normalizeName(name)) },
          ExclusiveStartKey: startKey,
        }),
      );
      clients.push(...(answer.Items ?? []).map((item: StoredItem) => versionedFromItem(clientCodec, item)));
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
    return clients;
  }
}
