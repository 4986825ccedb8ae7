import { NotFound } from '../../domain/errors';
import { confirmUnlinks } from '../../use-cases/confirm-unlinks';
import type { SyncDeps } from '../../use-cases/deps';
import { presentRun, presentRunRecord } from '../presenters';
import { defineRoute } from '../route';
import { IdParams, PageQuery, Run, RunRecord, pageOf } from '../schemas';

async function existingRun(deps: SyncDeps, tenantId: string, runId: string) {
  const run = await deps.runs.get(tenantId, runId);
  if (!run) throw new NotFound('run_not_found', 'No such sync run.');
  return run;
}

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
      return { status: 200, body: { items: page.items.map(presentRun), nextCursor: page.nextCursor } };
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
    summary: 'Apply the unlinks a needs_review run held back',
    params: IdParams,
    success: { status: 200, description: 'The run, now finished', schema: Run },
    errors: [409, 422, 502],
    handle: async ({ deps, tenantId, params }) => ({ status: 200, body: presentRun(await confirmUnlinks(deps, tenantId, params.id)) }),
  }),
];
