import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { connectIntacct } from '#use-cases/connect-intacct';
import { disconnectIntacct } from '#use-cases/disconnect-intacct';
import { finishIntacctOAuth } from '#use-cases/finish-intacct-oauth';
import { startIntacctOAuth } from '#use-cases/start-intacct-oauth';
import { mapError } from '../error-mapping';
import { apiDeadline } from '../intacct-deadline';
import { HTTP_NO_CONTENT } from '../json-result';
import { presentConnection } from '../presenters';
import { INTACCT_OAUTH_CALLBACK_PATH } from '../public-routes';
import { defineRoute, type RouteAnswer } from '../route';
import { ConnectIntacctBody, IntacctConnection, IntacctOAuthCallbackQuery, IntacctOAuthStarted, StartIntacctOAuthBody } from '../schemas';

/** Where the console shows the connection; the callback sends a browser back there. */
const CONSOLE_INTEGRATIONS_PATH = '/integrations';
const HTTP_SEE_OTHER = 303;

/** A browser navigating (Sage Intacct's redirect) asks for HTML; a script calling the API does not. */
const isBrowserNavigation = (event: APIGatewayProxyEventV2): boolean => (event.headers?.accept ?? '').includes('text/html');

/** 303 to the console's Integrations page with `outcome` in its query (codes only: the console words them). */
function backToConsole(consoleUrl: string, outcome: Record<string, string>): RouteAnswer {
  const url = new URL(CONSOLE_INTEGRATIONS_PATH, `${consoleUrl}/`);
  for (const [name, value] of Object.entries(outcome)) url.searchParams.set(name, value);
  return { status: HTTP_SEE_OTHER, headers: { location: url.toString() } };
}

/** The tenant's Intacct connection. */
export const integrationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/integrations/intacct',
    access: 'admin',
    summary: 'Connection status (never the password)',
    success: { status: 200, description: 'The connection status', schema: IntacctConnection },
    handle: async ({ deps, tenantId }) => ({ status: 200, body: presentConnection(await deps.connections.get(tenantId)) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/integrations/intacct',
    access: 'admin',
    summary: 'Connect to an Intacct company; the credentials are checked with Intacct first',
    body: ConnectIntacctBody,
    success: { status: 200, description: 'Connected', schema: IntacctConnection },
    errors: [409, 422, 429, 502, 504],
    handle: async ({ deps, tenantId, body }) => {
      const { connection } = await connectIntacct(deps, tenantId, body, apiDeadline());
      return { status: 200, body: presentConnection(connection) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/integrations/intacct/oauth/start',
    access: 'admin',
    summary: 'Connect with Sage Intacct (OAuth 2.0): answers the authorize URL to send the admin to',
    body: StartIntacctOAuthBody,
    bodyOptional: true,
    success: { status: 200, description: "Sage Intacct's sign-in page, with a fresh single-use state", schema: IntacctOAuthStarted },
    errors: [422],
    handle: async ({ deps, tenantId, body }) => ({ status: 200, body: await startIntacctOAuth(deps, tenantId, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: INTACCT_OAUTH_CALLBACK_PATH,
    access: 'public',
    summary:
      "Sage Intacct's redirect after Connect with Sage Intacct: checks and uses up the state, exchanges the code, connects the state's tenant. " +
      'A browser is sent on to the console (303, `?intacct=connected` or `?intacct_error=<code>`); any other caller gets JSON.',
    query: IntacctOAuthCallbackQuery,
    success: { status: 200, description: 'Connected through the REST API', schema: IntacctConnection },
    errors: [409, 422, 502, 504],
    handle: async ({ deps, logger, consoleUrl, query, event }) => {
      const browser = consoleUrl !== null && isBrowserNavigation(event);
      try {
        const { connection } = await finishIntacctOAuth(deps, query, apiDeadline());
        logger.info('Connected with Sage Intacct', { tenantId: connection.tenantId, companyId: connection.companyId, gateway: connection.gateway });
        return browser ? backToConsole(consoleUrl, { intacct: 'connected' }) : { status: 200, body: presentConnection(connection) };
      } catch (error) {
        const mapped = mapError(error);
        if (!browser || mapped.unexpected) throw error;
        logger.warn('Connect with Sage Intacct failed', { code: mapped.body.error.code, reason: mapped.body.error.message });
        return backToConsole(consoleUrl, { intacct_error: mapped.body.error.code });
      }
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/integrations/intacct',
    access: 'admin',
    summary: 'Disconnect: the daily sync stops, every link is kept',
    success: { status: HTTP_NO_CONTENT, description: 'Disconnected' },
    errors: [404],
    handle: async ({ deps, tenantId }) => {
      await disconnectIntacct(deps, tenantId);
      return { status: HTTP_NO_CONTENT };
    },
  }),
];
