/**
 * A run's life beyond the happy path: continued across invocations when its time runs out, a
 * mass removal held as items and confirmed on a worker, a scheduled run waiting out Intacct being
 * unavailable, a redelivered or duplicated run left alone, a dead worker's run closed by the next
 * run of its family, and a reconnect to another Intacct company.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBounded } from '#domain/bounded';
import { Conflict, IntacctFailure } from '#domain/errors';
import type { DomainEvent } from '#domain/events';
import { initialCheckpoint, MIN_PAGE_SIZE, type SyncRun } from '#domain/runs';
import { newClientFromIntacct } from '#domain/sync-rules';
import { confirmUnlinks } from '#use-cases/confirm-unlinks';
import { connectIntacct } from '#use-cases/connect-intacct';
import { clientKind } from '#use-cases/engine/kinds';
import { executeRun, noteStall, STALL_LIMIT_MS } from '#use-cases/engine/run-lifecycle';
import { queueClientImport } from '#use-cases/import-clients';
import { syncTenant } from '#use-cases/sync-tenant';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, importClients, importUsers, intacctIds, nightlySync, recordsOf, runNow } from './engine-steps';

const BIG = 12_000;
const REMOVED = 10_000;

let h: EngineHarness;
let tenantCounter = 0;

beforeAll(async () => {
  h = await startEngineHarness([
    { customers: 600, employees: 3, departments: 2, seed: 21 },
    { customers: BIG, employees: 0, departments: 1, seed: 22 },
    { customers: 30, employees: 4, departments: 2, seed: 23 },
  ]);
}, 120_000);
afterAll(async () => h.close());

async function newTenant(company: number): Promise<string> {
  tenantCounter += 1;
  const tenantId = `life-${tenantCounter}`;
  const login = h.emulator.companies[company]!;
  await connectIntacct(h.deps, tenantId, { companyId: login.companyId, userId: login.userId, password: login.userPassword });
  return tenantId;
}

const importedIds = (tenantId: string, events: readonly DomainEvent[]): string[] =>
  events.filter((event) => event.type === 'ClientImported' && event.detail.tenantId === tenantId).map((event) => String(event.detail.clientId));

describe('time budgets and continuation', () => {
  it('an import whose invocations run out of time continues in new ones: each customer once, counts add up, one event each', async () => {
    const tenant = await newTenant(0);
    h.workers.invocationMs = 2_000;
    // Slow Intacct: a whole page cannot be listed in one invocation, so pages shrink as well.
    h.emulator.setFaults({ latencyMs: { base: 100, perRecord: 3 } });
    const firstEvent = h.events.events.length;
    try {
      const queued = await queueClientImport(h.deps, tenant, { all: true }, 'api');
      const invocations = await h.workers.drain();
      const run = await runNow(h, tenant, queued.id);

      expect(invocations).toBeGreaterThan(2);
      expect(run).toMatchObject({ status: 'succeeded', counts: { created: 600, updated: 0, skipped: 0, failed: 0 } });
      expect(run.progress).toEqual({ processed: 600, total: 600 });
      expect(run.checkpoint!.invocations).toBe(invocations);
      const clients = await allClients(h, tenant);
      expect(new Set(clients.map((client) => client.integrations.intacct!.customerId)).size).toBe(600);
      expect(clients).toHaveLength(600);
      expect(new Set(importedIds(tenant, h.events.events.slice(firstEvent)))).toEqual(new Set(clients.map((client) => client.id)));
      expect(await recordsOf(h, tenant, queued.id)).toHaveLength(600);
    } finally {
      h.workers.invocationMs = 15 * 60_000;
      h.emulator.clearFaults();
    }
  }, 120_000);

  it('a finished run delivered again, and a second delivery while it runs, change nothing', async () => {
    const tenant = await newTenant(2);
    const queued = await queueClientImport(h.deps, tenant, { all: true }, 'api');
    const [first, duplicate] = await Promise.all([
      executeRun(h.deps, tenant, queued.id, h.workers.invocation()),
      executeRun(h.deps, tenant, queued.id, h.workers.invocation()),
    ]);
    h.workers.drop();
    const finished = await runNow(h, tenant, queued.id);
    const events = h.events.events.length;

    const again = await executeRun(h.deps, tenant, queued.id, h.workers.invocation());

    expect([first.status, duplicate.status].sort()).toContain('succeeded');
    expect(finished.counts.created).toBe(30);
    expect(again).toEqual(finished);
    expect(await runNow(h, tenant, queued.id)).toEqual(finished);
    expect(h.events.events.length).toBe(events);
    expect(await allClients(h, tenant)).toHaveLength(30);
  });
});

describe('a dead worker', () => {
  it('frees its family within a lease, and its run is closed worker_lost by the next run of the family', async () => {
    const tenant = await newTenant(2);
    const queued = await queueClientImport(h.deps, tenant, { all: true }, 'api');
    h.workers.drop();
    await expect(queueClientImport(h.deps, tenant, { all: true }, 'api')).rejects.toMatchObject({ code: 'run_in_progress' });

    h.clock.advance(61_000);
    const next = await queueClientImport(h.deps, tenant, { all: true }, 'api');
    await h.workers.drain();

    expect(await runNow(h, tenant, queued.id)).toMatchObject({ status: 'failed', error: { code: 'worker_lost' } });
    expect(await runNow(h, tenant, next.id)).toMatchObject({ status: 'succeeded', counts: { created: 30 } });
    const finished = h.events.ofType('SyncRunFinished').filter((event) => event.detail.runId === queued.id);
    expect(finished.map((event) => event.detail.status)).toEqual(['failed']);
  });
});

describe('a nightly request delivered again', () => {
  it('after its worker died, continues the same runs from their checkpoints instead of starting new ones', async () => {
    const tenant = await newTenant(2);
    await importClients(h, tenant, { all: true });
    const scheduledAt = '2026-11-26T02:00:00.000Z';
    // The first delivery's invocation has no time left: its runs save where they are and hand
    // themselves on, and that hand-off is lost with the invocation.
    const first = await syncTenant(
      h.deps,
      { tenantId: tenant, scope: 'all', trigger: 'schedule', scheduledAt },
      { id: 'dying', remainingMs: () => 0 },
    );
    h.workers.drop();
    expect(first.runs.map((run) => run.status)).toEqual(['running', 'running']);

    h.clock.advance(61_000);
    const again = await syncTenant(h.deps, { tenantId: tenant, scope: 'all', trigger: 'schedule', scheduledAt }, h.workers.invocation());
    await h.workers.drain();

    expect(again.runs.map((run) => run.id)).toEqual(first.runs.map((run) => run.id));
    const finished = await Promise.all(first.runs.map((run) => runNow(h, tenant, run.id)));
    expect(finished.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(finished[0]!.counts.unchanged).toBe(30);
  });
});

describe('a run meeting Intacct out of reach', () => {
  it('waits it out to its deadline and goes on in a new invocation; a scheduled run succeeds once Intacct is back', async () => {
    const tenant = await newTenant(2);
    await importClients(h, tenant, { all: true });
    h.workers.invocationMs = 1_500;
    h.emulator.setFaults({ failNext: [{ kind: 'http500', count: 1_000_000 }] });
    // Back after the first invocation has spent its time retrying.
    const back = setTimeout(() => h.emulator.clearFaults(), 2_000);
    try {
      const { runs } = await syncTenant(h.deps, { tenantId: tenant, scope: 'clients', trigger: 'schedule' }, h.workers.invocation());
      expect(runs[0]!.status).toBe('running');
      await h.workers.drain();

      const run = await runNow(h, tenant, runs[0]!.id);
      expect(run).toMatchObject({ status: 'succeeded', error: null, counts: { unchanged: 30 } });
      expect(run.checkpoint!.invocations).toBeGreaterThan(1);
    } finally {
      clearTimeout(back);
      h.emulator.clearFaults();
      h.workers.invocationMs = 15 * 60_000;
    }
  });

  it("reports a run failed once it has gone without progress past its limit: a few minutes for an admin's, most of an hour for a scheduled one", () => {
    const stalledRun = (trigger: 'api' | 'schedule') => ({ trigger, checkpoint: { ...initialCheckpoint(), pageSize: MIN_PAGE_SIZE } }) as SyncRun;
    const outage = new IntacctFailure('intacct_unavailable', 'down');
    const admins = stalledRun('api');
    const nightly = stalledRun('schedule');

    expect(noteStall(admins, outage, STALL_LIMIT_MS.api / 2)).toBe(false);
    expect(noteStall(admins, outage, STALL_LIMIT_MS.api / 2)).toBe(true);
    expect(noteStall(nightly, outage, STALL_LIMIT_MS.api)).toBe(false);
    expect(noteStall(nightly, outage, null)).toBe(false);
    expect(nightly.checkpoint!.stalledMs).toBe(0);
    expect(noteStall(nightly, outage, STALL_LIMIT_MS.schedule)).toBe(true);
  });

  it('asks for a page too slow for one invocation in halves before it counts the time as stalled', () => {
    const run = { trigger: 'api', checkpoint: initialCheckpoint() } as SyncRun;
    const slow = new IntacctFailure('intacct_timeout', 'slow');

    expect(noteStall(run, slow, STALL_LIMIT_MS.api)).toBe(false);
    expect(run.checkpoint!.pageSize).toBe(1000);
    expect(run.checkpoint!.stalledMs).toBe(0);
  });
});

/**
 * Leaves every customer of `company` linked to a client of `tenantId`, as an import would, written
 * directly (batched clients, links with their fingerprints) because the import is not under test.
 */
