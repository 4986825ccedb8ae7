/**
 * I6 crash test: the process dies at the k-th DynamoDB write (that write and every later one fail),
 * for every k, in an import of 50 clients, in a sync with updates, unlinks and departments, and in
 * a confirmation of held unlinks. After each death the run is either taken up again by its own
 * retry (the same run resumes from its checkpoint) or, its worker lost, followed by a new run; both
 * must converge to the state an uncrashed run reaches (no duplicates, nothing lost, links one to
 * one), and every domain event of the uncrashed run must have been published at least once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntacctObject } from '#domain/entities';
import type { DomainEvent } from '#domain/events';
import type { SyncRun } from '#domain/runs';
import { confirmUnlinks } from '#use-cases/confirm-unlinks';
import { connectIntacct } from '#use-cases/connect-intacct';
import { editClient } from '#use-cases/edit-client';
import { closeRunIfWorkerLost, executeRun } from '#use-cases/engine/run-lifecycle';
import { SimulatedCrash } from '../support/dynamo-spy';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, allUsers, importClients, importUsers, intacctIds, nightlySync, runNow } from './engine-steps';

/** A dead worker's lease expires after a minute; the recovery comes later than that. */
const AFTER_LEASE_EXPIRY_MS = 2 * 60_000;
/** Each test dies at every write in turn (over a hundred runs): minutes on a busy machine. */
const CRASH_LOOP_TIMEOUT_MS = 600_000;
/** Generous upper bound on the writes one run makes, so a broken loop cannot spin forever. */
const MAX_WRITES = 400;

let h: EngineHarness;
let tenantCounter = 0;

beforeAll(async () => {
  // Companies 1 and 2 start identical (same seed and counts); company 2 then changes, so a tenant
  // can import from 1 and be re-pointed at 2 to meet "Intacct changed overnight".
  // Companies 3 and 4 are for the confirmation, the same way: 4 loses enough customers overnight
  // for their unlinks to be held for review.
  const seed = { customers: 50, employees: 10, departments: 3, seed: 7 };
  const small = { customers: 40, employees: 0, departments: 1, seed: 9 };
  h = await startEngineHarness([seed, seed, small, small]);
});
afterAll(async () => h.close());

async function newTenant(company: number): Promise<string> {
  tenantCounter += 1;
  const tenantId = `crash-${tenantCounter}`;
  const login = h.emulator.companies[company]!;
  await connectIntacct(h.deps, tenantId, { companyId: login.companyId, userId: login.userId, password: login.userPassword });
  return tenantId;
}

/** The tenant's whole PSA state, keyed by Intacct identity so runs with different ids compare. */
async function snapshot(tenantId: string) {
  const clients = await allClients(h, tenantId);
  const users = await allUsers(h, tenantId);
  const departments = (await h.stores.departments.list(tenantId, { limit: 1000 })).items;
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const links: Record<string, string[]> = {};
  for (const object of ['customer', 'employee', 'department'] as IntacctObject[]) {
    links[object] = [];
    for await (const page of h.stores.links.iterate(tenantId, object)) links[object]!.push(...page.map((l) => l.recordNo));
  }
  type Stored = { id: string; tenantId: string; version: number; createdAt: string; updatedAt: string; integrations: { intacct?: object } };
  const strip = <T extends Stored>(e: T) => {
    const { id: _id, tenantId: _t, version: _v, createdAt: _c, updatedAt: _u, ...rest } = e;
    const intacct = e.integrations.intacct;
    return { ...rest, integrations: { intacct: intacct ? { ...intacct, lastSyncedAt: null } : null } };
  };
  const byRecord = <T extends { integrations: { intacct?: { recordNo: string } } }>(list: T[]) =>
    [...list].sort((a, b) => (a.integrations.intacct?.recordNo ?? '').localeCompare(b.integrations.intacct?.recordNo ?? ''));
  return {
    clients: byRecord(clients).map(strip),
    users: byRecord(users).map((u) => ({ ...strip(u), departmentId: u.departmentId ? departmentName.get(u.departmentId) : null })),
    departments: byRecord(departments).map(strip),
    links,
  };
}

