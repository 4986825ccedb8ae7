/** The progress display of `npm run invoke`, read from the runs store while a run is in progress. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCounts, type SyncRun } from '#domain/runs';
import { createStores } from '#store/dynamo-client';
import { watchRunProgress } from '../../local/runtime/progress';
import { type RunningDynalite, startDynalite } from '../support/dynalite';

let dynalite: RunningDynalite;

const FAST = { pollIntervalMs: 10, quietPeriodMs: 0, plainLineIntervalMs: 0 };

function runningRun(tenantId: string, processed: number, total: number): SyncRun {
  return {
    id: `run-${tenantId}`,
    tenantId,
    type: 'client_sync',
    trigger: 'manual',
    dryRun: false,
    status: 'running',
    request: { type: 'client_sync', resetLinks: false },
    startedAt: new Date().toISOString(),
    finishedAt: null,
    progress: { processed, total },
    counts: emptyCounts(),
    error: null,
    heldCount: 0,
    recordCount: 0,
    checkpoint: null,
    execution: null,
    createdAt: new Date().toISOString(),
  };
}

function recordingStream(isTTY: boolean): { write(text: string): boolean; isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.close();
});

describe('run progress display', () => {
  it('draws a bar on a terminal and clears it when stopped', async () => {
    await createStores(dynalite.doc, dynalite.names).runs.create(runningRun('tty-tenant', 50, 200));
    const stream = recordingStream(true);

    const watch = watchRunProgress({
      dynamodbEndpoint: dynalite.endpoint,
      tableNames: dynalite.names,
      tenantId: 'tty-tenant',
      since: new Date(),
      stream,
      timings: FAST,
    });
    await until(() => stream.text().includes('50/200'));
    watch.stop();

    expect(stream.text()).toContain('client_sync [#######');
    expect(stream.text().endsWith('\r\x1b[K')).toBe(true);
  });

  it('writes plain lines when not on a terminal', async () => {
    await createStores(dynalite.doc, dynalite.names).runs.create(runningRun('plain-tenant', 3, 4));
    const stream = recordingStream(false);

    const watch = watchRunProgress({
      dynamodbEndpoint: dynalite.endpoint,
      tableNames: dynalite.names,
      tenantId: 'plain-tenant',
      since: new Date(),
      stream,
      timings: FAST,
    });
    await until(() => stream.text().includes('\n'));
    watch.stop();

    expect(stream.text()).toMatch(/^progress: client_sync run-plain-tenant 3\/4 \(75%\)\n/);
    expect(stream.text()).not.toContain('\x1b');
  });
});
