/**
 * The life of a run: queued under its family's lease, executed by a worker invocation that holds
 * the lease with heartbeats, continued in fresh invocations before each deadline, finished once.
 * Whatever happens to a worker — a crash, a timeout, a duplicate delivery, a lost lease — the run
 * ends in one place, never stays `queued` or `running` past its lease, and loses no event.
 */

import { DomainError, IntacctFailure, NotFound } from '#domain/errors';
import { domainEvent } from '#domain/events';
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
} from '#domain/runs';
import type { IntacctSource } from '#ports/intacct-source';
import type { Invocation } from '#ports/runtime';
import type { OutboxEntry } from '#ports/stores';
import { DeadlineReached, TimeBudget } from './budget';
import type { SyncDeps } from './deps';
import { intacctForTenant } from './intacct-for-tenant';
import { RunJournal } from './journal';
import { Heartbeat, isLeaseLive, LeaseLost, leaseForExecution, leaseForQueuedRun } from './leases';
import { publishStaged, settleOutbox, stageEvents } from './outbox';
import { countRunFinished, countRunStarted } from './run-metrics';
import { runSteps } from './run-steps';

export const WORKER_LOST = {
  code: 'worker_lost',
  message: 'The worker running this run stopped before finishing (a crash or a timeout); nothing was left half done. Run it again.',
} as const;

const UNEXPECTED_FAILURE = {
  code: 'internal_error',
  message: 'The run stopped on an unexpected error; it is safe to run it again.',
} as const;

/** Intacct failures that say it is out of reach for now (a run waits them out, within limits). */
const OUTAGE_CODES: readonly string[] = ['intacct_unavailable', 'intacct_rate_limited'];

/**
 * How long a run may go without progress (Intacct out of reach or too slow all the while; each
 * invocation waits it out with backoff to its deadline, then the next one goes on) before it is
 * reported failed. A scheduled run keeps trying for most of an hour, later in the night; an
 * admin's run for a few minutes, so they learn soon.
 */
export const STALL_LIMIT_MS: Readonly<Record<RunTrigger, number>> = { schedule: 45 * 60_000, api: 3 * 60_000, manual: 3 * 60_000 };

/** A whole Lambda invocation's worth of time, for callers that are not an invocation (tests, scripts). */
const STANDALONE_INVOCATION_MS = 15 * 60_000;

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
  countRunStarted(deps.telemetry, run);
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
      countRunFinished(deps.telemetry, failed);
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
  countRunFinished(deps.telemetry, closed);
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
    return await executeAttempts(deps, run, heartbeat, budget);
  } finally {
    heartbeat.stop();
    budget.dispose();
  }
}

/** One invocation's work on a run, from its saved checkpoint. */
async function executeAttempts(deps: SyncDeps, run: SyncRun, heartbeat: Heartbeat, budget: TimeBudget): Promise<SyncRun> {
  const startedAt = performance.now();
  const journal = new RunJournal(deps, run, { keepUnchangedRecords: !isSyncRun(run.type) }, heartbeat);
  const progressAtStart = JSON.stringify(progressOf(run));
  let source: IntacctSource | null = null;
  try {
    journal.recover(await settleOutbox(deps, run));
    const outcome = await runSteps({ deps, journal, budget, source: async () => (source ??= await intacctForTenant(deps, run.tenantId)) });
    if (outcome === 'yield') {
      run.checkpoint!.stalledMs = 0;
      await journal.checkpoint(true);
      return await continueRun(deps, run, heartbeat);
    }
    return await finishRun(deps, journal, heartbeat, outcome);
  } catch (error) {
    if (error instanceof LeaseLost || heartbeat.lost.aborted) return run;
    // The state saved last is the truth: whatever this attempt did after it is redone from there.
    const saved = (await deps.runs.get(run.tenantId, run.id)) ?? run;
    if (error instanceof DeadlineReached || budget.signal.aborted) {
      // Out of time in the middle of a chunk (Intacct waited out with backoff, or a page too slow).
      const noProgress = JSON.stringify(progressOf(saved)) === progressAtStart;
      if (!noteStall(saved, error, noProgress ? performance.now() - startedAt : null)) {
        await saveOwned(deps, saved);
        return await continueRun(deps, saved, heartbeat);
      }
    }
    const failure =
      error instanceof DomainError
        ? { code: error.code, message: error.message }
        : error instanceof DeadlineReached
          ? { ...INTACCT_TOO_SLOW }
          : { ...UNEXPECTED_FAILURE };
    const failedJournal = new RunJournal(deps, saved, { keepUnchangedRecords: !isSyncRun(saved.type) }, heartbeat);
    const finished = await finishRun(deps, failedJournal, heartbeat, 'failed', failure);
    if (!(error instanceof DomainError) && !(error instanceof DeadlineReached)) throw error;
    return finished;
  }
}

const INTACCT_TOO_SLOW = {
  code: 'intacct_timeout',
  message: 'Sage Intacct answered too slowly to make progress, even in small pages; try again later.',
} as const;

/**
 * Records how an invocation that ran out of time went (`stalledFor`: how long it spent without
 * progress, null when it made some), and answers whether the run should now be reported failed:
 * a page too slow for one invocation is asked for in halves next time; otherwise the time without
 * progress adds up, and past the run's stall limit the run ends.
 */
export function noteStall(run: SyncRun, error: unknown, stalledFor: number | null): boolean {
  const checkpoint = run.checkpoint!;
  if (stalledFor === null) {
    checkpoint.stalledMs = 0;
    return false;
  }
  const outage = error instanceof IntacctFailure && OUTAGE_CODES.includes(error.code);
  if (!outage && checkpoint.pageSize > MIN_PAGE_SIZE) {
    checkpoint.pageSize = Math.max(MIN_PAGE_SIZE, Math.floor(checkpoint.pageSize / 2));
    return false;
  }
  checkpoint.stalledMs += stalledFor;
  return checkpoint.stalledMs >= STALL_LIMIT_MS[run.trigger];
}

const progressOf = (run: SyncRun) => {
  const checkpoint = run.checkpoint;
  return checkpoint ? [checkpoint.step, checkpoint.afterRecordNo, checkpoint.candidateCursor, checkpoint.heldObjects.length] : null;
};

async function saveOwned(deps: SyncDeps, run: SyncRun): Promise<void> {
  if (!(await deps.runs.saveIf(run, { statuses: ['running'], execution: run.execution }))) throw new LeaseLost();
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
  const finished = finishedEntry(run);
  await stageEvents(deps, run, [finished]);
  if (!(await deps.runs.saveIf(run, { statuses: ['running'], execution: run.execution }))) return run;
  countRunFinished(deps.telemetry, run);
  await publishStaged(deps, run, [finished], new Set([finished.event.detail.eventId]));
  if (isSyncRun(run.type) && !run.dryRun && status === 'succeeded') {
    await deps.connections.recordSyncFinished(run.tenantId, FAMILY_OF_RUN[run.type], run.finishedAt);
  }
  await heartbeat.release();
  return run;
}
