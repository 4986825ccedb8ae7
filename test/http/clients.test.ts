/**
 * The client routes through the real handler, over the engine's real parts (emulator over HTTP,
 * dynalite): answers have the spec's shapes and statuses, and stay inside the caller's tenant.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, CustomerChoice, pageOf, Run, RunAccepted } from '#http/schemas';
import { intacctIds } from '../engine/engine-steps';
import { type ApiHarness, startApiHarness } from './support/api-client';

let api: ApiHarness;
let admin: ReturnType<ApiHarness['as']>;
let customers: string[];

beforeEach(async () => {
  api = await startApiHarness([{ customers: 6, employees: 3, departments: 2 }, { customers: 2 }]);
  admin = api.as('admin');
  customers = await intacctIds(api.h, 'customer');
});
afterEach(async () => api.close());

/** Imports customers through the API and runs the worker the API started. */
async function importCustomers(customerIds: string[]): Promise<void> {
  const answer = await admin({ method: 'POST', path: '/clients/import', body: { customerIds } });
  expect(answer.status).toBe(202);
  await api.workers.drain();
}

async function listClients() {
  return (await admin({ method: 'GET', path: '/clients' })).body.items as ClientJson[];
}
type ClientJson = ReturnType<typeof Client.parse>;

describe('POST /clients/import', () => {
  it('answers 202 with the queued run id and starts the client import worker', async () => {
    const answer = await admin({ method: 'POST', path: '/clients/import', body: { customerIds: [customers[0]] } });

    expect(answer.status).toBe(202);
    expect(RunAccepted.parse(answer.body).runId).not.toBe('');
    expect(api.workers.launches).toEqual([{ tenantId: api.h.tenants[0], runId: answer.body.runId, type: 'client_import' }]);
    const run = await admin({ method: 'GET', path: `/sync-runs/${answer.body.runId}` });
    expect(Run.parse(run.body)).toMatchObject({ type: 'client_import', trigger: 'api', status: 'queued', dryRun: false });
  });

  it('takes { all: true }', async () => {
    const answer = await admin({ method: 'POST', path: '/clients/import', body: { all: true, dryRun: true } });

    expect(answer.status).toBe(202);
  });

  it('answers 409 run_in_progress while a client run holds the lease', async () => {
    const now = api.h.clock.now();
    const until = new Date(now.getTime() + 60_000).toISOString();
    await api.h.deps.leases.replace(null, { tenantId: api.h.tenants[0]!, family: 'clients', holder: 'another-run', execution: 'elsewhere', until });

    const answer = await admin({ method: 'POST', path: '/clients/import', body: { all: true } });

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('run_in_progress');
    expect(api.workers.launches).toEqual([]);
  });

  it('answers 409 run_in_progress while a client run is queued and its worker has not started yet', async () => {
    const first = await admin({ method: 'POST', path: '/clients/sync', body: {} });

    const second = await admin({ method: 'POST', path: '/clients/import', body: { all: true } });

    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('run_in_progress');
  });

  it('closes the run as failed when the worker cannot be started', async () => {
    api.workers.failNext = 1;

    const answer = await admin({ method: 'POST', path: '/clients/import', body: { all: true } });

    expect(answer.status).toBe(500);
    const runs = await admin({ method: 'GET', path: '/sync-runs' });
    expect(runs.body.items[0]).toMatchObject({ status: 'failed', error: { code: 'worker_not_started' } });
  });
});

describe('GET /clients and GET /clients/{id}', () => {
  it('lists imported clients in the spec shape, linked, paged with a cursor', async () => {
    await importCustomers(customers.slice(0, 3));

    const first = await admin({ method: 'GET', path: '/clients', query: { limit: '2' } });
    const second = await admin({ method: 'GET', path: '/clients', query: { limit: '2', cursor: first.body.nextCursor } });

    expect(first.status).toBe(200);
    const page = pageOf(Client).parse(first.body);
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(pageOf(Client).parse(second.body)).toMatchObject({ nextCursor: null });
    expect(second.body.items).toHaveLength(1);
    expect(page.items[0]!.integrations.intacct).toMatchObject({ status: 'linked', intacctStatus: 'active' });
  });

  it('is open to a collaborator', async () => {
    await importCustomers([customers[0]!]);
    const [client] = await listClients();

    const answer = await api.as('collaborator')({ method: 'GET', path: `/clients/${client!.id}` });

    expect(answer.status).toBe(200);
    expect(Client.parse(answer.body).id).toBe(client!.id);
  });

  it('shows the later of the record’s and the last sync’s time while linked', async () => {
    await importCustomers([customers[0]!]);
    api.h.clock.advance(60_000);
    const syncedAt = api.h.clock.now().toISOString();
    await api.h.deps.connections.recordSyncFinished(api.h.tenants[0]!, 'clients', syncedAt);

    const [client] = await listClients();

    expect(client!.integrations.intacct!.lastSyncedAt).toBe(syncedAt);
  });

  it('answers 404 for another tenant’s client', async () => {
    await importCustomers([customers[0]!]);
    const [client] = await listClients();

    const answer = await api.as('admin', 1)({ method: 'GET', path: `/clients/${client!.id}` });

    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('client_not_found');
  });
});

