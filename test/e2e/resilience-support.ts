/**
 * Helpers shared by the resilience e2e tests: an Intacct emulator of our own (a company bigger than
 * the demo's 200 customers), reading events.jsonl, and paging through clients.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { DEMO_COMPANY_SEEDS } from '../../local/runtime/demo-tenants';
import type { ApiClient } from './api-client';

/**
 * An emulator with the demo companies' credentials and seeds (so the runtime's demo tenants connect
 * to it as they would to their own), but `customers` customers in the first company (NORTHWIND).
 * It runs in the test process, outside the runtime: like the real Intacct, it outlives a runtime
 * that is killed, and its latency is set directly.
 */
export function startBigEmulator(customers: number): Promise<RunningEmulator> {
  return startEmulator({
    companies: DEMO_COMPANY_SEEDS.map((seed, index) => (index === 0 ? { ...seed, customers } : { ...seed })),
  });
}

/** One line of `<dataDir>/events.jsonl`, in EventBridge's shape. */
export interface JournalEvent {
  'detail-type': string;
  detail: Record<string, unknown> & { tenantId: string; eventId: string };
}

/** Every event the local bus journaled so far (none when the file does not exist yet). */
export async function readEvents(dataDir: string): Promise<JournalEvent[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'events.jsonl'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JournalEvent);
}

/** The `type` events of `tenantId` by the PSA id their `idKey` names, each with its distinct eventIds. */
export function eventsById(events: readonly JournalEvent[], tenantId: string, type: string, idKey: string): Map<string, Set<string>> {
  const byId = new Map<string, Set<string>>();
  for (const event of events) {
    if (event['detail-type'] !== type || event.detail.tenantId !== tenantId) continue;
    const id = String(event.detail[idKey]);
    const eventIds = byId.get(id) ?? new Set<string>();
    eventIds.add(event.detail.eventId);
    byId.set(id, eventIds);
  }
  return byId;
}

/** The ClientImported events of `tenantId`, by the clientId they announce (each id's distinct eventIds). */
export const clientImportedEvents = (events: readonly JournalEvent[], tenantId: string): Map<string, Set<string>> =>
  eventsById(events, tenantId, 'ClientImported', 'clientId');

/** Every client of the caller's tenant, through GET /clients page by page (the largest page the API allows). */
export async function allClients(api: ApiClient): Promise<any[]> {
  return (await api.allPages('/clients', 200)).items;
}

/** Every Intacct customer of the caller's tenant, through GET /intacct/customers page by page. */
export async function allCustomers(api: ApiClient): Promise<any[]> {
  return (await api.allPages('/intacct/customers', 200)).items;
}

/** How many times each value occurs. */
export function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
