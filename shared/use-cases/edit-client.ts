import type { Client } from '#domain/entities';
import { NotFound } from '#domain/errors';
import { CLIENT_MAPPED_FIELDS } from '#domain/field-diff';
import type { SyncDeps } from './engine/deps';
import { editLinkedRecord } from './engine/entity-writes';
import type { ClientInput } from './engine/inputs';

/**
 * Edit a client in the PSA. Mapped fields may be edited, and the next sync puts Intacct's values
 * back (R3): the link of the version each write attempt overwrites is invalidated first. Notes are
 * the PSA's own. A sync racing the edit costs a re-read, never the edit (optimistic versions).
 */
export async function editClient(
  deps: Pick<SyncDeps, 'clients' | 'links' | 'clock'>,
  tenantId: string,
  clientId: string,
  patch: Partial<ClientInput>,
): Promise<Client> {
  const client = await deps.clients.get(tenantId, clientId);
  if (!client) throw new NotFound('client_not_found', 'No such client.');
  const now = deps.clock.now().toISOString();
  const touchesMapped = CLIENT_MAPPED_FIELDS.some((field) => field in patch);
  const result = await editLinkedRecord(
    deps,
    { object: 'customer', store: deps.clients, linkOf: (c) => c.integrations.intacct },
    client,
    touchesMapped,
    (current) => ({
      ...current,
      ...patch,
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      version: current.version + 1,
      updatedAt: now,
    }),
  );
  if (result.kind !== 'written') throw new NotFound('client_not_found', 'No such client.');
  return result.entity;
}
