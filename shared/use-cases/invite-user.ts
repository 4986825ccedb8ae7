import type { User } from '#domain/entities';
import { NotFound, PreconditionFailed } from '#domain/errors';
import { domainEvent } from '#domain/events';
import type { SyncDeps } from './engine/deps';
import { writeWithVersionCheck } from './engine/entity-writes';

/**
 * Invite a team member (R9):
 * 1. The user must have an email, which only an admin adds in the PSA (422 `email_required`).
 * 2. Mark the user invited and publish UserInvited (the PSA sends the invitation).
 */
export async function inviteUser(deps: Pick<SyncDeps, 'users' | 'events' | 'clock'>, tenantId: string, userId: string): Promise<User> {
  const user = await deps.users.get(tenantId, userId);
  if (!user) throw new NotFound('user_not_found', 'No such user.');
  if (user.email.trim() === '') {
    throw new PreconditionFailed('email_required', 'Add an email address to this team member before inviting them.');
  }
  const now = deps.clock.now().toISOString();
  const result = await writeWithVersionCheck(
    deps.users,
    user,
    (current) =>
      current.email.trim() === ''
        ? null
        : { next: { ...current, invitationStatus: 'invited' as const, version: current.version + 1, updatedAt: now }, changes: [] },
    false,
  );
  if (result.kind === 'gone') throw new NotFound('user_not_found', 'No such user.');
  if (result.kind === 'refused') {
    throw new PreconditionFailed('email_required', 'Add an email address to this team member before inviting them.');
  }
  await deps.events.publish([domainEvent('UserInvited', { tenantId, userId }, [userId, result.entity.version])]);
  return result.entity;
}
