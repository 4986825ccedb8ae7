import { NotFound } from '../domain/errors';
import type { SyncDeps } from './deps';

/** Delete a team member in the PSA (R6); as `deleteClient`: the user first, then the link. */
export async function deleteUser(deps: Pick<SyncDeps, 'users' | 'links'>, tenantId: string, userId: string): Promise<void> {
  const user = await deps.users.get(tenantId, userId);
  if (!user) throw new NotFound('user_not_found', 'No such user.');
  await deps.users.delete(tenantId, userId);
  const link = user.integrations.intacct;
  if (link) await deps.links.deleteIfPointsTo(tenantId, 'employee', link.recordNo, userId);
}
