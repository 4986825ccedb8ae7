/** The Intacct connection and run history routes through the real handler, over real parts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntacctConnection, pageOf, Run, RunAccepted, RunRecord } from '#http/schemas';
import { importClients, nightlySync } from '../engine/engine-steps';
import { type ApiHarness, startApiHarness } from './support/api-client';

const CUSTOMERS = 12;
/** More than the mass-unlink guard lets through without review. */
const REMOVED = 11;
let api: ApiHarness;
let admin: ReturnType<ApiHarness['as']>;

beforeEach(async () => {
  api = await startApiHarness([{ customers: CUSTOMERS }, {}]);
  admin = api.as('admin');
});
afterEach(async () => api.close());

const company = (index: number) => api.h.emulator.companies[index]!;

describe('GET /integrations/intacct', () => {
  it('answers the connection status, and never the password or user id', async () => {
    const answer = await admin({ method: 'GET', path: '/integrations/intacct' });

    expect(answer.status).toBe(200);
    expect(IntacctConnection.parse(answer.body)).toEqual({
      connected: true,
      companyId: company(0).companyId,
      entityId: null,
      gateway: 'xml',
      lastSync: { clients: null, users: null },
    });
    expect(JSON.stringify(answer.body)).not.toContain(company(0).userPassword);
  });

  it('answers connected: false for a tenant that never connected', async () => {
    const answer = await api.call({ method: 'GET', path: '/integrations/intacct', claims: { tenant_id: 'tenant-new', permission_profile: 'admin' } });

    expect(answer.body).toEqual({ connected: false, companyId: null, entityId: null, gateway: null, lastSync: { clients: null, users: null } });
  });

  it('refuses a collaborator: 403', async () => {
    expect((await api.as('collaborator')({ method: 'GET', path: '/integrations/intacct' })).status).toBe(403);
  });
});

describe('PUT /integrations/intacct', () => {
  const asNewTenant = { tenant_id: 'tenant-new', permission_profile: 'admin' };

  it('connects after Intacct accepted the credentials: 200 status', async () => {
    const { companyId, userId, userPassword } = company(1);

    const answer = await api.call({
      method: 'PUT',
      path: '/integrations/intacct',
      body: { companyId, userId, password: userPassword },
      claims: asNewTenant,
    });

    expect(answer.status).toBe(200);
    expect(IntacctConnection.parse(answer.body)).toMatchObject({ connected: true, companyId });
    expect(JSON.stringify(answer.body)).not.toContain(userPassword);
  });

  it('answers 502 intacct_auth_failed for a wrong password and saves nothing', async () => {
    const { companyId, userId } = company(1);

    const answer = await api.call({
      method: 'PUT',
      path: '/integrations/intacct',
      body: { companyId, userId, password: 'wrong-password' },
      claims: asNewTenant,
    });

    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('intacct_auth_failed');
    expect(JSON.stringify(answer.body)).not.toContain('wrong-password');
    expect((await api.call({ method: 'GET', path: '/integrations/intacct', claims: asNewTenant })).body.connected).toBe(false);
  });

  it('pauses connecting after 5 refused sign-ins in 15 minutes: 429 with Retry-After, then allows it again', async () => {
    const { companyId, userId, userPassword } = company(1);
    const guesser = { tenant_id: 'tenant-guessing', permission_profile: 'admin' };
    const attempt = (password: string) =>
      api.call({ method: 'PUT', path: '/integrations/intacct', body: { companyId, userId, password }, claims: guesser });
    const requestsBefore = api.h.emulator.stats().httpRequests;

    for (let guess = 1; guess <= 5; guess += 1) expect((await attempt(`guess-${guess}`)).status).toBe(502);
    const paused = await attempt('guess-6');
    const evenRight = await attempt(userPassword);

    expect(paused.status).toBe(429);
    expect(paused.body.error.code).toBe('too_many_failed_connects');
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(0);
    expect(evenRight.status).toBe(429);
    // The paused attempts never reached Intacct: only the five guesses signed in.
    expect(api.h.emulator.stats().httpRequests - requestsBefore).toBe(5);
    // Another workspace is not affected.
    expect(
      (
        await api.call({
          method: 'PUT',
          path: '/integrations/intacct',
          body: { companyId, userId, password: userPassword },
          claims: { tenant_id: 'tenant-patient', permission_profile: 'admin' },
        })
      ).status,
    ).toBe(200);

    api.h.clock.advance(15 * 60_000 + 1_000);
    expect((await attempt(userPassword)).status).toBe(200);
  });
});

