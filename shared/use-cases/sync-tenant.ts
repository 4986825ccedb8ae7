import { NotFound } from '../domain/errors';
import type { RunTrigger, RunType, SyncRun } from '../domain/runs';
import type { SyncDeps } from './deps';
import { DepartmentDirectory } from './department-directory';
import { intacctForTenant } from './intacct-for-tenant';
import { clientKind, userKind } from './kinds';
import { createQueuedRun, executeRun, type RunBodyResult } from './run-execution';
import { assertNoRunInProgress } from './run-in-progress';
import type { RunJournal } from './run-journal';
import { syncLinkedRecords } from './sync-linked-records';

export type SyncScope = 'clients' | 'users' | 'all';

const RUN_TYPES: Record<SyncScope, RunType[]> = {
  clients: ['client_sync'],
  users: ['user_sync'],
  all: ['client_sync', 'user_sync'],
};

/**
 * Sync now (the API call): check the tenant is connected, queue a `client_sync` or `user_sync`
 * run and answer it; a worker executes it with `runQueuedSync`.
 */
export async function queueSync(
  deps: SyncDeps,
  tenantId: string,
  type: 'client_sync' | 'user_sync',
  options: { dryRun: boolean; trigger: RunTrigger },
): Promise<SyncRun> {
  await intacctForTenant(deps, tenantId);
  await assertNoRunInProgress(deps, tenantId, type === 'client_sync' ? 'clients' : 'users');
  return createQueuedRun(deps, { tenantId, type, trigger: options.trigger, dryRun: options.dryRun, request: {} });
}

/** Executes a queued sync run. */
export async function runQueuedSync(deps: SyncDeps, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run || (run.type !== 'client_sync' && run.type !== 'user_sync')) {
    throw new NotFound('run_not_found', 'No such sync run.');
  }
  return executeRun(deps, run, (journal) => (run.type === 'client_sync' ? syncClients(deps, journal) : syncUsers(deps, journal)));
}

/**
 * The daily sync of one tenant (the nightly event, or a manual invoke), R3–R10:
 * 1. Clients: re-apply every linked customer's mapping, unlink removed customers.
 * 2. Users: departments first (names, unlinks), then every linked employee; a department an
 *    assigned user now needs is created once.
 * Each object family gets its own run, so one failing does not hide the other's result; the two
 * run side by side.
 */
export async function syncTenant(
  deps: SyncDeps,
  request: { tenantId: string; scope: SyncScope; dryRun?: boolean; trigger: RunTrigger },
): Promise<SyncRun[]> {
  // Clients and users hold separate leases and share the company's request slots, so running them
  // side by side overlaps one's Intacct round trips with the other's work.
  const outcomes = await Promise.allSettled(
    RUN_TYPES[request.scope].map(async (type) => {
      const run = await createQueuedRun(deps, {
        tenantId: request.tenantId,
        type,
        trigger: request.trigger,
        dryRun: request.dryRun ?? false,
        request: {},
      });
      return runQueuedSync(deps, request.tenantId, run.id);
    }),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<SyncRun>).value);
}

async function syncClients(deps: SyncDeps, journal: RunJournal): Promise<RunBodyResult> {
  const source = await intacctForTenant(deps, journal.tenantId);
  return syncLinkedRecords(deps, journal, clientKind(deps), source.listCustomers());
}

async function syncUsers(deps: SyncDeps, journal: RunJournal): Promise<RunBodyResult> {
  const source = await intacctForTenant(deps, journal.tenantId);
  const directory = await DepartmentDirectory.load(deps, journal, source);
  const departments = await directory.sync();
  const users = await syncLinkedRecords(
    deps,
    journal,
    userKind(deps, (departmentIntacctId) => directory.psaIdFor(departmentIntacctId)),
    source.listEmployees(),
    async (page) => {
      const needed = page
        .filter(({ entity }) => entity?.integrations.intacct?.assignDepartment)
        .map(({ mapped }) => mapped.departmentIntacctId)
        .filter((id): id is string => id !== null && directory.psaIdFor(id) === null);
      await directory.ensure(needed);
    },
  );
  const held = [
    ...(departments.status === 'needs_review' ? departments.held : []),
    ...(users.status === 'needs_review' ? users.held : []),
  ];
  return held.length > 0 ? { status: 'needs_review', held } : { status: 'succeeded' };
}
