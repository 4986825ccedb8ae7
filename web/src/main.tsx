/** Starts the console: its configuration first, then the session, the API client and the pages. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, StrictMode, useEffect, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiContext, ApiError, createApi } from './api/client';
import { SessionProvider, useSession } from './auth/session';
import { ConfigContext, type ConsoleConfig, loadConfig, useConfig } from './config';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused request is answered again the same way; only a network failure is worth a retry.
      retry: (failures, error) => failures < 2 && error instanceof ApiError && error.status === 0,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

function ApiProvider({ children }: { children: ReactNode }) {
  const config = useConfig();
  const session = useSession();
  const token = session.user?.token ?? null;
  const api = useMemo(() => createApi(config.apiUrl, () => token, session.expired), [config.apiUrl, token, session.expired]);
  // Another user (or none) must never see what the last one loaded: the cache is cleared whenever the
  // signed-in token changes, which is why `token` is the dependency although the effect does not read it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of the signed-in user
  useEffect(() => () => queryClient.clear(), [token]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

function Console({ config }: { config: ConsoleConfig }) {
  return (
    <ConfigContext.Provider value={config}>
      <SessionProvider>
        <QueryClientProvider client={queryClient}>
          <ApiProvider>
            <App />
          </ApiProvider>
        </QueryClientProvider>
      </SessionProvider>
    </ConfigContext.Provider>
  );
}

const root = createRoot(document.getElementById('root')!);
loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <Console config={config} />
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <main className="sign-in">
        <h1>The console cannot start</h1>
        <p role="alert" className="alert">
          {error instanceof Error ? error.message : 'Its configuration could not be read.'}
        </p>
      </main>,
    ),
);
