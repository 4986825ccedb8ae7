/** The invocation host: the stack's timeouts, Lambda's timeout failure, and the shutdown grace. */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/function-catalog';
import { AsyncInvocations } from '../../local/runtime/async-invocations';
import { FUNCTION_NAMES, type FunctionHandlers, type FunctionName, type LambdaHandler } from '../../local/runtime/functions';
import {
  FunctionHost,
  functionTimeoutsMs,
  InvocationAbandonedError,
  parseTimeoutOverride,
  RuntimeStoppingError,
  TaskTimedOutError,
} from '../../local/runtime/invocation-host';
import { createRuntimeLogger } from '../../local/runtime/logger';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const never = (): Promise<unknown> => new Promise(() => undefined);

function handlersWith(overrides: Partial<Record<FunctionName, LambdaHandler>>): FunctionHandlers {
  return Object.fromEntries(FUNCTION_NAMES.map((name) => [name, overrides[name] ?? (async () => name)])) as FunctionHandlers;
}

function recordingLogger(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createRuntimeLogger> } {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createRuntimeLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
}

/** Every function at `ms` milliseconds. */
function allAt(ms: number): Record<FunctionName, number> {
  return Object.fromEntries(FUNCTION_NAMES.map((name) => [name, ms])) as Record<FunctionName, number>;
}

describe('function timeouts', () => {
  it("are the stack's, from the one table infra/function-catalog.ts keeps", () => {
    expect(FUNCTION_TIMEOUT_SECONDS).toEqual({ api: 29, 'client-import': 900, 'user-import': 900, 'tenant-sync': 900, 'daily-sync': 300 });
    expect(functionTimeoutsMs(null)).toEqual({
      api: 29_000,
      'client-import': 900_000,
      'user-import': 900_000,
      'tenant-sync': 900_000,
      'daily-sync': 300_000,
    });
  });

  it('LOCAL_FUNCTION_TIMEOUT_S overrides every worker but not the api', () => {
    expect(functionTimeoutsMs(parseTimeoutOverride('1.5'))).toEqual({
      api: 29_000,
      'client-import': 1_500,
      'user-import': 1_500,
      'tenant-sync': 1_500,
      'daily-sync': 1_500,
    });
    expect(parseTimeoutOverride(undefined)).toBeNull();
    expect(parseTimeoutOverride('')).toBeNull();
  });

  it.each(['abc', '0', '-3', 'NaN', 'Infinity', '901', '5s'])('refuses %j with a message naming the variable', (value) => {
    expect(() => parseTimeoutOverride(value)).toThrow(/LOCAL_FUNCTION_TIMEOUT_S must be a number of seconds/);
  });
});

describe('an invocation past its timeout', () => {
  it("fails with Lambda's message while the context counts down to the timeout", async () => {
    const remaining: number[] = [];
    const host = new FunctionHost(
      handlersWith({
        'tenant-sync': async (_event, context: Context) => {
          remaining.push(context.getRemainingTimeInMillis());
          await sleep(20);
          remaining.push(context.getRemainingTimeInMillis());
          return never();
        },
      }),
      allAt(80),
      recordingLogger().logger,
    );

    const outcome = host.invoke('tenant-sync', {}, 'r1');

    await expect(outcome).rejects.toThrow(new TaskTimedOutError(80));
    await expect(outcome).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: 'Task timed out after 0.08 seconds' });
    expect(remaining[0]).toBeLessThanOrEqual(80);
    expect(remaining[0]).toBeGreaterThan(50);
    expect(remaining[1]).toBeLessThan(remaining[0]!);
    expect(host.runningCount).toBe(0);
  });

  it('ignores the abandoned promise settling late: logged once, never rethrown, never counted twice', async () => {
    const { lines, logger } = recordingLogger();
    const host = new FunctionHost(
      handlersWith({
        'client-import': async () => {
          await sleep(60);
          throw new Error('late failure');
        },
        'user-import': async () => {
          await sleep(60);
          return 'late result';
        },
      }),
      allAt(20),
      logger,
    );

    const results = await Promise.allSettled([host.invoke('client-import', {}, 'a'), host.invoke('user-import', {}, 'b')]);
    await sleep(80);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    const late = lines.filter((line) => String(line.message).startsWith('invocation settled after it was given up'));
    expect(late).toEqual([
      expect.objectContaining({ requestId: 'a', outcome: 'threw', error: 'late failure' }),
      expect.objectContaining({ requestId: 'b', outcome: 'returned' }),
    ]);
    expect(lines.filter((line) => line.message === 'invocation timed out')).toHaveLength(2);
    // An unhandled rejection would fail this test file (vitest reports it as an error).
  });

  it('is retried by the async queue like any other failure (Lambda retries a timed-out event twice)', async () => {
    let attempts = 0;
    const host = new FunctionHost(
      handlersWith({
        'tenant-sync': () => {
          attempts += 1;
          return never();
        },
      }),
      allAt(10),
      recordingLogger().logger,
    );
    const { lines, logger } = recordingLogger();
    const invocations = new AsyncInvocations((name, event, requestId) => host.invoke(name, event, requestId), logger, { retryDelaysMs: [0, 0] });

    invocations.enqueue('tenant-sync', {});
    await invocations.whenIdle();

    expect(attempts).toBe(3);
    const failures = lines.filter((line) => line.message === 'async invocation failed');
    expect(failures.map((line) => [line.attempt, line.error, line.willRetry])).toEqual([
      [1, 'Task timed out after 0.01 seconds', true],
      [2, 'Task timed out after 0.01 seconds', true],
      [3, 'Task timed out after 0.01 seconds', false],
    ]);
  });
});

describe('the shutdown grace', () => {
  it('caps every running context at the grace, counting down, and refuses new invocations', async () => {
    let context: Context | undefined;
    const host = new FunctionHost(
      handlersWith({
        'tenant-sync': (_event, given) => {
          context = given;
          return never();
        },
      }),
      allAt(60_000),
      recordingLogger().logger,
    );
    const outcome = host.invoke('tenant-sync', {}, 'r1');
    outcome.catch(() => undefined);
    expect(context!.getRemainingTimeInMillis()).toBeGreaterThan(59_000);

    host.beginShutdown(200);

    const atStart = context!.getRemainingTimeInMillis();
    expect(atStart).toBeLessThanOrEqual(200);
    await sleep(50);
    expect(context!.getRemainingTimeInMillis()).toBeLessThan(atStart);
    await expect(host.invoke('api', {}, 'r2')).rejects.toBeInstanceOf(RuntimeStoppingError);
    expect(await host.whenIdle(20)).toBe(false);

    expect(host.abandonRunning()).toBe(1);
    await expect(outcome).rejects.toBeInstanceOf(InvocationAbandonedError);
    expect(await host.whenIdle(20)).toBe(true);
  });

  it('lets an invocation that finishes within the grace end normally', async () => {
    const host = new FunctionHost(
      handlersWith({
        'tenant-sync': async (_event, context) => {
          while (context.getRemainingTimeInMillis() > 1_000) await sleep(5);
          return 'handed off';
        },
      }),
      allAt(60_000),
      recordingLogger().logger,
    );
    const outcome = host.invoke('tenant-sync', {}, 'r1');
    await sleep(20);

    host.beginShutdown(500);

    expect(await host.whenIdle(1_000)).toBe(true);
    await expect(outcome).resolves.toBe('handed off');
  });
});
