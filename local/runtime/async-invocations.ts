/**
 * Asynchronous invocations (`InvocationType: Event`), as Lambda runs them: queued, a few at a time,
 * and retried twice when the handler throws. Locally the retry delays are seconds, not minutes.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionName } from './functions';
import { errorMessage, type RuntimeLogger } from './logger';

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000];

export interface AsyncInvocationOptions {
  concurrency?: number;
  /** One delay per retry; Lambda retries an async invocation twice. */
  retryDelaysMs?: readonly number[];
}

interface Job {
  name: FunctionName;
  event: unknown;
  requestId: string;
  attempt: number;
}

export type InvokeNow = (name: FunctionName, event: unknown, requestId: string) => Promise<unknown>;

export class AsyncInvocations {
  private readonly queue: Job[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private running = 0;
  private closed = false;
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];

  constructor(
    private readonly invokeNow: InvokeNow,
    private readonly logger: RuntimeLogger,
    options: AsyncInvocationOptions = {},
  ) {
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** Queues one invocation and answers its request id at once. */
  enqueue(name: FunctionName, event: unknown): string {
    if (this.closed) throw new Error('The local runtime is shutting down.');
    const requestId = randomUUID();
    this.queue.push({ name, event, requestId, attempt: 1 });
    this.logger.info('async invocation queued', { functionName: name, requestId });
    this.pump();
    return requestId;
  }

  /** Resolves once nothing is queued, running or waiting for a retry. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops queued work and pending retries, then waits for running invocations to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.queue.length = 0;
    await this.whenIdle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running === 0 && this.retryTimers.size === 0;
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.running += 1;
      void this.run(job).finally(() => {
        this.running -= 1;
        this.pump();
        this.notifyIfIdle();
      });
    }
    this.notifyIfIdle();
  }

  private async run(job: Job): Promise<void> {
    try {
      await this.invokeNow(job.name, job.event, job.requestId);
      this.logger.info('async invocation succeeded', { functionName: job.name, requestId: job.requestId, attempt: job.attempt });
    } catch (error) {
      const delay = this.retryDelaysMs[job.attempt - 1];
      const willRetry = delay !== undefined && !this.closed;
      this.logger.error('async invocation failed', {
        functionName: job.name,
        requestId: job.requestId,
        attempt: job.attempt,
        error: errorMessage(error),
        willRetry,
      });
      if (willRetry) this.scheduleRetry({ ...job, attempt: job.attempt + 1 }, delay);
    }
  }

  private scheduleRetry(job: Job, delay: number): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return this.notifyIfIdle();
      this.queue.push(job);
      this.pump();
    }, delay);
    this.retryTimers.add(timer);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
