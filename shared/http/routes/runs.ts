import { NotFound } from '#domain/errors';
import { isActiveStatus, type SyncRun } from '#domain/runs';
import { confirmUnlinks } from '#use-cases/confirm-unlinks';
import type { SyncDeps } from '#use-cases/engine/deps';
import { closeRunIfWorkerLost } from '#use-cases/engine/run-lifecycle';
import { presentRun, presentRunRecord } from '../presenters';
import { defineRoute } from '../route';
import { IdParams, PageQuery, pageOf, Run, RunAccepted, RunRecord } from '../schemas';
import { accepted } from './launch';

async function existingRun(deps: SyncDeps, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run) throw new NotFound('run_not_found', 'No such sync run.');
  return current(deps, run);
}

/** A run shown as queued or running whose worker is gone is closed `worker_lost` by whoever looks. */
const current = (deps: SyncDeps, run: SyncRun): Promise<SyncRun> =>
  isActiveStatus(run.status) ? closeRunIfWorkerLost(deps, run) : Promise.resolve(run);

/** Run history, per-record outcomes, and confirming held unlinks. */
export const runRoutes = [
  defineRoute({
    method: 'GET',
    path: '/sync-runs',
    access: 'admin',
    summary: 'Run history, newest first',
    query: PageQuery,
    success: { status: 200, description: 'A page of runs', schema: pageOf(Run) },
    handle: async ({ deps, tenantId, query }) => {
      const page = await deps.runs.list(tenantId, query);
      const runs = await Promise.all(page.items.map((run) => current(deps, run)));
      return { status: 200, body: { items: runs.map(presentRun), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/sync-runs/{id}',
    access: 'admin',
    summary: 'One run',
    params: IdParams,
    success: { status: 200, description: 'The run', schema: Run },
    handle: async ({ deps, tenantId, params }) => ({ status: 200, body: presentRun(await existingRun(deps, tenantId, params.id)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/sync-runs/{id}/records',
    access: 'admin',
    summary: 'Per-record outcomes of a run',
    params: IdParams,
    query: PageQuery,
    success: { status: 200, description: 'A page of run records', schema: pageOf(RunRecord) },
    handle: async ({ deps, tenantId, params, query }) => {
      await existingRun(deps, tenantId, params.id);
      const page = await deps.runs.listRecords(tenantId, params.id, query);
      return { status: 200, body: { items: page.items.map(presentRunRecord), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/sync-runs/{id}/confirm-unlinks',
    access: 'admin',
    summary: 'Apply the unlinks a needs_review run held back (the same run runs again and ends succeeded)',
    params: IdParams,
    success: { status: 202, description: 'Confirmation queued', schema: RunAccepted },
    errors: [409, 422],
    handle: async (request) => accepted(request, await confirmUnlinks(request.deps, request.tenantId, request.params.id)),
  }),
];
