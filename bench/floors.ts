/**
 * The floors a scenario is compared with, measured in the same run against the same servers:
 * - listing: the same records from the emulator in the fewest requests (pagesize 2000, login in
 *   every request so no session call, offset paging so both of the company's concurrent slots
 *   stay busy), read with a raw fetch and a string split, nothing parsed;
 * - writes, on one of two bases, each sent to fresh tables of the same schema as raw
 *   BatchWriteItem calls of 25, as many in flight as the engine keeps entity writes in flight:
 *   - `same-writes`: the same number of item writes as the product made, per table and of the same
 *     average size;
 *   - `minimum`: what the data model needs at least, one PSA record (entities table, carrying the
 *     name index for clients) and one link (links table) per record imported, each of the average
 *     size the product wrote to that table; nothing in the runs table.
 */
import { type AttributeValue, BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { CUSTOMER_FIELDS, DEPARTMENT_FIELDS, EMPLOYEE_FIELDS } from '#domain/intacct-records';
import type { IntacctLogin } from '#ports/intacct-source';
import { createDynamoClient } from '#store/dynamo-client';
import { ENTITY_TYPE_ATTRIBUTE, KEY_ATTRIBUTES } from '#store/keys';
import type { TableNames } from '#store/tables';
import { WRITE_CONCURRENCY } from '#use-cases/engine/linked-records';
import { COMPANY_CONCURRENCY, FLOOR_BATCH_SIZE, FLOOR_PAGE_SIZE } from './config';
import type { DynamoTraffic, ItemShape } from './dynamo-counter';
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

/** What a write floor writes: the product's item writes again, or the data model's minimum. */
export type WriteFloorBasis = 'same-writes' | 'minimum' | 'none';

export interface WriteFloor {
  basis: WriteFloorBasis;
  items: number;
  calls: number;
  ms: number;
}

export interface ScenarioFloor {
  listing: ListingFloor;
  /** The writes `totalMs` counts: the same item writes as the product (B1–B4), the minimum (B5's import), none (B5's sync). */
  writes: WriteFloor;
  /** Listing plus writes, one after the other. */
  totalMs: number;
  /** B1: the listing plus the data model's minimum writes, next to the same-writes floor above. */
  minimum?: { writes: WriteFloor; totalMs: number };
}

/** A floor of no writes at all (a quiet sync's), nothing measured. */
export const NO_WRITES: WriteFloor = { basis: 'none', items: 0, calls: 0, ms: 0 };

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

/**
 * Per logical table: how many items to write, and what they are: copies of the items the product
 * put (`shapes`, by entity type, with fresh keys), the rest (the product's updates and deletes)
 * filler items of the average size the product put.
 */
export interface TableLoad {
  table: keyof TableNames;
  items: number;
  shapes: ItemShape[];
  averageBytes: number;
}

/** `shapes` with their counts scaled to `total` in all, each keeping its share. */
function scaled(shapes: readonly ItemShape[], total: number): ItemShape[] {
  const counted = shapes.reduce((sum, shape) => sum + shape.count, 0);
  if (counted === 0) return [];
  const result = shapes.map((shape) => ({ ...shape, count: Math.floor((shape.count * total) / counted) }));
  const largest = result.reduce((best, shape) => (shape.count > best.count ? shape : best));
  largest.count += total - result.reduce((sum, shape) => sum + shape.count, 0);
  return result;
}

const shapesOf = (traffic: DynamoTraffic, physical: string): ItemShape[] => Object.values(traffic.byTable[physical]?.shapes ?? {});

function averagePutBytes(traffic: DynamoTraffic, physical: string): number {
  const counted = traffic.byTable[physical];
  if (!counted) return 0;
  const puts = (counted.items.PutItem ?? 0) + (counted.items.BatchWriteItem ?? 0);
  return puts === 0 ? 0 : Math.round(counted.bytesWritten / puts);
}

/** The same-writes basis: every table's item writes as `traffic` counted them. */
export function sameWritesLoads(traffic: DynamoTraffic, names: TableNames): TableLoad[] {
  return (Object.keys(names) as (keyof TableNames)[]).map((table) => {
    const counted = traffic.byTable[names[table]];
    if (!counted) return { table, items: 0, shapes: [], averageBytes: 0 };
    return {
      table,
      items: counted.itemWrites,
      shapes: shapesOf(traffic, names[table]),
      averageBytes: averagePutBytes(traffic, names[table]),
    };
  });
}

/** Records an import wrote: clients (name-indexed) and the rest (team members, departments). */
export interface ImportedRecords {
  clients: number;
  others: number;
}

/**
 * The minimum basis: one PSA record and one link per imported record, at the average sizes the
 * product's puts to those two tables had in `traffic`.
 */
export function minimumLoads(traffic: DynamoTraffic, names: TableNames, imported: ImportedRecords): TableLoad[] {
  const records = imported.clients + imported.others;
  const entityShapes = shapesOf(traffic, names.entities);
  // The product's entity puts are one per imported record; its link puts may include claims made twice.
  const linkShapes = shapesOf(traffic, names.links).filter((shape) => shape.sample[ENTITY_TYPE_ATTRIBUTE]?.S === 'Link');
  return [
    { table: 'entities', items: records, shapes: scaled(entityShapes, records), averageBytes: averagePutBytes(traffic, names.entities) },
    { table: 'links', items: records, shapes: scaled(linkShapes, records), averageBytes: averagePutBytes(traffic, names.links) },
  ];
}

/** The marshalled put requests standing in for `load`, built before the clock starts. */
function floorRequests(load: TableLoad): WriteRequest[] {
  const requests: WriteRequest[] = [];
  // One payload string per length: 200,000 items share a few strings instead of holding one each.
  const payloads = new Map<number, string>();
  const payloadOf = (length: number): string => {
    let payload = payloads.get(length);
    if (payload === undefined) {
      payload = 'x'.repeat(length);
      payloads.set(length, payload);
    }
    return payload;
  };
  let index = 0;
  for (const shape of load.shapes) {
    const indexed = KEY_ATTRIBUTES.indexPartitionKey in shape.sample;
    for (let copy = 0; copy < shape.count && index < load.items; copy += 1, index += 1) {
      const sortKey = String(index).padStart(SORT_KEY_WIDTH, '0');
      const item: Record<string, AttributeValue> = {
        ...shape.sample,
        [KEY_ATTRIBUTES.partitionKey]: { S: `FLOOR#${load.table}` },
        [KEY_ATTRIBUTES.sortKey]: { S: sortKey },
      };
      if (indexed) {
        item[KEY_ATTRIBUTES.indexPartitionKey] = { S: `FLOOR-INDEX#${load.table}` };
        item[KEY_ATTRIBUTES.indexSortKey] = { S: sortKey };
      }
      requests.push({ PutRequest: { Item: item } });
    }
  }
  for (; index < load.items; index += 1) {
    const sortKey = String(index).padStart(SORT_KEY_WIDTH, '0');
    const item: Record<string, AttributeValue> = {
      [KEY_ATTRIBUTES.partitionKey]: { S: `FLOOR#${load.table}` },
      [KEY_ATTRIBUTES.sortKey]: { S: sortKey },
    };
    const keyBytes = Object.entries(item).reduce((sum, [name, value]) => sum + name.length + (value.S?.length ?? 0), 0);
    item.payload = { S: payloadOf(Math.max(1, load.averageBytes - keyBytes - 'payload'.length)) };
    requests.push({ PutRequest: { Item: item } });
  }
  return requests;
}

/**
 * Writes `loads` to fresh tables at `target` (dynalite, or the latency proxy in front of it) as raw
 * BatchWriteItem calls of 25, WRITE_CONCURRENCY calls in flight.
 */
export async function measureWriteFloor(
  target: DynamoTarget,
  loads: readonly TableLoad[],
  basis: Exclude<WriteFloorBasis, 'none'>,
): Promise<WriteFloor> {
  const client = createDynamoClient({ endpoint: target.endpoint });
  try {
    const floorNames = await createBenchTables(target, 'floor');
    const batches: { table: string; requests: WriteRequest[] }[] = [];
    let items = 0;
    for (const load of loads) {
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
    return { basis, items, calls, ms: performance.now() - started };
  } finally {
    client.destroy();
  }
}
