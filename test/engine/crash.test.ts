/**
 * I6 crash test: a store wrapper fails the k-th DynamoDB write, for every k, in an import of 50
 * clients and in a sync with updates, unlinks and departments. After each crash a re-run must
 * converge to the state an uncrashed run reaches: no duplicates, nothing lost, links one to one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntacctObject } from '../../shared/domain/entities';
import { connectIntacct } from '../../shared/use-cases/connect-intacct';
import { editClient } from '../../shared/use-cases/edit-client';
import { SimulatedCrash } from '../support/dynamo-spy';
import { startEngineHarness, type EngineHarness } from '../support/engine-harness';
import { allClients, allUsers, importClients, importUsers, intacctIds, nightlySync } from './engine-steps';

/** A crashed holder's lease expires after 15 minutes; the re-run comes later than that. */
const AFTER_LEASE_EXPIRY_MS = 16 * 60_000;
/** Generous upper bound on the writes one run makes, so a broken loop cannot spin forever. */
const MAX_WRITES = 400;

let h: EngineHarness;
let tenantCounter = 0;

beforeAll(async () => {
  // Companies 1 and 2 start identical (same seed and counts); company 2 then changes, so a tenant
  // can import from 1 and be re-pointed at 2 to meet "Intacct changed overnight".
  const seed = { customers: 50, employees: 10, departments: 3, seed: 7 };
  h = await startEngineHarness([seed, seed]);
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

/** Runs `attempt` with the k-th write failing; answers whether the crash happened. */
async function crashAt(k: number, attempt: () => Promise<unknown>): Promise<boolean> {
  h.spy.failOnWrite(k);
  try {
    await attempt();
    h.spy.reset();
    return false;
  } catch (error) {
    h.spy.reset();
    if (!(error instanceof SimulatedCrash)) throw error;
    h.clock.advance(AFTER_LEASE_EXPIRY_MS);
    return true;
  }
}

describe('I6 imports and syncs converge after a crash at any write', () => {
  it('an import of 50 clients re-run after a crash at every k-th write ends as an uncrashed import', async () => {
    const reference = await newTenant(0);
    await importClients(h, reference, { all: true });
    const expected = await snapshot(reference);
    expect(expected.clients).toHaveLength(50);

    let crashes = 0;
    for (let k = 1; k <= MAX_WRITES; k += 1) {
      const tenant = await newTenant(0);
      const crashed = await crashAt(k, () => importClients(h, tenant, { all: true }));
      if (!crashed) break;
      crashes += 1;
      const rerun = await importClients(h, tenant, { all: true });
      expect(rerun.status, `re-run after crash at write ${k}`).toBe('succeeded');
      expect(await snapshot(tenant), `state after crash at write ${k}`).toEqual(expected);
    }
    expect(crashes).toBeGreaterThan(100);
  });

  it('a sync with updates, unlinks and departments re-run after a crash at every k-th write ends as an uncrashed sync', async () => {
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
      const [record] = object === 'customer' ? await source.browseCustomers({ search: id, limit: 1 }) : await source.browseEmployees({ search: id, limit: 1 });
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
    const [clientRun, userRun] = await nightlySync(h, reference, 'all');
    expect([clientRun!.status, userRun!.status]).toEqual(['succeeded', 'succeeded']);
    expect(clientRun!.counts).toMatchObject({ updated: 8, unlinked: 2 });
    const expected = await snapshot(reference);

    let crashes = 0;
    for (let k = 1; k <= MAX_WRITES; k += 1) {
      const tenant = await prepare();
      const crashed = await crashAt(k, () => nightlySync(h, tenant, 'all'));
      if (!crashed) break;
      crashes += 1;
      const reruns = await nightlySync(h, tenant, 'all');
      expect(reruns.map((r) => r.status), `re-run after crash at write ${k}`).toEqual(['succeeded', 'succeeded']);
      expect(await snapshot(tenant), `state after crash at write ${k}`).toEqual(expected);
    }
    expect(crashes).toBeGreaterThan(15);
  });
});
