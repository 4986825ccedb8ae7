import type { Client } from '#domain/entities';
import type { SyncDeps } from './engine/deps';
import type { ClientInput } from './engine/inputs';

/** Create a client in the PSA by hand: not linked to Intacct until an admin links it (R5). */
export async function createClient(deps: Pick<SyncDeps, 'clients' | 'clock' | 'ids'>, tenantId: string, input: ClientInput): Promise<Client> {
  const now = deps.clock.now().toISOString();
  const client: Client = {
    id: deps.ids.newId(),
    tenantId,
    version: 1,
    createdAt: now,
    updatedAt: now,
    name: input.name.trim(),
    street: input.street ?? '',
    zip: input.zip ?? '',
    city: input.city ?? '',
    country: input.country ?? '',
    countryCode: input.countryCode ?? '',
    notes: input.notes ?? '',
    integrations: {},
  };
  await deps.clients.create(client);
  return client;
}