describe('DELETE /integrations/intacct', () => {
  it('disconnects: 204, and imports then answer 422 not_connected', async () => {
    const answer = await admin({ method: 'DELETE', path: '/integrations/intacct' });

    expect(answer.status).toBe(204);
    const importing = await admin({ method: 'POST', path: '/clients/import', body: { all: true } });
    expect(importing.status).toBe(422);
    expect(importing.body.error.code).toBe('not_connected');
  });

  it('answers 422 not_connected when the workspace is not connected', async () => {
    await admin({ method: 'DELETE', path: '/integrations/intacct' });

    const again = await admin({ method: 'DELETE', path: '/integrations/intacct' });

    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('not_connected');
  });
});

describe('GET /sync-runs, /sync-runs/{id} and /sync-runs/{id}/records', () => {
  it('answers runs and their per-record outcomes in the spec shapes, without internal fields', async () => {
    const run = await importClients(api.h, api.h.tenants[0]!, { all: true });

    const list = await admin({ method: 'GET', path: '/sync-runs' });
    const one = await admin({ method: 'GET', path: `/sync-runs/${run.id}` });
    const records = await admin({ method: 'GET', path: `/sync-runs/${run.id}/records`, query: { limit: '5' } });

    expect(
      pageOf(Run)
        .parse(list.body)
        .items.map((item) => item.id),
    ).toEqual([run.id]);
    expect(Run.parse(one.body)).toMatchObject({ id: run.id, status: 'succeeded', counts: { created: CUSTOMERS } });
    const page = pageOf(RunRecord).parse(records.body);
    expect(page.items).toHaveLength(5);
    expect(page.items[0]).toMatchObject({ object: 'customer', outcome: 'created' });
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('answers 404 for another tenant’s run and its records', async () => {
    const run = await importClients(api.h, api.h.tenants[0]!, { all: true });
    const other = api.as('admin', 1);

    expect((await other({ method: 'GET', path: `/sync-runs/${run.id}` })).status).toBe(404);
    expect((await other({ method: 'GET', path: `/sync-runs/${run.id}/records` })).status).toBe(404);
  });
});

describe('POST /sync-runs/{id}/confirm-unlinks', () => {
  async function runNeedingReview() {
    const tenant = api.h.tenants[0]!;
    await importClients(api.h, tenant, { all: true });
    const clients = (await admin({ method: 'GET', path: '/clients' })).body.items as { integrations: { intacct: { recordNo: string } } }[];
    await api.h.intacct().delete(
      'CUSTOMER',
      clients.slice(0, REMOVED).map((client) => client.integrations.intacct.recordNo),
    );
    const [run] = await nightlySync(api.h, tenant, 'clients');
    expect(run!.status).toBe('needs_review');
    return run!;
  }

  it('queues the held unlinks on the same run: 202 { runId }, then the run ends succeeded', async () => {
    const run = await runNeedingReview();

    const answer = await admin({ method: 'POST', path: `/sync-runs/${run.id}/confirm-unlinks` });
    const again = await admin({ method: 'POST', path: `/sync-runs/${run.id}/confirm-unlinks` });

    expect(answer.status).toBe(202);
    expect(RunAccepted.parse(answer.body)).toEqual({ runId: run.id });
    expect(again.status).toBe(409);
    await api.workers.drain();
    const finished = await admin({ method: 'GET', path: `/sync-runs/${run.id}` });
    expect(Run.parse(finished.body)).toMatchObject({ id: run.id, status: 'succeeded', counts: { unlinked: REMOVED } });
  });

  it('answers 409 run_in_progress while another client run holds the lease', async () => {
    const run = await runNeedingReview();
    const now = api.h.clock.now();
    const until = new Date(now.getTime() + 60_000).toISOString();
    await api.h.deps.leases.replace(null, { tenantId: api.h.tenants[0]!, family: 'clients', holder: 'another-run', execution: 'elsewhere', until });

    const answer = await admin({ method: 'POST', path: `/sync-runs/${run.id}/confirm-unlinks` });

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('run_in_progress');
  });

  it('answers 409 for a run that holds nothing back', async () => {
    const run = await importClients(api.h, api.h.tenants[0]!, { customerIds: ['NONE'] });

    const answer = await admin({ method: 'POST', path: `/sync-runs/${run.id}/confirm-unlinks` });

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('run_not_awaiting_review');
  });
});
