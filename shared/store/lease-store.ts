/**
 * Leases keep imports and syncs of one object family from overlapping in a tenant. Each change is
 * one conditional write, so two workers racing for a lease can never both win.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeaseScope, LeaseStore } from '../ports/stores';
import { isConditionalCheckFailed } from './dynamo-errors';
import type { StoredItem } from './item-fields';
import { ENTITY_TYPE_ATTRIBUTE, KEY_ATTRIBUTES, leaseKey } from './keys';

/** `until` is an ISO-8601 UTC instant; those compare correctly as strings, which is what the conditions do. */
const LEASE_ATTRIBUTES = {
  tenantId: 'tenantId',
  scope: 'scope',
  holder: 'holder',
  until: 'until',
} as const;

function toItem(tenantId: string, scope: LeaseScope, holder: string, until: Date): StoredItem {
  return {
    ...leaseKey(tenantId, scope),
    [ENTITY_TYPE_ATTRIBUTE]: 'Lease',
    [LEASE_ATTRIBUTES.tenantId]: tenantId,
    [LEASE_ATTRIBUTES.scope]: scope,
    [LEASE_ATTRIBUTES.holder]: holder,
    [LEASE_ATTRIBUTES.until]: until.toISOString(),
  };
}

/** Runs a conditional write; answers whether its condition held. */
async function conditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** DynamoDB LeaseStore over the runs table. */
export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Also succeeds when `holder` already has the lease, so a retried acquire is harmless. */
  acquire(tenantId: string, scope: LeaseScope, holder: string, until: Date, now: Date): Promise<boolean> {
    const put = new PutCommand({
      TableName: this.tableName,
      Item: toItem(tenantId, scope, holder, until),
      ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now OR #holder = :holder',
      ExpressionAttributeNames: {
        '#pk': KEY_ATTRIBUTES.partitionKey,
        '#until': LEASE_ATTRIBUTES.until,
        '#holder': LEASE_ATTRIBUTES.holder,
      },
      ExpressionAttributeValues: { ':now': now.toISOString(), ':holder': holder },
    });
    return conditionHolds(() => this.doc.send(put));
  }

  renew(tenantId: string, scope: LeaseScope, holder: string, until: Date): Promise<boolean> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: leaseKey(tenantId, scope),
      UpdateExpression: 'SET #until = :until',
      ConditionExpression: '#holder = :holder',
      ExpressionAttributeNames: { '#until': LEASE_ATTRIBUTES.until, '#holder': LEASE_ATTRIBUTES.holder },
      ExpressionAttributeValues: { ':until': until.toISOString(), ':holder': holder },
    });
    return conditionHolds(() => this.doc.send(update));
  }

  /** Releasing a lease one no longer holds is a no-op: someone else's lease stays. */
  async release(tenantId: string, scope: LeaseScope, holder: string): Promise<void> {
    const remove = new DeleteCommand({
      TableName: this.tableName,
      Key: leaseKey(tenantId, scope),
      ConditionExpression: '#holder = :holder',
      ExpressionAttributeNames: { '#holder': LEASE_ATTRIBUTES.holder },
      ExpressionAttributeValues: { ':holder': holder },
    });
    await conditionHolds(() => this.doc.send(remove));
  }

  async isHeld(tenantId: string, scope: LeaseScope, now: Date): Promise<boolean> {
    const answer = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: leaseKey(tenantId, scope), ConsistentRead: true }),
    );
    const until = answer.Item?.[LEASE_ATTRIBUTES.until];
    return typeof until === 'string' && until >= now.toISOString();
  }
}
