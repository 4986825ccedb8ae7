import { describe, expect, it } from 'vitest';
import type { User } from '#domain/entities';
import { mapCustomer, mapDepartment, mapEmployee } from '#domain/mapping';
import {
  applyClientSync,
  applyDepartmentSync,
  applyUserSync,
  newClientFromIntacct,
  newDepartmentFromIntacct,
  newUserFromIntacct,
  unlinkClient,
  unlinkDepartment,
  unlinkUser,
} from '#domain/sync-rules';
import { ADAEZE_OKAFOR, CONSULTING, HARBOR_AND_PIKE, MARY_ANN_VAN_DER_BERG } from './support/intacct-samples';
import { aClient, aDepartment, aUser, CREATED_AT, EARLIER, NOW, TENANT } from './support/psa-records';

const HARBOR = mapCustomer(HARBOR_AND_PIKE);
const ADAEZE = mapEmployee(ADAEZE_OKAFOR);
const CONS = mapDepartment(CONSULTING);

function withAssignment(user: User, assignDepartment: boolean): User {
  const link = user.integrations.intacct;
  if (!link) throw new Error('test user has no link');
  return { ...user, integrations: { intacct: { ...link, assignDepartment } } };
}

describe('applyClientSync', () => {
  it('returns the same client and no changes when it already matches Intacct', () => {
    const client = aClient();

    const result = applyClientSync(client, HARBOR, NOW);

    expect(result).toEqual({ next: client, changes: [], linkChanged: false });
    expect(result.next).toBe(client);
  });

  it('overwrites PSA edits of mapped fields and lists them (R3)', () => {
    const client = aClient({ name: 'Harbour and Pike', city: 'Cambridge' });

    const { next, changes } = applyClientSync(client, HARBOR, NOW);

    expect(next).toMatchObject({ name: 'Harbor & Pike Engineering', city: 'Boston' });
    expect(changes).toEqual([
      { field: 'name', from: 'Harbour and Pike', to: 'Harbor & Pike Engineering' },
      { field: 'city', from: 'Cambridge', to: 'Boston' },
    ]);
  });

  it('bumps version, updatedAt and lastSyncedAt when it writes', () => {
    const { next } = applyClientSync(aClient({ zip: '2110' }), HARBOR, NOW);

    expect(next.version).toBe(4);
    expect(next.updatedAt).toBe(NOW);
    expect(next.integrations.intacct?.lastSyncedAt).toBe(NOW);
  });

  it('leaves PSA-only fields alone (I4)', () => {
    const client = aClient({ zip: '2110' });

    const { next } = applyClientSync(client, HARBOR, NOW);

    expect(next).toMatchObject({ id: client.id, tenantId: TENANT, notes: client.notes, createdAt: CREATED_AT });
  });

  it('records a changed Intacct status on the link without a field change (R10)', () => {
    const inactive = { ...HARBOR, intacctStatus: 'inactive' as const };

    const { next, changes, linkChanged } = applyClientSync(aClient(), inactive, NOW);

    expect(changes).toEqual([]);
    expect(linkChanged).toBe(true);
    expect(next.integrations.intacct).toMatchObject({ status: 'linked', intacctStatus: 'inactive' });
    expect(next.version).toBe(4);
  });

  it('re-links an unlinked client and refreshes its fields (R5)', () => {
    const unlinked = unlinkClient(aClient({ street: 'old street' }), EARLIER);

    const { next, changes, linkChanged } = applyClientSync(unlinked, HARBOR, NOW);

    expect(linkChanged).toBe(true);
    expect(changes).toEqual([{ field: 'street', from: 'old street', to: '400 Pine Street\nFloor 12' }]);
    expect(next.integrations.intacct?.status).toBe('linked');
  });

  it('links a PSA client that never had a link', () => {
    const { next, linkChanged } = applyClientSync(aClient({ integrations: {} }), HARBOR, NOW);

    expect(linkChanged).toBe(true);
    expect(next.integrations.intacct).toEqual({
      status: 'linked',
      customerId: 'C-0017',
      recordNo: '17',
      intacctStatus: 'active',
      entityId: null,
      entityName: null,
      lastSyncedAt: NOW,
    });
  });
});

