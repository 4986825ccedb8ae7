/**
 * Refusals of the HTTP layer: tokens and profiles, unknown routes and methods, unreadable or
 * invalid input (400 naming each field), and the rule that bad input never answers 500.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentChange } from '#domain/errors';
import { createApiHandler } from '#http/api-handler';
import { API_ROUTES } from '#http/routes/index';
import { ErrorBody } from '#http/schemas';
import type { ClientStore } from '#ports/stores';
import { type ApiHarness, apiEvent, claimsOf, startApiHarness } from './support/api-client';

let api: ApiHarness;
let clientId: string;
const ANY_ID = 'some-id';
/** Random bodies tried per route: enough to reach odd shapes, quick on a loopback emulator. */
const PROPERTY_RUNS = 25;

beforeAll(async () => {
  api = await startApiHarness([{ customers: 2, employees: 2 }]);
  clientId = (await api.as('admin')({ method: 'POST', path: '/clients', body: { name: 'Acme' } })).body.id;
});
afterAll(async () => api.close());

const concrete = (path: string): string => path.replace(/\{[^}]+\}/g, ANY_ID);
const protectedRoutes = API_ROUTES.filter((route) => route.access !== 'public');
const adminRoutes = API_ROUTES.filter((route) => route.access === 'admin');

describe('authentication', () => {
  it.each(protectedRoutes.map((route) => [route.method, route.path] as const))('%s %s answers 401 without claims', async (method, path) => {
    const answer = await api.call({ method, path: concrete(path), claims: null });

    expect(answer.status).toBe(401);
    expect(ErrorBody.parse(answer.body).error.code).toBe('unauthorized');
  });

  it.each([
    ['a blank tenant', { tenant_id: '  ', permission_profile: 'admin' }],
    ['no profile', { tenant_id: 'tenant-1' }],
    ['an unknown profile', { tenant_id: 'tenant-1', permission_profile: 'owner' }],
    // Claims that were not strings, as a JWT authorizer flattens them to text.
    ['a null tenant claim', { tenant_id: 'null', permission_profile: 'admin' }],
    ['a boolean tenant claim', { tenant_id: 'true', permission_profile: 'admin' }],
    // Tenant ids outside the one rule (they would reach keys and Secrets Manager names).
    ['a tenant id with NUL', { tenant_id: 'ten\u0000ant', permission_profile: 'admin' }],
    ['a tenant id with a right-to-left override', { tenant_id: 'ten\u202eant', permission_profile: 'admin' }],
    ['a tenant id with a slash', { tenant_id: 'acme/other', permission_profile: 'admin' }],
    ['a tenant id with a hash', { tenant_id: 'acme#RUN', permission_profile: 'admin' }],
    ['a tenant id Secrets Manager would refuse', { tenant_id: 'acme*', permission_profile: 'admin' }],
    ['a tenant id of 65 characters', { tenant_id: 'a'.repeat(65), permission_profile: 'admin' }],
  ])('answers 401 for %s', async (_case, claims) => {
    const answer = await api.call({ method: 'GET', path: '/clients', claims });

    expect(answer.status).toBe(401);
  });

  it.each([
    ['a number', { tenant_id: 42, permission_profile: 'admin' }],
    ['null', { tenant_id: null, permission_profile: 'admin' }],
    ['a list', { tenant_id: ['tenant-1'], permission_profile: 'admin' }],
    ['a number profile', { tenant_id: 'tenant-1', permission_profile: 1 }],
  ])('answers 401 for claims that are not strings: %s', async (_case, claims) => {
    const answer = await api.call({ method: 'GET', path: '/clients', claims: claims as unknown as Record<string, string> });

    expect(answer.status).toBe(401);
  });
});

describe('authorisation', () => {
  it.each(adminRoutes.map((route) => [route.method, route.path] as const))('%s %s answers 403 to a collaborator', async (method, path) => {
    const answer = await api.as('collaborator')({ method, path: concrete(path), body: {} });

    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
  });

  it.each(['controller', 'manager', 'coordinator'] as const)('refuses a %s an admin route too', async (profile) => {
    expect((await api.as(profile)({ method: 'DELETE', path: `/clients/${clientId}` })).status).toBe(403);
  });
});

describe('routing', () => {
  it('answers 404 route_not_found for an unknown path', async () => {
    const answer = await api.as('admin')({ method: 'GET', path: '/nothing-here' });

    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('route_not_found');
  });

  it('answers 405 method_not_allowed for a known path with another method', async () => {
    const answer = await api.as('admin')({ method: 'PUT', path: `/clients/${clientId}` });

    expect(answer.status).toBe(405);
    expect(answer.body.error.code).toBe('method_not_allowed');
  });

  it('answers 400 for an id that can name nothing of ours', async () => {
    const answer = await api.as('admin')({ method: 'GET', path: '/clients/a#b' });

    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ field: 'id', message: expect.any(String) }]);
  });
});

