import type { Client, Department, IntacctEntityRef, User } from '#domain/entities';
import { type MappedCustomer, type MappedDepartment, type MappedEmployee, mapCustomer, mapDepartment, mapEmployee } from '#domain/mapping';
import type { FieldChange } from '#domain/runs';
import type { SyncResult } from '#domain/sync-rules';
import { applyClientSync, applyDepartmentSync, applyUserSync, unlinkClient, unlinkDepartment, unlinkUser } from '#domain/sync-rules';
import type { SyncDeps } from './deps';
import { fingerprintOf, type LinkedKind, type MappedRecord } from './linked-kind';

/** Link fields an admin sees change in a run record (R4, R5, R10), beside the mapped fields. */
const VISIBLE_LINK_FIELDS = ['status', 'intacctStatus'] as const;

/** Adds the visible link changes to a sync result's mapped-field changes. */
function withLinkChanges<T extends { integrations: { intacct?: { status: string; intacctStatus: string } } }>(
  before: T,
  result: SyncResult<T>,
): { next: T; changes: FieldChange[] } {
  if (!result.linkChanged) return result;
  const from = before.integrations.intacct;
  const to = result.next.integrations.intacct;
  const linkChanges = VISIBLE_LINK_FIELDS.filter((field) => from?.[field] !== to?.[field]).map((field) => ({
    field: `integrations.intacct.${field}`,
    from: from?.[field] ?? null,
    to: to?.[field] ?? null,
  }));
  return { next: result.next, changes: [...result.changes, ...linkChanges] };
}

/**
 * The entity as a fingerprint part: left out for a top-level record, so links fingerprinted before
 * records carried their entity stay current.
 */
const entityPart = (mapped: { entity: IntacctEntityRef }): IntacctEntityRef | [] => (mapped.entity.entityId === null ? [] : mapped.entity);

export type CustomerRecord = MappedCustomer & MappedRecord;
export type EmployeeRecord = MappedEmployee & MappedRecord;
export type DepartmentRecord = MappedDepartment & MappedRecord;

/** Clients ← Intacct CUSTOMER. */
export function clientKind(deps: Pick<SyncDeps, 'clients'>): LinkedKind<Client, CustomerRecord> {
  return {
    object: 'customer',
    store: deps.clients,
    map: (fields) => {
      const mapped = mapCustomer(fields);
      return { ...mapped, intacctId: mapped.customerId, warnings: [] };
    },
    apply: (client, mapped, now) => withLinkChanges(client, applyClientSync(client, mapped, now)),
    fingerprint: (mapped) => fingerprintOf([mapped.recordNo, mapped.customerId, mapped.intacctStatus, mapped.fields, entityPart(mapped)]),
    unlink: unlinkClient,
    linkOf: (client) => client.integrations.intacct,
    events: { imported: 'ClientImported', updated: 'ClientUpdated', unlinked: 'ClientUnlinked', linked: 'ClientLinked' },
    eventIdKey: 'clientId',
    eventIntacctIdKey: 'customerId',
  };
}

/**
 * Users ← Intacct EMPLOYEE. `departmentFor` turns an Intacct DEPARTMENTID into the PSA
 * department id (null when the employee has none or it is not known yet).
 */
export function userKind(
  deps: Pick<SyncDeps, 'users'>,
  departmentFor: (departmentIntacctId: string | null) => string | null,
): LinkedKind<User, EmployeeRecord> {
  return {
    object: 'employee',
    store: deps.users,
    map: (fields) => {
      const mapped = mapEmployee(fields);
      return { ...mapped, intacctId: mapped.employeeId };
    },
    apply: (user, mapped, now) => withLinkChanges(user, applyUserSync(user, mapped, departmentFor(mapped.departmentIntacctId), now)),
    fingerprint: (mapped) =>
      fingerprintOf([
        mapped.recordNo,
        mapped.employeeId,
        mapped.intacctStatus,
        mapped.fields,
        departmentFor(mapped.departmentIntacctId),
        entityPart(mapped),
      ]),
    unlink: unlinkUser,
    linkOf: (user) => user.integrations.intacct,
    events: { imported: 'UserImported', updated: 'UserUpdated', unlinked: 'UserUnlinked', linked: 'UserLinked' },
    eventIdKey: 'userId',
    eventIntacctIdKey: 'employeeId',
  };
}

/** PSA departments ← Intacct DEPARTMENT (created once per department a user import assigns). */
export function departmentKind(deps: Pick<SyncDeps, 'departments'>): LinkedKind<Department, DepartmentRecord> {
  return {
    object: 'department',
    store: deps.departments,
    map: (fields) => {
      const mapped = mapDepartment(fields);
      return { ...mapped, intacctId: mapped.departmentId, warnings: [] };
    },
    apply: (department, mapped, now) => withLinkChanges(department, applyDepartmentSync(department, mapped, now)),
    fingerprint: (mapped) => fingerprintOf([mapped.recordNo, mapped.departmentId, mapped.intacctStatus, mapped.name, entityPart(mapped)]),
    unlink: unlinkDepartment,
    linkOf: (department) => department.integrations.intacct,
    events: { imported: null, updated: null, unlinked: null, linked: null },
    eventIdKey: 'departmentId',
    eventIntacctIdKey: 'intacctDepartmentId',
  };
}
