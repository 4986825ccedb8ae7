import { NotFound } from '#domain/errors';
import type { SyncDeps } from './engine/deps';
import { deleteLinkedRecord } from './engine/entity-writes';

/**
 * Delete a client in the PSA (R6): Intacct is not touched; the customer shows as not imported
 * again and can be re-imported as a new client. The link is marked first, the client deleted at the
 * version read, then the link removed: a crash in between leaves a dangling link that every reader
 * ignores and the next run removes.
 */
export async function deleteClient(deps: Pick<SyncDeps, 'clients' | 'links'>, tenantId: string, clientId: string): Promise<void> {
  const client = await deps.clients.get(tenantId, clientId);
  if (!client) throw new NotFound('client_not_found', 'No such client.');
  const deleted = await deleteLinkedRecord(deps, { object: 'customer', store: deps.clients, linkOf: (c) => c.integrations.intacct }, client);
  if (!deleted) throw new NotFound('client_not_found', 'No such client.');
}
