/**
 * Domain objects → the JSON the spec promises (section 4), and nothing more: internal fields
 * (tenant, versions, run requests, held unlinks) never leave the service, nor does any secret.
 */
import type { Client, Department, IntacctEntityRef, PermissionProfile, User } from '#domain/entities';
import type { RunRecord, SyncRun } from '#domain/runs';
import type { Connection } from '#ports/stores';
import type { ClientJson, ConnectionJson, DepartmentJson, RunJson, RunRecordJson, UserJson } from './schemas';

/** The later of two ISO instants; null only when both are. */
function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/**
 * When a record was last brought in line with Intacct. A sync writes only records that changed,
 * so a linked record was also confirmed by its family's last successful sync.
 */
function shownLastSyncedAt(own: string | null, status: 'linked' | 'unlinked', familyLastSync: string | null): string | null {
  return status === 'linked' ? later(own, familyLastSync) : own;
}

/** The connection status: never the password (it lives only in the secret store), nor the user id. */
export function presentConnection(connection: Connection | null): ConnectionJson {
  return {
    connected: connection !== null,
    companyId: connection?.companyId ?? null,
    entityId: connection?.entityId ?? null,
    gateway: connection?.gateway ?? null,
    lastSync: { clients: connection?.lastSync.clients ?? null, users: connection?.lastSync.users ?? null },
  };
}

/** A link's entity; links stored before records carried their entity are top-level. */
const entityOf = (link: Partial<IntacctEntityRef>): IntacctEntityRef => ({ entityId: link.entityId ?? null, entityName: link.entityName ?? null });

export function presentClient(client: Client, connection: Connection | null): ClientJson {
  const link = client.integrations.intacct;
  return {
    id: client.id,
    name: client.name,
    street: client.street,
    zip: client.zip,
    city: client.city,
    country: client.country,
    countryCode: client.countryCode,
    notes: client.notes,
    integrations: link
      ? {
          intacct: {
            status: link.status,
            customerId: link.customerId,
            recordNo: link.recordNo,
            intacctStatus: link.intacctStatus,
            ...entityOf(link),
            lastSyncedAt: shownLastSyncedAt(link.lastSyncedAt, link.status, connection?.lastSync.clients ?? null),
          },
        }
      : {},
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}

/** A user; `departments` holds at least the user's department when it still exists. */
export function presentUser(user: User, departments: ReadonlyMap<string, Department>, connection: Connection | null): UserJson {
  const link = user.integrations.intacct;
  const department = user.departmentId ? departments.get(user.departmentId) : undefined;
  return {
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    jobTitle: user.jobTitle,
    startDate: user.startDate,
    department: department ? { id: department.id, name: department.name } : null,
    permissionProfile: user.permissionProfile,
    invitationStatus: user.invitationStatus,
    notes: user.notes,
    integrations: link
      ? {
          intacct: {
            status: link.status,
            employeeId: link.employeeId,
            recordNo: link.recordNo,
            intacctStatus: link.intacctStatus,
            ...entityOf(link),
            assignDepartment: link.assignDepartment,
            lastSyncedAt: shownLastSyncedAt(link.lastSyncedAt, link.status, connection?.lastSync.users ?? null),
          },
        }
      : {},
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export function presentDepartment(department: Department, connection: Connection | null): DepartmentJson {
  const link = department.integrations.intacct;
  return {
    id: department.id,
    name: department.name,
    integrations: link
      ? {
          intacct: {
            status: link.status,
            departmentId: link.departmentId,
            recordNo: link.recordNo,
            intacctStatus: link.intacctStatus,
            ...entityOf(link),
            lastSyncedAt: shownLastSyncedAt(link.lastSyncedAt, link.status, connection?.lastSync.users ?? null),
          },
        }
      : {},
    createdAt: department.createdAt,
    updatedAt: department.updatedAt,
  };
}

/** A run without its internal fields (tenant, request, held unlinks, record count). */
export function presentRun(run: SyncRun): RunJson {
  return {
    id: run.id,
    type: run.type,
    trigger: run.trigger,
    dryRun: run.dryRun,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    progress: { processed: run.progress.processed, total: run.progress.total },
    counts: { ...run.counts },
    error: run.error ? { code: run.error.code, message: run.error.message } : null,
  };
}

export function presentRunRecord(record: RunRecord): RunRecordJson {
  return {
    object: record.object,
    intacctId: record.intacctId,
    recordNo: record.recordNo,
    psaId: record.psaId,
    outcome: record.outcome,
    changes: record.changes.map((change) => ({ field: change.field, from: change.from, to: change.to })),
    warnings: [...record.warnings],
    error: record.error ? { code: record.error.code, message: record.error.message } : null,
  };
}

const PROFILE_NAMES: Record<PermissionProfile, string> = {
  admin: 'Admin',
  controller: 'Controller',
  manager: 'Manager',
  coordinator: 'Coordinator',
  collaborator: 'Collaborator',
};

export function presentPermissionProfile(profile: PermissionProfile): { id: PermissionProfile; name: string } {
  return { id: profile, name: PROFILE_NAMES[profile] };
}
