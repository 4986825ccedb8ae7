import { NotFound } from '../domain/errors';
import type { SyncDeps } from './deps';

/** Delete a team member in the PSA (R6); as `deleteClient`: the user first, then the link. */
export async function deleteUser(deps: Pick<SyncDeps, 'users' | 'links'>, tenantId: string, userId: string): Promise<void> {
  const user = await deps.users.get(tenantId, userId);
  if (!user) throw new NotFound('user_not_found', 'No such user.');
  const link = user.integrations.intacct;
  // The link is marked first so a sync never trusts it once the record may be gone.
  if (link) await deps.links.invalidateFingerprint(tenantId, 'employee', link.recordNo, userId);
  await deps.users.delete(tenantId, userId);
  if (link) await deps.links.deleteIfPointsTo(tenantId, 'employee', link.recordNo, userId);
}
