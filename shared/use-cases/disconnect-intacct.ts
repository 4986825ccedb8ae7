import { PreconditionFailed } from '#domain/errors';
import type { SyncDeps } from './engine/deps';

/**
 * Disconnect a tenant from Intacct: the nightly sync stops (it only visits connected tenants),
 * the stored password is deleted, and every link and PSA record is kept for a later reconnect.
 * The password goes first: if deleting it fails, the connection stays and disconnecting again
 * finishes the job, so no password is ever left behind without a connection that names it.
 */
export async function disconnectIntacct(deps: Pick<SyncDeps, 'secrets' | 'connections'>, tenantId: string): Promise<void> {
  const connection = await deps.connections.get(tenantId);
  if (!connection) throw new PreconditionFailed('not_connected', 'This workspace is not connected to Sage Intacct.');
  await deps.secrets.delete(connection.secretRef);
  await deps.connections.delete(tenantId);
}
