/**
 * The OpenAPI 3.1 document, generated from the route table and the very zod schemas that
 * validate requests and type the answers. OpenAPI 3.1 schemas are JSON Schema 2020-12, which
 * is what zod emits.
 */
import { z } from 'zod';
import type { ApiRoute } from './route';
import { COMPONENT_SCHEMAS } from './schemas';

const OPENAPI_VERSION = '3.1.0';
const API_TITLE = 'Sage Intacct → PSA sync';
const API_VERSION = '1.0.0';
const COMPONENT_REF_PREFIX = '#/components/schemas/';
const DEFS_REF_PREFIX = '#/$defs/';
const JSON_MEDIA_TYPE = 'application/json';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; details name each field',
  401: 'Missing or invalid token',
  403: 'Not allowed for this permission profile',
  404: 'Unknown id, or another workspace’s',
  409: 'Conflict: already linked elsewhere, or a run already in progress',
  422: 'Precondition failed: not connected, or no email to invite',
  500: 'Unexpected failure',
  502: 'Sage Intacct refused or failed; the code says which',
};

const registry = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });

/** Points references at components and drops what JSON Schema documents carry but OpenAPI parts do not. */
function asOpenApiSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asOpenApiSchema);
  if (typeof value !== 'object' || value === null) return value;
  const result: JsonSchema = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$schema' || key === '$defs' || key === '$id') continue;
    result[key] =
      key === '$ref' && typeof inner === 'string' && inner.startsWith(DEFS_REF_PREFIX)
        ? `${COMPONENT_REF_PREFIX}${inner.slice(DEFS_REF_PREFIX.length)}`
        : asOpenApiSchema(inner);
  }
  return result;
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const named = registry.get(schema);
  if (named) return { $ref: `${COMPONENT_REF_PREFIX}${named.id}` };
  return asOpenApiSchema(z.toJSONSchema(schema, { target: 'draft-2020-12', io, metadata: registry, unrepresentable: 'any' })) as JsonSchema;
}

/** One OpenAPI parameter per field of an object schema (path or query). */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: location,
    required: location === 'path' || !field.safeParse(undefined).success,
    schema: schemaOf(field, 'input'),
  }));
}

function errorStatuses(route: ApiRoute): number[] {
  const statuses = new Set(route.errors ?? []);
  if (route.params || route.query || route.body) statuses.add(400);
  if (route.access !== 'public') statuses.add(401);
  if (route.access === 'admin') statuses.add(403);
  if (route.params) statuses.add(404);
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

const operationId = (route: ApiRoute): string =>
  `${route.method.toLowerCase()}${route.path
    .split(/[/{}.-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('')}`;

function operationOf(route: ApiRoute): JsonSchema {
  const errorRef = { $ref: `${COMPONENT_REF_PREFIX}Error` };
  const responses: JsonSchema = {
    [route.success.status]: {
      description: route.success.description,
      ...(route.success.schema ? { content: { [JSON_MEDIA_TYPE]: { schema: schemaOf(route.success.schema, 'output') } } } : {}),
    },
  };
  for (const status of errorStatuses(route)) {
    responses[status] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: { [JSON_MEDIA_TYPE]: { schema: errorRef } } };
  }
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { [JSON_MEDIA_TYPE]: { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** Builds the document for `routes`. */
export function buildOpenApiDocument(routes: readonly ApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationOf(route);
  }
  const components = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as { schemas: JsonSchema };
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: 'Imports Sage Intacct customers and employees into the PSA and keeps them in step, one way.',
    },
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: asOpenApiSchema(components.schemas),
    },
  };
}
