import type { Client } from '../domain/entities';
import { NotFound } from '../domain/errors';
import { CLIENT_MAPPED_FIELDS } from '../domain/field-diff';
import type { SyncDeps } from './deps';
import { writeWithVersionCheck } from './entity-writes';
import type { ClientInput } from './create-client';

/**
 * Edit a client in the PSA. Mapped fields may be edited, and the next sync puts Intacct's
 * values back (R3); notes are the PSA's own. A sync racing the edit costs a re-read, never
 * the edit (optimistic versions).
 */
export async function editClient(
  deps: Pick<SyncDeps, 'clients' | 'links' | 'clock'>,
  tenantId: string,
  clientId: string,
  patch: Partial<ClientInput>,
): Promise<Client> {
  const client = await deps.clients.get(tenantId, clientId);
  if (!client) throw new NotFound('client_not_found', 'No such client.');
  const link = client.integrations.intacct;
  if (link && CLIENT_MAPPED_FIELDS.some((field) => field in patch)) {
    // First, so that even if the edit below is the last thing this process does, the next sync
    // looks at this client again and puts Intacct's values back (R3).
    await deps.links.invalidateFingerprint(tenantId, 'customer', link.recordNo, clientId);
  }
  const now = deps.clock.now().toISOString();
  const result = await writeWithVersionCheck(
    deps.clients,
    client,
    (current) => ({
      next: { ...current, ...patch, ...(patch.name !== undefined ? { name: patch.name.trim() } : {}), version: current.version + 1, updatedAt: now },
      changes: [],
    }),
    false,
  );
  if (result.kind !== 'written') throw new NotFound('client_not_found', 'No such client.');
  return result.entity;
}
