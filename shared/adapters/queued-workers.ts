/**
 * A WorkerLauncher for one process (tests, the benchmark): runs handed to a worker, and runs
 * continuing themselves, are queued, and `drain` executes them as the cloud's asynchronous
 * invocations would, one invocation each, until none is left.
 */
import { randomUUID } from 'node:crypto';
import type { Invocation } from '#ports/runtime';
import type { RunLaunch, WorkerLauncher } from '#ports/workers';
import type { SyncDeps } from '#use-cases/engine/deps';
import { executeRun } from '#use-cases/engine/run-lifecycle';

const INVOCATION_MS = 15 * 60_000;
/** A loop of continuations that never ends is a bug; this bounds a drain. */
const MAX_INVOCATIONS = 10_000;

export class QueuedWorkers implements WorkerLauncher {
  readonly launches: RunLaunch[] = [];
  private pending: RunLaunch[] = [];
  private deps: SyncDeps | null = null;
  /** Time each invocation is given (Lambda's 15 minutes); tests shorten it to force continuations. */
  invocationMs = INVOCATION_MS;
  /** Fails the next `failNext` starts, as a Lambda that refuses an invocation would. */
  failNext = 0;

  attach(deps: SyncDeps): void {
    this.deps = deps;
  }

  async start(launch: RunLaunch): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('The worker could not be started.');
    }
    this.launches.push(launch);
    this.pending.push(launch);
  }

  /** Launches not executed yet. */
  get queued(): readonly RunLaunch[] {
    return this.pending;
  }

  /** Forgets queued launches, as a crash of the process holding them would. */
  drop(): RunLaunch[] {
    return this.pending.splice(0);
  }

  /** Executes every queued launch, and what they queue in turn; answers how many invocations ran. */
  async drain(): Promise<number> {
    let invocations = 0;
    while (this.pending.length > 0) {
      if (++invocations > MAX_INVOCATIONS) throw new Error('Runs kept continuing themselves; giving up.');
      const launch = this.pending.shift() as RunLaunch;
      await executeRun(this.requireDeps(), launch.tenantId, launch.runId, this.invocation(launch.handoff));
    }
    return invocations;
  }

  invocation(handoff?: string): Invocation {
    const until = Date.now() + this.invocationMs;
    return { id: `queued-${randomUUID()}`, remainingMs: () => Math.max(0, until - Date.now()), ...(handoff ? { handoff } : {}) };
  }

  private requireDeps(): SyncDeps {
    if (!this.deps) throw new Error('QueuedWorkers.attach(deps) first.');
    return this.deps;
  }
}
