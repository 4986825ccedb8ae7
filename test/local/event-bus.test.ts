/** The local event bus delivers an event's detail to its rule's target as it was put, fields the bus does not know included. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusEvent, LocalEventBus } from '../../local/runtime/event-bus';
import type { FunctionName } from '../../local/runtime/functions';
import { createRuntimeLogger } from '../../local/runtime/logger';
import { tenantNightlyEntry } from '../../local/runtime/nightly';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psa-event-bus-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function busWith(eventsLogPath: string): { bus: LocalEventBus; delivered: { name: FunctionName; event: BusEvent }[] } {
  const delivered: { name: FunctionName; event: BusEvent }[] = [];
  const bus = new LocalEventBus({
    busName: 'psa-intacct-sync-local',
    eventsLogPath,
    enqueue: (name, event) => {
      delivered.push({ name, event: event as BusEvent });
      return 'request-id';
    },
    logger: createRuntimeLogger(() => undefined),
  });
  return { bus, delivered };
}

describe('the local event bus', () => {
  it('routes TenantSyncRequested to tenant-sync with its detail whole: dryRun is not dropped on the way', async () => {
    const { bus, delivered } = busWith(join(dir, 'dry-run.jsonl'));
    const detail = { tenantId: 'demo-northwind', scope: 'clients', dryRun: true, scheduledAt: '2026-11-25T02:00:00.000Z' };

    const [result] = await bus.put([
      { Source: 'psa.intacct-sync', DetailType: 'TenantSyncRequested', Detail: JSON.stringify(detail), EventBusName: 'psa-intacct-sync-local' },
    ]);

    expect(result).toMatchObject({ EventId: expect.any(String) });
    expect(delivered).toEqual([{ name: 'tenant-sync', event: expect.objectContaining({ 'detail-type': 'TenantSyncRequested', detail }) }]);
  });

  it('journals to a file readable by its owner only', async () => {
    const path = join(dir, 'private.jsonl');
    const { bus } = busWith(path);

    await bus.put([{ Source: 'psa.intacct-sync', DetailType: 'ClientUpdated', Detail: '{"tenantId":"t"}' }]);

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toContain('ClientUpdated');
  });

  it("carries a tenant's nightly request as daily-sync publishes it: scope all, the firing's scheduledAt and eventId", async () => {
    const { bus, delivered } = busWith(join(dir, 'nightly.jsonl'));

    await bus.put([tenantNightlyEntry('demo-fjordvik', '2026-11-25T02:00:00.123Z', 'psa-intacct-sync-local')]);

    expect(delivered).toEqual([
      {
        name: 'tenant-sync',
        event: expect.objectContaining({
          source: 'psa.intacct-sync',
          detail: { tenantId: 'demo-fjordvik', scope: 'all', scheduledAt: '2026-11-25T02:00:00.123Z', eventId: expect.any(String) },
        }),
      },
    ]);
  });
});
