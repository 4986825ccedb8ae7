/**
 * The route groups of the HTTP API (shared/http/route-groups.ts): every route of the one route table
 * has exactly one group, decided from its method, path and access; and the read group really only
 * does what api-read's role allows. The second part runs every read route of the real API handler
 * against DynamoDB (dynalite) with the ports api-read has no grant for replaced by ones that throw,
 * and checks each DynamoDB call against the actions the stack grants api-read on each table.
 */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#adapters/logger';
import { createApiHandler } from '#http/api-handler';
import { API_ROUTE_GROUPS, type ApiRouteGroup, apiGroupOf, apiRouteGroupFrom, routesOfGroup, UngroupedRouteError } from '#http/route-groups';
import { API_ROUTES } from '#http/routes/index';
import type { SyncDeps } from '#use-cases/engine/deps';
import { LEASE_TTL_MS } from '#use-cases/engine/leases';
import { queueClientImport } from '#use-cases/import-clients';
import { queueUserImport } from '#use-cases/import-users';
import { TABLE_ACTIONS } from '../../infra/constructs/app-function';
import { FUNCTION_ACCESS } from '../../infra/constructs/sync-functions';
import { API_FUNCTION_IDS } from '../../infra/function-catalog';
import { apiEvent, claimsOf } from '../http/support/api-client';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { SPEC_ROUTE_KEYS } from '../support/spec-routes';
import { READ_ROUTE_KEYS } from './support/read-routes';

const key = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;

/** The IAM action name of a DynamoDB command, whichever client sent it (`Get` from the document client is GetItem). */
const ITEM_COMMANDS = new Set(['Get', 'Put', 'Update', 'Delete', 'BatchGet', 'BatchWrite']);
const dynamoAction = (commandName: string): string => {
  const operation = commandName.replace(/Command$/, '');
  return ITEM_COMMANDS.has(operation) ? `${operation}Item` : operation;
};

describe('apiGroupOf', () => {
  it('puts every route of the route table in exactly one group: the read routes in read, the rest in admin', () => {
    const groups = new Map<ApiRouteGroup, string[]>(API_ROUTE_GROUPS.map((group) => [group, routesOfGroup(API_ROUTES, group).map(key)]));
    expect(groups.get('read')!.sort()).toEqual([...READ_ROUTE_KEYS].sort());
    expect([...groups.values()].flat().sort()).toEqual([...SPEC_ROUTE_KEYS].sort());
  });

  it('sends every method but GET to admin, and the GETs that call Intacct or close lost runs too', () => {
    for (const route of API_ROUTES.filter((entry) => entry.method !== 'GET')) expect(apiGroupOf(route), key(route)).toBe('admin');
    for (const path of ['/intacct/customers', '/intacct/employees', '/sync-runs', '/sync-runs/{id}', '/sync-runs/{id}/records']) {
      expect(apiGroupOf({ method: 'GET', path, access: 'admin' }), path).toBe('admin');
    }
  });

  it('refuses a GET route of no known family, so a new route is placed by a decision, not a default', () => {
    expect(() => apiGroupOf({ method: 'GET', path: '/reports', access: 'member' })).toThrow(UngroupedRouteError);
    expect(() => apiGroupOf({ method: 'GET', path: '/reports', access: 'member' })).toThrow(/GET \/reports is in no route group/);
    // A family covers its own subpaths, not a longer name that only starts like it.
    expect(() => apiGroupOf({ method: 'GET', path: '/clientsx', access: 'member' })).toThrow(UngroupedRouteError);
    expect(apiGroupOf({ method: 'GET', path: '/clients/{id}/notes', access: 'member' })).toBe('read');
  });

  it('refuses a public route outside the read group', () => {
    expect(() => apiGroupOf({ method: 'POST', path: '/openapi.json', access: 'public' })).toThrow(/public, so it must run in the read group/);
  });

  it('reads API_ROUTE_GROUP: a group, or null when unset', () => {
    expect(apiRouteGroupFrom('read')).toBe('read');
    expect(apiRouteGroupFrom('admin')).toBe('admin');
    expect(apiRouteGroupFrom(undefined)).toBeNull();
    expect(apiRouteGroupFrom('')).toBeNull();
    expect(() => apiRouteGroupFrom('write')).toThrow(/API_ROUTE_GROUP must be one of read, admin; got 'write'/);
  });
});

/** A port api-read's role has no grant for: any use of it would be AccessDenied in the cloud. */
function forbidden(port: string, denied: string[]): never {
  return new Proxy(
    {},
    {
      get: (_target, property) =>
        property === 'then'
          ? undefined
          : () => {
              denied.push(`${port}.${String(property)}`);
              throw new Error(`api-read has no grant for ${port}.${String(property)}`);
            },
    },
  ) as never;
}

