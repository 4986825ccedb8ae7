/**
 * One test per seed rule R1–R10 (spec section 3), driving the real engine against the Intacct
 * emulator over HTTP and dynalite, and making Intacct change through its own protocol.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Conflict, NotFound, PreconditionFailed } from '#domain/errors';
import { deleteClient } from '#use-cases/delete-client';
import { editClient } from '#use-cases/edit-client';
import { editUser } from '#use-cases/edit-user';
import { inviteUser } from '#use-cases/invite-user';
import { linkClient } from '#use-cases/link-by-hand';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, allUsers, clientOf, importClients, importUsers, intacctIds, nightlySync, recordsOf, userOf } from './engine-steps';

let h: EngineHarness;
let tenant: string;
let customers: string[];
let employees: string[];
/** The n-th customer / employee of the company (1-based). */
const customerId = (n: number): string => customers[n - 1]!;
const employeeId = (n: number): string => employees[n - 1]!;

beforeEach(async () => {
  h = await startEngineHarness([{ customers: 12, employees: 8, departments: 3 }]);
  tenant = h.tenants[0]!;
  customers = await intacctIds(h, 'customer');
  employees = await intacctIds(h, 'employee');
});
afterEach(async () => h.close());

describe('R1 import creates a PSA record linked to the Intacct record', () => {
  it('creates one linked client per selected customer, with the mapped fields and the Sage link', async () => {
    const run = await importClients(h, tenant, { customerIds: [customerId(1), customerId(2)] });

    expect(run.status).toBe('succeeded');
    expect(run.counts.created).toBe(2);
    const clients = await allClients(h, tenant);
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.integrations.intacct?.status).toBe('linked');
      expect(client.name).not.toBe('');
    }
    expect(h.events.ofType('ClientImported')).toHaveLength(2);
  });

  it('creates linked users from selected employees', async () => {
    await importUsers(h, tenant, { employeeIds: [employeeId(1)], permissionProfile: 'manager', assignDepartments: false });

    const user = await userOf(h, tenant, employeeId(1));
    expect(user?.integrations.intacct?.status).toBe('linked');
    expect(user?.permissionProfile).toBe('manager');
  });
});

describe('R2 importing an already linked record creates nothing new', () => {
  it('refreshes the mapped fields of the existing client instead of creating another', async () => {
    await importClients(h, tenant, { customerIds: [customerId(3)] });
    const before = await clientOf(h, tenant, customerId(3));
    await h.intacct().update('CUSTOMER', before!.integrations.intacct!.recordNo, { NAME: 'Renamed In Intacct Ltd' });

    const again = await importClients(h, tenant, { customerIds: [customerId(3)] });

    const clients = await allClients(h, tenant);
    expect(clients).toHaveLength(1);
    expect(clients[0]!.id).toBe(before!.id);
    expect(clients[0]!.name).toBe('Renamed In Intacct Ltd');
    expect(again.counts).toMatchObject({ created: 0, updated: 1 });
  });
});

describe('R3 the daily sync overwrites mapped fields that differ from Intacct', () => {
  it('applies a change made in Intacct', async () => {
    await importClients(h, tenant, { all: true });
    const client = await clientOf(h, tenant, customerId(4));
    await h.intacct().update('CUSTOMER', client!.integrations.intacct!.recordNo, {
      'DISPLAYCONTACT.MAILADDRESS.CITY': 'Reykjavík',
    });

    await nightlySync(h, tenant, 'clients');

    expect((await clientOf(h, tenant, customerId(4)))!.city).toBe('Reykjavík');
  });

  it('puts Intacct values back over an edit made in the PSA', async () => {
    await importClients(h, tenant, { all: true });
    const client = await clientOf(h, tenant, customerId(5));
    await editClient(h.deps, tenant, client!.id, { name: 'Edited in the PSA' });

    const [run] = await nightlySync(h, tenant, 'clients');

    expect((await clientOf(h, tenant, customerId(5)))!.name).toBe(client!.name);
    const records = await recordsOf(h, tenant, run!.id);
    expect(records.find((r) => r.psaId === client!.id)?.changes).toEqual([{ field: 'name', from: 'Edited in the PSA', to: client!.name }]);
  });
});

