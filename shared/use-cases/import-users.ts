import type { PermissionProfile, User } from '../domain/entities';
import { InvalidInput, NotFound } from '../domain/errors';
import type { IntacctFields } from '../domain/intacct-records';
import type { RunTrigger, SyncRun } from '../domain/runs';
import { newUserFromIntacct } from '../domain/sync-rules';
import type { SyncDeps } from './deps';
import { DepartmentDirectory } from './department-directory';
import { importLinkedRecords } from './import-linked-records';
import { intacctForTenant } from './intacct-for-tenant';
import { userKind, type EmployeeRecord } from './kinds';
import { recordMissingSelection } from './missing-selection';
import { createQueuedRun, executeRun } from './run-execution';
import { assertNoRunInProgress } from './run-in-progress';

export interface UserImportRequest {
  employeeIds: string[];
  permissionProfile: PermissionProfile;
  assignDepartments: boolean;
  dryRun?: boolean;
}

/**
 * Import team members from Intacct, step one (the API call), R8:
 * 1. Check the tenant is connected and the selection is not empty.
 * 2. Queue a `user_import` run carrying the selection, profile and department choice.
 */
export async function queueUserImport(
  deps: SyncDeps,
  tenantId: string,
  request: UserImportRequest,
  trigger: RunTrigger,
): Promise<SyncRun> {
  if (request.employeeIds.length === 0) {
    throw new InvalidInput('invalid_request', 'Select at least one team member to import.', [
      { field: 'employeeIds', message: 'give at least one employee id' },
    ]);
  }
  await intacctForTenant(deps, tenantId);
  await assertNoRunInProgress(deps, tenantId, 'users');
  return createQueuedRun(deps, {
    tenantId,
    type: 'user_import',
    trigger,
    dryRun: request.dryRun ?? false,
    request: { ...request },
  });
}

/**
 * Import team members, step two (the worker), R1, R2, R8, R9:
 * 1. Read the selected employees from Intacct.
 * 2. With department assignment on, make sure each of their Intacct departments has its PSA
 *    department (created once, linked by DEPARTMENTID).
 * 3. Import each employee as a user with the chosen permission profile, no email, not invited;
 *    an employee already linked only has its mapped fields refreshed.
 */
export async function runUserImport(deps: SyncDeps, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run || run.type !== 'user_import') throw new NotFound('run_not_found', 'No such user import run.');
  const request = run.request as unknown as UserImportRequest;
  return executeRun(deps, run, async (journal) => {
    const source = await intacctForTenant(deps, tenantId);
    // A selection is what an admin ticked in a dialog: small enough to hold for the department pass.
    const selected: IntacctFields[] = [];
    for await (const page of source.employeesById(request.employeeIds)) selected.push(...page.records);

    const directory = request.assignDepartments ? await DepartmentDirectory.load(deps, journal, source) : null;
    if (directory) {
      await directory.ensure(selected.map((fields) => fields.DEPARTMENTID ?? '').filter((id) => id !== ''));
    }
    const departmentFor = (departmentIntacctId: string | null) => directory?.psaIdFor(departmentIntacctId) ?? null;
    const seen = await importLinkedRecords<User, EmployeeRecord>(
      deps,
      journal,
      {
        kind: userKind(deps, departmentFor),
        create: (mapped, id, now) =>
          newUserFromIntacct({
            id,
            tenantId,
            mapped,
            permissionProfile: request.permissionProfile,
            assignDepartment: request.assignDepartments,
            departmentPsaId: departmentFor(mapped.departmentIntacctId),
            now,
          }),
      },
      (async function* () {
        if (selected.length > 0) yield { records: selected, totalCount: selected.length };
      })(),
    );
    await recordMissingSelection(journal, 'employee', request.employeeIds, seen);
    return { status: 'succeeded' };
  });
}
