import type { IntacctRecordStatus } from '#domain/entities';
import { mapDepartment, mapEmployee } from '#domain/mapping';
import type { CallOptions } from '#ports/intacct-source';
import type { SyncDeps } from './engine/deps';
import type { Browsed, BrowseQuery } from './engine/inputs';
import { intacctForTenant } from './engine/intacct-for-tenant';

/** One Intacct employee as the import dialog shows it. */
export interface EmployeeChoice {
  employeeId: string;
  recordNo: string;
  firstName: string;
  lastName: string;
  title: string;
  departmentId: string | null;
  departmentName: string | null;
  /** ISO `YYYY-MM-DD`, or null when Intacct has none or it cannot be read. */
  startDate: string | null;
  status: IntacctRecordStatus;
  entityId: string | null;
  entityName: string | null;
  import: { state: 'not_imported' | 'imported'; userId?: string };
}

/**
 * The employees of the import dialog, one page at a time:
 * 1. Read one page of the tenant's Intacct employees (contact name or id containing `search`).
 * 2. Name their Intacct departments (the department listing is small and read whole).
 * 3. An employee is imported when its link exists and the user behind it is linked to it.
 * 4. A full page answers its last RECORDNO as the cursor of the next.
 */
export async function browseIntacctEmployees(
  deps: Pick<SyncDeps, 'connections' | 'secrets' | 'intacct' | 'links' | 'users'>,
  tenantId: string,
  query: BrowseQuery,
  options: CallOptions = {},
): Promise<Browsed<EmployeeChoice>> {
  const source = await intacctForTenant(deps, tenantId);
  const records = await source.browseEmployees(
    {
      limit: query.limit,
      ...(query.search ? { search: query.search } : {}),
      ...(query.cursor ? { afterRecordNo: query.cursor } : {}),
    },
    options,
  );
  const employees = records.map(mapEmployee);
  const departmentNames = new Map<string, string>();
  if (employees.some((employee) => employee.departmentIntacctId !== null)) {
    for await (const page of source.listDepartments(options)) {
      for (const department of page.records.map(mapDepartment)) departmentNames.set(department.departmentId, department.name);
    }
  }
  const links = await deps.links.getMany(
    tenantId,
    'employee',
    employees.map((employee) => employee.recordNo),
  );
  const users = await deps.users.getMany(
    tenantId,
    [...links.values()].map((link) => link.psaId),
  );

  const items = employees.map((employee): EmployeeChoice => {
    const link = links.get(employee.recordNo);
    const user = link ? users.get(link.psaId) : undefined;
    const own = user?.integrations.intacct;
    const imported = user !== undefined && own?.status === 'linked' && own.recordNo === employee.recordNo;
    const departmentId = employee.departmentIntacctId;
    return {
      employeeId: employee.employeeId,
      recordNo: employee.recordNo,
      firstName: employee.fields.firstName,
      lastName: employee.fields.lastName,
      title: employee.fields.jobTitle,
      departmentId,
      departmentName: departmentId === null ? null : (departmentNames.get(departmentId) ?? null),
      startDate: employee.fields.startDate,
      status: employee.intacctStatus,
      ...employee.entity,
      import: imported ? { state: 'imported', userId: user.id } : { state: 'not_imported' },
    };
  });
  const last = employees.at(-1);
  return { items, nextCursor: employees.length === query.limit && last ? last.recordNo : null };
}
