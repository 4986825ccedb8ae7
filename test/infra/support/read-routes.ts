/**
 * The routes whose function may only read (issue 11): the GET routes of records, profiles, the
 * connection status and the OpenAPI document. Both the route-group tests and the template tests
 * check the stack against this one list.
 */
export const READ_ROUTE_KEYS: readonly string[] = [
  'GET /clients',
  'GET /clients/{id}',
  'GET /users',
  'GET /users/{id}',
  'GET /departments',
  'GET /departments/{id}',
  'GET /permission-profiles',
  'GET /integrations/intacct',
  'GET /openapi.json',
];
