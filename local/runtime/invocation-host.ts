/**
 * Runs invocations as Lambda does around time: each function has the stack's timeout, its context
 * counts down to it, and an invocation that passes it fails with Lambda's own message. While the
 * runtime stops, every context counts down a short grace instead, so well-behaved workers
 * checkpoint and hand their work on (an Invoke of themselves with InvocationType Event).
 *
 * Lambda ends a timed-out invocation by freezing or killing its sandbox. Here the handler runs in
 * this process and a JS promise cannot be cancelled: the host stops waiting for it and answers the
 * failure, but the handler's code keeps running until it settles on its own (or the process exits).
 * Its late result or error is logged and otherwise ignored — counted once, never rethrown.
 */
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/function-catalog';
import { FUNCTION_NAMES, type FunctionHandlers, type FunctionName, lambdaContext } from './functions';
import { errorMessage, type RuntimeLogger } from './logger';

/** Overrides the timeout of every worker (not the api), so tests can reach it in seconds. */
export const TIMEOUT_OVERRIDE_VARIABLE = 'LOCAL_FUNCTION_TIMEOUT_S';
/** Lambda refuses a longer timeout; an override past it would test something the cloud cannot do. */
const LAMBDA_MAX_TIMEOUT_S = 900;
const MS_PER_SECOND = 1000;
/** The api answers API Gateway, whose 30 s limit does not move; only the workers take the override. */
const NOT_OVERRIDDEN: ReadonlySet<FunctionName> = new Set<FunctionName>(['api']);

/** What Lambda answers for an invocation that ran past its timeout (errorType Sandbox.Timedout). */
export class TaskTimedOutError extends Error {
  override name = 'Sandbox.Timedout';
  constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / MS_PER_SECOND).toFixed(2)} seconds`);
  }
}

/** A running invocation the runtime stopped waiting for because it is shutting down. */
export class InvocationAbandonedError extends Error {
  override name = 'LocalRuntimeStopped';
  constructor() {
    super('The local runtime stopped before this invocation finished (it ran past the shutdown grace).');
  }
}

/** A new synchronous invocation while the runtime stops: refused, as a draining Lambda service would. */
export class RuntimeStoppingError extends Error {
  override name = 'LocalRuntimeStopping';
  constructor() {
    super('The local runtime is shutting down.');
  }
}

/**
 * The worker timeout override from `value` (LOCAL_FUNCTION_TIMEOUT_S): null when unset or empty,
 * else a number of seconds in (0, 900]; anything else throws a message naming the variable.
 */
export function parseTimeoutOverride(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > LAMBDA_MAX_TIMEOUT_S) {
    throw new Error(
      `${TIMEOUT_OVERRIDE_VARIABLE} must be a number of seconds above 0 and at most ${LAMBDA_MAX_TIMEOUT_S} (Lambda's maximum), got '${value}'.`,
    );
  }
  return seconds;
}

/** Each function's timeout in ms: the stack's (infra/function-catalog.ts), workers overridden when asked. */
export function functionTimeoutsMs(workerOverrideSeconds: number | null): Record<FunctionName, number> {
  const seconds = (name: FunctionName): number =>
    workerOverrideSeconds === null || NOT_OVERRIDDEN.has(name) ? FUNCTION_TIMEOUT_SECONDS[name] : workerOverrideSeconds;
  return Object.fromEntries(FUNCTION_NAMES.map((name) => [name, seconds(name) * MS_PER_SECOND])) as Record<FunctionName, number>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface RunningInvocation {
  name: FunctionName;
  requestId: string;
  /** Settles the caller's promise; false when it was already settled (timeout or abandonment first). */
  finish(outcome: Outcome): boolean;
}

export class FunctionHost {
  private readonly running = new Set<RunningInvocation>();
  private readonly idleWaiters = new Set<() => void>();
  /** Set when the runtime starts stopping: no context reports more time than is left until then. */
  private graceDeadline: number | null = null;

  constructor(
    private readonly handlers: FunctionHandlers,
    private readonly timeoutsMs: Readonly<Record<FunctionName, number>>,
    private readonly logger: RuntimeLogger,
  ) {}

  /** How many invocations are running (the caller still waits for them). */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Runs one invocation of `name`; settles with its result, its error, TaskTimedOutError once its
   * timeout passes, or InvocationAbandonedError when the runtime stops waiting — whichever is first.
   */
  invoke(name: FunctionName, event: unknown, requestId: string): Promise<unknown> {
    if (this.graceDeadline !== null) return Promise.reject(new RuntimeStoppingError());
    const timeoutMs = this.timeoutsMs[name];
    const deadline = Date.now() + timeoutMs;
    const remainingMs = (): number => Math.max(Math.min(deadline, this.graceDeadline ?? deadline) - Date.now(), 0);
    return new Promise((resolve, reject) => {
      let settled = false;
      const invocation: RunningInvocation = {
        name,
        requestId,
        finish: (outcome) => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          this.running.delete(invocation);
          if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
          if (this.running.size === 0) for (const wake of [...this.idleWaiters]) wake();
          return true;
        },
      };
      const timer = setTimeout(() => {
        if (invocation.finish({ ok: false, error: new TaskTimedOutError(timeoutMs) })) {
          this.logger.error('invocation timed out', { functionName: name, requestId, timeoutSeconds: timeoutMs / MS_PER_SECOND });
        }
      }, timeoutMs);
      this.running.add(invocation);

      let result: Promise<unknown>;
      try {
        result = Promise.resolve(this.handlers[name](event, lambdaContext(name, requestId, remainingMs)));
      } catch (error) {
        result = Promise.reject(error);
      }
      // Both branches are handled, so an abandoned handler that throws late is never an unhandled rejection.
      result.then(
        (value) => {
          if (!invocation.finish({ ok: true, value })) this.settledLate(invocation, 'returned');
        },
        (error: unknown) => {
          if (!invocation.finish({ ok: false, error })) this.settledLate(invocation, 'threw', error);
        },
      );
    });
  }

  /**
   * The runtime starts stopping: from now on every running context reports at most `graceMs`,
   * counting down, and new synchronous invocations are refused.
   */
  beginShutdown(graceMs: number): void {
    this.graceDeadline ??= Date.now() + graceMs;
  }

  /** Resolves true once nothing runs, or false when `withinMs` passes first. */
  whenIdle(withinMs: number): Promise<boolean> {
    if (this.running.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(wake);
        resolve(false);
      }, withinMs);
      this.idleWaiters.add(wake);
    });
  }

  /** Fails every running invocation with InvocationAbandonedError; answers how many there were. */
  abandonRunning(): number {
    const abandoned = [...this.running];
    for (const invocation of abandoned) {
      if (invocation.finish({ ok: false, error: new InvocationAbandonedError() })) {
        this.logger.warn('invocation abandoned at shutdown', { functionName: invocation.name, requestId: invocation.requestId });
      }
    }
    return abandoned.length;
  }

  private settledLate(invocation: RunningInvocation, outcome: 'returned' | 'threw', error?: unknown): void {
    this.logger.warn('invocation settled after it was given up; its outcome is ignored', {
      functionName: invocation.name,
      requestId: invocation.requestId,
      outcome,
      error: error === undefined ? undefined : errorMessage(error),
    });
  }
}
