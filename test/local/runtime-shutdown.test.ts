/**
 * The local runtime around time and shutdown, as Lambda behaves: function timeouts (and their
 * override), the shutdown grace on a running worker's clock, and the hand-back of unfinished
 * asynchronous work to the next start on the same data directory.
 *
 * tenant-sync is replaced by a scripted worker, so the test decides how long an invocation runs
 * and how it reacts to the clock; everything else (server, Lambda Invoke API, queue) is the real runtime.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsEndpointOf, makeDataDir, startTestRuntime, type TestRuntime } from '../support/local-runtime';

interface WorkerEvent {
  mode: 'record' | 'checkpoint' | 'stubborn' | 'fail-first' | 'slow';
  label: string;
}

const worker = vi.hoisted(() => ({
  /** 'first' before the restart, 'second' after: a handed-back invocation then simply records itself. */
  phase: 'first' as 'first' | 'second',
  recorded: [] as { label: string; phase: string }[],
  /** What each checkpointing worker's clock said when it handed off. */
  remainingAtHandOff: [] as number[],
}));

/** A fresh scripted module per runtime: each start loads its functions anew, as a new container would. */
const scriptedTenantSync = async () => {
  const { InvokeCommand: Invoke, LambdaClient: Client } = await import('@aws-sdk/client-lambda');
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  /** Cloud-sized: any grace shorter than this makes the worker hand off at once. */
  const HANDOFF_MARGIN_MS = 10_000;
  const record = (label: string): { recorded: string } => {
    worker.recorded.push({ label, phase: worker.phase });
    return { recorded: label };
  };
  return {
    handler: async (event: WorkerEvent, context: Context) => {
      if (event.mode === 'record' || worker.phase === 'second') return record(event.label);
      if (event.mode === 'fail-first') throw new Error(`${event.label} fails before the restart`);
      if (event.mode === 'slow') {
        await sleep(300);
        return record(event.label);
      }
      if (event.mode === 'stubborn') return new Promise(() => undefined);
      // A well-behaved worker: work until the clock runs low, checkpoint, and continue itself.
      while (context.getRemainingTimeInMillis() > HANDOFF_MARGIN_MS) await sleep(10);
      worker.remainingAtHandOff.push(context.getRemainingTimeInMillis());
      const lambda = new Client({
        endpoint: process.env.LAMBDA_ENDPOINT,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        const continuation: WorkerEvent = { mode: 'record', label: `${event.label}-continued` };
        await lambda.send(
          new Invoke({
            FunctionName: context.functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(continuation)),
          }),
        );
      } finally {
        lambda.destroy();
      }
      return { handedOff: event.label };
    },
  };
};

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const PENDING_FILE = 'pending-invocations.json';
const OWNER_ONLY = 0o600;
const PERMISSION_BITS = 0o777;
const dataDirs: string[] = [];
const running: TestRuntime[] = [];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function newDataDir(): Promise<string> {
  const dir = await makeDataDir();
  dataDirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof startTestRuntime>[0]): Promise<{ runtime: TestRuntime; logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  // vi.resetModules (in startTestRuntime) leaves mocks cached; registering again gives a new module.
  vi.doMock('../../functions/tenant-sync', scriptedTenantSync);
  const runtime = await startTestRuntime({ schedule: null, ...options, log: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  running.push(runtime);
  return { runtime, logs };
}

async function stop(runtime: TestRuntime): Promise<void> {
  running.splice(running.indexOf(runtime), 1);
  await runtime.close();
}

async function lambdaFor(runtime: TestRuntime): Promise<LambdaClient> {
  return new LambdaClient({ endpoint: await awsEndpointOf(runtime), region: 'local', credentials: LOCAL_CREDENTIALS });
}

function invokeCommand(event: WorkerEvent, invocationType: 'Event' | 'RequestResponse'): InvokeCommand {
  return new InvokeCommand({ FunctionName: 'tenant-sync', InvocationType: invocationType, Payload: new TextEncoder().encode(JSON.stringify(event)) });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(10);
  }
}

const messages = (logs: Record<string, unknown>[], message: string) => logs.filter((line) => line.message === message);

beforeEach(() => {
  worker.phase = 'first';
  worker.recorded.length = 0;
  worker.remainingAtHandOff.length = 0;
});

afterAll(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('function timeouts', () => {
  it('LOCAL_FUNCTION_TIMEOUT_S fails the start with a message naming it, before the data dir is touched', async () => {
    const dataDir = await newDataDir();
    const previous = process.env.LOCAL_FUNCTION_TIMEOUT_S;
    process.env.LOCAL_FUNCTION_TIMEOUT_S = 'soon';
    try {
      await expect(startTestRuntime({ dataDir })).rejects.toThrow(/LOCAL_FUNCTION_TIMEOUT_S must be a number of seconds.*got 'soon'/);
    } finally {
      if (previous === undefined) delete process.env.LOCAL_FUNCTION_TIMEOUT_S;
      else process.env.LOCAL_FUNCTION_TIMEOUT_S = previous;
    }
    expect(await readdir(dataDir)).toEqual([]);
  });

  it("a RequestResponse invoke past the timeout answers Lambda's timeout error; the late result is ignored", async () => {
    const previous = process.env.LOCAL_FUNCTION_TIMEOUT_S;
    process.env.LOCAL_FUNCTION_TIMEOUT_S = '0.05';
    let started: Awaited<ReturnType<typeof start>>;
    try {
      started = await start({});
    } finally {
      if (previous === undefined) delete process.env.LOCAL_FUNCTION_TIMEOUT_S;
      else process.env.LOCAL_FUNCTION_TIMEOUT_S = previous;
    }
    const { runtime, logs } = started;
    const lambda = await lambdaFor(runtime);
    try {
      const answer = await lambda.send(invokeCommand({ mode: 'slow', label: 'slow-sync' }, 'RequestResponse'));

      expect(answer.StatusCode).toBe(200);
      expect(answer.FunctionError).toBe('Unhandled');
      expect(JSON.parse(new TextDecoder().decode(answer.Payload))).toEqual({
        errorType: 'Sandbox.Timedout',
        errorMessage: 'Task timed out after 0.05 seconds',
        trace: [],
      });
      // The handler's promise cannot be killed: it ends on its own later, and that is only logged.
      await until(() => messages(logs, 'invocation settled after it was given up; its outcome is ignored').length === 1, 'the late settle');
      expect(worker.recorded).toEqual([{ label: 'slow-sync', phase: 'first' }]);
      expect(messages(logs, 'invocation failed')).toHaveLength(1);
    } finally {
      lambda.destroy();
      await stop(runtime);
    }
  });

  it('an async invoke past the timeout is retried per the async retry policy, then given up', async () => {
    const { runtime, logs } = await start({ workerTimeoutSeconds: 0.05 });
    const lambda = await lambdaFor(runtime);
    try {
      const answer = await lambda.send(invokeCommand({ mode: 'slow', label: 'slow-event' }, 'Event'));
      expect(answer.StatusCode).toBe(202);
      await runtime.whenIdle();

      expect(messages(logs, 'async invocation failed').map((line) => [line.attempt, line.error, line.willRetry])).toEqual([
        [1, 'Task timed out after 0.05 seconds', true],
        [2, 'Task timed out after 0.05 seconds', true],
        [3, 'Task timed out after 0.05 seconds', false],
      ]);
      expect(messages(logs, 'async invocation succeeded')).toEqual([]);
      // Each abandoned attempt still ends on its own; none of them counts as a success or a failure again.
      await until(() => messages(logs, 'invocation settled after it was given up; its outcome is ignored').length === 3, 'the late settles');
      expect(messages(logs, 'async invocation failed')).toHaveLength(3);
      expect(messages(logs, 'async invocation succeeded')).toEqual([]);
    } finally {
      lambda.destroy();
      await stop(runtime);
    }
  });

  it('the api keeps its 29 s whatever the worker override', async () => {
    const { runtime } = await start({ workerTimeoutSeconds: 0.01 });
    try {
      const status = await fetch(`${runtime.apiUrl}/integrations/intacct`, {
        headers: { authorization: `Bearer ${runtime.info.tenants[0]!.adminToken}` },
      });
      expect(status.status).toBe(200);
    } finally {
      await stop(runtime);
    }
  });
});

describe('stopping hands unfinished work to the next start', () => {
  it('gives running workers a grace, keeps their continuations, queued work and retries, and re-enqueues them after a restart', async () => {
    const dataDir = await newDataDir();
    const graceMs = 1_000;
    const drainBoundMs = 500;
    const { runtime: first, logs } = await start({ dataDir, shutdown: { graceMs, drainBoundMs } });
    const runtimeJsonBefore = await readFile(join(dataDir, 'runtime.json'), 'utf8');
    const lambda = await lambdaFor(first);
    try {
      // A failure first, so its retry is waiting (1 s) when the stop comes.
      await lambda.send(invokeCommand({ mode: 'fail-first', label: 'retry' }, 'Event'));
      await until(() => messages(logs, 'async invocation failed').length === 1, 'the first failure');
      // Four running (the concurrency), one queued behind them.
      for (const label of ['a', 'b', 'c']) await lambda.send(invokeCommand({ mode: 'checkpoint', label }, 'Event'));
      await lambda.send(invokeCommand({ mode: 'stubborn', label: 'stubborn' }, 'Event'));
      await lambda.send(invokeCommand({ mode: 'record', label: 'queued' }, 'Event'));
    } finally {
      lambda.destroy();
    }
    expect(worker.recorded).toEqual([]);

    const stopping = Date.now();
    await stop(first);
    const tookMs = Date.now() - stopping;

    // The checkpointing workers saw at most the grace left and handed off; the stubborn one was
    // waited for up to grace + bound, then abandoned and handed back as the same attempt (the stop
    // is not the function's failure); the failed one keeps its retry as attempt 2.
    expect(worker.remainingAtHandOff).toHaveLength(3);
    for (const remaining of worker.remainingAtHandOff) expect(remaining).toBeLessThanOrEqual(graceMs);
    expect(tookMs).toBeGreaterThanOrEqual(graceMs + drainBoundMs - 50);
    expect(tookMs).toBeLessThan(graceMs + drainBoundMs + 3_000);
    expect(messages(logs, 'invocation abandoned at shutdown')).toHaveLength(1);
    expect(messages(logs, 'async invocation interrupted by the stop; kept for the next start')).toHaveLength(1);
    expect(messages(logs, 'local runtime stopped')).toHaveLength(1);

    const file = join(dataDir, PENDING_FILE);
    expect((await stat(file)).mode & PERMISSION_BITS).toBe(OWNER_ONLY);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { invocations: { functionName: string; event: WorkerEvent; attempt: number }[] };
    expect(saved.invocations.map((entry) => [entry.functionName, entry.event.label, entry.attempt]).sort()).toEqual(
      [
        ['tenant-sync', 'a-continued', 1],
        ['tenant-sync', 'b-continued', 1],
        ['tenant-sync', 'c-continued', 1],
        ['tenant-sync', 'queued', 1],
        ['tenant-sync', 'retry', 2],
        ['tenant-sync', 'stubborn', 1],
      ].sort(),
    );
    expect(await readFile(join(dataDir, 'runtime.json'), 'utf8')).toBe(runtimeJsonBefore);

    worker.phase = 'second';
    const { runtime: second, logs: secondLogs } = await start({ dataDir });
    await second.whenIdle();

    expect(worker.recorded.map((entry) => entry.label).sort()).toEqual(['a-continued', 'b-continued', 'c-continued', 'queued', 'retry', 'stubborn']);
    expect(messages(secondLogs, 'pending invocations restored')).toEqual([expect.objectContaining({ count: 6 })]);
    expect(await readdir(dataDir)).not.toContain(PENDING_FILE);

    await stop(second);
    expect(await readdir(dataDir)).not.toContain(PENDING_FILE);
  });

  it('a stop with nothing running or queued is quick and leaves no pending file', async () => {
    const dataDir = await newDataDir();
    const { runtime } = await start({ dataDir });

    const stopping = Date.now();
    await stop(runtime);

    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(await readdir(dataDir)).not.toContain(PENDING_FILE);
  });
});
