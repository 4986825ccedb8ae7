/** Run-level behaviour: one sync per tenant at a time, and dry runs that predict the real run. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '#domain/runs';
import { editClient } from '#use-cases/edit-client';
import { syncTenant } from '#use-cases/sync-tenant';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, importClients, importUsers, intacctIds, nightlySync, recordsOf } from './engine-steps';

let h: EngineHarness;
let tenant: string;

beforeEach(async () => {
  h = await startEngineHarness([{ customers: 40, employees: 8, departments: 3 }]);
  tenant = h.tenants[0]!;
});
afterEach(async () => h.close());

/** Clients edited in the PSA and in Intacct, and one customer removed. */
async function changeBothSides(): Promise<void> {
  const clients = await allClients(h, tenant);
  for (const client of clients.slice(0, 3)) await editClient(h.deps, tenant, client.id, { name: 'PSA edit' });
  await h.intacct().update('CUSTOMER', clients[5]!.integrations.intacct!.recordNo, { NAME: 'Intacct edit' });
  await h.intacct().delete('CUSTOMER', [clients[6]!.integrations.intacct!.recordNo]);
}

const outcomeKey = (r: RunRecord) => JSON.stringify([r.object, r.intacctId, r.outcome, r.changes.map((c) => [c.field, c.from, c.to])]);

describe('two syncs of one tenant started together', () => {
  it('runs one and skips the other without a failed run, ending as one sync would', async () => {
    await importClients(h, tenant, { all: true });
    await changeBothSides();
    h.events.events.length = 0;

    const results = await Promise.all([
      syncTenant(h.deps, { tenantId: tenant, scope: 'clients', trigger: 'schedule' }),
      syncTenant(h.deps, { tenantId: tenant, scope: 'clients', trigger: 'manual' }),
    ]);

    expect(results.flatMap((result) => result.runs.map((run) => run.status))).toEqual(['succeeded']);
    expect(results.flatMap((result) => result.skipped)).toEqual([{ family: 'clients', reason: 'run_in_progress' }]);
    expect(h.events.ofType('ClientUpdated')).toHaveLength(4);
    expect(h.events.ofType('ClientUnlinked')).toHaveLength(1);
    const clients = await allClients(h, tenant);
    expect(clients.filter((c) => c.name === 'PSA edit')).toHaveLength(0);
    expect(clients.filter((c) => c.integrations.intacct?.status === 'unlinked')).toHaveLength(1);
  });
});

describe('dry runs', () => {
  it('a dry sync reports the outcomes of the real sync that follows and writes nothing but its run', async () => {
    await importClients(h, tenant, { all: true });
    await importUsers(h, tenant, { employeeIds: await intacctIds(h, 'employee'), permissionProfile: 'manager', assignDepartments: true });
    await changeBothSides();
    const before = await allClients(h, tenant);
    h.spy.reset();
    h.events.events.length = 0;

    const [dry] = await nightlySync(h, tenant, 'clients', true);

    expect(h.spy.writes(h.dynamo.names.entities)).toBe(0);
    expect(h.spy.writes(h.dynamo.names.links)).toBe(0);
    expect(await allClients(h, tenant)).toEqual(before);
    expect(h.events.events.filter((e) => e.type !== 'SyncRunFinished')).toHaveLength(0);

    const [real] = await nightlySync(h, tenant, 'clients');

    expect(dry!.dryRun).toBe(true);
    expect(dry!.counts).toEqual(real!.counts);
    const dryOutcomes = (await recordsOf(h, tenant, dry!.id)).map(outcomeKey).sort();
    const realOutcomes = (await recordsOf(h, tenant, real!.id)).map(outcomeKey).sort();
    expect(dryOutcomes).toEqual(realOutcomes);
    expect(realOutcomes.length).toBeGreaterThan(0);
  });

  it('a dry import reports what the real import then does, and creates nothing', async () => {
    const dry = await importClients(h, tenant, { all: true, dryRun: true });

    expect(await allClients(h, tenant)).toHaveLength(0);
    const real = await importClients(h, tenant, { all: true });

    expect(dry.counts).toEqual(real.counts);
    const strip = (r: RunRecord) => JSON.stringify([r.object, r.intacctId, r.outcome]);
    expect((await recordsOf(h, tenant, dry.id)).map(strip).sort()).toEqual((await recordsOf(h, tenant, real.id)).map(strip).sort());
  });
});

describe('run progress', () => {
  it('a sync counts every Intacct record it listed, imported or not, so progress reaches its total', async () => {
    const customers = await intacctIds(h, 'customer');
    await importClients(h, tenant, { customerIds: customers.slice(0, 5) });

    const [run] = await nightlySync(h, tenant, 'clients');

    expect(run!.progress).toEqual({ processed: customers.length, total: customers.length });
    expect(run!.counts.unchanged).toBe(5);
  });
});

describe('a run started the moment the previous one shows finished', () => {
  it('is accepted, though the finished run has not yet given its lease back', async () => {
    await importClients(h, tenant, { all: true });
    // The finished run's worker is held between its final save and giving its lease back.
    let letGo: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const release = h.deps.leases.release.bind(h.deps.leases);
    let releases = 0;
    h.deps.leases.release = async (...args) => {
      releases += 1;
      if (releases === 1) await held;
      return release(...args);
    };
    const first = syncTenant(h.deps, { tenantId: tenant, scope: 'clients', trigger: 'manual' });
    const firstRunId = await until(
      async () => (await h.deps.runs.list(tenant, { limit: 1 })).items.find((run) => run.type === 'client_sync' && run.status === 'succeeded')?.id,
    );

    try {
      const second = await syncTenant(h.deps, { tenantId: tenant, scope: 'clients', trigger: 'manual' });

      expect(second.skipped).toEqual([]);
      expect(second.runs.map((run) => [run.type, run.status])).toEqual([['client_sync', 'succeeded']]);
      expect(second.runs[0]!.id).not.toBe(firstRunId);
    } finally {
      letGo();
      h.deps.leases.release = release;
    }
    expect((await first).runs.map((run) => run.status)).toEqual(['succeeded']);
  });
});

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('never happened');
}
