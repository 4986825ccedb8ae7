/**
 * Admin → Integrations: connect to Sage Intacct (with Sage Intacct's own sign-in, OAuth 2.0, or
 * with a Web Services user), disconnect, sync now, and the last syncs.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Api, ApiError, type IntacctConnection, must, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { AdminsOnly } from '../components/AdminsOnly';
import { Dialog } from '../components/Dialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { RunProgress } from '../components/RunProgress';
import { dateTime } from '../format';
import { navigate } from '../router';

/** Where Sage Intacct's sign-in ended, as the API's callback tells it in this page's query. */
type SignInOutcome = { kind: 'connected' } | { kind: 'failed'; code: string };

/** The query parameters of the outcome: `?intacct=connected` or `?intacct_error=<code>`. */
const OUTCOME_PARAMS = ['intacct', 'intacct_error'] as const;

/** The failures the callback reports, in words for the admin; the query's text is never shown as is. */
const SIGN_IN_FAILURES: ReadonlyMap<string, string> = new Map([
  ['oauth_denied', 'The sign-in was declined at Sage Intacct, so nothing changed.'],
  ['oauth_state_invalid', 'This Sage Intacct sign-in is unknown or was already used, so nothing changed. Connect with Sage Intacct again.'],
  ['oauth_state_expired', 'The Sage Intacct sign-in took too long and expired, so nothing changed. Connect with Sage Intacct again.'],
  [
    'company_changed',
    'Clients and team members are linked to another Sage Intacct company, so nothing changed. ' +
      'Connecting this company unlinks them all; they are kept and can be linked again.',
  ],
  ['intacct_auth_failed', 'Sage Intacct did not authorize this service, so nothing changed. Connect with Sage Intacct again.'],
  ['intacct_unavailable', 'Sage Intacct could not be reached, so the connection was not made. Try again in a few minutes.'],
  ['intacct_rate_limited', 'Sage Intacct is limiting requests right now, so the connection was not made. Try again in a few minutes.'],
  ['intacct_timeout', 'Sage Intacct took too long to answer. Check the connection below and connect again if it is not there.'],
  ['intacct_protocol_error', 'Sage Intacct answered in a way this service could not read. Try again; if it keeps happening, contact support.'],
  ['run_in_progress', 'An import or sync was running, so nothing changed. Connect again once it has finished.'],
]);

/** A code as the API writes them; anything else in the query is not repeated on screen. */
const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

function outcomeOf(query: URLSearchParams): SignInOutcome | null {
  const code = query.get('intacct_error');
  if (code !== null) return { kind: 'failed', code };
  return query.get('intacct') === 'connected' ? { kind: 'connected' } : null;
}

function failureSentence(code: string): string {
  const known = SIGN_IN_FAILURES.get(code);
  if (known) return known;
  return ERROR_CODE.test(code)
    ? `Connecting with Sage Intacct did not complete (error ${code}). Try again.`
    : 'Connecting with Sage Intacct did not complete. Try again.';
}

/**
 * Connect with Sage Intacct: asks the API for Sage Intacct's sign-in page (a fresh single-use
 * state) and sends the whole window there; Sage Intacct sends it back to this page.
 */
