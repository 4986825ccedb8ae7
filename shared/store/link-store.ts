/** Links between Intacct records and PSA records, one partition per tenant and Intacct object. */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IntacctObject } from '#domain/entities';
import { INTACCT_OBJECTS } from '#domain/runs';
import type { Link, LinkClaim, LinkStore } from '#ports/stores';
import { type BatchRetryPolicy, batchGetAll, batchPutAll } from './batch';
import { conditionHolds, isConditionalCheckFailed } from './dynamo-errors';
import { readEnum, readNullableString, readString, type StoredItem } from './item-fields';
import { ENTITY_TYPE_ATTRIBUTE, KEY_ATTRIBUTES, linkKey, linkPartition } from './keys';
import { iteratePartition } from './paging';

const LINK_ATTRIBUTES = {
  tenantId: 'tenantId',
  object: 'object',
  recordNo: 'recordNo',
  intacctId: 'intacctId',
  psaId: 'psaId',
  createdAt: 'createdAt',
  fingerprint: 'fingerprint',
  claimRunId: 'claimRunId',
  claimIntent: 'claimIntent',
} as const;

const CLAIM_INTENTS = ['create', 'link'] as const;

/** Prefix of a fingerprint set by a PSA edit: no mapping's fingerprint ever starts so. */
const EDITED_FINGERPRINT_PREFIX = 'edited:';

/** Links per Query page when a sync walks every link of an object. */
const DEFAULT_LINK_PAGE_SIZE = 500;

function toItem(link: Link): StoredItem {
  return {
    ...linkKey(link.tenantId, link.object, link.recordNo),
    [ENTITY_TYPE_ATTRIBUTE]: 'Link',
    [LINK_ATTRIBUTES.tenantId]: link.tenantId,
    [LINK_ATTRIBUTES.object]: link.object,
    [LINK_ATTRIBUTES.recordNo]: link.recordNo,
    [LINK_ATTRIBUTES.intacctId]: link.intacctId,
    [LINK_ATTRIBUTES.psaId]: link.psaId,
    [LINK_ATTRIBUTES.createdAt]: link.createdAt,
    // An unknown fingerprint is stored as no attribute, which is what the conditions test for.
    ...(link.fingerprint === null ? {} : { [LINK_ATTRIBUTES.fingerprint]: link.fingerprint }),
    ...(link.claim === null ? {} : { [LINK_ATTRIBUTES.claimRunId]: link.claim.runId, [LINK_ATTRIBUTES.claimIntent]: link.claim.intent }),
  };
}

function claimOf(item: StoredItem): LinkClaim | null {
  const runId = readNullableString(item, LINK_ATTRIBUTES.claimRunId);
  return runId === null ? null : { runId, intent: readEnum(item, LINK_ATTRIBUTES.claimIntent, CLAIM_INTENTS) };
}

function fromItem(item: StoredItem): Link {
  return {
    tenantId: readString(item, LINK_ATTRIBUTES.tenantId),
    object: readEnum(item, LINK_ATTRIBUTES.object, INTACCT_OBJECTS),
    recordNo: readString(item, LINK_ATTRIBUTES.recordNo),
    intacctId: readString(item, LINK_ATTRIBUTES.intacctId),
    psaId: readString(item, LINK_ATTRIBUTES.psaId),
    createdAt: readString(item, LINK_ATTRIBUTES.createdAt),
    fingerprint: readNullableString(item, LINK_ATTRIBUTES.fingerprint),
    claim: claimOf(item),
  };
}

export interface LinkStoreOptions {
  pageSize?: number;
  batchRetry?: BatchRetryPolicy;
}

