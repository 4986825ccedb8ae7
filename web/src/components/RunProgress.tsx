/**
 * A run being followed: a progress bar while it is queued or running (polled once a second),
 * then its outcome and counts, with a link to the run's page.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { must, type Run, useApi } from '../api/client';
import { COUNT_NAMES, isRunActive, RUN_STATUSES } from '../format';
import { Link } from '../router';
import { ErrorAlert } from './ErrorAlert';

const POLL_MS = 1_000;

export function useRun(runId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['sync-runs', runId],
    queryFn: () => must(api.GET('/sync-runs/{id}', { params: { path: { id: runId } } })),
    refetchInterval: (query) => (query.state.data && !isRunActive(query.state.data) ? false : POLL_MS),
  });
}

export function RunProgressBar({ run, label }: { run: Run; label: string }) {
  const { processed, total } = run.progress;
  return (
    <div className="run-progress">
      <progress aria-label={label} max={Math.max(total, 1)} value={total > 0 ? processed : undefined} />
      <span aria-hidden="true">{total > 0 ? `${processed} of ${total}` : 'Starting…'}</span>
    </div>
  );
}

export function RunCounts({ counts }: { counts: Run['counts'] }) {
  return (
    <dl className="counts">
      {(Object.keys(COUNT_NAMES) as (keyof Run['counts'])[]).map((key) => (
        <div key={key}>
          <dt>{COUNT_NAMES[key]}</dt>
          <dd>{counts[key]}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Follows `runId` to its end; `onFinished` is told once it has finished (to refresh lists). */
export function RunProgress({ runId, what, onFinished }: { runId: string; what: string; onFinished?: (run: Run) => void }) {
  const run = useRun(runId);
  const finished = run.data && !isRunActive(run.data) ? run.data : null;
  const told = useRef(false);
  useEffect(() => {
    if (finished && !told.current) {
      told.current = true;
      onFinished?.(finished);
    }
  }, [finished, onFinished]);
  if (run.error) return <ErrorAlert error={run.error} />;
  if (!run.data) return <p>Starting…</p>;
  if (isRunActive(run.data)) return <RunProgressBar run={run.data} label={`${what} progress`} />;
  return (
    <section className="run-summary" aria-label={`${what} summary`}>
      <p>
        <strong>{run.data.dryRun ? `Preview: ${RUN_STATUSES[run.data.status].toLowerCase()}` : RUN_STATUSES[run.data.status]}</strong>
        {run.data.error ? ` — ${run.data.error.message}` : null}
      </p>
      <RunCounts counts={run.data.counts} />
      <Link to={`/sync-runs/${runId}`}>View run</Link>
    </section>
  );
}
