/**
 * The floors a scenario is compared with, measured in the same run against the same servers:
 * - listing: the same records from the emulator in the fewest requests (pagesize 2000, login in
 *   every request so no session call, offset paging so both of the company's concurrent slots
 *   stay busy), read with a raw fetch and a string split, nothing parsed;
 * - writes: the same number of item writes, per table and of the same average size, sent to fresh
 *   tables of the same schema as raw BatchWriteItem calls of 25, as many in flight as the engine
 *   keeps entity writes in flight.
 */
import { type AttributeValue, BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { CUSTOMER_FIELDS, DEPARTMENT_FIELDS, EMPLOYEE_FIELDS } from '#domain/intacct-records';
import type { IntacctLogin } from '#ports/intacct-source';
import { createDynamoClient } from '#store/dynamo-client';
import { KEY_ATTRIBUTES } from '#store/keys';
import type { TableNames } from '#store/tables';
import { WRITE_CONCURRENCY } from '#use-cases/engine/linked-records';
import { COMPANY_CONCURRENCY, FLOOR_BATCH_SIZE, FLOOR_PAGE_SIZE } from './config';
import type { DynamoTraffic } from './dynamo-counter';
import { createBenchTables, type DynamoTarget, type EmulatorTarget } from './infra';

export type ListedObject = 'CUSTOMER' | 'EMPLOYEE' | 'DEPARTMENT';

/**
 * The fields the engine selects, in the naming `query` takes: EMPLOYEE contact fields as the
 * relationship `CONTACT.*`, as Intacct's query documentation (and the emulator by default) names them.
 */
const FIELDS_OF: Record<ListedObject, readonly string[]> = {
  CUSTOMER: CUSTOMER_FIELDS,
  EMPLOYEE: EMPLOYEE_FIELDS.map((field) => field.replace(/^PERSONALINFO\./, 'CONTACT.')),
  DEPARTMENT: DEPARTMENT_FIELDS,
};
/** Zero-padded so floor items sort like the engine's RECORDNO keys. */
const SORT_KEY_WIDTH = 12;
const TOTAL_COUNT_PATTERN = /totalcount="(\d+)"/;

export interface ListingFloor {
  requests: number;
  records: number;
  ms: number;
}

export interface WriteFloor {
  items: number;
  calls: number;
  ms: number;
}

export interface ScenarioFloor {
  listing: ListingFloor;
  writes: WriteFloor;
  /** Listing plus writes, one after the other. */
  totalMs: number;
}

const escapeXml = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function pageRequest(target: EmulatorTarget, login: IntacctLogin, object: ListedObject, offset: number): string {
  const fields = FIELDS_OF[object].map((field) => `<field>${field}</field>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><request><control>' +
    `<senderid>${escapeXml(target.senderId)}</senderid><password>${escapeXml(target.senderPassword)}</password>` +
    '<controlid>floor</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion><includewhitespace>false</includewhitespace>' +
    '</control><operation><authentication><login>' +
    `<userid>${escapeXml(login.userId)}</userid><companyid>${escapeXml(login.companyId)}</companyid><password>${escapeXml(login.userPassword)}</password>` +
    '</login></authentication><content><function controlid="floor-page">' +
    `<query><object>${object}</object><select>${fields}</select>` +
    '<orderby><order><field>RECORDNO</field><ascending/></order></orderby>' +
    `<pagesize>${FLOOR_PAGE_SIZE}</pagesize><offset>${offset}</offset></query>` +
    '</function></content></operation></request>'
  );
}

/**
 * Lists every record of `objects` with the fewest requests the protocol allows, at most
 * COMPANY_CONCURRENCY in flight: first pages of every object first (they tell the total), then
 * the remaining pages by offset.
 */
export async function measureListingFloor(target: EmulatorTarget, login: IntacctLogin, objects: readonly ListedObject[]): Promise<ListingFloor> {
  const queue = objects.map((object) => ({ object, offset: 0 }));
  let requests = 0;
  let records = 0;
  const fetchPage = async (object: ListedObject, offset: number): Promise<void> => {
    const response = await fetch(target.endpointUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: pageRequest(target, login, object, offset),
    });
    const text = await response.text();
    requests += 1;
    if (!response.ok || !text.includes('<status>success</status>')) {
      throw new Error(`Listing floor: ${object} page at ${offset} failed (HTTP ${response.status})`);
    }
    records += text.split(`<${object}>`).length - 1;
    if (offset === 0) {
      const total = Number(TOTAL_COUNT_PATTERN.exec(text)?.[1] ?? 0);
      for (let next = FLOOR_PAGE_SIZE; next < total; next += FLOOR_PAGE_SIZE) queue.push({ object, offset: next });
    }
  };
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    const pump = (): void => {
      if (queue.length === 0 && inFlight === 0) {
        resolve();
        return;
      }
      while (inFlight < COMPANY_CONCURRENCY && queue.length > 0) {
        const page = queue.shift()!;
        inFlight += 1;
        fetchPage(page.object, page.offset).then(() => {
          inFlight -= 1;
          pump();
        }, reject);
      }
    };
    pump();
  });
  return { requests, records, ms: performance.now() - started };
}

/** Per logical table: how many items to write, how many carry an index key, and their average size. */
interface TableLoad {
  table: keyof TableNames;
  items: number;
  indexed: number;
  averageBytes: number;
}

function loadsOf(traffic: DynamoTraffic, names: TableNames): TableLoad[] {
  return (Object.keys(names) as (keyof TableNames)[]).map((table) => {
    const counted = traffic.byTable[names[table]];
    if (!counted) return { table, items: 0, indexed: 0, averageBytes: 0 };
    const puts = (counted.items.PutItem ?? 0) + (counted.items.BatchWriteItem ?? 0);
    return {
      table,
      items: counted.itemWrites,
      indexed: counted.indexedItemWrites,
      averageBytes: puts === 0 ? 0 : Math.round(counted.bytesWritten / puts),
    };
  });
}

/** The marshalled put requests standing in for `load`, built before the clock starts. */
function floorRequests(load: TableLoad): WriteRequest[] {
  const requests: WriteRequest[] = [];
  for (let index = 0; index < load.items; index += 1) {
    const sortKey = String(index).padStart(SORT_KEY_WIDTH, '0');
    const item: Record<string, AttributeValue> = {
      [KEY_ATTRIBUTES.partitionKey]: { S: `FLOOR#${load.table}` },
      [KEY_ATTRIBUTES.sortKey]: { S: sortKey },
    };
    if (index < load.indexed) {
      item[KEY_ATTRIBUTES.indexPartitionKey] = { S: `FLOOR-INDEX#${load.table}` };
      item[KEY_ATTRIBUTES.indexSortKey] = { S: sortKey };
    }
    const keyBytes = Object.entries(item).reduce((sum, [name, value]) => sum + name.length + (value.S?.length ?? 0), 0);
    item.payload = { S: 'x'.repeat(Math.max(1, load.averageBytes - keyBytes - 'payload'.length)) };
    requests.push({ PutRequest: { Item: item } });
  }
  return requests;
}

/** Writes as many items per table as `traffic` counted, raw BatchWriteItem, WRITE_CONCURRENCY calls in flight. */
export async function measureWriteFloor(target: DynamoTarget, traffic: DynamoTraffic, names: TableNames): Promise<WriteFloor> {
  const client = createDynamoClient({ endpoint: target.endpoint });
  try {
    const floorNames = await createBenchTables(target, 'floor');
    const batches: { table: string; requests: WriteRequest[] }[] = [];
    let items = 0;
    for (const load of loadsOf(traffic, names)) {
      const requests = floorRequests(load);
      items += requests.length;
      for (let start = 0; start < requests.length; start += FLOOR_BATCH_SIZE) {
        batches.push({ table: floorNames[load.table], requests: requests.slice(start, start + FLOOR_BATCH_SIZE) });
      }
    }
    let next = 0;
    let calls = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let pending: WriteRequest[] = batch.requests;
        while (pending.length > 0) {
          calls += 1;
          const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [batch.table]: pending } }));
          pending = answer.UnprocessedItems?.[batch.table] ?? [];
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, batches.length) }, worker));
    return { items, calls, ms: performance.now() - started };
  } finally {
    client.destroy();
  }
}