describe('the read group at run time', () => {
  let h: EngineHarness;
  let tenantId: string;
  /** `Operation table` of every DynamoDB call while the read routes ran. */
  const calls: string[] = [];
  const denied: string[] = [];
  let recording = false;

  beforeAll(async () => {
    h = await startEngineHarness([{ customers: 4, employees: 4, departments: 2 }]);
    tenantId = h.tenants[0]!;
    // Something to read: imported clients, users and their departments, and finished runs.
    await queueClientImport(h.deps, tenantId, { all: true }, 'api');
    const employeeIds: string[] = [];
    const company = h.emulator.companies[0]!;
    for await (const page of h.deps.intacct.forLogin({ ...company }).listEmployees()) {
      employeeIds.push(...page.records.map((record) => record.EMPLOYEEID ?? ''));
    }
    await h.workers.drain();
    await queueUserImport(h.deps, tenantId, { employeeIds, permissionProfile: 'collaborator', assignDepartments: true }, 'api');
    await h.workers.drain();
    h.dynamo.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (recording) {
          const operation = dynamoAction(context.commandName ?? 'Unknown');
          const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
          const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
          for (const table of tables) calls.push(`${operation} ${table}`);
        }
        return next(args);
      },
      { step: 'initialize', name: 'readGroupRecorder' },
    );
  }, 120_000);

  afterAll(async () => h?.close());

  it('every read route answers with the grants of api-read alone: DynamoDB reads of its tables, no secret, Intacct, event or worker', async () => {
    const readDeps: SyncDeps = {
      ...h.deps,
      secrets: forbidden('secrets', denied),
      intacct: forbidden('intacct', denied),
      events: forbidden('events', denied),
      workers: forbidden('workers', denied),
    };
    // The router functions/api.ts builds for API_ROUTE_GROUP=read.
    const handler = createApiHandler(readDeps, { routes: routesOfGroup(API_ROUTES, 'read'), logger: createLogger('SILENT') });
    const context = { awsRequestId: 'read-group', getRemainingTimeInMillis: () => 29_000 } as Context;
    const call = async (method: string, path: string, claims: Record<string, string> | null) =>
      (await handler(apiEvent({ method, path, claims }), context)) as APIGatewayProxyStructuredResultV2;
    const firstId = async (path: string): Promise<string> => {
      const answer = await call('GET', path, claimsOf(tenantId));
      const [first] = JSON.parse(answer.body!).items as { id: string }[];
      expect(first, `${path} has something to read`).toBeDefined();
      return first!.id;
    };

    recording = true;
    const ids: Record<string, string> = {
      '/clients/{id}': await firstId('/clients'),
      '/users/{id}': await firstId('/users'),
      '/departments/{id}': await firstId('/departments'),
    };
    const statuses = new Map<string, number[]>();
    for (const route of routesOfGroup(API_ROUTES, 'read')) {
      const paths = route.path in ids ? [route.path.replace('{id}', ids[route.path]!), route.path.replace('{id}', 'missing-id')] : [route.path];
      const callers = route.access === 'public' ? [null] : [claimsOf(tenantId, 'admin'), claimsOf(tenantId, 'collaborator')];
      for (const path of paths) {
        for (const claims of callers) {
          const answer = await call(route.method, path, claims);
          statuses.set(key(route), [...(statuses.get(key(route)) ?? []), answer.statusCode ?? 0]);
        }
      }
    }
    recording = false;

    // Every read route was really served (an admin gets 200), and none failed on a missing grant.
    for (const routeKey of READ_ROUTE_KEYS) expect(statuses.get(routeKey), routeKey).toContain(200);
    for (const [routeKey, codes] of statuses) for (const code of codes) expect(code, routeKey).toBeLessThan(500);
    expect(denied).toEqual([]);

    const access = FUNCTION_ACCESS[API_FUNCTION_IDS.read];
    const allowed = new Set(
      Object.entries(access.tables).flatMap(([tableId, tableAccess]) =>
        tableAccess === 'none'
          ? []
          : TABLE_ACTIONS[tableAccess].map(
              (action) => `${action.replace('dynamodb:', '')} ${h.dynamo.names[tableId as keyof typeof h.dynamo.names]}`,
            ),
      ),
    );
    expect(calls.length).toBeGreaterThan(0);
    expect([...new Set(calls)].filter((entry) => !allowed.has(entry))).toEqual([]);
    // And api-read's grants are only reads.
    expect(access).toMatchObject({ tenantSecrets: 'none', senderSecret: false, publishesEvents: false, invokesWorkers: false });
    expect(Object.values(access.tables).filter((tableAccess) => tableAccess === 'write')).toEqual([]);
  }, 60_000);

  it('GET /sync-runs would not: looking at a run whose worker was lost writes it and publishes, so the run routes stay in admin', async () => {
    const runDeps: SyncDeps = { ...h.deps, events: forbidden('events', denied), workers: forbidden('workers', denied) };
    const runRoutes = API_ROUTES.filter((route) => route.path.startsWith('/sync-runs') && route.method === 'GET');
    const handler = createApiHandler(runDeps, { routes: runRoutes, logger: createLogger('SILENT') });
    // A queued run whose worker never came: its lease runs out.
    const run = await queueClientImport(h.deps, h.tenants[0]!, { all: true }, 'api');
    h.clock.advance(LEASE_TTL_MS + 1);
    calls.length = 0;
    denied.length = 0;
    recording = true;
    await handler(apiEvent({ method: 'GET', path: `/sync-runs/${run.id}`, claims: claimsOf(h.tenants[0]!) }), {} as Context);
    recording = false;
    expect(calls.filter((entry) => /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem) /.test(entry))).not.toEqual([]);
    expect(denied).toContain('events.publish');
    expect(routesOfGroup(runRoutes, 'read')).toEqual([]);
  }, 60_000);
});
