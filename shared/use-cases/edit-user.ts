import type { PermissionProfile, User } from '#domain/entities';
import { InvalidInput, NotFound } from '#domain/errors';
import { USER_MAPPED_FIELDS } from '#domain/field-diff';
import type { SyncDeps } from './engine/deps';
import { editLinkedRecord } from './engine/entity-writes';

export interface UserPatch {
  firstName?: string;
  lastName?: string;
  email?: string;
  jobTitle?: string;
  startDate?: string | null;
  permissionProfile?: PermissionProfile;
  departmentId?: string | null;
  notes?: string;
}

/** Fields of a user a sync may write back: the mapped ones, and the department under assignment. */
const SYNCED_USER_FIELDS: readonly string[] = [...USER_MAPPED_FIELDS, 'departmentId'];

/**
 * Edit a team member in the PSA: email (needed to invite, R9), permission profile, notes, and
 * mapped fields (which the next sync puts back, R3). A department must exist in this tenant.
 */
export async function editUser(
  deps: Pick<SyncDeps, 'users' | 'departments' | 'links' | 'clock'>,
  tenantId: string,
  userId: string,
  patch: UserPatch,
): Promise<User> {
  const user = await deps.users.get(tenantId, userId);
  if (!user) throw new NotFound('user_not_found', 'No such user.');
  if (patch.departmentId && !(await deps.departments.get(tenantId, patch.departmentId))) {
    throw new InvalidInput('invalid_request', 'The department does not exist.', [
      { field: 'departmentId', message: 'no such department in this workspace' },
    ]);
  }
  const now = deps.clock.now().toISOString();
  // The link of the version each attempt overwrites is invalidated first, so the next sync looks at
  // this user again however the edit interleaves with a sync or a link (R3).
  const touchesSynced = SYNCED_USER_FIELDS.some((field) => field in patch);
  const result = await editLinkedRecord(
    deps,
    { object: 'employee', store: deps.users, linkOf: (u) => u.integrations.intacct },
    user,
    touchesSynced,
    (current) => ({
      ...current,
      ...patch,
      version: current.version + 1,
      updatedAt: now,
    }),
  );
  if (result.kind !== 'written') throw new NotFound('user_not_found', 'No such user.');
  return result.entity;
}
