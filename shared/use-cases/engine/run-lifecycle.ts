/**
 * The life of a run: queued under its family's lease, executed by a worker invocation that holds
 * the lease with heartbeats, continued in fresh invocations before each deadline, finished once.
 * Whatever happens to a worker — a crash, a timeout, a duplicate delivery, a lost lease — the run
 * ends in one place, never stays `queued` or `running` past its lease, and loses no event.
 */
import { domainEvent } from '../../domain/events';
import { DomainError, IntacctFailure, NotFound } from '../../domain/errors';
import {
  ACTIVE_RUN_STATUSES,
  emptyCounts,
  FAMILY_OF_RUN,
  initialCheckpoint,
  isActiveStatus,
  isSyncRun,
  MIN_PAGE_SIZE,
  type RunRequest,
  type RunStatus,
  type RunTrigger,
  type SyncRun,
} from '../../domain/runs';
import type { IntacctSource } from '../../ports/intacct-source';
import type { Invocation } from '../../ports/runtime';
import type { OutboxEntry } from '../../ports/stores';
import { DeadlineReached, TimeBudget } from './budget';
import type { SyncDeps } from './deps';
import { intacctForTenant } from './intacct-for-tenant';
import { RunJournal } from './journal';
import { Heartbeat, isLeaseLive, LeaseLost, leaseForExecution, leaseForQueuedRun } from './leases';
import { publishStaged, settleOutbox, stageEvents } from './outbox';
import { runSteps } from './run-steps';

export const WORKER_LOST = {
  code: 'worker_lost',
  message: 'The worker running this run stopped before finishing (a crash or a timeout); nothing was left half done. Run it again.',
} as const;

const UNEXPECTED_FAILURE = {
  code: 'internal_error',
  message: 'The run stopped on an unexpected error; it is safe to run it again.',
} as const;

/** Intacct failures a scheduled run waits out instead of failing at once. */
const TRANSIENT_INTACCT_CODES: readonly string[] = ['intacct_unavailable', 'intacct_rate_limited', 'intacct_timeout'];

/**
 * Waits before each retry of a scheduled run that met Intacct unavailable (1, 2, 4 and 8 minutes:
 * a quarter of an hour in all, still within the night), after which the run is reported failed.
 */
export const SCHEDULED_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000, 240_000, 480_000];

/**
 * Waits before trying again from the checkpoint when Intacct is briefly unavailable or limiting
 * requests (a rate limit, the company's request slots still held by an invocation that just
 * stopped), for any run, while the invocation has time for the wait.
 */
export const BRIEF_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];

/** A whole Lambda invocation's worth of time, for callers that are not an invocation (tests, scripts). */
const STANDALONE_INVOCATION_MS = 15 * 60_000;

export interface ExecuteOptions {
  /** Waits before the retries of a scheduled run that met Intacct unavailable; default SCHEDULED_RETRY_DELAYS_MS. */
  scheduledRetryDelaysMs?: readonly number[];
  /** Waits before any run's retries within one invocation; default BRIEF_RETRY_DELAYS_MS. */
  briefRetryDelaysMs?: readonly number[];
}

/** An invocation for callers that are not a worker invocation: a fresh id and fifteen minutes. */
export function standaloneInvocation(deps: Pick<SyncDeps, 'ids'>): Invocation {
  const until = Date.now() + STANDALONE_INVOCATION_MS;
  return { id: deps.ids.newId(), remainingMs: () => Math.max(0, until - Date.now()) };
}

/**
 * Queues a run: the family's lease is taken for it first, in one conditional write (so of any number
 * of simultaneous requests exactly one is queued; the others get 409 run_in_progress), then the
 * run is stored `queued`. A run whose lease expired while it was queued or running is closed
 * `worker_lost` on the way.
 */
