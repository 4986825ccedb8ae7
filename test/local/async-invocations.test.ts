import { describe, expect, it } from 'vitest';
import { AsyncInvocations } from '../../local/runtime/async-invocations';
import type { FunctionName } from '../../local/runtime/functions';
import { InvocationAbandonedError } from '../../local/runtime/invocation-host';
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

  it('hands back queued work, retries due and work enqueued while draining, instead of dropping them', async () => {
    let release: () => void = () => undefined;
    const started: string[] = [];
    const invocations = new AsyncInvocations(
      async (_name: FunctionName, event: unknown) => {
        const { label } = event as { label: string };
        started.push(label);
        if (label === 'fails') throw new Error('transient');
        if (label === 'running') await new Promise<void>((resolve) => (release = resolve));
      },
      silent,
      { concurrency: 2, retryDelaysMs: [60_000, 60_000] },
    );
    invocations.enqueue('tenant-sync', { label: 'running' });
    invocations.enqueue('client-import', { label: 'fails' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    invocations.enqueue('user-import', { label: 'queued-a' });
    invocations.enqueue('user-import', { label: 'queued-b' });
    expect(started).toEqual(['running', 'fails', 'queued-a']);

    invocations.beginDrain();
    // A worker continuing itself during the grace: accepted, not run, kept.
    const continuation = invocations.enqueue('tenant-sync', { label: 'continuation' });
    const closed = invocations.close();
    release();
    const pending = await closed;

    expect(started).toEqual(['running', 'fails', 'queued-a']);
    expect(pending.map((entry) => [entry.functionName, (entry.event as { label: string }).label, entry.attempt])).toEqual([
      ['user-import', 'queued-b', 1],
      ['client-import', 'fails', 2],
      ['tenant-sync', 'continuation', 1],
    ]);
    expect(pending[2]!.requestId).toBe(continuation);
    expect(() => invocations.enqueue('daily-sync', {})).toThrow(/shutting down/);
  });

  it('keeps the retry of an invocation that fails while draining, with its next attempt', async () => {
    let fail: (error: Error) => void = () => undefined;
    const invocations = new AsyncInvocations(() => new Promise((_resolve, reject) => (fail = reject)), silent, { retryDelaysMs: [0] });
    const requestId = invocations.enqueue('tenant-sync', { tenantId: 't1' });

    invocations.beginDrain();
    fail(new Error('stopped'));
    const pending = await invocations.close();

    expect(pending).toEqual([{ functionName: 'tenant-sync', event: { tenantId: 't1' }, requestId, attempt: 2 }]);
  });

  it('keeps an invocation the stop interrupts as the same attempt: stopping never uses up retries', async () => {
    let interrupt: (error: Error) => void = () => undefined;
    const invocations = new AsyncInvocations(() => new Promise((_resolve, reject) => (interrupt = reject)), silent, { retryDelaysMs: [0] });
    const requestId = invocations.enqueue('client-import', { runId: 'r1' });

    invocations.beginDrain();
    interrupt(new InvocationAbandonedError());
    const pending = await invocations.close();

    expect(pending).toEqual([{ functionName: 'client-import', event: { runId: 'r1' }, requestId, attempt: 1 }]);
  });

  it('restores handed-back invocations with their request ids and attempts', async () => {
    const seen: string[] = [];
    const invocations = new AsyncInvocations(async (_name, _event, requestId) => void seen.push(requestId), silent);

    invocations.restore([
      { functionName: 'tenant-sync', event: {}, requestId: 'kept-1', attempt: 2 },
      { functionName: 'daily-sync', event: {}, requestId: 'kept-2', attempt: 1 },
    ]);
    await invocations.whenIdle();

    expect(seen).toEqual(['kept-1', 'kept-2']);
  });
});