async function goToIntacctSignIn(api: Api, resetLinks: boolean): Promise<void> {
  const { authorizeUrl } = await must(api.POST('/integrations/intacct/oauth/start', { body: resetLinks ? { resetLinks: true } : {} }));
  const url = new URL(authorizeUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Not a web address: ${url.protocol}`);
  window.location.assign(url.href);
}

/** Back from Sage Intacct's page can bring this page out of the browser's cache as it left it, busy: `setBusy(false)` then. */
function useIdleWhenRestored(setBusy: (busy: boolean) => void): void {
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent): void => {
      if (event.persisted) setBusy(false);
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, [setBusy]);
}

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
  const queryClient = useQueryClient();
  const connection = useQuery({ queryKey: ['integration'], queryFn: () => must(api.GET('/integrations/intacct')) });
  const [outcome, setOutcome] = useState<SignInOutcome | null>(null);

  // Back from Sage Intacct's sign-in: the outcome is read once (after the first render, so the live
  // regions below announce it) and taken out of the URL, so that a reload does not repeat it.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!OUTCOME_PARAMS.some((name) => url.searchParams.has(name))) return;
    setOutcome(outcomeOf(url.searchParams));
    for (const name of OUTCOME_PARAMS) url.searchParams.delete(name);
    navigate(`${url.pathname}${url.search}${url.hash}`, { replace: true });
    void queryClient.invalidateQueries({ queryKey: ['integration'] });
  }, [queryClient]);
  const changed = (): void => setOutcome(null);

  return (
    <section className="panel" aria-labelledby="intacct-heading">
      <h2 id="intacct-heading">Sage Intacct</h2>
      <div role="status">{outcome?.kind === 'connected' ? <p className="status-ok">Connected to Sage Intacct.</p> : null}</div>
      {outcome?.kind === 'failed' ? <SignInFailure code={outcome.code} /> : null}
      <ErrorAlert error={connection.error} />
      {connection.isPending ? <p>Loading…</p> : null}
      {connection.data ? (
        connection.data.connected ? (
          <Connected connection={connection.data} onDisconnected={changed} />
        ) : (
          <ConnectForm onConnected={changed} />
        )
      ) : null}
    </section>
  );
}

/** Why Sage Intacct's sign-in did not connect; for another company, the way to connect it anyway. */
function SignInFailure({ code }: { code: string }) {
  const api = useApi();
  const [failure, setFailure] = useState<unknown>(null);
  const [leaving, setLeaving] = useState(false);
  useIdleWhenRestored(setLeaving);
  const connectAndUnlink = async (): Promise<void> => {
    setFailure(null);
    setLeaving(true);
    try {
      await goToIntacctSignIn(api, true);
    } catch (error) {
      setFailure(error);
      setLeaving(false);
    }
  };
  return (
    <>
      <p role="alert" className="alert">
        {failureSentence(code)}
      </p>
      {code === 'company_changed' ? (
        <>
          <ErrorAlert error={failure} />
          <div className="form-actions">
            <button type="button" className="danger" disabled={leaving} onClick={() => void connectAndUnlink()}>
              Connect with Sage Intacct and unlink all
            </button>
          </div>
        </>
      ) : null}
    </>
  );
}

function ConnectForm({ onConnected }: { onConnected: () => void }) {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ companyId: '', userId: '', password: '', entityId: '' });
  const [failure, setFailure] = useState<unknown>(null);
  const [connecting, setConnecting] = useState(false);
  const [companyChanged, setCompanyChanged] = useState(false);
  useIdleWhenRestored(setConnecting);
  if (!isAdmin) return <p>Not connected. An admin can connect this workspace to Sage Intacct.</p>;

  const connectWithIntacct = async (): Promise<void> => {
    setFailure(null);
    setCompanyChanged(false);
    setConnecting(true);
    try {
      await goToIntacctSignIn(api, false);
      // Stays busy: the window is on its way to Sage Intacct.
    } catch (error) {
      setFailure(error);
      setConnecting(false);
    }
  };
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
      onConnected();
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
      <p className="hint">
        Connect with Sage Intacct to sign in on Sage Intacct&apos;s own page, or enter the Web Services user of your Intacct company and Connect
        (read-only access to Customers, Employees and Departments is enough).
      </p>
      {field('companyId', 'Company ID')}
      {field('userId', 'User ID')}
      {field('password', 'Password', 'password', 'new-password')}
      {field('entityId', 'Entity ID (optional)')}
      <ErrorAlert error={failure} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={connecting}>
          Connect
        </button>
        <button type="button" disabled={connecting} onClick={() => void connectWithIntacct()}>
          Connect with Sage Intacct
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

function Connected({ connection, onDisconnected }: { connection: IntacctConnection; onDisconnected: () => void }) {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [runs, setRuns] = useState<{ clients?: string; users?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [disconnecting, setDisconnecting] = useState(false);
  const [leaving, setLeaving] = useState(false);
  useIdleWhenRestored(setLeaving);

  /** From a Web Services user to Sage Intacct's own sign-in: same company, every link kept (the same record keys). */
  const switchToSignIn = async (): Promise<void> => {
    setFailure(null);
    setLeaving(true);
    try {
      await goToIntacctSignIn(api, false);
    } catch (error) {
      setFailure(error);
      setLeaving(false);
    }
  };

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
          <dt>Connected with</dt>
          <dd>{connection.gateway === 'rest' ? 'Sage Intacct (OAuth)' : 'A Web Services user'}</dd>
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
          {connection.gateway === 'xml' ? (
            <button type="button" disabled={leaving} onClick={() => void switchToSignIn()}>
              Switch to Sage Intacct sign-in
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => setDisconnecting(true)}>
            Disconnect
          </button>
        </div>
      ) : null}
      {runs.clients ? <RunProgress key={runs.clients} runId={runs.clients} what="Client sync" onFinished={refresh} /> : null}
      {runs.users ? <RunProgress key={runs.users} runId={runs.users} what="Team member sync" onFinished={refresh} /> : null}
      {disconnecting ? <DisconnectDialog onClose={() => setDisconnecting(false)} onDisconnected={onDisconnected} /> : null}
    </>
  );
}

function DisconnectDialog({ onClose, onDisconnected }: { onClose: () => void; onDisconnected: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const disconnect = async (): Promise<void> => {
    try {
      await must(api.DELETE('/integrations/intacct'));
      onDisconnected();
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
