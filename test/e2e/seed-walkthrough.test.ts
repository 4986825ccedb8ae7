/**
 * The help article's walk-through, done as a PSA admin would through the HTTP API of the local
 * runtime, with the nightly run fired by the local scheduler and Intacct changed through its
 * own protocol.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IntacctAdmin } from '../support/intacct-admin';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiClient, clientsFor } from './api-client';

let runtime: TestRuntime;
let admin: ApiClient;
let intacct: IntacctAdmin;

beforeAll(async () => {
  runtime = await startTestRuntime();
  ({ admin } = clientsFor(runtime));
  const tenant = runtime.info.tenants[0]!;
  intacct = new IntacctAdmin({
    ...runtime.info.intacct,
    company: { companyId: tenant.companyId, userId: tenant.userId, userPassword: tenant.userPassword },
  });
}, 120_000);
afterAll(async () => runtime.close());

/** What the nightly schedule does, fired through the local scheduler and event bus. */
async function nightly(): Promise<void> {
  const fired = await admin.post('/__local/nightly');
  expect(fired.status).toBeLessThan(300);
  await runtime.whenIdle();
}

it('follows the seed walk-through end to end', async () => {
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
});