export async function queueRun(
  deps: SyncDeps,
  args: { tenantId: string; request: RunRequest; trigger: RunTrigger; dryRun: boolean },
): Promise<SyncRun> {
  const id = deps.ids.newId();
  const family = FAMILY_OF_RUN[args.request.type];
  const previous = await leaseForQueuedRun(deps, args.tenantId, family, id);
  if (previous) await closeRunOfLostWorker(deps, args.tenantId, previous);
  const run: SyncRun = {
    id,
    tenantId: args.tenantId,
    type: args.request.type,
    trigger: args.trigger,
    dryRun: args.dryRun,
    status: 'queued',
    request: args.request,
    startedAt: null,
    finishedAt: null,
    progress: { processed: 0, total: 0 },
    counts: emptyCounts(),
    error: null,
    heldCount: 0,
    recordCount: 0,
    checkpoint: null,
    execution: null,
    createdAt: deps.clock.now().toISOString(),
  };
  try {
    await deps.runs.create(run);
  } catch (error) {
    await deps.leases.release(args.tenantId, family, id);
    throw error;
  }
  return run;
}

/**
 * Hands a queued run to its worker. When the worker cannot be started the run is closed `failed`
 * (it would otherwise wait for nobody) and its lease freed, and the error goes on to the caller.
 */
export async function launchRun(deps: SyncDeps, run: SyncRun): Promise<void> {
  try {
    await deps.workers.start({ tenantId: run.tenantId, runId: run.id, type: run.type });
  } catch (error) {
    const failed: SyncRun = {
      ...run,
      status: 'failed',
      finishedAt: deps.clock.now().toISOString(),
      error: { code: 'worker_not_started', message: 'The run could not be started; it is safe to ask again.' },
    };
    if (await deps.runs.saveIf(failed, { statuses: ['queued'] }).catch(() => false)) {
      await deps.leases.release(run.tenantId, FAMILY_OF_RUN[run.type], run.id).catch(() => undefined);
    }
    throw error;
  }
}

/** The SyncRunFinished of `run` as the outbox keeps it: true once the run is stored with that status. */
function finishedEntry(run: SyncRun): OutboxEntry {
  return {
    event: domainEvent(
      'SyncRunFinished',
      {
        tenantId: run.tenantId,
        runId: run.id,
        runType: run.type,
        status: run.status,
        dryRun: run.dryRun,
        counts: { ...run.counts },
        ...(run.error ? { errorCode: run.error.code } : {}),
      },
      [run.id, run.status],
    ),
    proof: { of: 'run', status: run.status },
    record: null,
  };
}

/**
 * Closes `run` as failed `worker_lost` when it is queued or running but no live worker holds its
 * lease, publishing what its worker had staged and did; answers the run as it now stands.
 */
export async function closeRunIfWorkerLost(deps: SyncDeps, run: SyncRun): Promise<SyncRun> {
  if (!isActiveStatus(run.status)) return run;
  const lease = await deps.leases.get(run.tenantId, FAMILY_OF_RUN[run.type]);
  const now = deps.clock.now();
  if (lease && lease.holder === run.id && isLeaseLive(lease, now)) return run;
  const closed: SyncRun = { ...run, status: 'failed', finishedAt: now.toISOString(), error: { ...WORKER_LOST } };
  const finished = finishedEntry(closed);
  await stageEvents(deps, closed, [finished]);
  // Only the execution seen as lost: a worker that took the run up meanwhile keeps it.
  if (!(await deps.runs.saveIf(closed, { statuses: ACTIVE_RUN_STATUSES, execution: run.execution }))) {
    await deps.runs.deleteOutbox(run.tenantId, run.id, [finished.event.detail.eventId]);
    return (await deps.runs.get(run.tenantId, run.id)) ?? run;
  }
  await settleOutbox(deps, closed);
  return closed;
}

/** As closeRunIfWorkerLost, for a run known by id (a lease's previous holder). */
async function closeRunOfLostWorker(deps: SyncDeps, tenantId: string, runId: string): Promise<void> {
  const run = await deps.runs.get(tenantId, runId);
  if (run) await closeRunIfWorkerLost(deps, run);
}

/**
 * Executes (or continues) run `runId` in `invocation`, until it finishes or the invocation's time is
 * nearly up; then it saves a checkpoint and starts a fresh invocation to continue. A run that is
 * finished, or executed by another live invocation, is left as it is (a duplicate delivery).
 */
