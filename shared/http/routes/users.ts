import type { Department, User } from '#domain/entities';
import { NotFound } from '#domain/errors';
import { browseIntacctEmployees } from '#use-cases/browse-intacct-employees';
import { deleteUser } from '#use-cases/delete-user';
import { editUser } from '#use-cases/edit-user';
import type { SyncDeps } from '#use-cases/engine/deps';
import { queueUserImport } from '#use-cases/import-users';
import { inviteUser } from '#use-cases/invite-user';
import { linkUser } from '#use-cases/link-by-hand';
import { queueSync } from '#use-cases/sync-tenant';
import { apiDeadline } from '../intacct-deadline';
import { HTTP_NO_CONTENT } from '../json-result';
import { presentUser } from '../presenters';
import { defineRoute } from '../route';
import {
  BrowseQuery,
  EditUserBody,
  EmployeeChoice,
  IdParams,
  LinkUserBody,
  PageQuery,
  pageOf,
  RunAccepted,
  SyncBody,
  UserImportBody,
  User as UserSchema,
} from '../schemas';
import { accepted } from './launch';

const userNotFound = () => new NotFound('user_not_found', 'No such user.');

/** Users as the API shows them: with their department's name and the family's last sync. */
async function presentUsers(deps: SyncDeps, tenantId: string, users: User[]) {
  const departmentIds = [...new Set(users.flatMap((user) => (user.departmentId ? [user.departmentId] : [])))];
  const [departments, connection] = await Promise.all([
    departmentIds.length > 0 ? deps.departments.getMany(tenantId, departmentIds) : new Map<string, Department>(),
    deps.connections.get(tenantId),
  ]);
  return users.map((user) => presentUser(user, departments, connection));
}

async function presentOne(deps: SyncDeps, tenantId: string, user: User) {
  const [presented] = await presentUsers(deps, tenantId, [user]);
  return presented;
}

/** Users (team members): the import dialog, imports, sync now, PSA-side edits and invitations. */
export const userRoutes = [
  defineRoute({
    method: 'GET',
    path: '/intacct/employees',
    access: 'admin',
    summary: 'Intacct employees for the import dialog, with their import state',
    query: BrowseQuery,
    success: { status: 200, description: 'A page of employees', schema: pageOf(EmployeeChoice) },
    errors: [422, 502, 504],
    handle: async ({ deps, tenantId, query }) => ({ status: 200, body: await browseIntacctEmployees(deps, tenantId, query, apiDeadline()) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/users/import',
    access: 'admin',
    summary: 'Import a selection of employees as users with one permission profile',
    body: UserImportBody,
    success: { status: 202, description: 'Import queued', schema: RunAccepted },
    errors: [409, 422],
    handle: async (request) => {
      return accepted(request, await queueUserImport(request.deps, request.tenantId, request.body, 'api'));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/users/sync',
    access: 'admin',
    summary: 'Sync linked users (and their departments) now',
    body: SyncBody,
    bodyOptional: true,
    success: { status: 202, description: 'Sync queued', schema: RunAccepted },
    errors: [409, 422],
    handle: async (request) => {
      return accepted(
        request,
        await queueSync(request.deps, request.tenantId, 'user_sync', { dryRun: request.body.dryRun ?? false, trigger: 'api' }),
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/users',
    access: 'member',
    summary: 'List users',
    query: PageQuery,
    success: { status: 200, description: 'A page of users', schema: pageOf(UserSchema) },
    handle: async ({ deps, tenantId, query }) => {
      const page = await deps.users.list(tenantId, query);
      return { status: 200, body: { items: await presentUsers(deps, tenantId, page.items), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/users/{id}',
    access: 'member',
    summary: 'One user',
    params: IdParams,
    success: { status: 200, description: 'The user', schema: UserSchema },
    handle: async ({ deps, tenantId, params }) => {
      const user = await deps.users.get(tenantId, params.id);
      if (!user) throw userNotFound();
      return { status: 200, body: await presentOne(deps, tenantId, user) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/users/{id}',
    access: 'admin',
    summary: 'Edit a user: email, permission profile, notes, department, mapped fields',
    params: IdParams,
    body: EditUserBody,
    success: { status: 200, description: 'Edited', schema: UserSchema },
    errors: [409],
    handle: async ({ deps, tenantId, params, body }) => ({
      status: 200,
      body: await presentOne(deps, tenantId, await editUser(deps, tenantId, params.id, body)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/users/{id}',
    access: 'admin',
    summary: 'Delete a user in the PSA (Intacct untouched; it can be imported again)',
    params: IdParams,
    success: { status: HTTP_NO_CONTENT, description: 'Deleted' },
    handle: async ({ deps, tenantId, params }) => {
      await deleteUser(deps, tenantId, params.id);
      return { status: HTTP_NO_CONTENT };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/users/{id}/link',
    access: 'admin',
    summary: 'Link a user to an Intacct employee by hand; its mapped fields refresh at once',
    params: IdParams,
    body: LinkUserBody,
    success: { status: 200, description: 'Linked', schema: UserSchema },
    errors: [409, 422, 502, 504],
    handle: async ({ deps, tenantId, params, body }) => ({
      status: 200,
      body: await presentOne(deps, tenantId, await linkUser(deps, tenantId, params.id, body.employeeId, apiDeadline())),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/users/{id}/invite',
    access: 'admin',
    summary: 'Invite a user (needs an email)',
    params: IdParams,
    success: { status: 200, description: 'Invited', schema: UserSchema },
    errors: [422],
    handle: async ({ deps, tenantId, params }) => ({
      status: 200,
      body: await presentOne(deps, tenantId, await inviteUser(deps, tenantId, params.id)),
    }),
  }),
];
