/**
 * The HTTP API (API Gateway HTTP API, payload format 2.0). The stack deploys this handler once per
 * route group (shared/http/route-groups.ts), as api-read and api-admin, and tells each deployment
 * its group in API_ROUTE_GROUP: its router then knows only the routes API Gateway sends it, so a
 * route reaching the wrong deployment is refused even before IAM would refuse its writes. Unset
 * (the local runtime, tests), it serves every route of spec section 4.
 */
import { buildDeps, buildLogger } from '#composition';
import { loadConfig } from '#config';
import { createApiHandler } from '#http/api-handler';
import { API_ROUTE_GROUP_VARIABLE, apiRouteGroupFrom, routesOfGroup } from '#http/route-groups';
import { API_ROUTES } from '#http/routes/index';

const config = loadConfig(process.env);
const group = apiRouteGroupFrom(process.env[API_ROUTE_GROUP_VARIABLE]);

export const handler = createApiHandler(buildDeps(config), {
  logger: buildLogger(config),
  consoleUrl: config.consoleUrl,
  routes: group === null ? API_ROUTES : routesOfGroup(API_ROUTES, group),
});
