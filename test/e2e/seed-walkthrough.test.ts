/**
 * The help article's walk-through, done as a PSA admin would through the HTTP API of the local
 * runtime, with the nightly run fired by the local scheduler and Intacct changed through its
 * own protocol: once for a tenant connected with a Web Services user (the XML gateway), once for
 * a tenant connected with Sage Intacct's own sign-in (OAuth, the REST gateway), which then
 * switches to the XML gateway and keeps every link.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IntacctAdmin } from '../support/intacct-admin';
import { decideAtIntacct } from '../support/intacct-consent';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiClient, clientsFor } from './api-client';

let runtime: TestRuntime;
let admin: ApiClient;
let intacct: IntacctAdmin;

/** The walk-through acts as the admin of tenant `index`, on that tenant's Intacct company. */
function actAsTenant(index: number): void {
  ({ admin } = clientsFor(runtime, index));
  const tenant = runtime.info.tenants[index]!;
  intacct = new IntacctAdmin({
    ...runtime.info.intacct,
    company: { companyId: tenant.companyId, userId: tenant.userId, userPassword: tenant.userPassword },
  });
}

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 120_000);
afterAll(async () => runtime.close());

/** What the nightly schedule does, fired through the local scheduler and event bus. */
async function nightly(): Promise<void> {
  const fired = await admin.post('/__local/nightly');
  expect(fired.status).toBeLessThan(300);
  await runtime.whenIdle();
}

it('follows the seed walk-through end to end (a Web Services user, the XML gateway)', async () => {
  actAsTenant(0);
  await walkThrough();
});

it('follows the seed walk-through with a tenant connected by OAuth (the REST gateway), which switches to XML keeping every link', async () => {
  actAsTenant(1);
  const tenant = runtime.info.tenants[1]!;
  // Connect with Sage Intacct: the admin signs in at Intacct's page and approves.
  const started = await admin.post('/integrations/intacct/oauth/start');
  expect(started.status).toBe(200);
  const callback = await decideAtIntacct(started.body.authorizeUrl, {
    companyId: tenant.companyId,
    userId: tenant.userId,
    password: tenant.userPassword,
  });
  const landed = await fetch(callback, { headers: { accept: 'text/html' }, redirect: 'manual' });
  expect(landed.headers.get('location')).toBe(`${runtime.consoleUrl}/integrations?intacct=connected`);
  expect((await admin.get('/integrations/intacct')).body).toMatchObject({ connected: true, companyId: tenant.companyId, gateway: 'rest' });

  await walkThrough();

  // The same tenant switches to a Web Services user: same company, same record keys, every link kept.
  const before = { clients: (await admin.get('/clients?limit=50')).body.items, users: (await admin.get('/users?limit=50')).body.items };
  const switched = await admin.put('/integrations/intacct', { companyId: tenant.companyId, userId: tenant.userId, password: tenant.userPassword });
  expect(switched.status).toBe(200);
  expect(switched.body.gateway).toBe('xml');
  await nightly();
  const after = { clients: (await admin.get('/clients?limit=50')).body.items, users: (await admin.get('/users?limit=50')).body.items };
  // Every link as it was; only its last sync moved on (the nightly run through XML found each record).
  const links = (records: any[]) =>
    records.map(
      ({
        id,
        integrations: {
          intacct: { lastSyncedAt, ...link },
        },
      }) => [id, link],
    );
  expect(links(after.clients)).toEqual(links(before.clients));
  expect(links(after.users)).toEqual(links(before.users));
  for (const client of after.clients.filter((record: any) => record.integrations.intacct.status === 'linked')) {
    const earlier = before.clients.find((record: any) => record.id === client.id);
    expect(client.integrations.intacct.lastSyncedAt > earlier.integrations.intacct.lastSyncedAt).toBe(true);
  }
  expect(after.clients.filter((client: any) => client.integrations.intacct.status === 'linked')).toHaveLength(3);
  expect(after.users.every((user: any) => user.integrations.intacct.status === 'linked')).toBe(true);
});

