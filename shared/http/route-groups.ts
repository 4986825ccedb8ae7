/**
 * Which function serves each route of the HTTP API. The stack deploys the api handler
 * (functions/api.ts) once per route group, each with only the grants its group's routes need,
 * and integrates every route of the one route table (shared/http/routes) with its group's
 * function. The group of a route is decided here, from its method, path and access alone.
 *
 * Part of the route table's module: the stack groups its functions by it, and each deployment of
 * functions/api.ts serves only its group's routes.
 */
import type { RouteAccess } from './auth';
import type { HttpMethod } from './route';

/**
 * `read`: routes that only read the entities and runs tables; its role can write no table,
 * touch no secret, start no worker and put no event. Every member (collaborator) route is here.
 * `admin`: everything else, with the grants the writes, imports and Intacct calls need.
 */
export const API_ROUTE_GROUPS = ['read', 'admin'] as const;
export type ApiRouteGroup = (typeof API_ROUTE_GROUPS)[number];

/** The environment variable that tells a deployment of functions/api.ts which group it serves. */
export const API_ROUTE_GROUP_VARIABLE = 'API_ROUTE_GROUP';

/** What the grouping reads of a route: its method, path template and access. */
export interface GroupedRoute {
  method: HttpMethod;
  path: string;
  access: RouteAccess;
}

/**
 * Path families whose GET routes only read: the tenant's clients, users and departments (each
 * with the connection, for its Intacct link), the fixed permission profiles, the connection
 * status, and the OpenAPI document. A family covers its path and everything below it.
 */
const READ_ONLY_GET_FAMILIES: readonly string[] = [
  '/clients',
  '/users',
  '/departments',
  '/permission-profiles',
  '/integrations/intacct',
  '/openapi.json',
];

/**
 * Path families whose GET routes do more than read, with what they do: they go to the admin
 * group. The run routes write on purpose: whoever looks at a run whose worker was lost closes it
 * (shared/use-cases/engine/run-lifecycle.ts closeRunIfWorkerLost), with conditional saves and
 * outbox items on the runs table and a SyncRunFinished on the bus. Giving the read group those
 * grants instead would let every member route (collaborators call those) write runs and leases
 * and put any event on the bus, TenantSyncRequested included; in the admin group they add
 * nothing that group does not hold already.
 */
const GET_FAMILIES_THAT_DO_MORE: Readonly<Record<string, string>> = {
  '/intacct': "calls Intacct with the tenant's secret and the sender secret",
  '/sync-runs': 'closes runs whose worker was lost: writes the runs table and puts SyncRunFinished events',
};

/**
 * Public routes that write, with why they may: nobody signed in calls them, so each is authorized
 * by something else, named here. They go to the admin group, which holds the grants they need.
 */
const PUBLIC_ROUTES_THAT_WRITE: Readonly<Record<string, string>> = {
  'GET /integrations/intacct/oauth/callback':
    "Sage Intacct's redirect carries no bearer token; the single-use, expiring state a tenant admin started names the tenant it connects",
};

const inFamily = (path: string, family: string): boolean => path === family || path.startsWith(`${family}/`);

/** A route the grouping cannot place: the route table gained a GET this file does not know yet. */
export class UngroupedRouteError extends Error {
  override name = 'UngroupedRouteError';
}

/**
 * The group of `route`. Every method but GET writes, so it is `admin`. A GET is `read` only in a
 * family known to only read, `admin` in a family known to do more, and refused otherwise, so a
 * new GET route is placed by a decision here rather than by a default. A public route must be
 * `read`: nobody signed in calls it, unless it is one of PUBLIC_ROUTES_THAT_WRITE.
 */
export function apiGroupOf(route: GroupedRoute): ApiRouteGroup {
  const key = `${route.method} ${route.path}`;
  let group: ApiRouteGroup;
  if (route.access === 'public' && key in PUBLIC_ROUTES_THAT_WRITE) {
    return 'admin';
  }
  if (route.method !== 'GET') {
    group = 'admin';
  } else if (Object.keys(GET_FAMILIES_THAT_DO_MORE).some((family) => inFamily(route.path, family))) {
    group = 'admin';
  } else if (READ_ONLY_GET_FAMILIES.some((family) => inFamily(route.path, family))) {
    group = 'read';
  } else {
    throw new UngroupedRouteError(
      `${key} is in no route group: add its path family to READ_ONLY_GET_FAMILIES (it only reads the entities and runs tables) or to GET_FAMILIES_THAT_DO_MORE in shared/http/route-groups.ts.`,
    );
  }
  if (route.access === 'public' && group !== 'read') {
    throw new UngroupedRouteError(
      `${key} is public, so it must run in the read group, with the fewest grants (or be named in PUBLIC_ROUTES_THAT_WRITE with what authorizes it).`,
    );
  }
  return group;
}

/** The routes of `group`, in table order. */
export function routesOfGroup<T extends GroupedRoute>(routes: readonly T[], group: ApiRouteGroup): T[] {
  return routes.filter((route) => apiGroupOf(route) === group);
}

/** Reads API_ROUTE_GROUP: null when unset (the local runtime hosts one api function for every route). */
export function apiRouteGroupFrom(value: string | undefined): ApiRouteGroup | null {
  if (value === undefined || value.trim() === '') return null;
  if (!(API_ROUTE_GROUPS as readonly string[]).includes(value)) {
    throw new Error(`${API_ROUTE_GROUP_VARIABLE} must be one of ${API_ROUTE_GROUPS.join(', ')}; got '${value}'.`);
  }
  return value as ApiRouteGroup;
}
