/** functions/daily-sync.ts as Lambda runs it: configured from the environment, publishing over HTTP. */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectIntacct } from '#use-cases/disconnect-intacct';
import { emfDocuments, metricTotal } from '../support/emf';
import { EVENT_BUS_NAME, type FunctionEnvironment, startFunctionEnvironment } from './support/function-environment';

let fn: FunctionEnvironment;
let handler: (event: unknown, context: Context) => Promise<unknown>;
const context = { awsRequestId: 'daily-sync-request' } as Context;
const scheduledEvent = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-25T02:00:00Z', detail: {} };

beforeAll(async () => {
  fn = await startFunctionEnvironment([{}, {}, {}]);
  await disconnectIntacct(fn.deps, fn.tenants[2]!);
  ({ handler } = await import('../../functions/daily-sync'));
});
afterAll(async () => fn.close());

describe('daily-sync', () => {
  it('puts one TenantSyncRequested { tenantId, scope: all, scheduledAt } per connected tenant on the bus', async () => {
    const answer = await handler(scheduledEvent, context);

    expect(answer).toEqual({ tenants: 2, scheduledAt: '2026-11-25T02:00:00.000Z' });
    const requested = fn.aws.events.filter((entry) => entry.DetailType === 'TenantSyncRequested');
    expect(requested.map((entry) => JSON.parse(entry.Detail)).sort((a, b) => a.tenantId.localeCompare(b.tenantId))).toEqual([
      { tenantId: fn.tenants[0], scope: 'all', scheduledAt: '2026-11-25T02:00:00.000Z', eventId: expect.any(String) },
      { tenantId: fn.tenants[1], scope: 'all', scheduledAt: '2026-11-25T02:00:00.000Z', eventId: expect.any(String) },
    ]);
    for (const entry of requested) expect(entry).toMatchObject({ Source: 'psa.intacct-sync', EventBusName: EVENT_BUS_NAME });
  });

  it('writes NightlyTenantsRequested, the tenants it asked, before the invocation ends', async () => {
    fn.metricLines.length = 0;

    await handler(scheduledEvent, context);

    expect(metricTotal(emfDocuments(fn.metricLines), 'NightlyTenantsRequested')).toBe(2);
  });

  it('leaves credentials out of every event', async () => {
    await handler(scheduledEvent, context);

    const sent = JSON.stringify(fn.aws.putEventsCalls);
    for (const company of fn.emulator.companies) expect(sent).not.toContain(company.userPassword);
    expect(sent).not.toContain(fn.emulator.senderPassword);
  });
});
