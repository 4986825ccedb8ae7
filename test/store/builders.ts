/** Valid domain objects for store tests; each test overrides only what it pins. */
import type { Client, Department, User } from '#domain/entities';
import type { RunRecord, SyncRun } from '#domain/runs';
import type { Connection, Link } from '#ports/stores';

const CREATED_AT = '2024-05-01T08:00:00.000Z';

export function aClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 'client-1',
    tenantId: 'tenant-a',
    version: 1,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    name: 'Acme GmbH',
    street: 'Hauptstraße 1\nHinterhaus',
    zip: '01067',
    city: 'Dresden',
    country: 'Germany',
    countryCode: 'DE',
    notes: 'Pays late',
    integrations: {
      intacct: {
        status: 'linked',
        customerId: 'C-100',
        recordNo: '100',
        intacctStatus: 'active',
        entityId: null,
        entityName: null,
        lastSyncedAt: CREATED_AT,
      },
    },
    ...overrides,
  };
}

export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: 'user-1',
    tenantId: 'tenant-a',
    version: 1,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    firstName: 'Ada',
    lastName: 'Lovelace',
    jobTitle: 'Analyst',
    startDate: null,
    email: '',
    permissionProfile: 'collaborator',
    invitationStatus: 'not_invited',
    departmentId: null,
    notes: '',
    integrations: {},
    ...overrides,
  };
}

export function aDepartment(overrides: Partial<Department> = {}): Department {
  return {
    id: 'department-1',
    tenantId: 'tenant-a',
    version: 1,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    name: 'Engineering',
    integrations: {
      intacct: {
        status: 'linked',
        departmentId: 'ENG',
        recordNo: '7',
        intacctStatus: 'active',
        entityId: null,
        entityName: null,
        lastSyncedAt: null,
      },
    },
    ...overrides,
  };
}

export function aLink(overrides: Partial<Link> = {}): Link {
  return {
    tenantId: 'tenant-a',
    object: 'customer',
    recordNo: '100',
    intacctId: 'C-100',
    psaId: 'client-1',
    createdAt: CREATED_AT,
    fingerprint: null,
    claim: null,
    ...overrides,
  };
}

export function aRun(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    id: 'run-0001',
    tenantId: 'tenant-a',
    type: 'client_sync',
    trigger: 'schedule',
    dryRun: false,
    status: 'queued',
    request: { type: 'client_sync', resetLinks: false },
    startedAt: null,
    finishedAt: null,
    progress: { processed: 0, total: 0 },
    counts: { created: 0, updated: 0, unchanged: 0, unlinked: 0, skipped: 0, failed: 0 },
    error: null,
    heldCount: 0,
    recordCount: 0,
    checkpoint: null,
    execution: null,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

export function aRunRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    object: 'customer',
    intacctId: 'C-100',
    recordNo: '100',
    psaId: 'client-1',
    outcome: 'updated',
    changes: [{ field: 'city', from: 'Berlin', to: 'Dresden' }],
    warnings: [],
    error: null,
    ...overrides,
  };
}

export function aConnection(overrides: Partial<Connection> = {}): Connection {
  return {
    tenantId: 'tenant-a',
    companyId: 'ACME-CO',
    userId: 'xml_gateway',
    entityId: null,
    gateway: 'xml',
    secretRef: 'intacct/tenant-a',
    connectedAt: CREATED_AT,
    lastSync: { clients: null, users: null },
    ...overrides,
  };
}

/** Every item of an async page stream, flattened, plus the number of pages. */
export async function collectPages<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; pageCount: number }> {
  const items: T[] = [];
  let pageCount = 0;
  for await (const page of pages) {
    items.push(...page);
    pageCount += 1;
  }
  return { items, pageCount };
}
