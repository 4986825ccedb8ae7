/**
 * The local event bus: the EventBridge PutEvents API that @aws-sdk/client-eventbridge speaks
 * (JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), a journal of every event in events.jsonl, and
 * the same routing rule as the cloud stack (TenantSyncRequested → tenant-sync).
 */

import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionName } from './functions';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './functions';
import { BodyTooLarge, readBody, sendJson } from './http-io';
import { errorMessage, type RuntimeLogger } from './logger';

const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
export const TARGET_PREFIX = 'AWSEvents.';
const AMZ_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** EventBridge's request size limit. */
const MAX_REQUEST_BYTES = 256 * 1024;
const MAX_ENTRIES = 10;
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_PAYLOAD_TOO_LARGE = 413;
const MS_PER_SECOND = 1000;
/** Events carry tenant and run ids: the journal is readable by its owner only, like the rest of the data dir. */
const JOURNAL_FILE_MODE = 0o600;

interface EventRule {
  source: string;
  detailType: string;
  target: FunctionName;
}

/** The cloud stack's rules, mirrored. */
const EVENT_RULES: readonly EventRule[] = [{ source: 'psa.intacct-sync', detailType: 'TenantSyncRequested', target: 'tenant-sync' }];

/** The event a rule target receives, as EventBridge delivers it. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** One entry of a PutEvents request, as the SDK sends it (fields unchecked until put). */
export interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
}

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface EventBusDeps {
  busName: string;
  eventsLogPath: string;
  enqueue(name: FunctionName, event: unknown): string;
  logger: RuntimeLogger;
}

/** EventBridge writes times without milliseconds. */
const eventTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function entryTime(time: unknown): Date {
  if (typeof time === 'number') return new Date(time * MS_PER_SECOND);
  if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) return new Date(time);
  return new Date();
}

function parseDetail(detail: unknown): Record<string, unknown> | null {
  if (typeof detail !== 'string') return null;
  try {
    const value: unknown = JSON.parse(detail);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A bus is named or given by ARN (`arn:aws:events:r:a:event-bus/NAME`). */
const busNameOf = (nameOrArn: string): string => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

export class LocalEventBus {
  /** Appends are chained so journal lines never interleave. */
  private journal: Promise<void> = Promise.resolve();

  constructor(private readonly deps: EventBusDeps) {}

  /** Serves one EventBridge API call (only PutEvents is needed). */
  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    let body: Buffer;
    try {
      body = await readBody(request, MAX_REQUEST_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      return this.fail(response, HTTP_PAYLOAD_TOO_LARGE, 'ValidationException', error.message);
    }
    if (target !== PUT_EVENTS_TARGET) {
      return this.fail(response, HTTP_BAD_REQUEST, 'UnknownOperationException', `${target} is not supported locally.`);
    }
    let entries: unknown;
    try {
      entries = (JSON.parse(body.toString('utf8')) as { Entries?: unknown }).Entries;
    } catch {
      return this.fail(response, HTTP_BAD_REQUEST, 'SerializationException', 'The request body is not JSON.');
    }
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      return this.fail(response, HTTP_BAD_REQUEST, 'ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} events.`);
    }
    const results = await this.put(entries as PutEventsEntry[]);
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    sendJson(response, HTTP_OK, { FailedEntryCount: failed, Entries: results }, { 'content-type': AMZ_JSON_CONTENT_TYPE });
  }

  /** Resolves once every event so far is in the journal. */
  flushed(): Promise<void> {
    return this.journal;
  }

  private fail(response: ServerResponse, status: number, type: string, message: string): void {
    sendJson(response, status, { __type: type, message }, { 'content-type': AMZ_JSON_CONTENT_TYPE });
  }

  /** Puts entries on the bus as PutEvents does: journals each valid one and routes it; answers one result per entry. */
  async put(entries: readonly PutEventsEntry[]): Promise<EntryResult[]> {
    const results: EntryResult[] = [];
    for (const entry of entries) {
      const source = typeof entry.Source === 'string' ? entry.Source : '';
      const detailType = typeof entry.DetailType === 'string' ? entry.DetailType : '';
      if (source === '' || detailType === '') {
        results.push({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Source and DetailType are required.' });
        continue;
      }
      const detail = parseDetail(entry.Detail);
      if (!detail) {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
        continue;
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': detailType,
        source,
        account: LOCAL_ACCOUNT_ID,
        time: eventTime(entryTime(entry.Time)),
        region: LOCAL_REGION,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail,
      };
      const busName = typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? busNameOf(entry.EventBusName) : 'default';
      await this.record(event, busName);
      results.push({ EventId: event.id });
    }
    return results;
  }

  private async record(event: BusEvent, busName: string): Promise<void> {
    this.journal = this.journal
      .then(() => appendFile(this.deps.eventsLogPath, `${JSON.stringify({ eventBusName: busName, ...event })}\n`, { mode: JOURNAL_FILE_MODE }))
      .catch((error: unknown) => this.deps.logger.error('event journal write failed', { error: errorMessage(error) }));
    await this.journal;
    // The rules live on our bus; the SDK may leave the name out when the bus is the configured default.
    const onOurBus = busName === this.deps.busName || busName === 'default';
    const targets = onOurBus ? EVENT_RULES.filter((rule) => rule.source === event.source && rule.detailType === event['detail-type']) : [];
    for (const rule of targets) this.deps.enqueue(rule.target, event);
    this.deps.logger.info('event put', {
      eventId: event.id,
      source: event.source,
      detailType: event['detail-type'],
      eventBusName: busName,
      routedTo: targets.map((rule) => rule.target).join(',') || null,
    });
  }
}