/** Record-level events of `tenantId`, by Intacct identity, so runs with different PSA ids compare. */
function eventKeys(tenantId: string, from = 0): Set<string> {
  const keys = new Set<string>();
  for (const event of h.events.events.slice(from) as DomainEvent[]) {
    if (event.detail.tenantId !== tenantId || event.type === 'SyncRunFinished') continue;
    const detail = event.detail as Record<string, unknown>;
    keys.add(`${event.type}:${String(detail.customerId ?? detail.employeeId ?? detail.intacctDepartmentId)}`);
  }
  return keys;
}

/** Runs `attempt` with the process dying at the k-th write; answers whether it died. */
async function dieAt(k: number, attempt: () => Promise<unknown>): Promise<boolean> {
  h.spy.dieOnWrite(k);
  try {
    await attempt();
    return false;
  } catch (error) {
    if (!(error instanceof SimulatedCrash)) throw error;
    return true;
  } finally {
    h.spy.reset();
    // The dead process's queued invocations died with it.
    h.workers.drop();
  }
}

/** The runs of a tenant still queued or running: a death leaves exactly its own. */
async function activeRuns(tenantId: string): Promise<SyncRun[]> {
  return (await h.stores.runs.list(tenantId, { limit: 50 })).items.filter((run) => run.status === 'queued' || run.status === 'running');
}

/**
 * After a death, either Lambda retries the dead invocation once its lease has expired (the same run
 * continues from its checkpoint), or nothing does and the run is closed worker_lost by whoever
 * looks next; `retry` picks which.
 */
async function recover(tenantId: string, retry: boolean): Promise<SyncRun[]> {
  h.clock.advance(AFTER_LEASE_EXPIRY_MS);
  const dead = await activeRuns(tenantId);
  if (retry) {
    for (const run of dead) await executeRun(h.deps, tenantId, run.id, h.workers.invocation());
    await h.workers.drain();
  } else {
    for (const run of dead) expect((await closeRunIfWorkerLost(h.deps, run)).error?.code).toBe('worker_lost');
  }
  return Promise.all(dead.map((run) => runNow(h, tenantId, run.id)));
}

