/** Sign-in: the local runtime's demo users, or the organisation's sign-in (OIDC). */

import { useSession } from '../auth/session';
import { PageHeading } from '../components/PageHeading';
import { useConfig } from '../config';

export function SignInPage() {
  const config = useConfig();
  const session = useSession();
  return (
    <main className="sign-in">
      <PageHeading>Sign in</PageHeading>
      {session.error ? (
        <p role="alert" className="alert">
          {session.error}
        </p>
      ) : null}
      {config.signIn.kind === 'local' ? (
        <>
          <p>This is the local runtime: choose a demo user.</p>
          <ul className="plain sign-in-users">
            {config.signIn.users.map((user) => (
              <li key={`${user.tenantId}:${user.profile}`}>
                <button type="button" onClick={() => session.signInAs(user)}>
                  {`Sign in as ${user.tenantId} ${user.profile}`}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : session.pending ? (
        <p>Signing in…</p>
      ) : (
        <button type="button" className="primary" onClick={() => void session.signInWithOidc().catch(() => undefined)}>
          Sign in
        </button>
      )}
    </main>
  );
}