describe('applyUserSync', () => {
  it('returns the same user and no changes when it already matches Intacct', () => {
    const user = aUser();

    const result = applyUserSync(user, ADAEZE, 'dept-cons', NOW);

    expect(result).toEqual({ next: user, changes: [], linkChanged: false });
    expect(result.next).toBe(user);
  });

  it('overwrites mapped fields and lists them (R3)', () => {
    const { next, changes } = applyUserSync(aUser({ jobTitle: 'Consultant' }), ADAEZE, 'dept-cons', NOW);

    expect(next.jobTitle).toBe('Senior Consultant');
    expect(changes).toEqual([{ field: 'jobTitle', from: 'Consultant', to: 'Senior Consultant' }]);
    expect(next.version).toBe(5);
  });

  it('never touches email, permission profile, invitation state or notes (R9, I4)', () => {
    const user = aUser({ firstName: 'Ada' });

    const { next } = applyUserSync(user, ADAEZE, 'dept-cons', NOW);

    expect(next).toMatchObject({
      id: user.id,
      tenantId: user.tenantId,
      createdAt: user.createdAt,
      email: 'adaeze@psa.example',
      permissionProfile: 'manager',
      invitationStatus: 'invited',
      notes: 'Mentor for new hires',
    });
  });

  it('keeps the department in step when the user was imported with assignment on (R8)', () => {
    const user = withAssignment(aUser({ departmentId: 'dept-old' }), true);

    const { next, changes } = applyUserSync(user, ADAEZE, 'dept-cons', NOW);

    expect(next.departmentId).toBe('dept-cons');
    expect(changes).toEqual([{ field: 'departmentId', from: 'dept-old', to: 'dept-cons' }]);
  });

  it('clears the department when assignment is on and the employee has none', () => {
    const user = withAssignment(aUser(), true);

    const { next } = applyUserSync(user, mapEmployee({ ...ADAEZE_OKAFOR, DEPARTMENTID: '' }), null, NOW);

    expect(next.departmentId).toBeNull();
  });

  it('leaves the department alone when the user was imported with assignment off (R8)', () => {
    const user = withAssignment(aUser({ departmentId: 'dept-chosen-in-psa' }), false);

    const result = applyUserSync(user, ADAEZE, 'dept-cons', NOW);

    expect(result.next).toBe(user);
    expect(result.changes).toEqual([]);
  });

  it('keeps the assignment choice on the link when it writes', () => {
    const user = withAssignment(aUser({ lastName: 'O.' }), true);

    const { next } = applyUserSync(user, ADAEZE, 'dept-cons', NOW);

    expect(next.integrations.intacct).toEqual({
      status: 'linked',
      employeeId: 'E-100',
      recordNo: '5',
      intacctStatus: 'active',
      entityId: null,
      entityName: null,
      assignDepartment: true,
      lastSyncedAt: NOW,
    });
  });

  it('links a user that never had a link with assignment off, leaving its department', () => {
    const user = aUser({ integrations: {}, departmentId: 'dept-psa' });

    const { next, linkChanged } = applyUserSync(user, ADAEZE, 'dept-cons', NOW);

    expect(linkChanged).toBe(true);
    expect(next.departmentId).toBe('dept-psa');
    expect(next.integrations.intacct?.assignDepartment).toBe(false);
  });
});

describe('applyDepartmentSync', () => {
  it('returns the same department when it already matches Intacct', () => {
    const department = aDepartment();

    expect(applyDepartmentSync(department, CONS, NOW).next).toBe(department);
  });

  it('renames the department and bumps its version', () => {
    const { next, changes } = applyDepartmentSync(aDepartment({ name: 'Consultancy' }), CONS, NOW);

    expect(changes).toEqual([{ field: 'name', from: 'Consultancy', to: 'Consulting' }]);
    expect(next).toMatchObject({ name: 'Consulting', version: 3, updatedAt: NOW });
  });
});