describe('R4 a removed Intacct record unlinks its PSA record without removing it', () => {
  it('keeps the client and all its data, marked unlinked', async () => {
    await importClients(h, tenant, { all: true });
    const client = await clientOf(h, tenant, customerId(6));
    await editClient(h.deps, tenant, client!.id, { notes: 'Key account' });
    await h.intacct().delete('CUSTOMER', [client!.integrations.intacct!.recordNo]);

    await nightlySync(h, tenant, 'clients');

    const after = await h.stores.clients.get(tenant, client!.id);
    expect(after).not.toBeNull();
    expect(after!.integrations.intacct?.status).toBe('unlinked');
    expect(after!.name).toBe(client!.name);
    expect(after!.notes).toBe('Key account');
    expect(h.events.ofType('ClientUnlinked')).toHaveLength(1);
  });
});

describe('R5 an unlinked record can be re-linked by hand', () => {
  it('links the client to another customer and refreshes its mapped fields at once', async () => {
    await importClients(h, tenant, { customerIds: [customerId(7)] });
    const client = await clientOf(h, tenant, customerId(7));
    await h.intacct().delete('CUSTOMER', [client!.integrations.intacct!.recordNo]);
    await nightlySync(h, tenant, 'clients');
    const replacement = await h.intacct().create('CUSTOMER', {
      CUSTOMERID: 'C-NEW-7',
      NAME: 'Successor Holdings',
      'DISPLAYCONTACT.MAILADDRESS.CITY': 'Lyon',
    });

    const linked = await linkClient(h.deps, tenant, client!.id, 'C-NEW-7');

    expect(linked.integrations.intacct).toMatchObject({ status: 'linked', customerId: 'C-NEW-7', recordNo: replacement });
    expect(linked.name).toBe('Successor Holdings');
    expect(linked.city).toBe('Lyon');
    expect(h.events.ofType('ClientLinked')).toHaveLength(1);
  });

  it('refuses a customer that another client is linked to, and an unknown customer', async () => {
    await importClients(h, tenant, { customerIds: [customerId(8)] });
    const other = await clientOf(h, tenant, customerId(8));
    await h.intacct().delete('CUSTOMER', [other!.integrations.intacct!.recordNo]);
    await nightlySync(h, tenant, 'clients');
    await importClients(h, tenant, { customerIds: [customerId(9)] });

    await expect(linkClient(h.deps, tenant, other!.id, customerId(9))).rejects.toBeInstanceOf(Conflict);
    await expect(linkClient(h.deps, tenant, other!.id, 'C-DOES-NOT-EXIST')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('R6 a record deleted in the PSA leaves Intacct untouched and can be re-imported', () => {
  it('never brings the client back in a sync, and a re-import creates a new client', async () => {
    await importClients(h, tenant, { customerIds: [customerId(10)] });
    const client = await clientOf(h, tenant, customerId(10));

    await deleteClient(h.deps, tenant, client!.id);
    await nightlySync(h, tenant, 'clients');

    expect(await allClients(h, tenant)).toHaveLength(0);
    const source = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
    expect(await source.existingRecordNos('customer', [client!.integrations.intacct!.recordNo])).toEqual(
      new Set([client!.integrations.intacct!.recordNo]),
    );

    await importClients(h, tenant, { customerIds: [customerId(10)] });
    const reimported = await clientOf(h, tenant, customerId(10));
    expect(reimported).toBeDefined();
    expect(reimported!.id).not.toBe(client!.id);
  });
});

describe('R6 after a PSA delete that stopped half way', () => {
  it('the sync removes the leftover link instead of trusting it, and the customer can be imported again', async () => {
    await importClients(h, tenant, { customerIds: [customerId(12)] });
    const client = await clientOf(h, tenant, customerId(12));
    h.spy.failOnWrite(2, [h.dynamo.names.links]); // the link's removal, after the client's

    await expect(deleteClient(h.deps, tenant, client!.id)).rejects.toThrow(/Simulated crash/);
    const [run] = await nightlySync(h, tenant, 'clients');

    expect(await h.stores.links.get(tenant, 'customer', client!.integrations.intacct!.recordNo)).toBeNull();
    expect((await recordsOf(h, tenant, run!.id)).map((r) => r.outcome)).toEqual(['skipped']);
    await importClients(h, tenant, { customerIds: [customerId(12)] });
    expect((await clientOf(h, tenant, customerId(12)))!.id).not.toBe(client!.id);
  });
});

describe('R7 the daily sync does not import new Intacct records', () => {
  it('leaves a customer created in Intacct after the import alone', async () => {
    await importClients(h, tenant, { all: true });
    await h.intacct().create('CUSTOMER', { CUSTOMERID: 'C-LATE', NAME: 'Latecomer GmbH' });

    const [run] = await nightlySync(h, tenant, 'clients');

    expect(await clientOf(h, tenant, 'C-LATE')).toBeUndefined();
    expect(run!.counts.created).toBe(0);
  });
});

describe('R8 users import with one permission profile and optional department assignment', () => {
  it('creates each Intacct department once and assigns it when assignment is on', async () => {
    const run = await importUsers(h, tenant, {
      employeeIds: [employeeId(1), employeeId(2), employeeId(3), employeeId(4)],
      permissionProfile: 'collaborator',
      assignDepartments: true,
    });

    const users = await allUsers(h, tenant);
    const departments = (await h.stores.departments.list(tenant, { limit: 100 })).items;
    expect(run.status).toBe('succeeded');
    expect(users.every((user) => user.permissionProfile === 'collaborator')).toBe(true);
    const assigned = users.filter((user) => user.departmentId !== null);
    expect(assigned.length).toBeGreaterThan(0);
    expect(new Set(departments.map((d) => d.integrations.intacct?.departmentId)).size).toBe(departments.length);
    for (const user of assigned) {
      expect(departments.map((d) => d.id)).toContain(user.departmentId);
    }
  });

  it('keeps the department in step in the daily sync when assignment is on', async () => {
    const deptRecordNo = await h.intacct().create('DEPARTMENT', { DEPARTMENTID: 'RND', TITLE: 'Research' });
    await importUsers(h, tenant, { employeeIds: [employeeId(2)], permissionProfile: 'manager', assignDepartments: true });
    const user = await userOf(h, tenant, employeeId(2));
    await h.intacct().update('EMPLOYEE', user!.integrations.intacct!.recordNo, { DEPARTMENTID: 'RND' });

    await nightlySync(h, tenant, 'users');

    const after = await userOf(h, tenant, employeeId(2));
    const department = await h.stores.departments.get(tenant, after!.departmentId!);
    expect(department?.name).toBe('Research');
    expect(department?.integrations.intacct).toMatchObject({ departmentId: 'RND', recordNo: deptRecordNo });
  });

  it('leaves the department alone when assignment is off', async () => {
    await importUsers(h, tenant, { employeeIds: [employeeId(3)], permissionProfile: 'manager', assignDepartments: false });
    const user = await userOf(h, tenant, employeeId(3));
    expect(user!.departmentId).toBeNull();
    expect((await h.stores.departments.list(tenant, { limit: 10 })).items).toHaveLength(0);

    await nightlySync(h, tenant, 'users');

    expect((await userOf(h, tenant, employeeId(3)))!.departmentId).toBeNull();
  });
});

describe('R9 a user cannot be invited until an admin adds an email; sync never touches it', () => {
  it('refuses the invite without email, invites with one, and keeps the email through a sync', async () => {
    await importUsers(h, tenant, { employeeIds: [employeeId(5)], permissionProfile: 'coordinator', assignDepartments: false });
    const user = await userOf(h, tenant, employeeId(5));
    expect(user!.email).toBe('');

    await expect(inviteUser(h.deps, tenant, user!.id)).rejects.toBeInstanceOf(PreconditionFailed);
    await editUser(h.deps, tenant, user!.id, { email: 'ada@example.com' });
    const invited = await inviteUser(h.deps, tenant, user!.id);
    await h.intacct().update('EMPLOYEE', user!.integrations.intacct!.recordNo, { TITLE: 'Principal' });
    await nightlySync(h, tenant, 'users');

    expect(invited.invitationStatus).toBe('invited');
    expect(h.events.ofType('UserInvited')).toHaveLength(1);
    const after = await userOf(h, tenant, employeeId(5));
    expect(after).toMatchObject({ email: 'ada@example.com', invitationStatus: 'invited', jobTitle: 'Principal' });
  });
});

describe('R10 inactive Intacct records stay linked and keep syncing', () => {
  it('shows intacctStatus inactive and still applies changes', async () => {
    await importClients(h, tenant, { all: true });
    const client = await clientOf(h, tenant, customerId(11));
    const recordNo = client!.integrations.intacct!.recordNo;
    await h.intacct().update('CUSTOMER', recordNo, { STATUS: 'inactive', NAME: 'Dormant Partners' });

    await nightlySync(h, tenant, 'clients');

    const after = await h.stores.clients.get(tenant, client!.id);
    expect(after!.integrations.intacct).toMatchObject({ status: 'linked', intacctStatus: 'inactive' });
    expect(after!.name).toBe('Dormant Partners');
  });
});
