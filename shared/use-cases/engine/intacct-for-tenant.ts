import { PreconditionFailed } from '#domain/errors';
import type { IntacctSource } from '#ports/intacct-source';
import type { SyncDeps } from './deps';

/**
 * The Intacct company a tenant connected, signed in with the password from the secret store.
 * Throws PreconditionFailed `not_connected` when the tenant has no connection.
 */
export async function intacctForTenant(deps: Pick<SyncDeps, 'connections' | 'secrets' | 'intacct'>, tenantId: string): Promise<IntacctSource> {
  const connection = await deps.connections.get(tenantId);
  if (!connection) {
    throw new PreconditionFailed('not_connected', 'This workspace is not connected to Sage Intacct.');
  }
  const userPassword = await deps.secrets.get(connection.secretRef);
  if (userPassword === null) {
    throw new PreconditionFailed('not_connected', 'The Sage Intacct connection is incomplete; connect again with the Intacct password.');
  }
  return deps.intacct.forLogin({
    companyId: connection.companyId,
    userId: connection.userId,
    userPassword,
    ...(connection.entityId ? { entityId: connection.entityId } : {}),
  });
}