/** The article's steps, as the current tenant's admin. */
async function walkThrough(): Promise<void> {
  // Import selected clients: the Sage link shows on each.
  const dialog = await admin.get('/intacct/customers?limit=4');
  expect(dialog.status).toBe(200);
  const picked = dialog.body.items.slice(0, 3);
  const imported = await admin.post('/clients/import', { customerIds: picked.map((c: any) => c.customerId) });
  expect(imported.status).toBe(202);
  expect((await admin.finishedRun(imported.body.runId)).status).toBe('succeeded');
  const clients = (await admin.get('/clients?limit=50')).body.items;
  expect(clients).toHaveLength(3);
  for (const client of clients) expect(client.integrations.intacct.status).toBe('linked');
  const byCustomer = (customerId: string) => clients.find((c: any) => c.integrations.intacct.customerId === customerId);
  const [first, second, third] = picked.map((c: any) => byCustomer(c.customerId));

  // Edit a client in the PSA: the next nightly run puts Intacct's values back.
  expect((await admin.patch(`/clients/${first.id}`, { name: 'Edited in the PSA', notes: 'VIP' })).status).toBe(200);
  await nightly();
  const restored = (await admin.get(`/clients/${first.id}`)).body;
  expect(restored.name).toBe(first.name);
  expect(restored.notes).toBe('VIP');

  // Delete the customer in Intacct: the client is unlinked, its data kept.
  await intacct.delete('CUSTOMER', [second.integrations.intacct.recordNo]);
  await nightly();
  const unlinked = (await admin.get(`/clients/${second.id}`)).body;
  expect(unlinked.integrations.intacct.status).toBe('unlinked');
  expect(unlinked.name).toBe(second.name);

  // Re-link it by hand to a customer Intacct has.
  await intacct.create('CUSTOMER', { CUSTOMERID: 'C-RELINK', NAME: 'Relinked Trading Co', 'DISPLAYCONTACT.MAILADDRESS.CITY': 'Oslo' });
  const relinked = await admin.post(`/clients/${second.id}/link`, { customerId: 'C-RELINK' });
  expect(relinked.status).toBe(200);
  expect(relinked.body.integrations.intacct).toMatchObject({ status: 'linked', customerId: 'C-RELINK' });
  expect(relinked.body.name).toBe('Relinked Trading Co');

  // Delete a client in the PSA: Intacct is untouched and the customer can be imported again.
  expect((await admin.delete(`/clients/${third.id}`)).status).toBe(204);
  const search = await admin.get(`/intacct/customers?search=${encodeURIComponent(third.integrations.intacct.customerId)}`);
  const customer = search.body.items.find((c: any) => c.customerId === third.integrations.intacct.customerId);
  expect(customer.import.state).toBe('not_imported');
  await nightly();
  expect((await admin.get(`/clients/${third.id}`)).status).toBe(404);
  const again = await admin.post('/clients/import', { customerIds: [customer.customerId] });
  expect((await admin.finishedRun(again.body.runId)).counts.created).toBe(1);

  // Import three employees as collaborators with their departments.
  const employees = (await admin.get('/intacct/employees?limit=20')).body.items.filter((e: any) => e.departmentId).slice(0, 3);
  const usersRun = await admin.post('/users/import', {
    employeeIds: employees.map((e: any) => e.employeeId),
    permissionProfile: 'collaborator',
    assignDepartments: true,
  });
  expect(usersRun.status).toBe(202);
  expect((await admin.finishedRun(usersRun.body.runId)).status).toBe('succeeded');
  const departments = (await admin.get('/departments')).body.items;
  const users = (await admin.get('/users')).body.items;
  expect(users).toHaveLength(3);
  expect(departments.length).toBe(new Set(employees.map((e: any) => e.departmentId)).size);
  for (const user of users) {
    expect(user).toMatchObject({ permissionProfile: 'collaborator', email: '', invitationStatus: 'not_invited' });
    expect(departments.map((d: any) => d.id)).toContain(user.department.id);
  }

  // No invite without an email; with one, invited; the email survives the nightly sync.
  const user = users[0];
  const refused = await admin.post(`/users/${user.id}/invite`);
  expect(refused.status).toBe(422);
  expect(refused.body.error.code).toBe('email_required');
  expect((await admin.patch(`/users/${user.id}`, { email: 'first.person@example.com' })).status).toBe(200);
  const invited = await admin.post(`/users/${user.id}/invite`);
  expect(invited.status).toBe(200);
  expect(invited.body.invitationStatus).toBe('invited');
  await nightly();
  const afterSync = (await admin.get(`/users/${user.id}`)).body;
  expect(afterSync).toMatchObject({ email: 'first.person@example.com', invitationStatus: 'invited' });
}
