/** Admin → Clients: the PSA's clients, the Sage mark on linked ones, and the import dialog. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { must, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { Pager, useCursorPages } from '../components/Pager';
import { SageBadge } from '../components/SageBadge';
import { Link } from '../router';
import { ImportClientsDialog } from './ImportClientsDialog';

const PAGE_SIZE = 50;

export function ClientsPage() {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const pages = useCursorPages();
  const [importing, setImporting] = useState(false);
  const clients = useQuery({
    queryKey: ['clients', pages.cursor],
    queryFn: () => must(api.GET('/clients', { params: { query: { limit: PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })),
  });

  return (
    <>
      <PageHeading
        actions={
          isAdmin ? (
            <button type="button" className="primary" onClick={() => setImporting(true)}>
              Import from Sage Intacct
            </button>
          ) : null
        }
      >
        Clients
      </PageHeading>
      <ErrorAlert error={clients.error} />
      {clients.isPending ? <p>Loading clients…</p> : null}
      {clients.data ? (
        clients.data.items.length === 0 && pages.pageNumber === 1 ? (
          <p>No clients yet.{isAdmin ? ' Import them from Sage Intacct.' : ''}</p>
        ) : (
          <table aria-label="Clients">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">City</th>
                <th scope="col">Country</th>
                <th scope="col">Integrations</th>
              </tr>
            </thead>
            <tbody>
              {clients.data.items.map((client) => {
                const link = client.integrations.intacct;
                return (
                  <tr key={client.id}>
                    <td>
                      <Link to={`/clients/${encodeURIComponent(client.id)}`}>{client.name}</Link>
                    </td>
                    <td>{client.city}</td>
                    <td>{client.country}</td>
                    <td>{link ? link.status === 'linked' ? <SageBadge /> : <span className="muted">Unlinked</span> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      ) : null}
      <Pager pages={pages} nextCursor={clients.data?.nextCursor} label="Clients" />
      {importing ? (
        <ImportClientsDialog onClose={() => setImporting(false)} onFinished={() => void queryClient.invalidateQueries({ queryKey: ['clients'] })} />
      ) : null}
    </>
  );
}
