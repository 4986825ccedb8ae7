/** Sync runs and their per-record outcomes in the runs table. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IntacctObject } from '#domain/entities';
import { Conflict } from '#domain/errors';
import { DOMAIN_EVENT_TYPES, type DomainEvent } from '#domain/events';
import {
  type HeldUnlink,
  INTACCT_OBJECTS,
  parseRunRequest,
  RECORD_OUTCOMES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  RUN_TYPES,
  type RunCheckpoint,
  type RunCounts,
  type RunRecord,
  type RunStatus,
  type SyncRun,
} from '#domain/runs';
import type { Clock } from '#ports/runtime';
import type { OutboxEntry, Page, PageRequest, RunStore } from '#ports/stores';
import { type BatchRetryPolicy, batchDeleteAll, batchPutAll } from './batch';
import { conditionHolds, isConditionalCheckFailed } from './dynamo-errors';
import {
  readBoolean,
  readEnum,
  readList,
  readMap,
  readNullableMap,
  readNullableString,
  readNumber,
  readString,
  type StoredItem,
} from './item-fields';
import {
  ENTITY_TYPE_ATTRIBUTE,
  EXPIRES_AT_ATTRIBUTE,
  KEY_ATTRIBUTES,
  nightlyKey,
  primaryKeyOf,
  runCandidateKey,
  runCandidatePartition,
  runKey,
  runOutboxKey,
  runOutboxPartition,
  runPartition,
  runRecordKey,
  runRecordPartition,
} from './keys';
import { iteratePartition, queryPartitionPage } from './paging';

/** How long per-record outcomes are kept before DynamoDB's TTL removes them. */
const DEFAULT_RUN_RECORD_RETENTION_DAYS = 90;
const SECONDS_PER_DAY = 86_400;
const MS_PER_SECOND = 1000;

const RUN_ATTRIBUTES = {
  id: 'id',
  tenantId: 'tenantId',
  type: 'type',
  trigger: 'trigger',
  dryRun: 'dryRun',
  status: 'status',
  request: 'request',
  startedAt: 'startedAt',
  finishedAt: 'finishedAt',
  progress: 'progress',
  counts: 'counts',
  error: 'error',
  heldCount: 'heldCount',
  recordCount: 'recordCount',
  checkpoint: 'checkpoint',
  execution: 'execution',
  createdAt: 'createdAt',
} as const;

const CANDIDATE_ATTRIBUTES = { object: 'object', recordNo: 'recordNo', intacctId: 'intacctId', psaId: 'psaId', createdAt: 'createdAt' } as const;
const OUTBOX_ATTRIBUTES = { type: 'type', detail: 'detail', proof: 'proof', record: 'record' } as const;
const NIGHTLY_RUN_IDS = 'runIds';
/** Nightly markers are only needed for the night they mark. */
const NIGHTLY_RETENTION_DAYS = 3;
/** A run's unlink candidates and outbox are read a page at a time. */
const RUN_ITEM_PAGE_SIZE = 500;

const RUN_RECORD_ATTRIBUTES = {
  tenantId: 'tenantId',
  runId: 'runId',
  seq: 'seq',
  object: 'object',
  intacctId: 'intacctId',
  recordNo: 'recordNo',
  psaId: 'psaId',
  outcome: 'outcome',
  changes: 'changes',
  warnings: 'warnings',
  error: 'error',
} as const;

function runToItem(run: SyncRun): StoredItem {
  return {
    ...runKey(run.tenantId, run.id),
    [ENTITY_TYPE_ATTRIBUTE]: 'Run',
    [RUN_ATTRIBUTES.id]: run.id,
    [RUN_ATTRIBUTES.tenantId]: run.tenantId,
    [RUN_ATTRIBUTES.type]: run.type,
    [RUN_ATTRIBUTES.trigger]: run.trigger,
    [RUN_ATTRIBUTES.dryRun]: run.dryRun,
    [RUN_ATTRIBUTES.status]: run.status,
    [RUN_ATTRIBUTES.request]: run.request,
    [RUN_ATTRIBUTES.startedAt]: run.startedAt,
    [RUN_ATTRIBUTES.finishedAt]: run.finishedAt,
    [RUN_ATTRIBUTES.progress]: run.progress,
    [RUN_ATTRIBUTES.counts]: run.counts,
    [RUN_ATTRIBUTES.error]: run.error,
    [RUN_ATTRIBUTES.heldCount]: run.heldCount,
    [RUN_ATTRIBUTES.recordCount]: run.recordCount,
    [RUN_ATTRIBUTES.checkpoint]: run.checkpoint,
    // No execution yet is no attribute, which is what the conditions test for.
    ...(run.execution === null ? {} : { [RUN_ATTRIBUTES.execution]: run.execution }),
    [RUN_ATTRIBUTES.createdAt]: run.createdAt,
  };
}