describe('I6 imports, syncs and confirmations converge after the process dies at any write', () => {
  it(
    'an import of 50 clients: its retry or a new import ends as an uncrashed import, with every ClientImported published',
    async () => {
      const reference = await newTenant(0);
      h.spy.reset();
      await importClients(h, reference, { all: true });
      const writeCommands = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].reduce((sum, operation) => sum + h.spy.commands(operation), 0);
      h.spy.reset();
      const expected = await snapshot(reference);
      const expectedEvents = eventKeys(reference);
      expect(expected.clients).toHaveLength(50);
      expect(expectedEvents.size).toBe(50);

      let deaths = 0;
      for (let k = 1; k <= MAX_WRITES; k += 1) {
        const tenant = await newTenant(0);
        const firstEvent = h.events.events.length;
        const died = await dieAt(k, () => importClients(h, tenant, { all: true }));
        if (!died) break;
        deaths += 1;
        const retried = await recover(tenant, k % 2 === 1);
        if (k % 2 === 1 && retried.length > 0) {
          expect(
            retried.map((run) => run.status),
            `retry after death at write ${k}`,
          ).toEqual(retried.map(() => 'succeeded'));
        } else {
          // Died before the import was stored (its request failed and is asked again), or its worker is lost.
          const rerun = await importClients(h, tenant, { all: true });
          expect(rerun.status, `new import after death at write ${k}`).toBe('succeeded');
        }
        expect(await snapshot(tenant), `state after death at write ${k}`).toEqual(expected);
        expect(eventKeys(tenant, firstEvent), `events after death at write ${k}`).toEqual(expectedEvents);
        expect(await activeRuns(tenant)).toEqual([]);
      }
      // It died at every write command an uncrashed import makes (claims and records go in batches).
      expect(deaths).toBeGreaterThanOrEqual(writeCommands);
    },
    CRASH_LOOP_TIMEOUT_MS,
  );

  it(
    'a sync with updates, unlinks and departments: its retry or the next sync ends as an uncrashed sync, with every event published',
    async () => {
      const customers = await intacctIds(h, 'customer', 1);
      const employees = await intacctIds(h, 'employee', 1);
      const prepare = async (): Promise<string> => {
        const tenant = await newTenant(0);
        await importClients(h, tenant, { all: true });
        await importUsers(h, tenant, { employeeIds: employees, permissionProfile: 'collaborator', assignDepartments: true });
        const clients = await allClients(h, tenant);
        for (const client of clients.slice(0, 3)) await editClient(h.deps, tenant, client.id, { name: 'PSA edit', notes: 'kept' });
        // Company 2 stands for company 1 the morning after: the same records, changed overnight.
        await h.stores.connections.setLinkedCompany(tenant, { companyId: h.emulator.companies[1]!.companyId, entityId: null });
        const company = h.emulator.companies[1]!;
        await connectIntacct(h.deps, tenant, { companyId: company.companyId, userId: company.userId, password: company.userPassword });
        return tenant;
      };
      // Overnight in Intacct (company 2): renames, two customers and one employee removed,
      // a department renamed and a new one an employee moves to.
      const admin = h.intacct(1);
      const source = h.deps.intacct.forLogin({ ...h.emulator.companies[1]! });
      const recordNoOf = async (object: 'customer' | 'employee', id: string) => {
        const [record] =
          object === 'customer' ? await source.browseCustomers({ search: id, limit: 1 }) : await source.browseEmployees({ search: id, limit: 1 });
        return record!.RECORDNO!;
      };
      for (const id of customers.slice(5, 10)) await admin.update('CUSTOMER', await recordNoOf('customer', id), { NAME: `Renamed ${id}` });
      await admin.delete('CUSTOMER', [await recordNoOf('customer', customers[20]!), await recordNoOf('customer', customers[21]!)]);
      await admin.update('EMPLOYEE', await recordNoOf('employee', employees[0]!), { TITLE: 'Director' });
      await admin.delete('EMPLOYEE', [await recordNoOf('employee', employees[1]!)]);
      const departments: string[] = [];
      for await (const page of source.listDepartments()) departments.push(...page.records.map((r) => r.RECORDNO!));
      await admin.update('DEPARTMENT', departments[0]!, { TITLE: 'Renamed Department' });
      await admin.create('DEPARTMENT', { DEPARTMENTID: 'NEWCO', TITLE: 'New Company Unit' });
      await admin.update('EMPLOYEE', await recordNoOf('employee', employees[2]!), { DEPARTMENTID: 'NEWCO' });

      const reference = await prepare();
      const referenceStart = h.events.events.length;
      const [clientRun, userRun] = await nightlySync(h, reference, 'all');
      expect([clientRun!.status, userRun!.status]).toEqual(['succeeded', 'succeeded']);
      expect(clientRun!.counts).toMatchObject({ updated: 8, unlinked: 2 });
      const expected = await snapshot(reference);
      const expectedEvents = eventKeys(reference, referenceStart);
      expect([...expectedEvents].filter((key) => key.startsWith('ClientUnlinked'))).toHaveLength(2);

      let deaths = 0;
      for (let k = 1; k <= MAX_WRITES; k += 1) {
        const tenant = await prepare();
        const firstEvent = h.events.events.length;
        const died = await dieAt(k, () => nightlySync(h, tenant, 'all'));
        if (!died) break;
        deaths += 1;
        const retried = await recover(tenant, k % 2 === 1);
        if (k % 2 === 0) {
          const reruns = await nightlySync(h, tenant, 'all');
          expect(
            reruns.map((r) => r.status),
            `next sync after death at write ${k}`,
          ).toEqual(reruns.map(() => 'succeeded'));
        } else {
          expect(
            retried.every((run) => run.status === 'succeeded'),
            `retry after death at write ${k}`,
          ).toBe(true);
          // A family whose run had not been queued when the process died syncs the next night.
          if (retried.length < 2) await nightlySync(h, tenant, 'all');
        }
        expect(await snapshot(tenant), `state after death at write ${k}`).toEqual(expected);
        const published = eventKeys(tenant, firstEvent);
        for (const key of expectedEvents) expect(published.has(key), `${key} after death at write ${k}`).toBe(true);
        expect(await activeRuns(tenant)).toEqual([]);
      }
      expect(deaths).toBeGreaterThan(15);
    },
    CRASH_LOOP_TIMEOUT_MS,
  );

  it(
    'a confirmation of held unlinks: its retry or a confirmation again unlinks each held client once, with every ClientUnlinked published',
    async () => {
      const removed = (await intacctIds(h, 'customer', 3)).slice(0, 15);
      const prepare = async (): Promise<{ tenant: string; run: SyncRun }> => {
        const tenant = await newTenant(2);
        await importClients(h, tenant, { all: true });
        const company = h.emulator.companies[3]!;
        await h.stores.connections.setLinkedCompany(tenant, { companyId: company.companyId, entityId: null });
        await connectIntacct(h.deps, tenant, { companyId: company.companyId, userId: company.userId, password: company.userPassword });
        return { tenant, run: (await nightlySync(h, tenant, 'clients'))[0]! };
      };
      const admin = h.intacct(3);
      const source = h.deps.intacct.forLogin({ ...h.emulator.companies[3]! });
      const recordNos: string[] = [];
      for await (const page of source.customersById(removed)) recordNos.push(...page.records.map((r) => r.RECORDNO!));
      await admin.delete('CUSTOMER', recordNos);

      const reference = await prepare();
      expect(reference.run.status).toBe('needs_review');
      const referenceStart = h.events.events.length;
      await confirmUnlinks(h.deps, reference.tenant, reference.run.id);
      await h.workers.drain();
      const confirmed = await runNow(h, reference.tenant, reference.run.id);
      expect(confirmed).toMatchObject({ status: 'succeeded', counts: { unlinked: 15, skipped: 0 } });
      const expected = await snapshot(reference.tenant);
      const expectedEvents = eventKeys(reference.tenant, referenceStart);
      expect(expectedEvents.size).toBe(15);

      let deaths = 0;
      for (let k = 1; k <= MAX_WRITES; k += 1) {
        const { tenant, run } = await prepare();
        const firstEvent = h.events.events.length;
        const died = await dieAt(k, async () => {
          await confirmUnlinks(h.deps, tenant, run.id);
          await h.workers.drain();
        });
        if (!died) break;
        deaths += 1;
        const retry = k % 2 === 1;
        await recover(tenant, retry);
        const stored = await runNow(h, tenant, run.id);
        // Died before the confirmation was stored: it was never accepted, and is asked for again.
        if (stored.status === 'needs_review' || (!retry && stored.status === 'failed')) {
          await confirmUnlinks(h.deps, tenant, run.id);
          await h.workers.drain();
        }
        const final = await runNow(h, tenant, run.id);
        expect(final, `run after death at write ${k}`).toMatchObject({ status: 'succeeded', counts: confirmed.counts, progress: confirmed.progress });
        expect(await snapshot(tenant), `state after death at write ${k}`).toEqual(expected);
        expect(eventKeys(tenant, firstEvent), `events after death at write ${k}`).toEqual(expectedEvents);
      }
      expect(deaths).toBeGreaterThan(10);
    },
    CRASH_LOOP_TIMEOUT_MS,
  );
});
