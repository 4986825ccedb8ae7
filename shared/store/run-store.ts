/** Sync runs and their per-record outcomes in the runs table. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Conflict, NotFound } from '../domain/errors';
import type { HeldUnlink, RecordOutcome, RunCounts, RunRecord, RunStatus, RunTrigger, RunType, SyncRun } from '../domain/runs';
import type { Page, PageRequest, RunStore } from '../ports/stores';
import type { Clock } from '../ports/runtime';
import { batchPutAll, type BatchRetryPolicy } from './batch';
import { isConditionalCheckFailed } from './dynamo-errors';
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
import { ENTITY_TYPE_ATTRIBUTE, EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, runKey, runPartition, runRecordKey, runRecordPartition } from './keys';
import { queryPartitionPage } from './paging';

/** How long per-record outcomes are kept before DynamoDB's TTL removes them. */
export const DEFAULT_RUN_RECORD_RETENTION_DAYS = 90;
const SECONDS_PER_DAY = 86_400;
const MS_PER_SECOND = 1000;

const RUN_TYPES = ['client_import', 'user_import', 'client_sync', 'user_sync'] as const satisfies readonly RunType[];
const RUN_TRIGGERS = ['api', 'schedule', 'manual'] as const satisfies readonly RunTrigger[];
const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'needs_review'] as const satisfies readonly RunStatus[];
const RECORD_OBJECTS = ['customer', 'employee', 'department'] as const satisfies readonly RunRecord['object'][];
const RECORD_OUTCOMES = [
  'created',
  'updated',
  'unchanged',
  'unlinked',
  'linked',
  'skipped',
  'failed',
] as const satisfies readonly RecordOutcome[];

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
  heldUnlinks: 'heldUnlinks',
  recordCount: 'recordCount',
  createdAt: 'createdAt',
} as const;

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
    [RUN_ATTRIBUTES.heldUnlinks]: run.heldUnlinks,
    [RUN_ATTRIBUTES.recordCount]: run.recordCount,
    [RUN_ATTRIBUTES.createdAt]: run.createdAt,
  };
}

function runFromItem(item: StoredItem): SyncRun {
  return {
    id: readString(item, RUN_ATTRIBUTES.id),
    tenantId: readString(item, RUN_ATTRIBUTES.tenantId),
    type: readEnum(item, RUN_ATTRIBUTES.type, RUN_TYPES),
    trigger: readEnum(item, RUN_ATTRIBUTES.trigger, RUN_TRIGGERS),
    dryRun: readBoolean(item, RUN_ATTRIBUTES.dryRun),
    status: readEnum(item, RUN_ATTRIBUTES.status, RUN_STATUSES),
    request: readMap<Record<string, unknown>>(item, RUN_ATTRIBUTES.request),
    startedAt: readNullableString(item, RUN_ATTRIBUTES.startedAt),
    finishedAt: readNullableString(item, RUN_ATTRIBUTES.finishedAt),
    progress: readMap<SyncRun['progress']>(item, RUN_ATTRIBUTES.progress),
    counts: readMap<RunCounts>(item, RUN_ATTRIBUTES.counts),
    error: readNullableMap<NonNullable<SyncRun['error']>>(item, RUN_ATTRIBUTES.error),
    heldUnlinks: readList<HeldUnlink>(item, RUN_ATTRIBUTES.heldUnlinks),
    recordCount: readNumber(item, RUN_ATTRIBUTES.recordCount),
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
    object: readEnum(item, RUN_RECORD_ATTRIBUTES.object, RECORD_OBJECTS),
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
    const answer = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runId), ConsistentRead: true }),
    );
    return answer.Item ? runFromItem(answer.Item) : null;
  }

  /** Overwrites an existing run; throws NotFound rather than bring back a run that was never created. */
  async save(run: SyncRun): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: runToItem(run),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new NotFound('run_not_found', `Run ${run.id} does not exist.`);
      throw error;
    }
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
    const expiresAt = Math.floor(this.clock.now().getTime() / MS_PER_SECOND) + this.recordRetentionSeconds;
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
}