describe('POST, PATCH and DELETE /clients', () => {
  it('creates an unlinked client: 201 with notes', async () => {
    const answer = await admin({ method: 'POST', path: '/clients', body: { name: '  Acme Ltd ', city: 'Oslo', notes: 'VIP' } });

    expect(answer.status).toBe(201);
    expect(Client.parse(answer.body)).toMatchObject({ name: 'Acme Ltd', city: 'Oslo', notes: 'VIP', integrations: {} });
  });

  it('edits a client: 200', async () => {
    const created = await admin({ method: 'POST', path: '/clients', body: { name: 'Acme' } });

    const answer = await admin({ method: 'PATCH', path: `/clients/${created.body.id}`, body: { notes: 'Key account' } });

    expect(answer.status).toBe(200);
    expect(Client.parse(answer.body)).toMatchObject({ name: 'Acme', notes: 'Key account' });
  });

  it('deletes a client: 204 without a body, then 404', async () => {
    const created = await admin({ method: 'POST', path: '/clients', body: { name: 'Acme' } });

    const answer = await admin({ method: 'DELETE', path: `/clients/${created.body.id}` });

    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    expect((await admin({ method: 'GET', path: `/clients/${created.body.id}` })).status).toBe(404);
  });

  it('refuses a collaborator: 403', async () => {
    const answer = await api.as('collaborator')({ method: 'POST', path: '/clients', body: { name: 'Acme' } });

    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
  });

  it('answers 404 when another tenant edits or deletes the client', async () => {
    const created = await admin({ method: 'POST', path: '/clients', body: { name: 'Acme' } });
    const other = api.as('admin', 1);

    expect((await other({ method: 'PATCH', path: `/clients/${created.body.id}`, body: { name: 'Mine' } })).status).toBe(404);
    expect((await other({ method: 'DELETE', path: `/clients/${created.body.id}` })).status).toBe(404);
  });
});

describe('POST /clients/{id}/link', () => {
  it('links a PSA client to a customer and refreshes its mapped fields: 200', async () => {
    const created = await admin({ method: 'POST', path: '/clients', body: { name: 'Typed by hand' } });

    const answer = await admin({ method: 'POST', path: `/clients/${created.body.id}/link`, body: { customerId: customers[1] } });

    expect(answer.status).toBe(200);
    const client = Client.parse(answer.body);
    expect(client.integrations.intacct).toMatchObject({ status: 'linked', customerId: customers[1] });
    expect(client.name).not.toBe('Typed by hand');
  });

  it('answers 409 when the customer is linked to another client', async () => {
    await importCustomers([customers[1]!]);
    const created = await admin({ method: 'POST', path: '/clients', body: { name: 'Second' } });

    const answer = await admin({ method: 'POST', path: `/clients/${created.body.id}/link`, body: { customerId: customers[1] } });

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('customer_linked_elsewhere');
  });

  it('answers 404 for a customer Intacct does not have', async () => {
    const created = await admin({ method: 'POST', path: '/clients', body: { name: 'Acme' } });

    const answer = await admin({ method: 'POST', path: `/clients/${created.body.id}/link`, body: { customerId: 'NO-SUCH' } });

    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('customer_not_found');
  });
});

describe('GET /intacct/customers', () => {
  it('lists customers with their import state and a same-name possible match', async () => {
    await importCustomers([customers[0]!]);
    const all = await admin({ method: 'GET', path: '/intacct/customers' });
    const second = CustomerChoice.parse(all.body.items[1]);
    const twin = await admin({ method: 'POST', path: '/clients', body: { name: second.name } });

    const answer = await admin({ method: 'GET', path: '/intacct/customers' });

    expect(answer.status).toBe(200);
    const page = pageOf(CustomerChoice).parse(answer.body);
    expect(page.items).toHaveLength(customers.length);
    expect(page.items[0]!.import).toEqual({ state: 'imported', clientId: expect.any(String) });
    expect(page.items[1]!.import).toEqual({ state: 'not_imported', possibleMatch: { clientId: twin.body.id, name: second.name } });
    expect(page.nextCursor).toBeNull();
  });

  it('pages by RECORDNO: a full page answers a cursor that continues after it', async () => {
    const first = await admin({ method: 'GET', path: '/intacct/customers', query: { limit: '4' } });
    const rest = await admin({ method: 'GET', path: '/intacct/customers', query: { limit: '4', cursor: first.body.nextCursor } });

    expect(first.body.nextCursor).toBe(first.body.items[3].recordNo);
    const ids = [...first.body.items, ...rest.body.items].map((item: { customerId: string }) => item.customerId);
    expect(ids).toEqual(customers);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('shows a customer whose client was deleted in the PSA as not imported (R6)', async () => {
    await importCustomers([customers[0]!]);
    const [client] = await listClients();
    await admin({ method: 'DELETE', path: `/clients/${client!.id}` });

    const answer = await admin({ method: 'GET', path: '/intacct/customers', query: { search: customers[0]! } });

    expect(answer.body.items[0].import.state).toBe('not_imported');
  });

  it('answers 422 not_connected for a tenant without a connection', async () => {
    const answer = await api.call({ method: 'GET', path: '/intacct/customers', claims: { tenant_id: 'tenant-new', permission_profile: 'admin' } });

    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('not_connected');
  });
});

describe('POST /clients/sync', () => {
  it('queues a client sync and starts tenant-sync on that run: 202', async () => {
    const answer = await admin({ method: 'POST', path: '/clients/sync' });

    expect(answer.status).toBe(202);
    expect(api.workers.launches).toEqual([{ tenantId: api.h.tenants[0], runId: answer.body.runId, type: 'client_sync' }]);
    await api.workers.drain();
    const run = await admin({ method: 'GET', path: `/sync-runs/${answer.body.runId}` });
    expect(Run.parse(run.body)).toMatchObject({ type: 'client_sync', status: 'succeeded' });
  });

  it('answers 422 not_connected for a tenant without a connection', async () => {
    const answer = await api.call({
      method: 'POST',
      path: '/clients/sync',
      body: { dryRun: true },
      claims: { tenant_id: 'tenant-new', permission_profile: 'admin' },
    });

    expect(answer.status).toBe(422);
  });
});
