import type { PermissionProfile } from '#domain/entities';
import { InvalidInput, NotFound } from '#domain/errors';
import type { RunTrigger, SyncRun } from '#domain/runs';
import type { Invocation } from '#ports/runtime';
import type { SyncDeps } from './engine/deps';
import { intacctForTenant } from './engine/intacct-for-tenant';
import { executeRun, launchRun, queueRun } from './engine/run-lifecycle';

export interface UserImportRequest {
  employeeIds: string[];
  permissionProfile: PermissionProfile;
  assignDepartments: boolean;
  dryRun?: boolean;
}

/**
 * Import team members from Intacct, step one (the API call), R8:
 * 1. Check the selection is not empty and the tenant is connected.
 * 2. Queue a `user_import` run carrying the selection, profile and department choice under the users
 *    lease (409 while another import or sync of users is queued or running); hand it to its worker.
 */
export async function queueUserImport(deps: SyncDeps, tenantId: string, request: UserImportRequest, trigger: RunTrigger): Promise<SyncRun> {
  if (request.employeeIds.length === 0) {
    throw new InvalidInput('invalid_request', 'Select at least one team member to import.', [
      { field: 'employeeIds', message: 'give at least one employee id' },
    ]);
  }
  await intacctForTenant(deps, tenantId);
  const run = await queueRun(deps, {
    tenantId,
    request: {
      type: 'user_import',
      employeeIds: [...new Set(request.employeeIds)],
      permissionProfile: request.permissionProfile,
      assignDepartments: request.assignDepartments,
    },
    trigger,
    dryRun: request.dryRun ?? false,
  });
  await launchRun(deps, run);
  return run;
}

/**
 * Import team members, step two (the worker), R1, R2, R8, R9:
 * 1. Read the selected employees from Intacct.
 * 2. With department assignment on, make sure each of their Intacct departments has its PSA
 *    department (created once, linked by DEPARTMENTID).
 * 3. Import each employee as a user with the chosen permission profile, no email, not invited;
 *    an employee already linked only has its mapped fields refreshed.
 */
export async function runUserImport(deps: SyncDeps, tenantId: string, runId: string, invocation?: Invocation): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (run?.type !== 'user_import') throw new NotFound('run_not_found', 'No such user import run.');
  return executeRun(deps, tenantId, runId, invocation);
}
