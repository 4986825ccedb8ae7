import { InvalidInput, NotFound } from '#domain/errors';
import type { RunTrigger, SyncRun } from '#domain/runs';
import type { Invocation } from '#ports/runtime';
import type { SyncDeps } from './engine/deps';
import { intacctForTenant } from './engine/intacct-for-tenant';
import { executeRun, launchRun, queueRun } from './engine/run-lifecycle';

export interface ClientImportRequest {
  customerIds?: string[];
  all?: boolean;
  /** Link a same-name PSA client that has no Intacct link instead of creating a new one. */
  linkMatches?: boolean;
  dryRun?: boolean;
}

/**
 * Import clients from Intacct, step one (the API call):
 * 1. Check the request names a selection or `all`, and the tenant is connected.
 * 2. Queue a `client_import` run under the clients lease (409 while another import or sync of
 *    clients is queued or running) and hand it to its worker; answer the run.
 */
export async function queueClientImport(deps: SyncDeps, tenantId: string, request: ClientImportRequest, trigger: RunTrigger): Promise<SyncRun> {
  if (!request.all && !(request.customerIds && request.customerIds.length > 0)) {
    throw new InvalidInput('invalid_request', 'Name the customers to import, or ask for all of them.', [
      { field: 'customerIds', message: 'give at least one customer id, or set all: true' },
    ]);
  }
  await intacctForTenant(deps, tenantId);
  const run = await queueRun(deps, {
    tenantId,
    request: {
      type: 'client_import',
      customerIds: request.all ? null : [...new Set(request.customerIds)],
      linkMatches: request.linkMatches ?? false,
    },
    trigger,
    dryRun: request.dryRun ?? false,
  });
  await launchRun(deps, run);
  return run;
}

/**
 * Import clients from Intacct, step two (the worker), R1 and R2:
 * 1. List the selected customers (or all) from Intacct, ascending RECORDNO, from the checkpoint on.
 * 2. Already linked: refresh mapped fields. Otherwise link a same-name match when asked, else create.
 * 3. Selected ids Intacct does not know are reported as skipped.
 * Before the invocation's deadline the run saves where it is and continues in a new invocation.
 */
export async function runClientImport(deps: SyncDeps, tenantId: string, runId: string, invocation?: Invocation): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (run?.type !== 'client_import') throw new NotFound('run_not_found', 'No such client import run.');
  return executeRun(deps, tenantId, runId, invocation);
}
