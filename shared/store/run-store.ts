/** Sync runs and their per-record outcomes in the runs table. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { chunksOf } from '#domain/bounded';
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
  runRecordSeqOf,
} from './keys';
import { checkedLimit, decodeCursor, encodeCursor, iteratePartition, queryPartitionPage } from './paging';

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
const OUTBOX_ATTRIBUTES = { entries: 'entries', type: 'type', detail: 'detail', proof: 'proof', record: 'record' } as const;
/**
 * Outbox entries stored to an item: a chunk's events cost a few writes to stage and to remove
 * instead of two per record. An entry (an event, its proof and outcome: mapped fields and their
 * changes) stays well under 10 KB, so a pack stays far from DynamoDB's 400 KB item limit.
 */
const OUTBOX_ENTRIES_PER_ITEM = 25;
const NIGHTLY_RUN_IDS = 'runIds';
/** Nightly markers are only needed for the night they mark. */
const NIGHTLY_RETENTION_DAYS = 3;
/** A run's unlink candidates and outbox are read a page at a time. */
const RUN_ITEM_PAGE_SIZE = 500;

/**
 * Per-record outcomes are stored packed: one item holds the records of one append (up to a hundred,
 * and never near DynamoDB's 400 KB item limit), keyed by the sequence number of its last record, so
 * an import of 200,000 records writes 2,000 items for its outcomes instead of 200,000.
 */
const RECORD_PACK_ATTRIBUTES = { tenantId: 'tenantId', runId: 'runId', firstSeq: 'firstSeq', records: 'records' } as const;
const RUN_RECORD_FIELDS = {
  object: 'object',
  intacctId: 'intacctId',
  recordNo: 'recordNo',
  psaId: 'psaId',
  outcome: 'outcome',
  changes: 'changes',
  warnings: 'warnings',
  error: 'error',
} as const;
/** Records per pack at most (the journal appends a hundred at a time). */
const RECORDS_PER_PACK = 100;
/** A pack's size bound, in characters of its records' JSON: half of DynamoDB's item limit. */
const PACK_MAX_CHARS = 200_000;

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

function runRecordToMap(record: RunRecord): StoredItem {
  return {
    [RUN_RECORD_FIELDS.object]: record.object,
    [RUN_RECORD_FIELDS.intacctId]: record.intacctId,
    [RUN_RECORD_FIELDS.recordNo]: record.recordNo,
    [RUN_RECORD_FIELDS.psaId]: record.psaId,
    [RUN_RECORD_FIELDS.outcome]: record.outcome,
    [RUN_RECORD_FIELDS.changes]: record.changes,
    [RUN_RECORD_FIELDS.warnings]: record.warnings,
    [RUN_RECORD_FIELDS.error]: record.error,
  };
}

function runRecordFromMap(map: StoredItem): RunRecord {
  return {
    object: readEnum(map, RUN_RECORD_FIELDS.object, INTACCT_OBJECTS),
    intacctId: readString(map, RUN_RECORD_FIELDS.intacctId),
    recordNo: readString(map, RUN_RECORD_FIELDS.recordNo),
    psaId: readNullableString(map, RUN_RECORD_FIELDS.psaId),
    outcome: readEnum(map, RUN_RECORD_FIELDS.outcome, RECORD_OUTCOMES),
    changes: readList<RunRecord['changes'][number]>(map, RUN_RECORD_FIELDS.changes),
    warnings: readList<string>(map, RUN_RECORD_FIELDS.warnings),
    error: readNullableMap<NonNullable<RunRecord['error']>>(map, RUN_RECORD_FIELDS.error),
  };
}

/** A stored pack of consecutive run records. */
interface RecordPack {
  firstSeq: number;
  records: RunRecord[];
}

function packToItem(tenantId: string, runId: string, pack: RecordPack, expiresAt: number): StoredItem {
  return {
    ...runRecordKey(tenantId, runId, pack.firstSeq + pack.records.length - 1),
    [ENTITY_TYPE_ATTRIBUTE]: 'RunRecords',
    [EXPIRES_AT_ATTRIBUTE]: expiresAt,
    [RECORD_PACK_ATTRIBUTES.tenantId]: tenantId,
    [RECORD_PACK_ATTRIBUTES.runId]: runId,
    [RECORD_PACK_ATTRIBUTES.firstSeq]: pack.firstSeq,
    [RECORD_PACK_ATTRIBUTES.records]: pack.records.map(runRecordToMap),
  };
}

function packFromItem(item: StoredItem): RecordPack {
  return {
    firstSeq: readNumber(item, RECORD_PACK_ATTRIBUTES.firstSeq),
    records: readList<StoredItem>(item, RECORD_PACK_ATTRIBUTES.records).map(runRecordFromMap),
  };
}

