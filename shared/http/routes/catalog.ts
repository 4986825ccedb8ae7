import { PERMISSION_PROFILES } from '#domain/entities';
import { InvalidInput, NotFound } from '#domain/errors';
import { presentDepartment, presentPermissionProfile } from '../presenters';
import { defineRoute } from '../route';
import { Department, IdParams, PageQuery, PermissionProfileItem, pageOf } from '../schemas';

/** Departments and permission profiles. */
export const catalogRoutes = [
  defineRoute({
    method: 'GET',
    path: '/departments',
    access: 'member',
    summary: 'List departments',
    query: PageQuery,
    success: { status: 200, description: 'A page of departments', schema: pageOf(Department) },
    handle: async ({ deps, tenantId, query }) => {
      const [page, connection] = await Promise.all([deps.departments.list(tenantId, query), deps.connections.get(tenantId)]);
      return { status: 200, body: { items: page.items.map((d) => presentDepartment(d, connection)), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/departments/{id}',
    access: 'member',
    summary: 'One department',
    params: IdParams,
    success: { status: 200, description: 'The department', schema: Department },
    handle: async ({ deps, tenantId, params }) => {
      const [department, connection] = await Promise.all([deps.departments.get(tenantId, params.id), deps.connections.get(tenantId)]);
      if (!department) throw new NotFound('department_not_found', 'No such department.');
      return { status: 200, body: presentDepartment(department, connection) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/permission-profiles',
    access: 'admin',
    summary: 'The five permission profiles',
    query: PageQuery,
    success: { status: 200, description: 'A page of profiles', schema: pageOf(PermissionProfileItem) },
    handle: async ({ query }) => ({ status: 200, body: pageOfList(PERMISSION_PROFILES.map(presentPermissionProfile), query) }),
  }),
];

/**
 * A page of a short fixed list; the cursor is the position to continue from, so the list pages
 * like every other one.
 */
function pageOfList<T>(items: readonly T[], query: { limit: number; cursor?: string | undefined }): { items: T[]; nextCursor: string | null } {
  const start = query.cursor === undefined ? 0 : Number(query.cursor);
  const validCursor = query.cursor === undefined || (String(start) === query.cursor && start <= items.length);
  if (!validCursor) {
    throw new InvalidInput('invalid_request', 'The request is not valid; see details.', [
      { field: 'cursor', message: 'is not a cursor of this list' },
    ]);
  }
  const end = start + query.limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
}
