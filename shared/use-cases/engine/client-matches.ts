import type { Client } from '#domain/entities';
import type { SyncDeps } from './deps';

/** The oldest PSA client with this name that is not linked to Intacct, if any (`linkMatches`). */
export async function findUnlinkedClientNamed(deps: Pick<SyncDeps, 'clients'>, tenantId: string, name: string): Promise<Client | null> {
  const candidates = await deps.clients.findByName(tenantId, name);
  const unlinked = candidates
    .filter((client) => client.integrations.intacct?.status !== 'linked')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return unlinked[0] ?? null;
}
