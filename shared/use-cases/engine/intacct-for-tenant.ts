import { PreconditionFailed } from '#domain/errors';
import type { IntacctSource } from '#ports/intacct-source';
import type { SyncDeps } from './deps';

/**
 * The Intacct company a tenant connected, through the gateway it connected with: the XML gateway
 * signed in with the password from the secret store, or the REST API with its OAuth grant. Throws
 * PreconditionFailed `not_connected` when the tenant has no connection.
 */
export async function intacctForTenant(deps: Pick<SyncDeps, 'connections' | 'secrets' | 'intacct'>, tenantId: string): Promise<IntacctSource> {
  const connection = await deps.connections.get(tenantId);
  if (!connection) {
    throw new PreconditionFailed('not_connected', 'This workspace is not connected to Sage Intacct.');
  }
  const entity = connection.entityId ? { entityId: connection.entityId } : {};
  if (connection.gateway === 'rest') {
    if (!deps.intacct.forGrant) {
      throw new PreconditionFailed(
        'oauth_not_configured',
        'This service has no Sage Intacct OAuth client configured; connect with a Web Services user instead.',
      );
    }
    // The grant is read (and refreshed) by the source's token provider on its first request.
    return deps.intacct.forGrant({ tenantId, companyId: connection.companyId, ...entity });
  }
  const userPassword = await deps.secrets.get(connection.secretRef);
  if (userPassword === null) {
    throw new PreconditionFailed('not_connected', 'The Sage Intacct connection is incomplete; connect again with the Intacct password.');
  }
  return deps.intacct.forLogin({
    companyId: connection.companyId,
    userId: connection.userId,
    userPassword,
    ...entity,
  });
}