function runFromItem(item: StoredItem): SyncRun {
  const type = readEnum(item, RUN_ATTRIBUTES.type, RUN_TYPES);
  return {
    id: readString(item, RUN_ATTRIBUTES.id),
    tenantId: readString(item, RUN_ATTRIBUTES.tenantId),
    type,
    trigger: readEnum(item, RUN_ATTRIBUTES.trigger, RUN_TRIGGERS),
    dryRun: readBoolean(item, RUN_ATTRIBUTES.dryRun),
    status: readEnum(item, RUN_ATTRIBUTES.status, RUN_STATUSES),
    request: parseRunRequest(type, readMap<Record<string, unknown>>(item, RUN_ATTRIBUTES.request)),
    startedAt: readNullableString(item, RUN_ATTRIBUTES.startedAt),
    finishedAt: readNullableString(item, RUN_ATTRIBUTES.finishedAt),
    progress: readMap<SyncRun['progress']>(item, RUN_ATTRIBUTES.progress),
    counts: readMap<RunCounts>(item, RUN_ATTRIBUTES.counts),
    error: readNullableMap<NonNullable<SyncRun['error']>>(item, RUN_ATTRIBUTES.error),
    heldCount: readNumber(item, RUN_ATTRIBUTES.heldCount),
    recordCount: readNumber(item, RUN_ATTRIBUTES.recordCount),
    checkpoint: readNullableMap<RunCheckpoint>(item, RUN_ATTRIBUTES.checkpoint),
    execution: readNullableString(item, RUN_ATTRIBUTES.execution),
    createdAt: readString(item, RUN_ATTRIBUTES.createdAt),
  };
}

function runRecordToItem(tenantId: string, runId: string, seq: number, record: RunRecord, expiresAt: number): StoredItem {
  return {
    ...runRecordKey(tenantId, runId, seq),
    [ENTITY_TYPE_ATTRIBUTE]: 'RunRecord',
    [EXPIRES_AT_ATTRIBUTE]: expiresAt,
    [RUN_RECORD_ATTRIBUTES.tenantId]: tenantId,
    [RUN_RECORD_ATTRIBUTES.runId]: runId,
    [RUN_RECORD_ATTRIBUTES.seq]: seq,
    [RUN_RECORD_ATTRIBUTES.object]: record.object,
    [RUN_RECORD_ATTRIBUTES.intacctId]: record.intacctId,
    [RUN_RECORD_ATTRIBUTES.recordNo]: record.recordNo,
    [RUN_RECORD_ATTRIBUTES.psaId]: record.psaId,
    [RUN_RECORD_ATTRIBUTES.outcome]: record.outcome,
    [RUN_RECORD_ATTRIBUTES.changes]: record.changes,
    [RUN_RECORD_ATTRIBUTES.warnings]: record.warnings,
    [RUN_RECORD_ATTRIBUTES.error]: record.error,
  };
}

function runRecordFromItem(item: StoredItem): RunRecord {
  return {
    object: readEnum(item, RUN_RECORD_ATTRIBUTES.object, INTACCT_OBJECTS),
    intacctId: readString(item, RUN_RECORD_ATTRIBUTES.intacctId),
    recordNo: readString(item, RUN_RECORD_ATTRIBUTES.recordNo),
    psaId: readNullableString(item, RUN_RECORD_ATTRIBUTES.psaId),
    outcome: readEnum(item, RUN_RECORD_ATTRIBUTES.outcome, RECORD_OUTCOMES),
    changes: readList<RunRecord['changes'][number]>(item, RUN_RECORD_ATTRIBUTES.changes),
    warnings: readList<string>(item, RUN_RECORD_ATTRIBUTES.warnings),
    error: readNullableMap<NonNullable<RunRecord['error']>>(item, RUN_RECORD_ATTRIBUTES.error),
  };
}

