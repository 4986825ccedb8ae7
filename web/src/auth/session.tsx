/**
 * Who is signed in. Locally, the sign-in page offers the runtime's demo users and the chosen
 * token is kept for the tab (sessionStorage); in the cloud, OIDC authorization code with PKCE
 * (oidc-client-ts) against the configured issuer, its tokens kept for the tab as well.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { DemoUser, OidcSignIn } from '#http/console-config';
import { useConfig } from '../config';
import { navigate } from '../router';
import { type SignedInUser, userFromToken } from './claims';

export const CALLBACK_PATH = '/callback';
const LOCAL_TOKEN_KEY = 'console.localToken';

interface Session {
  user: SignedInUser | null;
  /** Set while an OIDC sign-in is being completed. */
  pending: boolean;
  /** A sign-in that failed, in words. */
  error: string | null;
  signInAs(user: DemoUser): void;
  signInWithOidc(): Promise<void>;
  signOut(): Promise<void>;
  /** The API said the token is no longer good. */
  expired(): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Whether the signed-in user may change things (import, edit, link, connect, sync). */
export function useIsAdmin(): boolean {
  return useSession().user?.permissionProfile === 'admin';
}

function oidcManager(settings: OidcSignIn): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: settings.authority,
    client_id: settings.clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: settings.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
  });
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const config = useConfig();
  const oidc = config.signIn.kind === 'oidc' ? config.signIn : null;
  const manager = useMemo(() => (oidc ? oidcManager(oidc) : null), [oidc]);
  const [user, setUser] = useState<SignedInUser | null>(() => {
    if (config.signIn.kind !== 'local') return null;
    const token = window.sessionStorage.getItem(LOCAL_TOKEN_KEY);
    return token ? userFromToken(token) : null;
  });
  const [pending, setPending] = useState(oidc !== null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!manager || !oidc) return;
    let cancelled = false;
    const bearerOf = (signedIn: { id_token?: string; access_token: string }) =>
      oidc.bearer === 'id_token' ? signedIn.id_token : signedIn.access_token;
    const finish = async (): Promise<void> => {
      try {
        const signedIn = window.location.pathname === CALLBACK_PATH ? await manager.signinRedirectCallback() : await manager.getUser();
        if (window.location.pathname === CALLBACK_PATH) navigate('/clients', { replace: true });
        const token = signedIn && !signedIn.expired ? bearerOf(signedIn) : undefined;
        const next = token ? userFromToken(token) : null;
        if (!cancelled) {
          setUser(next);
          if (signedIn && !next) setError('Your account is not set up for this console: its token carries no workspace or permission profile.');
        }
      } catch {
        if (!cancelled) setError('Signing in did not complete. Try again.');
      } finally {
        if (!cancelled) setPending(false);
      }
    };
    void finish();
    return () => {
      cancelled = true;
    };
  }, [manager, oidc]);

  const signInAs = useCallback((demo: DemoUser) => {
    window.sessionStorage.setItem(LOCAL_TOKEN_KEY, demo.token);
    setError(null);
    setUser(userFromToken(demo.token, `${demo.tenantId} ${demo.profile}`));
    navigate('/clients');
  }, []);

  const signInWithOidc = useCallback(async () => {
    if (!manager) return;
    setError(null);
    await manager.signinRedirect();
  }, [manager]);

  const signOut = useCallback(async () => {
    window.sessionStorage.removeItem(LOCAL_TOKEN_KEY);
    setUser(null);
    navigate('/', { replace: true });
    if (manager && oidc) {
      await manager.removeUser();
      if (oidc.logoutUrl) {
        const logout = new URL(oidc.logoutUrl);
        logout.searchParams.set('client_id', oidc.clientId);
        logout.searchParams.set('logout_uri', `${window.location.origin}/`);
        window.location.assign(logout.toString());
      }
    }
  }, [manager, oidc]);

  const expired = useCallback(() => {
    window.sessionStorage.removeItem(LOCAL_TOKEN_KEY);
    setUser(null);
    setError('Your session has ended. Sign in again.');
    void manager?.removeUser();
  }, [manager]);

  const session = useMemo<Session>(
    () => ({ user, pending, error, signInAs, signInWithOidc, signOut, expired }),
    [user, pending, error, signInAs, signInWithOidc, signOut, expired],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
