import { describe, expect, it } from 'vitest';
import { AsyncInvocations } from '../../local/runtime/async-invocations';
import type { FunctionName } from '../../local/runtime/functions';
import { createRuntimeLogger } from '../../local/runtime/logger';

const silent = createRuntimeLogger(() => undefined);

describe('asynchronous invocations (InvocationType Event)', () => {
  it('retries a failing handler twice, as Lambda does, then gives up', async () => {
    const attempts: string[] = [];
    const invocations = new AsyncInvocations(
      async (name: FunctionName) => {
        attempts.push(name);
        throw new Error('boom');
      },
      silent,
      { retryDelaysMs: [0, 0] },
    );

    invocations.enqueue('tenant-sync', { tenantId: 't1' });
    await invocations.whenIdle();

    expect(attempts).toEqual(['tenant-sync', 'tenant-sync', 'tenant-sync']);
  });

  it('stops retrying once the handler succeeds', async () => {
    let calls = 0;
    const invocations = new AsyncInvocations(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
        return 'ok';
      },
      silent,
      { retryDelaysMs: [0, 0] },
    );

    invocations.enqueue('client-import', {});
    await invocations.whenIdle();

    expect(calls).toBe(2);
  });

  it('runs no more than the concurrency limit at once and drains the queue', async () => {
    let running = 0;
    let peak = 0;
    const invocations = new AsyncInvocations(
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
      silent,
      { concurrency: 2 },
    );

    for (let index = 0; index < 6; index += 1) invocations.enqueue('tenant-sync', { index });
    await invocations.whenIdle();

    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it('refuses new work once closed', async () => {
    const invocations = new AsyncInvocations(async () => undefined, silent);
    await invocations.close();
    expect(() => invocations.enqueue('daily-sync', {})).toThrow(/shutting down/);
  });
});
