import { NotFound } from '../domain/errors';
import type { SyncDeps } from './deps';

/**
 * Delete a client in the PSA (R6): Intacct is not touched; the customer shows as not imported
 * again and can be re-imported as a new client. The client goes first, then its link: a crash
 * in between leaves a dangling link that every reader ignores and the next run removes.
 */
export async function deleteClient(deps: Pick<SyncDeps, 'clients' | 'links'>, tenantId: string, clientId: string): Promise<void> {
  const client = await deps.clients.get(tenantId, clientId);
  if (!client) throw new NotFound('client_not_found', 'No such client.');
  const link = client.integrations.intacct;
  // The link is marked first so a sync never trusts it once the record may be gone.
  if (link) await deps.links.invalidateFingerprint(tenantId, 'customer', link.recordNo, clientId);
  await deps.clients.delete(tenantId, clientId);
  if (link) await deps.links.deleteIfPointsTo(tenantId, 'customer', link.recordNo, clientId);
}
