/** The user and department routes through the real handler, over the engine's real parts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Department, EmployeeChoice, PermissionProfileItem, pageOf, User } from '#http/schemas';
import { intacctIds } from '../engine/engine-steps';
import { type ApiHarness, startApiHarness } from './support/api-client';

let api: ApiHarness;
let admin: ReturnType<ApiHarness['as']>;
let employees: string[];

beforeEach(async () => {
  api = await startApiHarness([{ customers: 1, employees: 5, departments: 3 }, { employees: 1 }]);
  admin = api.as('admin');
  employees = await intacctIds(api.h, 'employee');
});
afterEach(async () => api.close());

async function importEmployees(employeeIds: string[], assignDepartments = true): Promise<void> {
  const answer = await admin({
    method: 'POST',
    path: '/users/import',
    body: { employeeIds, permissionProfile: 'manager', assignDepartments },
  });
  expect(answer.status).toBe(202);
  await api.workers.drain();
}

async function firstUser() {
  return User.parse((await admin({ method: 'GET', path: '/users' })).body.items[0]);
}

describe('POST /users/import', () => {
  it('answers 202 and starts the user import worker', async () => {
    const answer = await admin({
      method: 'POST',
      path: '/users/import',
      body: { employeeIds: [employees[0]], permissionProfile: 'coordinator', assignDepartments: false, dryRun: true },
    });

    expect(answer.status).toBe(202);
    expect(api.workers.launches).toEqual([{ tenantId: api.h.tenants[0], runId: answer.body.runId, type: 'user_import' }]);
  });
});

describe('GET /users and GET /users/{id}', () => {
  it('shows imported users in the spec shape, with their department', async () => {
    await importEmployees([employees[0]!]);

    const answer = await admin({ method: 'GET', path: '/users' });

    expect(answer.status).toBe(200);
    const [user] = pageOf(User).parse(answer.body).items;
    expect(user).toMatchObject({ permissionProfile: 'manager', invitationStatus: 'not_invited', email: '' });
    expect(user!.integrations.intacct).toMatchObject({ status: 'linked', employeeId: employees[0], assignDepartment: true });
    const department = user!.department;
    expect(department).not.toBeNull();
    const one = await api.as('collaborator')({ method: 'GET', path: `/departments/${department!.id}` });
    expect(Department.parse(one.body).name).toBe(department!.name);
  });

  it('is open to a collaborator, and 404 to another tenant', async () => {
    await importEmployees([employees[0]!]);
    const user = await firstUser();

    expect((await api.as('collaborator')({ method: 'GET', path: `/users/${user.id}` })).status).toBe(200);
    expect((await api.as('admin', 1)({ method: 'GET', path: `/users/${user.id}` })).status).toBe(404);
  });
});

describe('PATCH /users/{id} and POST /users/{id}/invite', () => {
  it('answers 422 email_required when inviting a user without an email', async () => {
    await importEmployees([employees[0]!]);
    const user = await firstUser();

    const answer = await admin({ method: 'POST', path: `/users/${user.id}/invite` });

    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('email_required');
  });

  it('invites once an admin added the email: 200 invited, UserInvited published', async () => {
    await importEmployees([employees[0]!]);
    const user = await firstUser();

    const edited = await admin({ method: 'PATCH', path: `/users/${user.id}`, body: { email: 'ann@example.com', notes: 'New hire' } });
    const invited = await admin({ method: 'POST', path: `/users/${user.id}/invite` });

    expect(edited.status).toBe(200);
    expect(User.parse(edited.body)).toMatchObject({ email: 'ann@example.com', notes: 'New hire' });
    expect(invited.status).toBe(200);
    expect(User.parse(invited.body).invitationStatus).toBe('invited');
    expect(api.h.events.ofType('UserInvited')).toEqual([
      { type: 'UserInvited', detail: { tenantId: api.h.tenants[0], userId: user.id, eventId: expect.any(String) } },
    ]);
  });

  it('refuses a collaborator: 403', async () => {
    await importEmployees([employees[0]!]);
    const user = await firstUser();

    const answer = await api.as('collaborator')({ method: 'PATCH', path: `/users/${user.id}`, body: { notes: 'x' } });

    expect(answer.status).toBe(403);
  });
});

describe('DELETE /users/{id} and POST /users/{id}/link', () => {
  it('deletes a user: 204; its employee shows as not imported again', async () => {
    await importEmployees([employees[1]!], false);
    const user = await firstUser();

    const deleted = await admin({ method: 'DELETE', path: `/users/${user.id}` });
    const dialog = await admin({ method: 'GET', path: '/intacct/employees', query: { search: employees[1]! } });

    expect(deleted.status).toBe(204);
    expect(dialog.body.items[0].import).toEqual({ state: 'not_imported' });
  });

  it('answers 409 when the employee is linked to another user', async () => {
    await importEmployees([employees[0]!, employees[1]!], false);
    const users = pageOf(User).parse((await admin({ method: 'GET', path: '/users' })).body).items;
    const holder = users.find((user) => user.integrations.intacct?.employeeId === employees[0])!;
    const other = users.find((user) => user.id !== holder.id)!;

    const answer = await admin({ method: 'POST', path: `/users/${other.id}/link`, body: { employeeId: employees[0] } });

    expect(answer.status).toBe(409);
  });
});

describe('GET /intacct/employees', () => {
  it('lists employees for the dialog with names, department names and import state', async () => {
    await importEmployees([employees[0]!]);

    const answer = await admin({ method: 'GET', path: '/intacct/employees' });

    expect(answer.status).toBe(200);
    const page = pageOf(EmployeeChoice).parse(answer.body);
    expect(page.items.map((item) => item.employeeId)).toEqual(employees);
    expect(page.items[0]!.import).toEqual({ state: 'imported', userId: expect.any(String) });
    expect(page.items[1]!.import).toEqual({ state: 'not_imported' });
    for (const item of page.items.filter((employee) => employee.departmentId !== null)) {
      expect(item.departmentName).toEqual(expect.any(String));
    }
  });
});

describe('GET /departments and GET /permission-profiles', () => {
  it('lists departments to every profile', async () => {
    await importEmployees(employees);

    const answer = await api.as('collaborator')({ method: 'GET', path: '/departments' });

    expect(answer.status).toBe(200);
    expect(pageOf(Department).parse(answer.body).items.length).toBeGreaterThan(0);
  });

  it('answers the five profiles to an admin', async () => {
    const answer = await admin({ method: 'GET', path: '/permission-profiles' });

    expect(
      pageOf(PermissionProfileItem)
        .parse(answer.body)
        .items.map((profile) => profile.id),
    ).toEqual(['admin', 'controller', 'manager', 'coordinator', 'collaborator']);
  });

  it('refuses a collaborator the permission profiles: 403', async () => {
    expect((await api.as('collaborator')({ method: 'GET', path: '/permission-profiles' })).status).toBe(403);
  });
});

describe('POST /users/sync', () => {
  it('queues a user sync and starts tenant-sync with scope users: 202', async () => {
    const answer = await admin({ method: 'POST', path: '/users/sync', body: { dryRun: true } });

    expect(answer.status).toBe(202);
    expect(api.workers.launches[0]).toEqual({ tenantId: api.h.tenants[0], runId: answer.body.runId, type: 'user_sync' });
  });
});
