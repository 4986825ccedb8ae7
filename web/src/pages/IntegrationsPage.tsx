/** Admin → Integrations: connect to Sage Intacct, disconnect, sync now, and the last syncs. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, type IntacctConnection, must, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { AdminsOnly } from '../components/AdminsOnly';
import { Dialog } from '../components/Dialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { RunProgress } from '../components/RunProgress';
import { dateTime } from '../format';

export function IntegrationsPage() {
  const isAdmin = useIsAdmin();
  return (
    <>
      <PageHeading>Integrations</PageHeading>
      {isAdmin ? <Connection /> : <AdminsOnly what="the Sage Intacct connection" />}
    </>
  );
}

function Connection() {
  const api = useApi();
  const connection = useQuery({ queryKey: ['integration'], queryFn: () => must(api.GET('/integrations/intacct')) });
  return (
    <section className="panel" aria-labelledby="intacct-heading">
      <h2 id="intacct-heading">Sage Intacct</h2>
      <ErrorAlert error={connection.error} />
      {connection.isPending ? <p>Loading…</p> : null}
      {connection.data ? connection.data.connected ? <Connected connection={connection.data} /> : <ConnectForm /> : null}
    </section>
  );
}

function ConnectForm() {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ companyId: '', userId: '', password: '', entityId: '' });
  const [failure, setFailure] = useState<unknown>(null);
  const [connecting, setConnecting] = useState(false);
  const [companyChanged, setCompanyChanged] = useState(false);
  if (!isAdmin) return <p>Not connected. An admin can connect this workspace to Sage Intacct.</p>;

  const connect = async (resetLinks: boolean): Promise<void> => {
    setFailure(null);
    setConnecting(true);
    try {
      const entityId = values.entityId.trim();
      await must(
        api.PUT('/integrations/intacct', {
          body: {
            companyId: values.companyId.trim(),
            userId: values.userId.trim(),
            password: values.password,
            ...(entityId ? { entityId } : {}),
            ...(resetLinks ? { resetLinks } : {}),
          },
        }),
      );
      setValues({ ...values, password: '' });
      setCompanyChanged(false);
      await queryClient.invalidateQueries({ queryKey: ['integration'] });
    } catch (error) {
      setCompanyChanged(error instanceof ApiError && error.code === 'company_changed');
      setFailure(error);
    } finally {
      setConnecting(false);
    }
  };
  const field = (key: keyof typeof values, label: string, type = 'text', autoComplete = 'off') => (
    <label className="field">
      <span>{label}</span>
      <input
        type={type}
        value={values[key]}
        autoComplete={autoComplete}
        required={key !== 'entityId'}
        onChange={(event) => setValues({ ...values, [key]: event.target.value })}
      />
    </label>
  );
  return (
    <form
      className="form"
      aria-label="Connect to Sage Intacct"
      onSubmit={(event) => {
        event.preventDefault();
        void connect(false);
      }}
    >
      <p className="hint">The Web Services user of your Intacct company (read-only access to Customers, Employees and Departments is enough).</p>
      {field('companyId', 'Company ID')}
      {field('userId', 'User ID')}
      {field('password', 'Password', 'password', 'new-password')}
      {field('entityId', 'Entity ID (optional)')}
      <ErrorAlert error={failure} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={connecting}>
          Connect
        </button>
        {companyChanged ? (
          <button type="button" className="danger" disabled={connecting} onClick={() => void connect(true)}>
            Connect and unlink every record
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Connected({ connection }: { connection: IntacctConnection }) {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [runs, setRuns] = useState<{ clients?: string; users?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [disconnecting, setDisconnecting] = useState(false);

  const syncNow = async (family: 'clients' | 'users'): Promise<void> => {
    setFailure(null);
    try {
      const accepted = await must(family === 'clients' ? api.POST('/clients/sync', { body: {} }) : api.POST('/users/sync', { body: {} }));
      setRuns((current) => ({ ...current, [family]: accepted.runId }));
    } catch (error) {
      setFailure(error);
    }
  };
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: ['integration'] });

  return (
    <>
      <dl className="fields">
        <div>
          <dt>Company</dt>
          <dd>{connection.companyId}</dd>
        </div>
        <div>
          <dt>Entity</dt>
          <dd>{connection.entityId ?? 'Top level (every entity)'}</dd>
        </div>
        <div>
          <dt>Last client sync</dt>
          <dd>{dateTime(connection.lastSync.clients)}</dd>
        </div>
        <div>
          <dt>Last team member sync</dt>
          <dd>{dateTime(connection.lastSync.users)}</dd>
        </div>
      </dl>
      <ErrorAlert error={failure} />
      {isAdmin ? (
        <div className="form-actions">
          <button type="button" className="primary" onClick={() => void syncNow('clients')}>
            Sync clients now
          </button>
          <button type="button" className="primary" onClick={() => void syncNow('users')}>
            Sync team members now
          </button>
          <button type="button" className="danger" onClick={() => setDisconnecting(true)}>
            Disconnect
          </button>
        </div>
      ) : null}
      {runs.clients ? <RunProgress key={runs.clients} runId={runs.clients} what="Client sync" onFinished={refresh} /> : null}
      {runs.users ? <RunProgress key={runs.users} runId={runs.users} what="Team member sync" onFinished={refresh} /> : null}
      {disconnecting ? <DisconnectDialog onClose={() => setDisconnecting(false)} /> : null}
    </>
  );
}

function DisconnectDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const disconnect = async (): Promise<void> => {
    try {
      await must(api.DELETE('/integrations/intacct'));
      await queryClient.invalidateQueries({ queryKey: ['integration'] });
      onClose();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <Dialog title="Disconnect from Sage Intacct" onClose={onClose}>
      <div className="dialog-body">
        <p>The nightly sync stops. Clients and team members keep their links, and syncing resumes when you connect again.</p>
        <ErrorAlert error={failure} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => void disconnect()}>
            Disconnect
          </button>
        </div>
      </div>
    </Dialog>
  );
}