async function linkEveryCustomer(tenantId: string, company: number): Promise<void> {
  const source = h.deps.intacct.forLogin({ ...h.emulator.companies[company]! });
  const kind = clientKind(h.deps);
  const now = h.clock.now().toISOString();
  for await (const page of source.listCustomers()) {
    const mapped = page.records.map((fields) => kind.map(fields));
    const clients = mapped.map((record) => newClientFromIntacct({ id: h.deps.ids.newId(), tenantId, mapped: record, now }));
    await h.stores.clients.createNew(clients);
    await forEachBounded(
      mapped.map((record, at) => ({ record, client: clients[at]! })),
      16,
      async ({ record, client }) => {
        const link = {
          tenantId,
          object: 'customer' as const,
          recordNo: record.recordNo,
          intacctId: record.intacctId,
          psaId: client.id,
          createdAt: now,
          fingerprint: kind.fingerprint(record),
          claim: null,
        };
        expect(await h.stores.links.createIfAbsent(link)).toBe(true);
      },
    );
  }
}

describe('I3 a mass removal', () => {
  it(`holds ${REMOVED} of ${BIG} as items, is confirmed on a worker exactly once, and its counts add up`, async () => {
    const tenant = await newTenant(1);
    await linkEveryCustomer(tenant, 1);
    const removed = (await intacctIds(h, 'customer', 1)).slice(0, REMOVED);
    const source = h.deps.intacct.forLogin({ ...h.emulator.companies[1]! });
    const recordNos: string[] = [];
    for await (const page of source.customersById(removed)) recordNos.push(...page.records.map((record) => record.RECORDNO!));
    for (let start = 0; start < recordNos.length; start += 1000) await h.intacct(1).delete('CUSTOMER', recordNos.slice(start, start + 1000));

    const [held] = await nightlySync(h, tenant, 'clients');

    expect(held).toMatchObject({ status: 'needs_review', heldCount: REMOVED, counts: { unlinked: 0, skipped: REMOVED, unchanged: BIG - REMOVED } });
    expect(held!.progress.processed).toBeLessThanOrEqual(held!.progress.total);
    expect(
      h.events
        .ofType('SyncRunFinished')
        .filter((event) => event.detail.runId === held!.id)
        .map((event) => event.detail.status),
    ).toEqual(['needs_review']);
    expect((await allClients(h, tenant)).filter((client) => client.integrations.intacct?.status === 'unlinked')).toHaveLength(0);

    const accepted = await confirmUnlinks(h.deps, tenant, held!.id);
    const second = await confirmUnlinks(h.deps, tenant, held!.id).catch((error: unknown) => error);
    await h.workers.drain();
    const confirmed = await runNow(h, tenant, held!.id);

    expect(accepted.status).toBe('queued');
    expect(second).toBeInstanceOf(Conflict);
    expect(confirmed).toMatchObject({ status: 'succeeded', counts: { unlinked: REMOVED, skipped: 0, unchanged: BIG - REMOVED, created: 0 } });
    expect(confirmed.progress).toEqual({ processed: BIG, total: BIG });
    const clients = await allClients(h, tenant);
    expect(clients.filter((client) => client.integrations.intacct?.status === 'unlinked')).toHaveLength(REMOVED);
    expect(clients).toHaveLength(BIG);
    expect(await confirmUnlinks(h.deps, tenant, held!.id).catch((error: unknown) => (error as Conflict).code)).toBe('run_not_awaiting_review');
  }, 300_000);
});

