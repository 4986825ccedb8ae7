/**
 * The routes anyone may call without a bearer token, as `METHOD /path`: the route table marks
 * them `public`, and API Gateway's authorizer (the stack) and the local runtime's both let them
 * through. Plain constants, no imports: the local runtime's gateway reads this before any
 * function is loaded.
 */

/** Where Sage Intacct sends the admin's browser back after Connect with Sage Intacct. */
export const INTACCT_OAUTH_CALLBACK_PATH = '/integrations/intacct/oauth/callback';

export const PUBLIC_ROUTE_KEYS: readonly string[] = ['GET /openapi.json', `GET ${INTACCT_OAUTH_CALLBACK_PATH}`];
