/** One run: its status and progress, counts, per-record outcomes, and Confirm unlinks when it needs review. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { must, type Run, type RunRecord, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { AdminsOnly } from '../components/AdminsOnly';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { Pager, useCursorPages } from '../components/Pager';
import { RunCounts, RunProgressBar, useRun } from '../components/RunProgress';
import { dateTime, isRunActive, RUN_STATUSES, RUN_TRIGGERS, RUN_TYPES } from '../format';

const RECORDS_PAGE_SIZE = 50;

const OUTCOMES: Record<RunRecord['outcome'], string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged',
  unlinked: 'Unlinked',
  linked: 'Linked',
  skipped: 'Skipped',
  failed: 'Failed',
};
const OBJECTS: Record<RunRecord['object'], string> = { customer: 'Customer', employee: 'Employee', department: 'Department' };

/** A changed value as text: nothing becomes "empty", never JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && 'name' in value && typeof value.name === 'string') return value.name;
  return 'changed';
}

export function RunPage({ runId }: { runId: string }) {
  const isAdmin = useIsAdmin();
  if (!isAdmin) {
    return (
      <>
        <PageHeading>Sync run</PageHeading>
        <AdminsOnly what="imports and syncs" />
      </>
    );
  }
  return <RunDetails runId={runId} />;
}

function RunDetails({ runId }: { runId: string }) {
  const run = useRun(runId);
  if (run.error) return <ErrorAlert error={run.error} />;
  if (!run.data) return <p>Loading…</p>;
  const data = run.data;
  return (
    <>
      <PageHeading>{`${RUN_TYPES[data.type]}${data.dryRun ? ' (preview)' : ''}`}</PageHeading>
      <section className="panel" aria-label="Run">
        <dl className="fields">
          <div>
            <dt>Status</dt>
            <dd>
              <span className={`status status-${data.status}`}>{RUN_STATUSES[data.status]}</span>
            </dd>
          </div>
          <div>
            <dt>Trigger</dt>
            <dd>{RUN_TRIGGERS[data.trigger]}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{dateTime(data.startedAt)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{data.finishedAt ? dateTime(data.finishedAt) : '—'}</dd>
          </div>
        </dl>
        {isRunActive(data) ? <RunProgressBar run={data} label="Run progress" /> : null}
        {data.error ? <p className="alert-text">{data.error.message}</p> : null}
        <RunCounts counts={data.counts} />
        {data.status === 'needs_review' ? <NeedsReview run={data} /> : null}
      </section>
      <RunRecords run={data} />
    </>
  );
}

function NeedsReview({ run }: { run: Run }) {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const confirm = async (): Promise<void> => {
    setFailure(null);
    setConfirming(true);
    try {
      await must(api.POST('/sync-runs/{id}/confirm-unlinks', { params: { path: { id: run.id } } }));
      await queryClient.invalidateQueries({ queryKey: ['sync-runs'] });
    } catch (error) {
      setFailure(error);
    } finally {
      setConfirming(false);
    }
  };
  return (
    <div className="review">
      <p>
        This sync found {run.counts.skipped} records missing from Sage Intacct: more than a sync unlinks on its own, so they were held back and
        nothing was unlinked. Check in Sage Intacct that they were removed on purpose
        {isAdmin ? ', then confirm to unlink them (their data stays in the PSA)' : ''}.
      </p>
      <ErrorAlert error={failure} />
      {isAdmin ? (
        <button type="button" className="danger" onClick={() => void confirm()} disabled={confirming}>
          Confirm unlinks
        </button>
      ) : null}
    </div>
  );
}

function RunRecords({ run }: { run: Run }) {
  const api = useApi();
  const pages = useCursorPages();
  const records = useQuery({
    queryKey: ['sync-runs', run.id, 'records', pages.cursor, run.status],
    queryFn: () =>
      must(
        api.GET('/sync-runs/{id}/records', {
          params: { path: { id: run.id }, query: { limit: RECORDS_PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  return (
    <section aria-labelledby="records-heading">
      <h2 id="records-heading">Records</h2>
      <ErrorAlert error={records.error} />
      {records.data && records.data.items.length === 0 && pages.pageNumber === 1 ? <p>No records{isRunActive(run) ? ' yet' : ''}.</p> : null}
      {records.data && records.data.items.length > 0 ? (
        <table aria-label="Records">
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              <th scope="col">Record</th>
              <th scope="col">Field changes</th>
              <th scope="col">Warnings</th>
            </tr>
          </thead>
          <tbody>
            {records.data.items.map((record) => (
              <tr key={`${record.object}:${record.intacctId}`}>
                <td>{OUTCOMES[record.outcome]}</td>
                <td>
                  {OBJECTS[record.object]} {record.intacctId}
                </td>
                <td>
                  {record.changes.length > 0 ? (
                    <ul className="plain">
                      {record.changes.map((change) => (
                        <li key={change.field}>
                          {change.field}: {valueText(change.from)} → {valueText(change.to)}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td>
                  {[...record.warnings, ...(record.error ? [record.error.message] : [])].map((warning) => (
                    <p key={warning}>{warning}</p>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} nextCursor={records.data?.nextCursor} label="Records" />
    </section>
  );
}
