import { PreconditionFailed } from '../domain/errors';
import type { SyncDeps } from './engine/deps';

/**
 * Disconnect a tenant from Intacct: the nightly sync stops (it only visits connected tenants),
 * the stored password is deleted, and every link and PSA record is kept for a later reconnect.
 */
export async function disconnectIntacct(deps: Pick<SyncDeps, 'secrets' | 'connections'>, tenantId: string): Promise<void> {
  const connection = await deps.connections.get(tenantId);
  if (!connection) throw new PreconditionFailed('not_connected', 'This workspace is not connected to Sage Intacct.');
  await deps.connections.delete(tenantId);
  await deps.secrets.delete(connection.secretRef);
}
