import { PERMISSION_PROFILES } from '../../domain/entities';
import { NotFound } from '../../domain/errors';
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
    success: { status: 200, description: 'Every profile', schema: pageOf(PermissionProfileItem) },
    handle: async () => ({ status: 200, body: { items: PERMISSION_PROFILES.map(presentPermissionProfile), nextCursor: null } }),
  }),
];