export async function executeRun(
  deps: SyncDeps,
  tenantId: string,
  runId: string,
  invocation: Invocation = standaloneInvocation(deps),
  options: ExecuteOptions = {},
): Promise<SyncRun> {
  const stored = await deps.runs.get(tenantId, runId);
  if (!stored) throw new NotFound('run_not_found', 'No such run.');
  if (!isActiveStatus(stored.status)) {
    // Delivered again after it finished: only what a crash after its last save left unpublished.
    await settleOutbox(deps, stored);
    return stored;
  }
  const taken = await leaseForExecution(deps, stored, invocation);
  if (!taken.taken) return taken.heldByThisRun ? stored : closeRunIfWorkerLost(deps, stored);
  if (taken.previousHolder) await closeRunOfLostWorker(deps, tenantId, taken.previousHolder);

  const heartbeat = new Heartbeat(deps, taken.lease);
  const run: SyncRun = {
    ...stored,
    status: 'running',
    execution: invocation.id,
    startedAt: stored.startedAt ?? deps.clock.now().toISOString(),
    checkpoint: { ...(stored.checkpoint ?? initialCheckpoint()) },
  };
  run.checkpoint!.invocations += 1;
  if (!(await deps.runs.saveIf(run, { statuses: ACTIVE_RUN_STATUSES, execution: stored.execution }))) {
    await heartbeat.release();
    return (await deps.runs.get(tenantId, runId)) ?? stored;
  }
  heartbeat.start();
  const budget = new TimeBudget(() => invocation.remainingMs(), run.checkpoint!.msPerRecord ?? 0);
  try {
    return await executeAttempts(deps, run, heartbeat, budget, options);
  } finally {
    heartbeat.stop();
    budget.dispose();
  }
}

/** One invocation's work on a run: attempts from the saved checkpoint, retried after a transient failure. */
async function executeAttempts(
  deps: SyncDeps,
  started: SyncRun,
  heartbeat: Heartbeat,
  budget: TimeBudget,
  options: ExecuteOptions,
): Promise<SyncRun> {
  const delays = options.scheduledRetryDelaysMs ?? SCHEDULED_RETRY_DELAYS_MS;
  let run = started;
  let source: IntacctSource | null = null;
  let briefRetries = 0;
  for (;;) {
    const journal = new RunJournal(deps, run, { keepUnchangedRecords: !isSyncRun(run.type) }, heartbeat.lost);
    const progressAtStart = JSON.stringify(progressOf(run));
    try {
      if (!(await waitForRetryTime(deps, run, budget))) return await continueRun(deps, run, heartbeat);
      journal.recover(await settleOutbox(deps, run));
      const outcome = await runSteps({ deps, journal, budget, source: async () => (source ??= await intacctForTenant(deps, run.tenantId)) });
      if (outcome === 'yield') {
        await journal.checkpoint(true);
        return await continueRun(deps, run, heartbeat);
      }
      return await finishRun(deps, journal, heartbeat, outcome);
    } catch (error) {
      if (error instanceof LeaseLost || heartbeat.lost.aborted) return run;
      // The state saved last is the truth: whatever this attempt did after it is redone from there.
      const saved = (await deps.runs.get(run.tenantId, run.id)) ?? run;
      if (error instanceof DeadlineReached || budget.signal.aborted) {
        if (JSON.stringify(progressOf(saved)) === progressAtStart) shrinkPages(saved);
        await saveOwned(deps, saved);
        return await continueRun(deps, saved, heartbeat);
      }
      const brief = (options.briefRetryDelaysMs ?? BRIEF_RETRY_DELAYS_MS)[briefRetries];
      if (isTransient(error) && brief !== undefined && budget.fits(brief)) {
        briefRetries += 1;
        await sleepWithin(budget, brief);
        run = saved;
        continue;
      }
      const checkpoint = saved.checkpoint!;
      const delay = delays[checkpoint.retries];
      if (isTransient(error) && saved.trigger === 'schedule' && delay !== undefined) {
        checkpoint.retries += 1;
        checkpoint.retryAt = new Date(deps.clock.now().getTime() + delay).toISOString();
        await saveOwned(deps, saved);
        run = saved;
        continue;
      }
      const failure = error instanceof DomainError ? { code: error.code, message: error.message } : { ...UNEXPECTED_FAILURE };
      const failedJournal = new RunJournal(deps, saved, { keepUnchangedRecords: !isSyncRun(saved.type) }, heartbeat.lost);
      const finished = await finishRun(deps, failedJournal, heartbeat, 'failed', failure);
      if (!(error instanceof DomainError)) throw error;
      return finished;
    }
  }
}

