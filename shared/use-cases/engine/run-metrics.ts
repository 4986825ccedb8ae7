/**
 * A run's metrics, counted where its status changes: started when it is queued, finished (with its
 * duration, records by outcome and held unlinks) when it reaches a final status. Dimensions are the
 * run's type, trigger and status; its tenant goes in the log line that reports the run, never here.
 */
import type { SyncRun } from '#domain/runs';
import type { Telemetry } from '#ports/telemetry';

/** RunsStarted: a run was queued (a continuation or a confirmation of the same run is not a new start). */
export function countRunStarted(telemetry: Telemetry, run: SyncRun): void {
  telemetry.record('runsStarted', { runType: run.type, trigger: run.trigger });
}

/**
 * RunsFinished (and RunsFailed) for `run`, now in its final status; its wall time from the first
 * invocation's start to now, when it ever started; its records by outcome (outcomes it has none of
 * are left out); and the unlinks it held for review.
 */
export function countRunFinished(telemetry: Telemetry, run: SyncRun): void {
  telemetry.record('runsFinished', { runType: run.type, trigger: run.trigger, status: run.status });
  if (run.status === 'failed') telemetry.record('runsFailed', { runType: run.type });
  if (run.startedAt && run.finishedAt) {
    telemetry.record('runDuration', { runType: run.type }, Date.parse(run.finishedAt) - Date.parse(run.startedAt));
  }
  for (const [outcome, count] of Object.entries(run.counts)) {
    if (count > 0) telemetry.record('records', { runType: run.type, outcome }, count);
  }
  if (run.status === 'needs_review') telemetry.record('heldUnlinks', { runType: run.type }, run.heldCount);
}
