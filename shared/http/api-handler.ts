import httpRouter from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createLogger, type Logger } from '#adapters/logger';
import type { SyncDeps } from '#use-cases/engine/deps';
import { authorize } from './auth';
import { HttpError } from './http-error';
import { jsonResult } from './json-result';
import { httpStack } from './middy-stack';
import { parseInput } from './request-input';
import type { ApiRoute, ApiServices } from './route';
import { API_ROUTES } from './routes';

export interface ApiHandlerOptions {
  logger?: Logger;
  /** The route table; every route of spec section 4 by default. */
  routes?: readonly ApiRoute[];
  /** The admin console's origin: the OAuth callback sends a browser back there. Default none. */
  consoleUrl?: string | null;
}

/** Matches a path template's parameters one segment each, as the router does. */
function templatePattern(path: string): RegExp {
  const escaped = path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/** Authorises, validates and runs one route, answering its JSON. */
async function runRoute(route: ApiRoute, services: ApiServices, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = route.access === 'public' ? null : authorize(event, route.access);
  if (caller) services.logger.appendKeys({ tenantId: caller.tenantId });
  const input = parseInput(event, route);
  const answer = await route.handle({ ...services, ...input, caller, tenantId: caller?.tenantId ?? '', event } as Parameters<ApiRoute['handle']>[0]);
  const result = jsonResult(answer.status, answer.body);
  return answer.headers ? { ...result, headers: { ...result.headers, ...answer.headers } } : result;
}

/**
 * The HTTP API handler over `deps`: routing by (method, path template), then auth, validation,
 * one use case and its presenter; any failure becomes the spec's error JSON. functions/api.ts
 * builds it from the configuration; tests build it over their own deps.
 */
export function createApiHandler(deps: SyncDeps, options: ApiHandlerOptions = {}) {
  const logger = options.logger ?? createLogger();
  const routes = options.routes ?? API_ROUTES;
  const services: ApiServices = { deps, logger, consoleUrl: options.consoleUrl ?? null };
  const templates = [...new Set(routes.map((route) => route.path))].map(templatePattern);
  const router = httpRouter<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
    routes: routes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: (event: APIGatewayProxyEventV2) => runRoute(route, services, event),
    })),
    notFoundResponse: ({ method, path }) => {
      if (templates.some((pattern) => pattern.test(path))) {
        throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}.`);
      }
      throw new HttpError(404, 'route_not_found', `There is no route ${method} ${path}.`);
    },
  });
  return httpStack(router as unknown as (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>, {
    logger,
    telemetry: deps.telemetry,
  });
}
