/**
 * Issue 10's acceptance through the HTTP API of the local runtime pointed at a multi-entity
 * emulator (as `npm run emulator -- --entities 3 --customers 3000` would serve it): a tenant
 * connected at the top level imports every customer, entity-private ones included, and a sync
 * then finds nothing to change; employees are browsed, imported and synced the same whether the
 * company names its employee contact `CONTACT` or `PERSONALINFO`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiClient, clientsFor } from './api-client';

const CUSTOMERS = 3000;
const EMPLOYEES = 40;
const RUN_TIMEOUT_MS = 150_000;

let emulator: RunningEmulator;
let runtime: TestRuntime;

beforeAll(async () => {
  emulator = await startEmulator({
    companies: [
      {
        companyId: 'GROUP-CONTACT',
        userId: 'ws_sync',
        userPassword: 'contact-Pa55',
        customers: CUSTOMERS,
        employees: EMPLOYEES,
        departments: 6,
        seed: 41,
        entities: 3,
        employeeContactFields: 'contact',
      },
      {
        companyId: 'GROUP-PERSONAL',
        userId: 'ws_sync',
        userPassword: 'personal-Pa55',
        customers: 20,
        employees: EMPLOYEES,
        departments: 6,
        seed: 42,
        entities: 3,
        employeeContactFields: 'personalinfo',
      },
    ],
  });
  // The demo tenants connect to these two companies at the top level (no entity id).
  runtime = await startTestRuntime({
    intacct: {
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
      companies: emulator.companies.map(({ companyId, userId, userPassword }) => ({ companyId, userId, userPassword })),
    },
  });
}, 180_000);
afterAll(async () => {
  await runtime?.close();
  await emulator?.close();
});

async function finished(admin: ApiClient, started: { status: number; body: { runId: string }; text: string }): Promise<any> {
  expect(started.status, started.text).toBe(202);
  return admin.finishedRun(started.body.runId, RUN_TIMEOUT_MS);
}

describe('a top-level tenant of a company with 3 entities', () => {
  it('imports all customers, entity-private ones included, and a sync then changes nothing', async () => {
    const { admin } = clientsFor(runtime, 0);

    const imported = await finished(admin, await admin.post('/clients/import', { all: true }));

    expect(imported).toMatchObject({ status: 'succeeded', counts: { created: CUSTOMERS, failed: 0 } });
    const clients = (await admin.allPages('/clients', 200)).items;
    expect(clients).toHaveLength(CUSTOMERS);
    expect(new Set(clients.map((client: any) => client.integrations.intacct.customerId)).size).toBe(CUSTOMERS);
    // About half the emulator's records are private to one of the entities; each came along with its entity.
    const entities = new Set(clients.map((client: any) => client.integrations.intacct.entityId ?? 'top level'));
    expect([...entities].sort()).toEqual(['E100', 'E200', 'E300', 'top level']);

    const synced = await finished(admin, await admin.post('/clients/sync', {}));

    expect(synced.status).toBe('succeeded');
    expect(synced.counts).toMatchObject({ unlinked: 0, updated: 0, failed: 0, unchanged: CUSTOMERS });
  }, 300_000);
});

describe.each([
  { naming: 'contact', tenant: 0 },
  { naming: 'personalinfo', tenant: 1 },
])('employees of a company that names their contact $naming', ({ tenant }) => {
  it('are browsed with their names, imported with departments, and synced with nothing to change', async () => {
    const { admin } = clientsFor(runtime, tenant);

    const browsed = (await admin.allPages('/intacct/employees', 100)).items;

    expect(browsed).toHaveLength(EMPLOYEES);
    // Names come from the employee's contact, under either naming (a rare employee has one name only).
    expect(browsed.filter((employee: any) => employee.firstName || employee.lastName)).toHaveLength(EMPLOYEES);
    const picked = browsed.filter((employee: any) => employee.departmentId).slice(0, 10);
    expect(picked).toHaveLength(10);

    const imported = await finished(
      admin,
      await admin.post('/users/import', {
        employeeIds: picked.map((employee: any) => employee.employeeId),
        permissionProfile: 'collaborator',
        assignDepartments: true,
      }),
    );

    // Created counts the users and the PSA departments made for them.
    expect(imported).toMatchObject({ status: 'succeeded', counts: { failed: 0 } });
    expect(imported.counts.created).toBeGreaterThan(10);
    const users = (await admin.allPages('/users', 100)).items;
    expect(users).toHaveLength(10);
    for (const user of users) expect(user.department).not.toBeNull();
    const pickedNames = picked.map((employee: any) => `${employee.firstName} ${employee.lastName}`).sort();
    expect(users.map((user: any) => `${user.firstName} ${user.lastName}`).sort()).toEqual(pickedNames);

    const synced = await finished(admin, await admin.post('/users/sync', {}));

    expect(synced.status).toBe('succeeded');
    expect(synced.counts).toMatchObject({ unlinked: 0, updated: 0, failed: 0 });
    expect(synced.counts.unchanged).toBeGreaterThanOrEqual(10);
  }, 180_000);
});

describe('connecting to an entity the company does not have', () => {
  it('is refused as failed authentication (502 intacct_auth_failed), and the connection stays as it was', async () => {
    const { admin } = clientsFor(runtime, 1);
    const company = emulator.companies[1]!;
    const before = (await admin.get('/integrations/intacct')).body;

    const refused = await admin.put('/integrations/intacct', {
      companyId: company.companyId,
      userId: company.userId,
      password: company.userPassword,
      entityId: 'E999',
    });

    expect(refused.status, refused.text).toBe(502);
    expect(refused.body.error.code).toBe('intacct_auth_failed');
    // The connection as the admin set it; lastSync may still move as the previous test's run closes.
    const { lastSync: _lastSync, ...after } = (await admin.get('/integrations/intacct')).body;
    const { lastSync: _lastSyncBefore, ...unchanged } = before;
    expect(after).toEqual(unchanged);
  });
});
