import { NotFound } from '#domain/errors';
import type { SyncDeps } from './engine/deps';
import { deleteLinkedRecord } from './engine/entity-writes';

/** Delete a team member in the PSA (R6); as `deleteClient`. */
export async function deleteUser(deps: Pick<SyncDeps, 'users' | 'links'>, tenantId: string, userId: string): Promise<void> {
  const user = await deps.users.get(tenantId, userId);
  if (!user) throw new NotFound('user_not_found', 'No such user.');
  const deleted = await deleteLinkedRecord(deps, { object: 'employee', store: deps.users, linkOf: (u) => u.integrations.intacct }, user);
  if (!deleted) throw new NotFound('user_not_found', 'No such user.');
}
