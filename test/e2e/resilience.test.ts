/**
 * Runs and routes under concurrency, redelivery and a silent Intacct, over real HTTP against the
 * local runtime:
 * - simultaneous starts of a family: one 202, the rest 409 run_in_progress, no failed run left behind;
 * - a worker event delivered again (after the run finished, or while it runs) changes nothing;
 * - routes that call Intacct give up after their deadline with 502/504 and an error JSON, never
 *   hang into the gateway's timeout nor answer 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiAnswer, type ApiClient, clientsFor, resetEmulatorFaults, setEmulatorFaults } from './api-client';
import { allClients, eventsById, type JournalEvent, readEvents, sleep, tally } from './resilience-support';

const DEMO_CUSTOMERS = 200;
const DEMO_EMPLOYEES = 40;
const ACTIVE = ['queued', 'running'];

const runtimes: TestRuntime[] = [];

async function start(): Promise<TestRuntime> {
  // No nightly schedule: a sync it started would take a family these tests count on.
  const runtime = await startTestRuntime({ schedule: null });
  runtimes.push(runtime);
  return runtime;
}

afterAll(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
});

/** Every run of the caller's tenant, newest first. */
async function allRuns(api: ApiClient): Promise<any[]> {
  return (await api.allPages('/sync-runs', 200)).items;
}

/** Lines of events.jsonl about `tenantId`. */
async function tenantEvents(runtime: TestRuntime, tenantId: string): Promise<JournalEvent[]> {
  return (await readEvents(runtime.dataDir)).filter((event) => event.detail.tenantId === tenantId);
}

describe('one run per family at a time, however many ask at once', () => {
  let runtime: TestRuntime;
  let admin: ApiClient;

  beforeAll(async () => {
    runtime = await start();
    // demo-fjordvik: no test in this file starts a run of it but these.
    admin = clientsFor(runtime, 1).admin;
  });

  it('8 simultaneous sync-now calls: exactly one 202, seven 409, no failed run', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => admin.post('/clients/sync', {})));

    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
    expect(refused.map((answer) => answer.body.error.code)).toEqual(Array(7).fill('run_in_progress'));
    const runId = accepted[0]!.body.runId as string;
    expect((await admin.finishedRun(runId, 60_000)).status).toBe('succeeded');

    // A refused request leaves no run behind: the history holds the accepted run and nothing else.
    const runs = await allRuns(admin);
    expect(runs.filter((run) => run.status === 'failed')).toEqual([]);
    expect(runs.map((run) => run.id)).toEqual([runId]);
  });

  it('imports and syncs of both families started at once: one 202 per family, the rest 409, no failed run', async () => {
    const before = new Set((await allRuns(admin)).map((run) => run.id as string));
    const employeeIds = ((await admin.get('/intacct/employees?limit=5')).body.items as any[]).map((employee) => employee.employeeId);
    const calls: { family: 'clients' | 'users'; call: () => Promise<ApiAnswer> }[] = [
      ...Array.from({ length: 3 }, () => ({ family: 'clients' as const, call: () => admin.post('/clients/sync', {}) })),
      ...Array.from({ length: 3 }, () => ({ family: 'clients' as const, call: () => admin.post('/clients/import', { all: true, dryRun: true }) })),
      ...Array.from({ length: 3 }, () => ({ family: 'users' as const, call: () => admin.post('/users/sync', {}) })),
      ...Array.from({ length: 3 }, () => ({
        family: 'users' as const,
        call: () => admin.post('/users/import', { employeeIds, permissionProfile: 'collaborator', assignDepartments: false, dryRun: true }),
      })),
    ];

    const answers = await Promise.all(calls.map(async ({ family, call }) => ({ family, answer: await call() })));

    for (const family of ['clients', 'users'] as const) {
      const ofFamily = answers.filter((entry) => entry.family === family).map((entry) => entry.answer);
      expect(
        ofFamily.filter((answer) => answer.status === 202),
        `${family}: ${ofFamily.map((answer) => answer.text).join(' | ')}`,
      ).toHaveLength(1);
      const refused = ofFamily.filter((answer) => answer.status !== 202);
      expect(refused.map((answer) => [answer.status, answer.body.error.code])).toEqual(Array(5).fill([409, 'run_in_progress']));
    }
    const acceptedIds = answers.filter(({ answer }) => answer.status === 202).map(({ answer }) => answer.body.runId as string);
    for (const runId of acceptedIds) expect((await admin.finishedRun(runId, 60_000)).status).toBe('succeeded');
    const created = (await allRuns(admin)).filter((run) => !before.has(run.id));
    expect(created.map((run) => run.id).sort()).toEqual([...acceptedIds].sort());
    expect(created.filter((run) => run.status === 'failed')).toEqual([]);
  });
});