describe('request bodies', () => {
  it('answers 400 invalid_json for malformed JSON', async () => {
    const answer = await api.as('admin')({ method: 'POST', path: '/clients', body: '{"name": ' });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_json');
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"Acme"'],
    ['a number', '42'],
    ['null', 'null'],
    ['nothing', undefined],
  ])('answers 400 invalid_request for %s instead of an object', async (_case, body) => {
    const answer = await api.as('admin')({ method: 'POST', path: '/clients', body });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'body' }] });
  });

  const invalidBodies: [string, string, unknown, string[]][] = [
    ['PUT', '/integrations/intacct', { companyId: '', password: 5, extra: 1 }, ['companyId', 'userId', 'password', 'extra']],
    ['POST', '/clients/import', {}, ['customerIds']],
    ['POST', '/clients/import', { customerIds: [], all: true, linkMatches: 'yes' }, ['customerIds', 'linkMatches']],
    ['POST', '/clients/import', { customerIds: ['C-1'], all: true }, ['all']],
    ['POST', '/clients/sync', { dryRun: 'yes' }, ['dryRun']],
    ['POST', '/clients', { name: '   ', city: 7 }, ['name', 'city']],
    ['PATCH', `/clients/{client}`, { name: 5, zip: 12345, tenantId: 'tenant-2' }, ['name', 'zip', 'tenantId']],
    ['POST', `/clients/{client}/link`, {}, ['customerId']],
    ['POST', '/users/import', { employeeIds: [], permissionProfile: 'boss' }, ['employeeIds', 'permissionProfile', 'assignDepartments']],
    ['POST', '/users/sync', { dryRun: 1 }, ['dryRun']],
    ['PATCH', `/users/${ANY_ID}`, { email: 'nope', startDate: '2026-13-45', permissionProfile: 'x' }, ['email', 'startDate', 'permissionProfile']],
    ['POST', `/users/${ANY_ID}/link`, { employeeId: 7 }, ['employeeId']],
  ];
  it.each(invalidBodies)('%s %s answers 400 naming each bad field', async (method, path, body, fields) => {
    const answer = await api.as('admin')({ method, path: path.replace('{client}', clientId), body });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    expect(answer.body.error.details.map((detail: { field: string }) => detail.field).sort()).toEqual([...fields].sort());
  });

  it('never answers 500 for any JSON body on any route with a body', async () => {
    const bodyRoutes = API_ROUTES.filter((route) => route.body);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyRoutes), fc.jsonValue(), async (route, body) => {
        const answer = await api.as('admin')({ method: route.method, path: route.path.replace('{id}', clientId), body });
        return answer.status < 500;
      }),
      { numRuns: PROPERTY_RUNS * bodyRoutes.length },
    );
  });
});

describe('query strings', () => {
  it.each(['0', '201', 'abc', '1.5'])('answers 400 for limit=%s', async (limit) => {
    const answer = await api.as('admin')({ method: 'GET', path: '/clients', query: { limit } });

    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ field: 'limit', message: expect.any(String) }]);
  });

  it('answers 400 for a cursor that is not ours', async () => {
    const answer = await api.as('admin')({ method: 'GET', path: '/clients', query: { cursor: 'not-a-cursor!' } });

    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].field).toBe('cursor');
  });

  it('answers 400 for another tenant’s cursor', async () => {
    await api.as('admin')({ method: 'POST', path: '/clients', body: { name: 'Second' } });
    const page = await api.as('admin')({ method: 'GET', path: '/clients', query: { limit: '1' } });

    const answer = await api.call({ method: 'GET', path: '/clients', query: { cursor: page.body.nextCursor }, claims: claimsOf('tenant-other') });

    expect(answer.status).toBe(400);
  });
});

describe('unexpected failures', () => {
  const context = { awsRequestId: 'lambda-request' } as Context;

  /** The service's logger (correlation ids found as the service's are), keeping its JSON lines instead of printing them. */
  class CapturingLogger extends Logger {
    readonly lines: string[] = [];

    constructor(options: ConstructorParameters<typeof Logger>[0] = {}) {
      super({ correlationIdSearchFn: search, ...options });
    }

    protected override printLog(_level: number, log: Parameters<Logger['printLog']>[1]): void {
      this.lines.push(JSON.stringify(log.getAttributes()));
    }
  }

  function handlerWithClients(override: Partial<ClientStore>, logger = new CapturingLogger({ logLevel: 'SILENT' })) {
    const clients = Object.assign(Object.create(api.h.deps.clients) as ClientStore, override);
    return createApiHandler({ ...api.h.deps, clients }, { logger });
  }

  it('answers 500 internal_error and logs the request id, never the body', async () => {
    const logger = new CapturingLogger({ logLevel: 'INFO' });
    const handler = handlerWithClients({ create: () => Promise.reject(new Error('disk on fire')) }, logger);
    const event = apiEvent({ method: 'POST', path: '/clients', body: { name: 'Acme', notes: 'secret-note-123' }, claims: claimsOf('tenant-1') });

    const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;

    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body!).error.code).toBe('internal_error');
    const logged = logger.lines.join('\n');
    expect(logged).toContain(event.requestContext.requestId);
    expect(logged).toContain('disk on fire');
    expect(logged).not.toContain('secret-note-123');
  });

  // The store's client raises a refused condition as ConcurrentChange (test/store/concurrent-change.test.ts),
  // so the HTTP layer answers it knowing nothing of DynamoDB.
  it('answers 409 concurrent_change for a conditional write refused by DynamoDB, not 500', async () => {
    const refused = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    const handler = handlerWithClients({ create: () => Promise.reject(new ConcurrentChange(refused)) });

    const result = (await handler(
      apiEvent({ method: 'POST', path: '/clients', body: { name: 'Acme' }, claims: claimsOf('tenant-1') }),
      context,
    )) as APIGatewayProxyStructuredResultV2;

    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body ?? '{}').error.code).toBe('concurrent_change');
  });
});
