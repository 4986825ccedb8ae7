/**
 * Spec section 4's route table, written out as the spec states it (who may call each route, the
 * body fields it names, whether it is a list): the yardstick the route table, the OpenAPI
 * document, the CDK stack and the end-to-end tests are each checked against.
 */

/** Who may call a route: anyone, every profile of the tenant ("member"), or only its admins. */
type Access = 'public' | 'member' | 'admin';

export interface SpecRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  access: Access;
  /** The body's field names as the spec gives them (for PATCH: the fields of the shape it edits). */
  fields?: readonly string[];
  /** Takes `?limit=&cursor=` (and `search=` for the import dialogs). */
  list?: boolean;
}

const CLIENT_FIELDS = ['name', 'street', 'zip', 'city', 'country', 'countryCode', 'notes'] as const;
const USER_FIELDS = ['firstName', 'lastName', 'email', 'jobTitle', 'startDate', 'department', 'departmentId', 'permissionProfile', 'notes'] as const;

/** Spec section 4, route by route; `GET /departments/{id}` comes from its access rule ("and their /{id}"). */
export const SPEC_ROUTES: readonly SpecRoute[] = [
  { method: 'GET', path: '/integrations/intacct', access: 'admin' },
  { method: 'PUT', path: '/integrations/intacct', access: 'admin', fields: ['companyId', 'userId', 'password', 'entityId'] },
  { method: 'DELETE', path: '/integrations/intacct', access: 'admin' },
  // Spec §8: Connect with Sage Intacct (OAuth 2.0).
  { method: 'POST', path: '/integrations/intacct/oauth/start', access: 'admin', fields: ['resetLinks'] },
  { method: 'GET', path: '/integrations/intacct/oauth/callback', access: 'public' },
  { method: 'GET', path: '/intacct/customers', access: 'admin', list: true },
  { method: 'POST', path: '/clients/import', access: 'admin', fields: ['customerIds', 'all', 'linkMatches', 'dryRun'] },
  { method: 'POST', path: '/clients/sync', access: 'admin', fields: ['dryRun'] },
  { method: 'GET', path: '/clients', access: 'member', list: true },
  { method: 'GET', path: '/clients/{id}', access: 'member' },
  { method: 'POST', path: '/clients', access: 'admin', fields: CLIENT_FIELDS },
  { method: 'PATCH', path: '/clients/{id}', access: 'admin', fields: CLIENT_FIELDS },
  { method: 'DELETE', path: '/clients/{id}', access: 'admin' },
  { method: 'POST', path: '/clients/{id}/link', access: 'admin', fields: ['customerId'] },
  { method: 'GET', path: '/intacct/employees', access: 'admin', list: true },
  { method: 'POST', path: '/users/import', access: 'admin', fields: ['employeeIds', 'permissionProfile', 'assignDepartments', 'dryRun'] },
  { method: 'POST', path: '/users/sync', access: 'admin', fields: ['dryRun'] },
  { method: 'GET', path: '/users', access: 'member', list: true },
  { method: 'GET', path: '/users/{id}', access: 'member' },
  { method: 'PATCH', path: '/users/{id}', access: 'admin', fields: USER_FIELDS },
  { method: 'DELETE', path: '/users/{id}', access: 'admin' },
  { method: 'POST', path: '/users/{id}/link', access: 'admin', fields: ['employeeId'] },
  { method: 'POST', path: '/users/{id}/invite', access: 'admin' },
  { method: 'GET', path: '/departments', access: 'member', list: true },
  { method: 'GET', path: '/departments/{id}', access: 'member' },
  { method: 'GET', path: '/permission-profiles', access: 'admin', list: true },
  { method: 'GET', path: '/sync-runs', access: 'admin', list: true },
  { method: 'GET', path: '/sync-runs/{id}', access: 'admin' },
  { method: 'GET', path: '/sync-runs/{id}/records', access: 'admin', list: true },
  { method: 'POST', path: '/sync-runs/{id}/confirm-unlinks', access: 'admin' },
  { method: 'GET', path: '/openapi.json', access: 'public' },
];

/** `METHOD /path/{id}`, as the spec writes a route. */
export const label = (route: SpecRoute): string => `${route.method} ${route.path}`;

/** Every route as `METHOD /path`. */
export const SPEC_ROUTE_KEYS: readonly string[] = SPEC_ROUTES.map(label);

/** The one route that needs no token. */
export const PUBLIC_ROUTE = 'GET /openapi.json';
