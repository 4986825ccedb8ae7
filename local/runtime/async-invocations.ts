/**
 * Asynchronous invocations (`InvocationType: Event`), as Lambda runs them: queued, a few at a time,
 * and retried twice when the handler fails (a throw or a timeout alike). Locally the retry delays
 * are seconds, not minutes.
 *
 * Stopping hands work back instead of dropping it: once draining, nothing new starts, pending
 * retries join the queue, and invocations enqueued meanwhile (a worker continuing itself with an
 * Event invoke during the shutdown grace) are accepted. An invocation the stop interrupts is kept
 * as the same attempt. close() answers everything left, for the runtime to save and re-enqueue at
 * its next start.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionName } from './functions';
import { InvocationAbandonedError } from './invocation-host';
import { errorMessage, type RuntimeLogger } from './logger';

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000];

export interface AsyncInvocationOptions {
  concurrency?: number;
  /** One delay per retry; Lambda retries an async invocation twice. */
  retryDelaysMs?: readonly number[];
}

/** One invocation not yet run to an end: `attempt` is the attempt it will run as next. */
export interface PendingInvocation {
  functionName: FunctionName;
  event: unknown;
  /** Lambda keeps the request id across the retries of one event. */
  requestId: string;
  attempt: number;
}

export type InvokeNow = (name: FunctionName, event: unknown, requestId: string) => Promise<unknown>;

/** open: runs work; draining: keeps work, starts none; closed: refuses work. */
type State = 'open' | 'draining' | 'closed';

export class AsyncInvocations {
  private readonly queue: PendingInvocation[] = [];
  private readonly retryTimers = new Map<NodeJS.Timeout, PendingInvocation>();
  private readonly idleWaiters: (() => void)[] = [];
  private running = 0;
  private state: State = 'open';
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

  /** Queues one invocation and answers its request id at once (also while draining: it is kept). */
  enqueue(name: FunctionName, event: unknown): string {
    const requestId = randomUUID();
    this.add({ functionName: name, event, requestId, attempt: 1 });
    return requestId;
  }

  /** Queues invocations a previous runtime handed back, with their request ids and attempts. */
  restore(pending: readonly PendingInvocation[]): void {
    for (const invocation of pending) this.add(invocation);
  }

  /** Resolves once nothing runs or waits for a retry, and (unless draining) nothing is queued. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts nothing new from now on; pending retries join the queue at once, to be handed back. */
  beginDrain(): void {
    if (this.state !== 'open') return;
    this.state = 'draining';
    for (const [timer, invocation] of this.retryTimers) {
      clearTimeout(timer);
      this.queue.push(invocation);
    }
    this.retryTimers.clear();
    this.notifyIfIdle();
  }

  /**
   * Drains, waits for running invocations to end (the caller bounds that by abandoning them in the
   * host), then refuses new work and answers what is left: queued work, retries due, and failures
   * of running invocations that still have a retry.
   */
  async close(): Promise<PendingInvocation[]> {
    this.beginDrain();
    await this.whenIdle();
    this.state = 'closed';
    return this.queue.splice(0);
  }

  private add(invocation: PendingInvocation): void {
    if (this.state === 'closed') throw new Error('The local runtime is shutting down.');
    this.queue.push(invocation);
    this.logger.info('async invocation queued', {
      functionName: invocation.functionName,
      requestId: invocation.requestId,
      attempt: invocation.attempt,
      keptForNextStart: this.state === 'draining' || undefined,
    });
    this.pump();
  }

  private isIdle(): boolean {
    return this.running === 0 && this.retryTimers.size === 0 && (this.queue.length === 0 || this.state !== 'open');
  }

  private pump(): void {
    while (this.state === 'open' && this.running < this.concurrency && this.queue.length > 0) {
      const invocation = this.queue.shift() as PendingInvocation;
      this.running += 1;
      void this.run(invocation).finally(() => {
        this.running -= 1;
        this.pump();
        this.notifyIfIdle();
      });
    }
    this.notifyIfIdle();
  }

  private async run(invocation: PendingInvocation): Promise<void> {
    const { functionName, requestId, attempt } = invocation;
    try {
      await this.invokeNow(functionName, invocation.event, requestId);
      this.logger.info('async invocation succeeded', { functionName, requestId, attempt });
    } catch (error) {
      if (error instanceof InvocationAbandonedError && this.state === 'draining') {
        // The runtime stopped it, not the function failing: handed back as the same attempt, so
        // stopping the runtime never uses up an event's retries.
        this.logger.warn('async invocation interrupted by the stop; kept for the next start', { functionName, requestId, attempt });
        this.queue.push(invocation);
        return;
      }
      const delay = this.retryDelaysMs[attempt - 1];
      const willRetry = delay !== undefined && this.state !== 'closed';
      this.logger.error('async invocation failed', { functionName, requestId, attempt, error: errorMessage(error), willRetry });
      if (!willRetry) return;
      const retry = { ...invocation, attempt: attempt + 1 };
      // While draining, the retry is due at the next start rather than after a delay here.
      if (this.state === 'draining') this.queue.push(retry);
      else this.scheduleRetry(retry, delay);
    }
  }

  private scheduleRetry(invocation: PendingInvocation, delay: number): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.queue.push(invocation);
      this.pump();
    }, delay);
    this.retryTimers.set(timer, invocation);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
