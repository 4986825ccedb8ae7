/**
 * Leases keep imports and syncs of one object family from overlapping in a tenant. Each change is
 * one conditional write (a compare-and-set on what was read), so two workers racing for a lease
 * can never both win, and whoever wins learns exactly whom it took the lease from.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_FAMILIES, type RunFamily } from '#domain/runs';
import type { Lease, LeaseStore } from '#ports/stores';
import { conditionHolds } from './dynamo-errors';
import { readEnum, readNullableString, readString, type StoredItem } from './item-fields';
import { ENTITY_TYPE_ATTRIBUTE, KEY_ATTRIBUTES, leaseKey } from './keys';

/** `until` is an ISO-8601 UTC instant; those compare correctly as strings. */
const LEASE_ATTRIBUTES = {
  tenantId: 'tenantId',
  family: 'scope',
  holder: 'holder',
  execution: 'execution',
  until: 'until',
} as const;

function toItem(lease: Lease): StoredItem {
  return {
    ...leaseKey(lease.tenantId, lease.family),
    [ENTITY_TYPE_ATTRIBUTE]: 'Lease',
    [LEASE_ATTRIBUTES.tenantId]: lease.tenantId,
    [LEASE_ATTRIBUTES.family]: lease.family,
    [LEASE_ATTRIBUTES.holder]: lease.holder,
    // No execution yet is no attribute, which is what the conditions test for.
    ...(lease.execution === null ? {} : { [LEASE_ATTRIBUTES.execution]: lease.execution }),
    [LEASE_ATTRIBUTES.until]: lease.until,
  };
}

/** A condition that `#execution` is `execution`, or absent when that is null, with its values. */
function executionIs(execution: string | null): { condition: string; values: Record<string, string> } {
  return execution === null
    ? { condition: 'attribute_not_exists(#execution)', values: {} }
    : { condition: '#execution = :execution', values: { ':execution': execution } };
}

function fromItem(item: StoredItem): Lease {
  return {
    tenantId: readString(item, LEASE_ATTRIBUTES.tenantId),
    family: readEnum(item, LEASE_ATTRIBUTES.family, RUN_FAMILIES),
    holder: readString(item, LEASE_ATTRIBUTES.holder),
    execution: readNullableString(item, LEASE_ATTRIBUTES.execution),
    until: readString(item, LEASE_ATTRIBUTES.until),
  };
}

/** DynamoDB LeaseStore over the runs table. */
export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, family: RunFamily): Promise<Lease | null> {
    const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: leaseKey(tenantId, family), ConsistentRead: true }));
    return answer.Item ? fromItem(answer.Item) : null;
  }

  replace(expected: Lease | null, next: Lease): Promise<boolean> {
    if (expected === null) {
      const create = new PutCommand({
        TableName: this.tableName,
        Item: toItem(next),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
      });
      return conditionHolds(() => this.doc.send(create));
    }
    const execution = executionIs(expected.execution);
    const swap = new PutCommand({
      TableName: this.tableName,
      Item: toItem(next),
      ConditionExpression: `#holder = :holder AND #until = :until AND ${execution.condition}`,
      ExpressionAttributeNames: { '#holder': LEASE_ATTRIBUTES.holder, '#execution': LEASE_ATTRIBUTES.execution, '#until': LEASE_ATTRIBUTES.until },
      ExpressionAttributeValues: { ':holder': expected.holder, ':until': expected.until, ...execution.values },
    });
    return conditionHolds(() => this.doc.send(swap));
  }

  renew(tenantId: string, family: RunFamily, holder: string, execution: string | null, until: string, nextExecution?: string): Promise<boolean> {
    const current = executionIs(execution);
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: leaseKey(tenantId, family),
      UpdateExpression: nextExecution === undefined ? 'SET #until = :until' : 'SET #until = :until, #execution = :nextExecution',
      ConditionExpression: `#holder = :holder AND ${current.condition}`,
      ExpressionAttributeNames: { '#until': LEASE_ATTRIBUTES.until, '#holder': LEASE_ATTRIBUTES.holder, '#execution': LEASE_ATTRIBUTES.execution },
      ExpressionAttributeValues: {
        ':until': until,
        ':holder': holder,
        ...current.values,
        ...(nextExecution === undefined ? {} : { ':nextExecution': nextExecution }),
      },
    });
    return conditionHolds(() => this.doc.send(update));
  }

  /** Releasing a lease one no longer holds is a no-op: someone else's lease stays. */
  async release(tenantId: string, family: RunFamily, holder: string): Promise<void> {
    const remove = new DeleteCommand({
      TableName: this.tableName,
      Key: leaseKey(tenantId, family),
      ConditionExpression: '#holder = :holder',
      ExpressionAttributeNames: { '#holder': LEASE_ATTRIBUTES.holder },
      ExpressionAttributeValues: { ':holder': holder },
    });
    await conditionHolds(() => this.doc.send(remove));
  }
}