describe('a worker event delivered again', () => {
  let runtime: TestRuntime;
  let admin: ApiClient;
  let tenantId: string;

  beforeAll(async () => {
    runtime = await start();
    admin = clientsFor(runtime, 0).admin;
    tenantId = runtime.info.tenants[0]!.tenantId;
  });

  it('after its run finished is a no-op: same run, same counts and finishedAt, no new event', async () => {
    const accepted = await admin.post('/clients/import', { all: true });
    expect(accepted.status, accepted.text).toBe(202);
    const runId = accepted.body.runId as string;
    const finished = await admin.finishedRun(runId, 60_000);
    expect(finished).toMatchObject({ status: 'succeeded', counts: { created: DEMO_CUSTOMERS } });
    await runtime.whenIdle();
    const eventsBefore = await tenantEvents(runtime, tenantId);
    expect(eventsById(eventsBefore, tenantId, 'ClientImported', 'clientId').size).toBe(DEMO_CUSTOMERS);

    // Lambda delivers an async event at least once: the API's start again, and a late continuation.
    const again = await runtime.invoke('client-import', { tenantId, runId });
    const continuation = await runtime.invoke('client-import', { tenantId, runId, handoff: 'a-continuation-delivered-late' });
    await runtime.whenIdle();

    expect(again).toEqual(finished);
    expect(continuation).toEqual(finished);
    expect((await admin.get(`/sync-runs/${runId}`)).body).toEqual(finished);
    expect(await tenantEvents(runtime, tenantId)).toEqual(eventsBefore);
    expect(await allClients(admin)).toHaveLength(DEMO_CUSTOMERS);
  });

  it('while its run is queued or running is executed once: every employee imported once, one UserImported each', async () => {
    const employeeIds = ((await admin.get(`/intacct/employees?limit=${DEMO_EMPLOYEES}`)).body.items as any[]).map((employee) => employee.employeeId);
    expect(employeeIds).toHaveLength(DEMO_EMPLOYEES);
    // Slow enough that the run is still going when the duplicates arrive.
    await setEmulatorFaults(runtime, { latencyMs: { base: 1_500, perRecord: 0 } });
    try {
      const accepted = await admin.post('/users/import', { employeeIds, permissionProfile: 'collaborator', assignDepartments: false });
      expect(accepted.status, accepted.text).toBe(202);
      const runId = accepted.body.runId as string;
      const event = { tenantId, runId };

      // One duplicate at once (the run may still be queued), one once it runs.
      const early = runtime.invoke('user-import', event);
      for (
        let seen = (await admin.get(`/sync-runs/${runId}`)).body;
        seen.status !== 'running';
        seen = (await admin.get(`/sync-runs/${runId}`)).body
      ) {
        expect(ACTIVE, JSON.stringify(seen)).toContain(seen.status);
        await sleep(20);
      }
      const late = await runtime.invoke('user-import', event);
      expect(ACTIVE).toContain((late as any).status);
      await early;

      const finished = await admin.finishedRun(runId, 60_000);
      await runtime.whenIdle();
      expect(finished).toMatchObject({ status: 'succeeded', counts: { created: DEMO_EMPLOYEES, failed: 0, skipped: 0 } });
      expect(finished.progress).toEqual({ processed: DEMO_EMPLOYEES, total: DEMO_EMPLOYEES });
      const users = (await admin.allPages('/users', 200)).items;
      const perEmployee = tally(users.map((user) => String(user.integrations.intacct?.employeeId)));
      expect([...perEmployee.keys()].sort()).toEqual([...employeeIds].map(String).sort());
      expect([...perEmployee.values()].every((count) => count === 1)).toBe(true);
      const announced = eventsById(await tenantEvents(runtime, tenantId), tenantId, 'UserImported', 'userId');
      expect([...announced.keys()].sort()).toEqual(users.map((user) => user.id as string).sort());
      expect([...announced.values()].every((eventIds) => eventIds.size === 1)).toBe(true);
    } finally {
      await resetEmulatorFaults(runtime);
    }
  });
});

