import { PreconditionFailed } from '#domain/errors';
import type { SyncDeps } from './engine/deps';
import { retireGrant } from './engine/oauth-grants';

/**
 * Disconnect a tenant from Intacct: the nightly sync stops (it only visits connected tenants),
 * the stored password or OAuth grant is deleted (a grant revoked at Intacct first, best effort),
 * and every link and PSA record is kept for a later reconnect. The secret goes first: if deleting
 * it fails, the connection stays and disconnecting again finishes the job, so no secret is ever
 * left behind without a connection that names it.
 */
export async function disconnectIntacct(deps: Pick<SyncDeps, 'secrets' | 'connections' | 'intacctAuthorization'>, tenantId: string): Promise<void> {
  const connection = await deps.connections.get(tenantId);
  if (!connection) throw new PreconditionFailed('not_connected', 'This workspace is not connected to Sage Intacct.');
  await retireGrant(deps, connection);
  await deps.secrets.delete(connection.secretRef);
  await deps.connections.delete(tenantId);
}
