/** PSA records as a sync finds them, with PSA-only fields set so tests can see them survive. */
import type { Client, Department, User } from '#domain/entities';

export const TENANT = 'tenant-a';
export const CREATED_AT = '2026-01-01T00:00:00.000Z';
export const EARLIER = '2026-11-01T00:00:00.000Z';
export const NOW = '2026-11-25T09:00:00.000Z';

export function aClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 'client-1',
    tenantId: TENANT,
    version: 3,
    createdAt: CREATED_AT,
    updatedAt: EARLIER,
    name: 'Harbor & Pike Engineering',
    street: '400 Pine Street\nFloor 12',
    zip: '02110',
    city: 'Boston',
    country: 'United States',
    countryCode: 'US',
    notes: 'Prefers invoices by post',
    integrations: {
      intacct: {
        status: 'linked',
        customerId: 'C-0017',
        recordNo: '17',
        intacctStatus: 'active',
        entityId: null,
        entityName: null,
        lastSyncedAt: EARLIER,
      },
    },
    ...overrides,
  };
}

export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: 'user-1',
    tenantId: TENANT,
    version: 4,
    createdAt: CREATED_AT,
    updatedAt: EARLIER,
    firstName: 'Adaeze',
    lastName: 'Okafor',
    jobTitle: 'Senior Consultant',
    startDate: '2019-02-12',
    email: 'adaeze@psa.example',
    permissionProfile: 'manager',
    invitationStatus: 'invited',
    departmentId: 'dept-cons',
    notes: 'Mentor for new hires',
    integrations: {
      intacct: {
        status: 'linked',
        employeeId: 'E-100',
        recordNo: '5',
        intacctStatus: 'active',
        entityId: null,
        entityName: null,
        assignDepartment: true,
        lastSyncedAt: EARLIER,
      },
    },
    ...overrides,
  };
}

export function aDepartment(overrides: Partial<Department> = {}): Department {
  return {
    id: 'dept-cons',
    tenantId: TENANT,
    version: 2,
    createdAt: CREATED_AT,
    updatedAt: EARLIER,
    name: 'Consulting',
    integrations: {
      intacct: {
        status: 'linked',
        departmentId: 'CONS',
        recordNo: '3',
        intacctStatus: 'active',
        entityId: null,
        entityName: null,
        lastSyncedAt: EARLIER,
      },
    },
    ...overrides,
  };
}