describe('reconnecting to another Intacct company', () => {
  it('answers 409 company_changed while links exist, and with resetLinks unlinks every record (kept) in runs of their own', async () => {
    const tenant = await newTenant(2);
    await importClients(h, tenant, { all: true });
    const employees = await intacctIds(h, 'employee', 2);
    await importUsers(h, tenant, { employeeIds: employees, permissionProfile: 'collaborator', assignDepartments: true });
    const other = h.emulator.companies[0]!;
    const login = { companyId: other.companyId, userId: other.userId, password: other.userPassword };

    const refused = await connectIntacct(h.deps, tenant, login).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Conflict);
    expect((refused as Conflict).code).toBe('company_changed');
    expect((await h.stores.connections.get(tenant))?.companyId).toBe(h.emulator.companies[2]!.companyId);

    const { connection, resetRuns } = await connectIntacct(h.deps, tenant, { ...login, resetLinks: true });
    await h.workers.drain();

    expect(connection.companyId).toBe(other.companyId);
    const finished = await Promise.all(resetRuns.map((run) => runNow(h, tenant, run.id)));
    expect(finished.map((run) => [run.type, run.status])).toEqual([
      ['client_sync', 'succeeded'],
      ['user_sync', 'succeeded'],
    ]);
    expect(finished[0]!.counts.unlinked).toBe(30);
    const clients = await allClients(h, tenant);
    expect(clients).toHaveLength(30);
    expect(clients.every((client) => client.integrations.intacct?.status === 'unlinked')).toBe(true);
    for (const object of ['customer', 'employee', 'department'] as const) expect(await h.stores.links.hasAny(tenant, object)).toBe(false);
    // Linked again from scratch against the new company; a second connect to it is a plain reconnect.
    await connectIntacct(h.deps, tenant, login);
    const [sync] = await nightlySync(h, tenant, 'clients');
    expect(sync).toMatchObject({ status: 'succeeded', counts: { updated: 0, unlinked: 0 } });
  });
});
