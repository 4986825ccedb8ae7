/** Admin → Sync history: every import and sync of the workspace, newest first. */
import { useQuery } from '@tanstack/react-query';
import { must, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { AdminsOnly } from '../components/AdminsOnly';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { Pager, useCursorPages } from '../components/Pager';
import { countsText, dateTime, isRunActive, RUN_STATUSES, RUN_TRIGGERS, RUN_TYPES } from '../format';
import { Link } from '../router';

const PAGE_SIZE = 25;
const POLL_MS = 2_000;

export function SyncHistoryPage() {
  const isAdmin = useIsAdmin();
  return (
    <>
      <PageHeading>Sync history</PageHeading>
      {isAdmin ? <RunList /> : <AdminsOnly what="the imports and syncs" />}
    </>
  );
}

function RunList() {
  const api = useApi();
  const pages = useCursorPages();
  const runs = useQuery({
    queryKey: ['sync-runs', 'list', pages.cursor],
    queryFn: () => must(api.GET('/sync-runs', { params: { query: { limit: PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })),
    refetchInterval: (query) => (query.state.data?.items.some(isRunActive) ? POLL_MS : false),
  });
  return (
    <>
      <ErrorAlert error={runs.error} />
      {runs.isPending ? <p>Loading runs…</p> : null}
      {runs.data && runs.data.items.length === 0 && pages.pageNumber === 1 ? <p>No imports or syncs yet.</p> : null}
      {runs.data && runs.data.items.length > 0 ? (
        <table aria-label="Sync runs">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Counts</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.items.map((run) => (
              <tr key={run.id}>
                <td>
                  <Link to={`/sync-runs/${encodeURIComponent(run.id)}`}>
                    {RUN_TYPES[run.type]}
                    {run.dryRun ? ' (preview)' : ''}
                  </Link>
                </td>
                <td>{RUN_TRIGGERS[run.trigger]}</td>
                <td>
                  <span className={`status status-${run.status}`}>{RUN_STATUSES[run.status]}</span>
                </td>
                <td>{dateTime(run.startedAt)}</td>
                <td>{countsText(run.counts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} nextCursor={runs.data?.nextCursor} label="Sync runs" />
    </>
  );
}