/** DynamoDB LinkStore over the links table. */
export class DynamoLinkStore implements LinkStore {
  private readonly pageSize: number;
  private readonly batchRetry: BatchRetryPolicy | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: LinkStoreOptions = {},
  ) {
    this.pageSize = options.pageSize ?? DEFAULT_LINK_PAGE_SIZE;
    this.batchRetry = options.batchRetry;
  }

  async get(tenantId: string, object: IntacctObject, recordNo: string): Promise<Link | null> {
    const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: linkKey(tenantId, object, recordNo), ConsistentRead: true }));
    return answer.Item ? fromItem(answer.Item) : null;
  }

  async getMany(tenantId: string, object: IntacctObject, recordNos: readonly string[]): Promise<Map<string, Link>> {
    const items = await batchGetAll(
      this.doc,
      this.tableName,
      recordNos.map((recordNo) => linkKey(tenantId, object, recordNo)),
      this.batchRetry,
    );
    return new Map(items.map((item) => fromItem(item)).map((link) => [link.recordNo, link]));
  }

  async *iterate(tenantId: string, object: IntacctObject, afterRecordNo: string | null = null): AsyncIterable<Link[]> {
    const pages = iteratePartition({
      doc: this.doc,
      tableName: this.tableName,
      partitionAttribute: KEY_ATTRIBUTES.partitionKey,
      partition: linkPartition(tenantId, object),
      pageSize: this.pageSize,
      ...(afterRecordNo === null ? {} : { after: linkKey(tenantId, object, afterRecordNo) }),
    });
    for await (const items of pages) yield items.map(fromItem);
  }

  async inRange(tenantId: string, object: IntacctObject, firstRecordNo: string, lastRecordNo: string): Promise<Link[]> {
    const links: Link[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey, '#sk': KEY_ATTRIBUTES.sortKey },
          ExpressionAttributeValues: {
            ':pk': linkPartition(tenantId, object),
            ':first': linkKey(tenantId, object, firstRecordNo).sk,
            ':last': linkKey(tenantId, object, lastRecordNo).sk,
          },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      links.push(...(answer.Items ?? []).map(fromItem));
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
    return links;
  }

  async hasAny(tenantId: string, object: IntacctObject): Promise<boolean> {
    const answer = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        ExpressionAttributeValues: { ':pk': linkPartition(tenantId, object) },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return (answer.Items ?? []).length > 0;
  }

  createIfAbsent(link: Link): Promise<boolean> {
    return conditionHolds(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(link),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        }),
      ),
    );
  }

  async putClaims(links: readonly Link[]): Promise<void> {
    await batchPutAll(this.doc, this.tableName, links.map(toItem), this.batchRetry);
  }

  async deleteIfPointsTo(tenantId: string, object: IntacctObject, recordNo: string, psaId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: linkKey(tenantId, object, recordNo),
          ConditionExpression: '#psaId = :psaId',
          ExpressionAttributeNames: { '#psaId': LINK_ATTRIBUTES.psaId },
          ExpressionAttributeValues: { ':psaId': psaId },
        }),
      );
    } catch (error) {
      // Absent, or already re-linked to another PSA record: either way not ours to delete.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async withdrawUnclaimed(link: Link): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: linkKey(link.tenantId, link.object, link.recordNo),
          ConditionExpression: '#psaId = :psaId AND attribute_not_exists(#claimRunId)',
          ExpressionAttributeNames: { '#psaId': LINK_ATTRIBUTES.psaId, '#claimRunId': LINK_ATTRIBUTES.claimRunId },
          ExpressionAttributeValues: { ':psaId': link.psaId },
        }),
      );
    } catch (error) {
      // Gone, or an import's claim by now (even one naming the same PSA record): not ours to delete.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async setFingerprint(link: Link, next: string): Promise<boolean> {
    const seen = link.fingerprint === null ? 'attribute_not_exists(#fingerprint)' : '#fingerprint = :seen';
    return conditionHolds(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKey(link.tenantId, link.object, link.recordNo),
          // The PSA record was just written, so a claim the link may still carry is settled for good.
          UpdateExpression: 'SET #fingerprint = :next REMOVE #claimRunId, #claimIntent',
          ConditionExpression: `#psaId = :psaId AND (${seen})`,
          ExpressionAttributeNames: {
            '#fingerprint': LINK_ATTRIBUTES.fingerprint,
            '#psaId': LINK_ATTRIBUTES.psaId,
            '#claimRunId': LINK_ATTRIBUTES.claimRunId,
            '#claimIntent': LINK_ATTRIBUTES.claimIntent,
          },
          ExpressionAttributeValues: {
            ':next': next,
            ':psaId': link.psaId,
            ...(link.fingerprint === null ? {} : { ':seen': link.fingerprint }),
          },
        }),
      ),
    );
  }

  async completeClaim(link: Link, runId: string, fingerprint: string): Promise<boolean> {
    const names = {
      '#psaId': LINK_ATTRIBUTES.psaId,
      '#claimRunId': LINK_ATTRIBUTES.claimRunId,
      '#claimIntent': LINK_ATTRIBUTES.claimIntent,
    };
    const ours = '#psaId = :psaId AND #claimRunId = :runId';
    const seen = link.fingerprint === null ? 'attribute_not_exists(#fingerprint)' : '#fingerprint = :seen';
    // A link read with an edit's mark keeps it: the record may not match any mapping since that edit.
    const editedWhenRead = link.fingerprint?.startsWith(EDITED_FINGERPRINT_PREFIX) ?? false;
    const recorded =
      !editedWhenRead &&
      (await conditionHolds(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: linkKey(link.tenantId, link.object, link.recordNo),
            UpdateExpression: 'SET #fingerprint = :fingerprint REMOVE #claimRunId, #claimIntent',
            ConditionExpression: `${ours} AND (${seen})`,
            ExpressionAttributeNames: { ...names, '#fingerprint': LINK_ATTRIBUTES.fingerprint },
            ExpressionAttributeValues: {
              ':fingerprint': fingerprint,
              ':psaId': link.psaId,
              ':runId': runId,
              ...(link.fingerprint === null ? {} : { ':seen': link.fingerprint }),
            },
          }),
        ),
      ));
    if (recorded) return true;
    // A PSA edit left its mark (before or since the link was read), which must stay so that the next
    // sync looks at the record again (I5): the claim still ends (its PSA record exists), the mark stays.
    return conditionHolds(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKey(link.tenantId, link.object, link.recordNo),
          UpdateExpression: 'REMOVE #claimRunId, #claimIntent',
          ConditionExpression: ours,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':psaId': link.psaId, ':runId': runId },
        }),
      ),
    );
  }

  async takeOverClaim(link: Link, toRunId: string): Promise<boolean> {
    const claim = link.claim;
    if (claim === null) return false;
    return conditionHolds(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKey(link.tenantId, link.object, link.recordNo),
          UpdateExpression: 'SET #claimRunId = :toRunId',
          ConditionExpression: '#psaId = :psaId AND #claimRunId = :fromRunId',
          ExpressionAttributeNames: { '#psaId': LINK_ATTRIBUTES.psaId, '#claimRunId': LINK_ATTRIBUTES.claimRunId },
          ExpressionAttributeValues: { ':psaId': link.psaId, ':fromRunId': claim.runId, ':toRunId': toRunId },
        }),
      ),
    );
  }

  async invalidateFingerprint(tenantId: string, object: IntacctObject, recordNo: string, psaId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKey(tenantId, object, recordNo),
          UpdateExpression: 'SET #fingerprint = :edited',
          ConditionExpression: '#psaId = :psaId',
          ExpressionAttributeNames: { '#fingerprint': LINK_ATTRIBUTES.fingerprint, '#psaId': LINK_ATTRIBUTES.psaId },
          // Unique, so a sync that read the link before this edit cannot record over it.
          ExpressionAttributeValues: { ':edited': `${EDITED_FINGERPRINT_PREFIX}${randomUUID()}`, ':psaId': psaId },
        }),
      );
    } catch (error) {
      // No link, or one pointing elsewhere: nothing of this record's to invalidate.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
