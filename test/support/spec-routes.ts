/**
 * Spec section 4's route table, written out as the spec states it: the yardstick the route table,
 * the OpenAPI document, the CDK stack and the end-to-end tests are each checked against.
 */
export const SPEC_ROUTES = [
  'GET /integrations/intacct',
  'PUT /integrations/intacct',
  'DELETE /integrations/intacct',
  'GET /intacct/customers',
  'POST /clients/import',
  'POST /clients/sync',
  'GET /clients',
  'GET /clients/{id}',
  'POST /clients',
  'PATCH /clients/{id}',
  'DELETE /clients/{id}',
  'POST /clients/{id}/link',
  'GET /intacct/employees',
  'POST /users/import',
  'POST /users/sync',
  'GET /users',
  'GET /users/{id}',
  'PATCH /users/{id}',
  'DELETE /users/{id}',
  'POST /users/{id}/link',
  'POST /users/{id}/invite',
  'GET /departments',
  // "GET /clients, GET /users, GET /departments (and their /{id})": the spec names this one in prose.
  'GET /departments/{id}',
  'GET /permission-profiles',
  'GET /sync-runs',
  'GET /sync-runs/{id}',
  'GET /sync-runs/{id}/records',
  'POST /sync-runs/{id}/confirm-unlinks',
  'GET /openapi.json',
] as const;

/** The one route that needs no token. */
export const PUBLIC_ROUTE = 'GET /openapi.json';
