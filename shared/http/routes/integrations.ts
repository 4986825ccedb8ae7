import { connectIntacct } from '#use-cases/connect-intacct';
import { disconnectIntacct } from '#use-cases/disconnect-intacct';
import { apiDeadline } from '../intacct-deadline';
import { HTTP_NO_CONTENT } from '../json-result';
import { presentConnection } from '../presenters';
import { defineRoute } from '../route';
import { ConnectIntacctBody, IntacctConnection } from '../schemas';

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