const progressOf = (run: SyncRun) => {
  const checkpoint = run.checkpoint;
  return checkpoint ? [checkpoint.step, checkpoint.afterRecordNo, checkpoint.candidateCursor, checkpoint.heldObjects.length] : null;
};

/** A page that could not be fetched within one invocation is asked for in halves next time. */
function shrinkPages(run: SyncRun): void {
  const checkpoint = run.checkpoint!;
  checkpoint.pageSize = Math.max(MIN_PAGE_SIZE, Math.floor(checkpoint.pageSize / 2));
}

const isTransient = (error: unknown): boolean => error instanceof IntacctFailure && TRANSIENT_INTACCT_CODES.includes(error.code);

async function saveOwned(deps: SyncDeps, run: SyncRun): Promise<void> {
  if (!(await deps.runs.saveIf(run, { statuses: ['running'], execution: run.execution }))) throw new LeaseLost();
}

/**
 * A scheduled run waiting to retry waits here; answers false when the wait does not fit in this
 * invocation (the run is then handed on to wait in the next).
 */
async function waitForRetryTime(deps: SyncDeps, run: SyncRun, budget: TimeBudget): Promise<boolean> {
  const retryAt = run.checkpoint?.retryAt;
  if (!retryAt) return true;
  const wait = Date.parse(retryAt) - deps.clock.now().getTime();
  if (wait > 0) {
    if (!budget.fits(wait)) return false;
    await sleepWithin(budget, wait);
  }
  run.checkpoint!.retryAt = null;
  return true;
}

/** Waits `ms`, or rejects with DeadlineReached if the invocation's usable time ends first. */
function sleepWithin(budget: TimeBudget, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DeadlineReached());
    };
    const timer = setTimeout(() => {
      budget.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    budget.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Saves nothing new: passes the lease to a fresh invocation of the run's worker, which continues it. */
async function continueRun(deps: SyncDeps, run: SyncRun, heartbeat: Heartbeat): Promise<SyncRun> {
  const handoff = deps.ids.newId();
  if (!(await heartbeat.handOff(handoff))) return run;
  await deps.workers.start({ tenantId: run.tenantId, runId: run.id, type: run.type, handoff });
  return run;
}

/**
 * Closes the run with its final status. The final save comes before SyncRunFinished is published,
 * and the event is staged first, so neither can be lost; a failing save is thrown, never swallowed,
 * so the invocation's retry finishes the run.
 */
async function finishRun(
  deps: SyncDeps,
  journal: RunJournal,
  heartbeat: Heartbeat,
  status: RunStatus,
  error: { code: string; message: string } | null = null,
): Promise<SyncRun> {
  const run = journal.run;
  await journal.flushRecords();
  await deps.runs.trimRecords(run.tenantId, run.id, run.recordCount);
  run.status = status;
  run.error = error;
  run.finishedAt = deps.clock.now().toISOString();
  if (run.checkpoint) run.checkpoint.retryAt = null;
  const finished = finishedEntry(run);
  await stageEvents(deps, run, [finished]);
  if (!(await deps.runs.saveIf(run, { statuses: ['running'], execution: run.execution }))) return run;
  await publishStaged(deps, run, [finished], new Set([finished.event.detail.eventId]));
  if (isSyncRun(run.type) && !run.dryRun && status === 'succeeded') {
    await deps.connections.recordSyncFinished(run.tenantId, FAMILY_OF_RUN[run.type], run.finishedAt);
  }
  await heartbeat.release();
  return run;
}
