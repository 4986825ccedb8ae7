import { buildOpenApiDocument } from '../openapi';
import { type ApiRoute, defineRoute } from '../route';
import { catalogRoutes } from './catalog';
import { clientRoutes } from './clients';
import { integrationRoutes } from './integrations';
import { runRoutes } from './runs';
import { userRoutes } from './users';

let openApiDocument: Record<string, unknown> | null = null;

const openApiRoute = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  summary: 'This OpenAPI 3.1 document',
  success: { status: 200, description: 'The document' },
  handle: async () => {
    openApiDocument ??= buildOpenApiDocument(API_ROUTES);
    return { status: 200, body: openApiDocument };
  },
});

/** Every route of the API (spec section 4): the router, the validation and the document read this list. */
export const API_ROUTES: readonly ApiRoute[] = [...integrationRoutes, ...clientRoutes, ...userRoutes, ...catalogRoutes, ...runRoutes, openApiRoute];