export interface RunStoreOptions {
  clock: Clock;
  /** Days a run record lives before its TTL expires. */
  recordRetentionDays?: number;
  batchRetry?: BatchRetryPolicy;
}

/** DynamoDB RunStore over the runs table. */
export class DynamoRunStore implements RunStore {
  private readonly clock: Clock;
  private readonly recordRetentionSeconds: number;
  private readonly batchRetry: BatchRetryPolicy | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: RunStoreOptions,
  ) {
    this.clock = options.clock;
    this.recordRetentionSeconds = (options.recordRetentionDays ?? DEFAULT_RUN_RECORD_RETENTION_DAYS) * SECONDS_PER_DAY;
    this.batchRetry = options.batchRetry;
  }

  async create(run: SyncRun): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: runToItem(run),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new Conflict('already_exists', `Run ${run.id} already exists.`);
      throw error;
    }
  }

  async get(tenantId: string, runId: string): Promise<SyncRun | null> {
    const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runId), ConsistentRead: true }));
    return answer.Item ? runFromItem(answer.Item) : null;
  }

  async saveIf(run: SyncRun, condition: { statuses: readonly RunStatus[]; execution?: string | null }): Promise<boolean> {
    const statuses = Object.fromEntries(condition.statuses.map((status, index) => [`:status${index}`, status]));
    const execution =
      condition.execution === undefined
        ? null
        : condition.execution === null
          ? { expression: 'attribute_not_exists(#execution)', values: {} }
          : { expression: '#execution = :execution', values: { ':execution': condition.execution } };
    const expression = [`#status IN (${Object.keys(statuses).join(', ')})`, ...(execution ? [execution.expression] : [])].join(' AND ');
    return conditionHolds(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: runToItem(run),
          ConditionExpression: expression,
          ExpressionAttributeNames: { '#status': RUN_ATTRIBUTES.status, ...(execution ? { '#execution': RUN_ATTRIBUTES.execution } : {}) },
          ExpressionAttributeValues: { ...statuses, ...(execution ? execution.values : {}) },
        }),
      ),
    );
  }

  list(tenantId: string, page: PageRequest): Promise<Page<SyncRun>> {
    return queryPartitionPage({
      doc: this.doc,
      tableName: this.tableName,
      partition: runPartition(tenantId),
      page,
      descending: true,
      fromItem: runFromItem,
    });
  }

  /** Re-appending the same `firstSeq` overwrites those records, so a retried batch does not duplicate them. */
  async appendRecords(tenantId: string, runId: string, firstSeq: number, records: readonly RunRecord[]): Promise<void> {
    const expiresAt = this.expiresAt();
    const items = records.map((record, index) => runRecordToItem(tenantId, runId, firstSeq + index, record, expiresAt));
    await batchPutAll(this.doc, this.tableName, items, this.batchRetry);
  }

  listRecords(tenantId: string, runId: string, page: PageRequest): Promise<Page<RunRecord>> {
    return queryPartitionPage({
      doc: this.doc,
      tableName: this.tableName,
      partition: runRecordPartition(tenantId, runId),
      page,
      fromItem: runRecordFromItem,
    });
  }

  async trimRecords(tenantId: string, runId: string, fromSeq: number): Promise<void> {
    const after = fromSeq === 0 ? undefined : runRecordKey(tenantId, runId, fromSeq - 1);
    for await (const items of this.partition(runRecordPartition(tenantId, runId), after)) {
      await batchDeleteAll(this.doc, this.tableName, items.map(primaryKeyOf), this.batchRetry);
    }
  }

  async putUnlinkCandidates(tenantId: string, runId: string, candidates: readonly HeldUnlink[]): Promise<void> {
    const items = candidates.map((candidate) => ({
      ...runCandidateKey(tenantId, runId, candidate.object, candidate.recordNo),
      [ENTITY_TYPE_ATTRIBUTE]: 'UnlinkCandidate',
      [EXPIRES_AT_ATTRIBUTE]: this.expiresAt(),
      [CANDIDATE_ATTRIBUTES.object]: candidate.object,
      [CANDIDATE_ATTRIBUTES.recordNo]: candidate.recordNo,
      [CANDIDATE_ATTRIBUTES.intacctId]: candidate.intacctId,
      [CANDIDATE_ATTRIBUTES.psaId]: candidate.psaId,
      [CANDIDATE_ATTRIBUTES.createdAt]: candidate.createdAt,
    }));
    await batchPutAll(this.doc, this.tableName, items, this.batchRetry);
  }

  async listUnlinkCandidates(
    tenantId: string,
    runId: string,
    object: IntacctObject,
    afterRecordNo: string | null,
    limit: number,
  ): Promise<HeldUnlink[]> {
    const answer = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        ExpressionAttributeValues: { ':pk': runCandidatePartition(tenantId, runId, object) },
        ...(afterRecordNo === null ? {} : { ExclusiveStartKey: { ...runCandidateKey(tenantId, runId, object, afterRecordNo) } }),
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (answer.Items ?? []).map((item) => ({
      object: readEnum(item, CANDIDATE_ATTRIBUTES.object, INTACCT_OBJECTS),
      recordNo: readString(item, CANDIDATE_ATTRIBUTES.recordNo),
      intacctId: readString(item, CANDIDATE_ATTRIBUTES.intacctId),
      psaId: readString(item, CANDIDATE_ATTRIBUTES.psaId),
      createdAt: readString(item, CANDIDATE_ATTRIBUTES.createdAt),
    }));
  }

  async putOutbox(tenantId: string, runId: string, entries: readonly OutboxEntry[]): Promise<void> {
    const items = entries.map((entry) => ({
      ...runOutboxKey(tenantId, runId, entry.event.detail.eventId),
      [ENTITY_TYPE_ATTRIBUTE]: 'OutboxEntry',
      [EXPIRES_AT_ATTRIBUTE]: this.expiresAt(),
      [OUTBOX_ATTRIBUTES.type]: entry.event.type,
      [OUTBOX_ATTRIBUTES.detail]: entry.event.detail,
      [OUTBOX_ATTRIBUTES.proof]: entry.proof,
      [OUTBOX_ATTRIBUTES.record]: entry.record,
    }));
    await batchPutAll(this.doc, this.tableName, items, this.batchRetry);
  }

  async listOutbox(tenantId: string, runId: string): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    for await (const items of this.partition(runOutboxPartition(tenantId, runId))) {
      for (const item of items) {
        entries.push({
          event: {
            type: readEnum(item, OUTBOX_ATTRIBUTES.type, DOMAIN_EVENT_TYPES),
            detail: readMap<DomainEvent['detail']>(item, OUTBOX_ATTRIBUTES.detail),
          },
          proof: readMap<OutboxEntry['proof']>(item, OUTBOX_ATTRIBUTES.proof),
          record: readNullableMap<RunRecord>(item, OUTBOX_ATTRIBUTES.record),
        });
      }
    }
    return entries;
  }

  async deleteOutbox(tenantId: string, runId: string, eventIds: readonly string[]): Promise<void> {
    await batchDeleteAll(
      this.doc,
      this.tableName,
      eventIds.map((eventId) => runOutboxKey(tenantId, runId, eventId)),
      this.batchRetry,
    );
  }

  markNightly(tenantId: string, scheduledAt: string, runIds: readonly string[]): Promise<boolean> {
    const expiresAt = Math.floor(this.clock.now().getTime() / MS_PER_SECOND) + NIGHTLY_RETENTION_DAYS * SECONDS_PER_DAY;
    return conditionHolds(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...nightlyKey(tenantId, scheduledAt),
            [ENTITY_TYPE_ATTRIBUTE]: 'Nightly',
            [EXPIRES_AT_ATTRIBUTE]: expiresAt,
            [NIGHTLY_RUN_IDS]: [...runIds],
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        }),
      ),
    );
  }

  async nightlyRuns(tenantId: string, scheduledAt: string): Promise<string[] | null> {
    const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: nightlyKey(tenantId, scheduledAt), ConsistentRead: true }));
    return answer.Item ? readList<string>(answer.Item, NIGHTLY_RUN_IDS) : null;
  }

  private expiresAt(): number {
    return Math.floor(this.clock.now().getTime() / MS_PER_SECOND) + this.recordRetentionSeconds;
  }

  private partition(partition: string, after?: { pk: string; sk: string }): AsyncIterable<StoredItem[]> {
    return iteratePartition({
      doc: this.doc,
      tableName: this.tableName,
      partitionAttribute: KEY_ATTRIBUTES.partitionKey,
      partition,
      pageSize: RUN_ITEM_PAGE_SIZE,
      ...(after ? { after } : {}),
    });
  }
}
