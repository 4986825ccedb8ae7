/** functions/tenant-sync.ts: the nightly event and a manual invoke, both shapes, and refusals. */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run } from '#http/schemas';
import { queueClientImport, runClientImport } from '#use-cases/import-clients';
import { queueSync } from '#use-cases/sync-tenant';
import { type FunctionEnvironment, startFunctionEnvironment } from './support/function-environment';

let fn: FunctionEnvironment;
let tenant: string;
let handler: (event: unknown, context: Context) => Promise<{ runs: unknown[] }>;
const context = { awsRequestId: 'tenant-sync-request', getRemainingTimeInMillis: () => 900_000 } as Context;
const RUN_PAGE = { limit: 100 };

beforeAll(async () => {
  fn = await startFunctionEnvironment([{ customers: 4, employees: 3, departments: 2 }]);
  tenant = fn.tenants[0]!;
  const run = await queueClientImport(fn.deps, tenant, { all: true }, 'api');
  await runClientImport(fn.deps, tenant, run.id);
  ({ handler } = (await import('../../functions/tenant-sync')) as unknown as { handler: typeof handler });
});
afterAll(async () => fn.close());

const busEvent = (detail: Record<string, unknown>, time = '2026-11-25T02:00:05Z') => ({
  version: '0',
  id: 'event-1',
  'detail-type': 'TenantSyncRequested',
  source: 'psa.intacct-sync',
  account: '000000000000',
  time,
  region: 'local',
  resources: [],
  detail,
});

const runCount = async () => (await fn.deps.runs.list(tenant, RUN_PAGE)).items.length;

describe('tenant-sync, the nightly event', () => {
  it('syncs clients and users as two scheduled runs', async () => {
    const answer = await handler(busEvent({ tenantId: tenant, scheduledAt: '2026-11-25T02:00:00.000Z' }), context);

    const runs = answer.runs.map((run) => Run.parse(run));
    expect(runs.map((run) => [run.type, run.trigger, run.status])).toEqual([
      ['client_sync', 'schedule', 'succeeded'],
      ['user_sync', 'schedule', 'succeeded'],
    ]);
    const finished = fn.aws.events.filter((entry) => entry.DetailType === 'SyncRunFinished').map((entry) => JSON.parse(entry.Detail).runId);
    expect(finished).toEqual(expect.arrayContaining(runs.map((run) => run.id)));
  });

  it('keeps dryRun from the event: a dry scheduled run', async () => {
    const answer = await handler(busEvent({ tenantId: tenant, scope: 'users', dryRun: true, scheduledAt: '2026-11-27T02:00:00.000Z' }), context);

    expect(answer.runs.map((run) => Run.parse(run))).toEqual([expect.objectContaining({ type: 'user_sync', trigger: 'schedule', dryRun: true })]);
  });

  it('keeps to the scope the event names', async () => {
    const answer = await handler(busEvent({ tenantId: tenant, scope: 'clients', scheduledAt: '2026-11-26T02:00:00.000Z' }), context);

    expect(answer.runs.map((run) => Run.parse(run).type)).toEqual(['client_sync']);
  });

  it("takes a request delivered again for a firing it already handled as that firing's runs, starting none", async () => {
    const before = await runCount();

    const answer = (await handler(busEvent({ tenantId: tenant, scheduledAt: '2026-11-25T02:00:00.000Z' }, '2026-11-25T02:03:00Z'), context)) as {
      runs: unknown[];
      skipped: unknown[];
    };

    const runs = answer.runs.map((run) => Run.parse(run));
    expect(runs.map((run) => [run.type, run.status])).toEqual([
      ['client_sync', 'succeeded'],
      ['user_sync', 'succeeded'],
    ]);
    expect(answer.skipped).toEqual([]);
    expect(await runCount()).toBe(before);
  });
});

describe('tenant-sync, a manual invoke', () => {
  it('runs the scope asked for, as a manual dry run', async () => {
    const answer = await handler({ tenantId: tenant, scope: 'users', dryRun: true }, context);

    expect(answer.runs.map((run) => Run.parse(run))).toEqual([
      expect.objectContaining({ type: 'user_sync', trigger: 'manual', dryRun: true, status: 'succeeded' }),
    ]);
  });

  it('executes the queued run named by runId (sync now from the API)', async () => {
    const queued = await queueSync(fn.deps, tenant, 'client_sync', { dryRun: false, trigger: 'api' });

    const answer = await handler({ tenantId: tenant, scope: 'clients', runId: queued.id }, context);

    expect(answer.runs.map((run) => Run.parse(run))).toEqual([expect.objectContaining({ id: queued.id, trigger: 'api', status: 'succeeded' })]);
  });

  it.each([
    ['no tenant', { scope: 'all' }],
    ['no scope', { tenantId: 'fn-tenant-1' }],
    ['an unknown scope', { tenantId: 'fn-tenant-1', scope: 'everything' }],
    ['a misspelt flag', { tenantId: 'fn-tenant-1', scope: 'all', dryrun: true }],
    ['a non-boolean dryRun', { tenantId: 'fn-tenant-1', scope: 'all', dryRun: 'yes' }],
    ['a blank tenant', { tenantId: ' ', scope: 'all' }],
    ['a tenant id with a slash', { tenantId: 'fn/tenant', scope: 'all' }],
    ['a tenant id with NUL', { tenantId: 'fn\u0000tenant', scope: 'all' }],
    ['a string', 'fn-tenant-1'],
    ['null', null],
    ['a bus event without a tenant', busEvent({})],
    ['another bus event type', { ...busEvent({ tenantId: 'fn-tenant-1' }), 'detail-type': 'ClientUpdated' }],
  ])('refuses %s with a clear error and writes no run', async (_case, event) => {
    const before = await runCount();

    await expect(handler(event, context)).rejects.toThrow(/Invalid .* event \(.+\); no run was started/);

    expect(await runCount()).toBe(before);
  });
});