describe('newClientFromIntacct', () => {
  it('creates a linked client with the mapped fields and empty notes (R1)', () => {
    expect(newClientFromIntacct({ id: 'client-9', tenantId: TENANT, mapped: HARBOR, now: NOW })).toEqual({
      id: 'client-9',
      tenantId: TENANT,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      ...HARBOR.fields,
      notes: '',
      integrations: {
        intacct: {
          status: 'linked',
          customerId: 'C-0017',
          recordNo: '17',
          intacctStatus: 'active',
          entityId: null,
          entityName: null,
          lastSyncedAt: NOW,
        },
      },
    });
  });
});

describe('newUserFromIntacct', () => {
  const base = { id: 'user-9', tenantId: TENANT, permissionProfile: 'collaborator' as const, now: NOW };

  it('creates a linked, uninvited user without email and with the chosen profile (R1, R8, R9)', () => {
    const user = newUserFromIntacct({ ...base, mapped: ADAEZE, assignDepartment: false, departmentPsaId: null });

    expect(user).toEqual({
      id: 'user-9',
      tenantId: TENANT,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      firstName: 'Adaeze',
      lastName: 'Okafor',
      jobTitle: 'Senior Consultant',
      startDate: '2019-02-12',
      email: '',
      permissionProfile: 'collaborator',
      invitationStatus: 'not_invited',
      departmentId: null,
      notes: '',
      integrations: {
        intacct: {
          status: 'linked',
          employeeId: 'E-100',
          recordNo: '5',
          intacctStatus: 'active',
          entityId: null,
          entityName: null,
          assignDepartment: false,
          lastSyncedAt: NOW,
        },
      },
    });
  });

  it.each([
    [true, 'dept-cons'],
    [false, null],
  ])('with assignment %s sets department %j', (assignDepartment, departmentId) => {
    const user = newUserFromIntacct({ ...base, mapped: ADAEZE, assignDepartment, departmentPsaId: 'dept-cons' });

    expect(user.departmentId).toBe(departmentId);
    expect(user.integrations.intacct?.assignDepartment).toBe(assignDepartment);
  });

  it('keeps a multi-word last name and a missing start date', () => {
    const mapped = mapEmployee(MARY_ANN_VAN_DER_BERG);

    const user = newUserFromIntacct({ ...base, mapped, assignDepartment: true, departmentPsaId: null });

    expect(user).toMatchObject({ firstName: 'Mary Ann', lastName: 'van der Berg', startDate: null, jobTitle: '' });
  });
});

describe('newDepartmentFromIntacct', () => {
  it('creates a linked department named after the Intacct title', () => {
    expect(newDepartmentFromIntacct({ id: 'dept-9', tenantId: TENANT, mapped: CONS, now: NOW })).toEqual({
      id: 'dept-9',
      tenantId: TENANT,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      name: 'Consulting',
      integrations: {
        intacct: {
          status: 'linked',
          departmentId: 'CONS',
          recordNo: '3',
          intacctStatus: 'active',
          entityId: null,
          entityName: null,
          lastSyncedAt: NOW,
        },
      },
    });
  });
});

describe('unlinking (R4)', () => {
  it('marks a client unlinked and keeps all its data and link ids', () => {
    const client = aClient();

    const next = unlinkClient(client, NOW);

    expect(next).toEqual({
      ...client,
      version: client.version + 1,
      updatedAt: NOW,
      integrations: { intacct: { ...client.integrations.intacct, status: 'unlinked' } },
    });
  });

  it('marks a user unlinked and keeps all its data and link ids', () => {
    const user = aUser();

    const next = unlinkUser(user, NOW);

    expect(next).toEqual({
      ...user,
      version: user.version + 1,
      updatedAt: NOW,
      integrations: { intacct: { ...user.integrations.intacct, status: 'unlinked' } },
    });
  });

  it('marks a department unlinked and keeps its name', () => {
    const department = aDepartment();

    const next = unlinkDepartment(department, NOW);

    expect(next).toMatchObject({ name: 'Consulting', version: 3, integrations: { intacct: { status: 'unlinked' } } });
  });

  it('returns an already unlinked record unchanged, so a re-run writes nothing', () => {
    const unlinked = unlinkClient(aClient(), EARLIER);

    expect(unlinkClient(unlinked, NOW)).toBe(unlinked);
  });

  it('returns a record with no link unchanged', () => {
    const user = aUser({ integrations: {} });

    expect(unlinkUser(user, NOW)).toBe(user);
  });
});
