import type { Client, User } from '#domain/entities';
import type { RunRecord, SyncRun } from '#domain/runs';
import { type ClientImportRequest, queueClientImport } from '#use-cases/import-clients';
import { queueUserImport, type UserImportRequest } from '#use-cases/import-users';
import { type SyncScope, syncTenant } from '#use-cases/sync-tenant';
import type { EngineHarness } from '../support/engine-harness';

/** Steps the engine tests take, as an admin and the nightly schedule would. */

/** The run as stored now. */
export async function runNow(h: EngineHarness, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await h.stores.runs.get(tenantId, runId);
  if (!run) throw new Error(`run ${runId} is gone`);
  return run;
}

/** Queues an import as the API does, then lets its worker (and any continuation) run to the end. */
export async function importClients(h: EngineHarness, tenantId: string, request: ClientImportRequest): Promise<SyncRun> {
  const run = await queueClientImport(h.deps, tenantId, request, 'api');
  await h.workers.drain();
  return runNow(h, tenantId, run.id);
}

export async function importUsers(h: EngineHarness, tenantId: string, request: UserImportRequest): Promise<SyncRun> {
  const run = await queueUserImport(h.deps, tenantId, request, 'api');
  await h.workers.drain();
  return runNow(h, tenantId, run.id);
}

/** The nightly sync of a tenant a day later, to its end (continuations included); answers its runs. */
export async function nightlySync(h: EngineHarness, tenantId: string, scope: SyncScope = 'all', dryRun = false): Promise<SyncRun[]> {
  h.clock.advance(24 * 60 * 60_000);
  const { runs } = await syncTenant(h.deps, { tenantId, scope, trigger: 'schedule', dryRun }, h.workers.invocation());
  await h.workers.drain();
  return Promise.all(runs.map((run) => runNow(h, tenantId, run.id)));
}

export async function allClients(h: EngineHarness, tenantId: string): Promise<Client[]> {
  const clients: Client[] = [];
  let cursor: string | null = null;
  do {
    const page = await h.stores.clients.list(tenantId, { limit: 100, cursor });
    clients.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return clients;
}

export async function allUsers(h: EngineHarness, tenantId: string): Promise<User[]> {
  const users: User[] = [];
  let cursor: string | null = null;
  do {
    const page = await h.stores.users.list(tenantId, { limit: 100, cursor });
    users.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return users;
}

export async function clientOf(h: EngineHarness, tenantId: string, customerId: string): Promise<Client | undefined> {
  return (await allClients(h, tenantId)).find((client) => client.integrations.intacct?.customerId === customerId);
}

export async function userOf(h: EngineHarness, tenantId: string, employeeId: string): Promise<User | undefined> {
  return (await allUsers(h, tenantId)).find((user) => user.integrations.intacct?.employeeId === employeeId);
}

export async function recordsOf(h: EngineHarness, tenantId: string, runId: string): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await h.stores.runs.listRecords(tenantId, runId, { limit: 100, cursor });
    records.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return records;
}

/** The CUSTOMERIDs or EMPLOYEEIDs of a tenant's Intacct company, ascending RECORDNO (they have gaps). */
export async function intacctIds(h: EngineHarness, object: 'customer' | 'employee', company = 0): Promise<string[]> {
  const source = h.deps.intacct.forLogin({ ...h.emulator.companies[company]! });
  const ids: string[] = [];
  const listing = object === 'customer' ? source.listCustomers() : source.listEmployees();
  for await (const page of listing) {
    ids.push(...page.records.map((record) => (object === 'customer' ? record.CUSTOMERID : record.EMPLOYEEID) ?? ''));
  }
  return ids;
}
