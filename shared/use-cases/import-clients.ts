import { InvalidInput, NotFound } from '../domain/errors';
import { newClientFromIntacct } from '../domain/sync-rules';
import type { RunTrigger, SyncRun } from '../domain/runs';
import type { SyncDeps } from './deps';
import { importLinkedRecords } from './import-linked-records';
import { intacctForTenant } from './intacct-for-tenant';
import { clientKind, type CustomerRecord } from './kinds';
import type { Client } from '../domain/entities';
import { recordMissingSelection } from './missing-selection';
import { createQueuedRun, executeRun } from './run-execution';
import { assertNoRunInProgress } from './run-in-progress';

export interface ClientImportRequest {
  customerIds?: string[];
  all?: boolean;
  /** Link a same-name PSA client that has no Intacct link instead of creating a new one. */
  linkMatches?: boolean;
  dryRun?: boolean;
}

/**
 * Import clients from Intacct, step one (the API call):
 * 1. Check the tenant is connected and the request names a selection or `all`.
 * 2. Queue a `client_import` run and answer its id; a worker executes it (`runClientImport`).
 */
export async function queueClientImport(
  deps: SyncDeps,
  tenantId: string,
  request: ClientImportRequest,
  trigger: RunTrigger,
): Promise<SyncRun> {
  if (!request.all && !(request.customerIds && request.customerIds.length > 0)) {
    throw new InvalidInput('invalid_request', 'Name the customers to import, or ask for all of them.', [
      { field: 'customerIds', message: 'give at least one customer id, or set all: true' },
    ]);
  }
  await intacctForTenant(deps, tenantId);
  await assertNoRunInProgress(deps, tenantId, 'clients');
  return createQueuedRun(deps, {
    tenantId,
    type: 'client_import',
    trigger,
    dryRun: request.dryRun ?? false,
    request: { ...request },
  });
}

/**
 * Import clients from Intacct, step two (the worker), R1 and R2:
 * 1. List the selected customers (or all) from Intacct, ascending RECORDNO.
 * 2. Already linked: refresh mapped fields. Otherwise link a same-name match when asked, else create.
 * 3. Selected ids Intacct does not know are reported as skipped.
 */
export async function runClientImport(deps: SyncDeps, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run || run.type !== 'client_import') throw new NotFound('run_not_found', 'No such client import run.');
  const request = run.request as ClientImportRequest;
  return executeRun(deps, run, async (journal) => {
    const source = await intacctForTenant(deps, tenantId);
    const listing = request.all ? source.listCustomers() : source.customersById(request.customerIds ?? []);
    const seen = await importLinkedRecords<Client, CustomerRecord>(
      deps,
      journal,
      {
        kind: clientKind(deps),
        create: (mapped, id, now) => newClientFromIntacct({ id, tenantId, mapped, now }),
        ...(request.linkMatches ? { findMatch: (mapped) => findUnlinkedClientNamed(deps, tenantId, mapped.fields.name) } : {}),
      },
      listing,
    );
    if (!request.all) await recordMissingSelection(journal, 'customer', request.customerIds ?? [], seen);
    return { status: 'succeeded' };
  });
}

/** The oldest PSA client with this name that is not linked to Intacct, if any. */
export async function findUnlinkedClientNamed(deps: Pick<SyncDeps, 'clients'>, tenantId: string, name: string) {
  const candidates = await deps.clients.findByName(tenantId, name);
  const unlinked = candidates
    .filter((client) => client.integrations.intacct?.status !== 'linked')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return unlinked[0] ?? null;
}
