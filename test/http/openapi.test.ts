/**
 * GET /openapi.json: public, OpenAPI 3.1, and listing every route of spec section 4 with the
 * parameters, bodies and answers the handler really validates and gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '#http/routes/index';
import { SPEC_ROUTE_KEYS } from '../support/spec-routes';
import { type ApiHarness, startApiHarness } from './support/api-client';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

type Json = Record<string, any>;
let api: ApiHarness;
let doc: Json;

beforeAll(async () => {
  api = await startApiHarness([{}]);
  const answer = await api.call({ method: 'GET', path: '/openapi.json', claims: null });
  expect(answer.status).toBe(200);
  doc = answer.body;
});
afterAll(async () => api.close());

const operations = (): [string, string, Json][] =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => [path, method, operation as Json] as [string, string, Json]),
  );

/** Every `$ref` anywhere under `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

describe('the OpenAPI document', () => {
  it('is served without a token as OpenAPI 3.1 with info and a bearer scheme', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('lists every route of the spec, and no other', () => {
    const listed = operations().map(([path, method]) => `${method.toUpperCase()} ${path}`);

    expect(listed.sort()).toEqual([...SPEC_ROUTE_KEYS].sort());
  });

  it('lists every route the router serves', () => {
    for (const route of API_ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
  });

  it('gives each operation a unique operationId and a 2xx answer', () => {
    const ids = operations().map(([, , operation]) => operation.operationId);

    expect(new Set(ids).size).toBe(ids.length);
    for (const [, , operation] of operations()) {
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2'))).toBe(true);
    }
  });

  it('declares each path template parameter as a required path parameter', () => {
    for (const [path, , operation] of operations()) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter: Json) => parameter.in === 'path');
      expect(declared.map((parameter: Json) => parameter.name)).toEqual(names);
      for (const parameter of declared) expect(parameter.required).toBe(true);
    }
  });

  it('resolves every $ref to a component schema', () => {
    const refs = refsIn(doc);

    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!]).toBeDefined();
    }
  });

  it('describes request bodies from the validating schemas: unknown fields refused', () => {
    const body = doc.paths['/users/import'].post.requestBody;

    expect(body.required).toBe(true);
    const schema = body.content['application/json'].schema;
    expect(schema.required.sort()).toEqual(['assignDepartments', 'employeeIds', 'permissionProfile']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.permissionProfile.enum).toEqual(['admin', 'controller', 'manager', 'coordinator', 'collaborator']);
  });

  it('describes list paging: limit 1..200, default 50, and an optional cursor', () => {
    const parameters = doc.paths['/clients'].get.parameters as Json[];

    expect(parameters.find((parameter) => parameter.name === 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { minimum: 1, maximum: 200, default: 50 },
    });
    expect(parameters.find((parameter) => parameter.name === 'cursor')).toMatchObject({ in: 'query', required: false });
  });

  it('marks only itself and the OAuth callback public and states each admin route’s 403', () => {
    for (const [path, method, operation] of operations()) {
      if (path === '/openapi.json' || path === '/integrations/intacct/oauth/callback') expect(operation.security).toEqual([]);
      else expect(operation.security).toBeUndefined();
      const route = API_ROUTES.find((candidate) => candidate.path === path && candidate.method.toLowerCase() === method)!;
      expect('403' in operation.responses).toBe(route.access === 'admin');
    }
  });

  it('carries no JSON Schema document keywords OpenAPI does not expect inside it', () => {
    const text = JSON.stringify(doc);

    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"$defs"');
  });
});