/** `records` numbered from `firstSeq`, cut into packs of at most RECORDS_PER_PACK records and PACK_MAX_CHARS. */
function packsOf(firstSeq: number, records: readonly RunRecord[]): RecordPack[] {
  const packs: RecordPack[] = [];
  let current: RecordPack = { firstSeq, records: [] };
  let chars = 0;
  records.forEach((record, index) => {
    const size = JSON.stringify(record).length;
    if (current.records.length === RECORDS_PER_PACK || (current.records.length > 0 && chars + size > PACK_MAX_CHARS)) {
      packs.push(current);
      current = { firstSeq: firstSeq + index, records: [] };
      chars = 0;
    }
    current.records.push(record);
    chars += size;
  });
  if (current.records.length > 0) packs.push(current);
  return packs;
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

  /** Re-appending the same records from the same `firstSeq` overwrites their packs, so a retried batch does not duplicate them. */
  async appendRecords(tenantId: string, runId: string, firstSeq: number, records: readonly RunRecord[]): Promise<void> {
    const expiresAt = this.expiresAt();
    const items = packsOf(firstSeq, records).map((pack) => packToItem(tenantId, runId, pack, expiresAt));
    await batchPutAll(this.doc, this.tableName, items, this.batchRetry);
  }

  /**
   * Records from the cursor's sequence number on. A cursor names the next record's sequence number as
   * its key; the pack holding it is the first whose key (its last record's number) is not below it.
   */
  async listRecords(tenantId: string, runId: string, page: PageRequest): Promise<Page<RunRecord>> {
    const partition = runRecordPartition(tenantId, runId);
    const limit = checkedLimit(page.limit);
    const from = page.cursor ? runRecordSeqOf(decodeCursor(page.cursor, partition)) : 0;
    const found: { seq: number; record: RunRecord }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk >= :from',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey, '#sk': KEY_ATTRIBUTES.sortKey },
          ExpressionAttributeValues: { ':pk': partition, ':from': runRecordKey(tenantId, runId, from).sk },
          ExclusiveStartKey: startKey,
          // Packs, not records: even packs of one record fill the page.
          Limit: limit + 1,
          ConsistentRead: true,
        }),
      );
      for (const item of answer.Items ?? []) {
        const pack = packFromItem(item);
        pack.records.forEach((record, index) => {
          if (pack.firstSeq + index >= from) found.push({ seq: pack.firstSeq + index, record });
        });
      }
      startKey = answer.LastEvaluatedKey;
    } while (startKey && found.length <= limit);
    const next = found[limit];
    return {
      items: found.slice(0, limit).map(({ record }) => record),
      nextCursor: next ? encodeCursor(runRecordKey(tenantId, runId, next.seq)) : null,
    };
  }

  async trimRecords(tenantId: string, runId: string, fromSeq: number): Promise<void> {
    const expiresAt = this.expiresAt();
    const after = fromSeq === 0 ? undefined : runRecordKey(tenantId, runId, fromSeq - 1);
    for await (const items of this.partition(runRecordPartition(tenantId, runId), after)) {
      // A pack reaching across `fromSeq` keeps its head: written first, so a crash in between loses nothing kept.
      const heads = items
        .map(packFromItem)
        .filter((pack) => pack.firstSeq < fromSeq)
        .map((pack) => packToItem(tenantId, runId, { firstSeq: pack.firstSeq, records: pack.records.slice(0, fromSeq - pack.firstSeq) }, expiresAt));
      await batchPutAll(this.doc, this.tableName, heads, this.batchRetry);
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
    const expiresAt = this.expiresAt();
    const items = chunksOf(entries, OUTBOX_ENTRIES_PER_ITEM).map((pack) => ({
      ...runOutboxKey(tenantId, runId, (pack[0] as OutboxEntry).event.detail.eventId),
      [ENTITY_TYPE_ATTRIBUTE]: 'OutboxEntries',
      [EXPIRES_AT_ATTRIBUTE]: expiresAt,
      [OUTBOX_ATTRIBUTES.entries]: pack.map((entry) => ({
        [OUTBOX_ATTRIBUTES.type]: entry.event.type,
        [OUTBOX_ATTRIBUTES.detail]: entry.event.detail,
        [OUTBOX_ATTRIBUTES.proof]: entry.proof,
        [OUTBOX_ATTRIBUTES.record]: entry.record,
      })),
    }));
    await batchPutAll(this.doc, this.tableName, items, this.batchRetry);
  }

  async listOutbox(tenantId: string, runId: string): Promise<OutboxEntry[][]> {
    const packs: OutboxEntry[][] = [];
    for await (const items of this.partition(runOutboxPartition(tenantId, runId))) {
      for (const item of items) {
        packs.push(
          readList<StoredItem>(item, OUTBOX_ATTRIBUTES.entries).map((entry) => ({
            event: {
              type: readEnum(entry, OUTBOX_ATTRIBUTES.type, DOMAIN_EVENT_TYPES),
              detail: readMap<DomainEvent['detail']>(entry, OUTBOX_ATTRIBUTES.detail),
            },
            proof: readMap<OutboxEntry['proof']>(entry, OUTBOX_ATTRIBUTES.proof),
            record: readNullableMap<RunRecord>(entry, OUTBOX_ATTRIBUTES.record),
          })),
        );
      }
    }
    return packs;
  }

  async deleteOutbox(tenantId: string, runId: string, eventIds: readonly string[]): Promise<void> {
    // The items are keyed by the first event id of each pack, cut as putOutbox cut them.
    const heads = chunksOf(eventIds, OUTBOX_ENTRIES_PER_ITEM).map((pack) => pack[0] as string);
    await batchDeleteAll(
      this.doc,
      this.tableName,
      heads.map((eventId) => runOutboxKey(tenantId, runId, eventId)),
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