/** What a route that calls Intacct must answer when Intacct does not: a gateway error, as JSON. */
const INTACCT_DEADLINE_BOUND_MS = 15_000;

describe.each([
  { intacct: 'holds every request open, never answering', faults: { failNext: [{ kind: 'timeout', count: 1_000 }] }, hangs: true },
  { intacct: 'answers only after two minutes', faults: { latencyMs: { base: 120_000, perRecord: 0 } }, hangs: false },
])('routes against an Intacct that $intacct', ({ faults, hangs }) => {
  let runtime: TestRuntime;
  let admin: ApiClient;

  beforeAll(async () => {
    // A runtime of its own: requests left hanging at the emulator would slow other tests down.
    runtime = await start();
    admin = clientsFor(runtime, 0).admin;
  });

  it('GET /intacct/customers, GET /intacct/employees, POST /clients/{id}/link, POST /users/{id}/link and PUT /integrations/intacct answer 502/504 in under 15 s', async () => {
    const tenant = runtime.info.tenants[0]!;
    // Prepared while Intacct answers: a client and a user to link, and ids to link them to.
    const customerId = (await admin.get('/intacct/customers?limit=1')).body.items[0].customerId as string;
    const employeeId = (await admin.get('/intacct/employees?limit=1')).body.items[0].employeeId as string;
    const client = await admin.post('/clients', { name: 'Waiting For Intacct Ltd' });
    expect(client.status, client.text).toBe(201);
    const userImport = await admin.post('/users/import', { employeeIds: [employeeId], permissionProfile: 'collaborator', assignDepartments: false });
    expect(userImport.status, userImport.text).toBe(202);
    expect((await admin.finishedRun(userImport.body.runId)).status).toBe('succeeded');
    const userId = (await admin.get('/users?limit=1')).body.items[0].id as string;

    await setEmulatorFaults(runtime, faults);
    try {
      const calls: Record<string, () => Promise<ApiAnswer>> = {
        'GET /intacct/customers': () => admin.get('/intacct/customers?limit=20'),
        'GET /intacct/employees': () => admin.get('/intacct/employees?limit=20'),
        'POST /clients/{id}/link': () => admin.post(`/clients/${client.body.id}/link`, { customerId }),
        'POST /users/{id}/link': () => admin.post(`/users/${userId}/link`, { employeeId }),
        // The same company and credentials: a reconnect, not a change of company.
        'PUT /integrations/intacct': () =>
          admin.put('/integrations/intacct', { companyId: tenant.companyId, userId: tenant.userId, password: tenant.userPassword }),
      };
      // All at once, each timed on its own: one waiting call must not make another wait longer.
      const answers = await Promise.all(
        Object.entries(calls).map(async ([route, call]) => {
          const startedAt = performance.now();
          const answer = await call();
          return { route, answer, ms: Math.round(performance.now() - startedAt) };
        }),
      );
      console.log(answers.map(({ route, answer, ms }) => `${route}: ${answer.status} ${answer.body?.error?.code} in ${ms} ms`).join('\n'));

      for (const { route, answer, ms } of answers) {
        expect([502, 504], `${route}: ${answer.text}`).toContain(answer.status);
        expect(answer.body, route).toMatchObject({ error: { code: expect.stringMatching(/^intacct_/), message: expect.any(String) } });
        // An Intacct that never answers is a timeout, not an Intacct failure.
        if (hangs) expect([answer.status, answer.body.error.code], route).toEqual([504, 'intacct_timeout']);
        expect(ms, route).toBeLessThan(INTACCT_DEADLINE_BOUND_MS);
      }
    } finally {
      await resetEmulatorFaults(runtime);
    }

    // Nothing was changed by the calls that gave up: still connected to the same company, nothing linked by hand.
    expect((await admin.get('/integrations/intacct')).body).toMatchObject({ connected: true, companyId: tenant.companyId });
    expect((await admin.get(`/clients/${client.body.id}`)).body.integrations).toEqual({});
    if (hangs) {
      // The held requests took no slot of the company's allowance: Intacct is usable again at once.
      expect((await admin.get('/intacct/customers?limit=1')).status).toBe(200);
    }
  });
});
