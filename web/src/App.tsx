/** The signed-in shell (header, Admin menu, Sign out) and the route table. */
import { useEffect } from 'react';
import { CALLBACK_PATH, useSession } from './auth/session';
import { AdminMenu } from './components/AdminMenu';
import { PageHeading } from './components/PageHeading';
import { ClientProfilePage } from './pages/ClientProfilePage';
import { ClientsPage } from './pages/ClientsPage';
import { IntegrationsPage } from './pages/IntegrationsPage';
import { ResourcesPage } from './pages/ResourcesPage';
import { RunPage } from './pages/RunPage';
import { SignInPage } from './pages/SignInPage';
import { SyncHistoryPage } from './pages/SyncHistoryPage';
import { UserProfilePage } from './pages/UserProfilePage';
import { Link, matchPath, navigate, useLocation } from './router';

function Page({ path }: { path: string }) {
  const client = matchPath('/clients/:id', path);
  if (client) return <ClientProfilePage key={client.id} clientId={client.id!} />;
  const user = matchPath('/users/:id', path);
  if (user) return <UserProfilePage key={user.id} userId={user.id!} />;
  const run = matchPath('/sync-runs/:id', path);
  if (run) return <RunPage key={run.id} runId={run.id!} />;
  switch (path.replace(/\/+$/, '') || '/') {
    case '/clients':
      return <ClientsPage />;
    case '/resources':
      return <ResourcesPage />;
    case '/integrations':
      return <IntegrationsPage />;
    case '/sync-runs':
      return <SyncHistoryPage />;
    default:
      return (
        <>
          <PageHeading>Page not found</PageHeading>
          <p>
            There is no page here. <Link to="/clients">Go to Clients</Link>.
          </p>
        </>
      );
  }
}

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const signedIn = session.user !== null;

  useEffect(() => {
    if (signedIn && (path === '/' || path === CALLBACK_PATH)) navigate('/clients', { replace: true });
  }, [signedIn, path]);

  if (!session.user) return <SignInPage />;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="app-name">PSA · Sage Intacct sync</span>
        <nav aria-label="Main">
          <AdminMenu />
        </nav>
        <span className="signed-in-as">{session.user.label}</span>
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}
