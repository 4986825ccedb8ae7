/**
 * Every route of spec section 4 over real HTTP against one local runtime: the happy path with the
 * spec's JSON shape, paging, and each error status the spec gives (400 naming the fields, 401 for
 * every kind of bad token, 403 for a collaborator on admin routes, 404 for the other tenant's ids,
 * 409, 422, 502). Tenant A (index 0) is the caller; tenant B (index 1) owns the "other" ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntacctAdmin } from '../support/intacct-admin';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiClient, clientsFor, refusedAuthorizations, resetEmulatorFaults, setEmulatorFaults } from './api-client';
import {
  client as clientShape,
  connectionStatus,
  customerChoice,
  department as departmentShape,
  detailFields,
  employeeChoice,
  errorBody,
  expectShape,
  label,
  namesField,
  PERMISSION_PROFILES,
  page,
  permissionProfile,
  runAccepted,
  runRecord,
  run as runShape,
  type ShapeCheck,
  SPEC_ROUTES,
  type SpecRoute,
  user as userShape,
} from './shapes';

type IdFamily = 'clients' | 'users' | 'departments' | 'sync-runs';

const PROTECTED_ROUTES = SPEC_ROUTES.filter((route) => route.access !== 'public');
const ADMIN_ROUTES = SPEC_ROUTES.filter((route) => route.access === 'admin');
const MEMBER_ROUTES = SPEC_ROUTES.filter((route) => route.access === 'member');
const ID_ROUTES = SPEC_ROUTES.filter((route) => route.path.includes('{id}'));

/** The ids one tenant owns, one of each family, plus Intacct ids its routes' bodies can name. */
interface TenantIds {
  clients: string;
  users: string;
  departments: string;
  'sync-runs': string;
  customerId: string;
  employeeId: string;
}

const familyOf = (path: string): IdFamily => path.split('/')[1] as IdFamily;

function concretePath(route: SpecRoute, ids: TenantIds): string {
  return route.path.replace('{id}', encodeURIComponent(ids[familyOf(route.path)]));
}

/** A body each route accepts, so a refusal is about who asks or which id, never the input. */
function validBody(route: SpecRoute, ids: TenantIds, tenant: { companyId: string; userId: string; userPassword: string }): unknown {
  switch (label(route)) {
    case 'PUT /integrations/intacct':
      return { companyId: tenant.companyId, userId: tenant.userId, password: tenant.userPassword };
    case 'POST /clients/import':
      return { customerIds: [ids.customerId] };
    case 'POST /clients':
      return { name: 'Refused Client Ltd' };
    case 'PATCH /clients/{id}':
    case 'PATCH /users/{id}':
      return { notes: 'must not be written' };
    case 'POST /clients/{id}/link':
      return { customerId: ids.customerId };
    case 'POST /users/import':
      return { employeeIds: [ids.employeeId], permissionProfile: 'collaborator', assignDepartments: false };
    case 'POST /users/{id}/link':
      return { employeeId: ids.employeeId };
    default:
      return route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
  }
}

let runtime: TestRuntime;
let admin: ApiClient;
let collaborator: ApiClient;
let anonymous: ApiClient;
let otherAdmin: ApiClient;
let intacctA: IntacctAdmin;
let intacctB: IntacctAdmin;
let idsA: TenantIds;
let idsB: TenantIds;
/** Tenant A's imported clients and users, as the setup left them. */
let importedClients: any[];
let importedUsers: any[];
/** Tenant A's customers and employees the setup did not import. */
let spareCustomers: any[];
let spareEmployees: any[];
let importRunA: any;

const CLIENTS_IMPORTED_IN_A = 5;
const USERS_IMPORTED_IN_A = 4;
/** More than max(10, 20%) of them deleted in Intacct makes tenant B's next sync hold its unlinks (I3). */
const CLIENTS_IMPORTED_IN_B = 12;
const CUSTOMERS_DELETED_IN_B = 11;
const DIALOG_PAGE = 40;
/** A page large enough to hold everything a tenant has in these tests. */
const WHOLE_LIST = 200;
/** Far longer than two API calls take, so the first sync is still in progress when the second asks. */
const SLOW_INTACCT_MS = 1500;

function intacctAdminFor(index: number): IntacctAdmin {
  const tenant = runtime.info.tenants[index]!;
  return new IntacctAdmin({
    ...runtime.info.intacct,
    company: { companyId: tenant.companyId, userId: tenant.userId, userPassword: tenant.userPassword },
  });
}

async function importClients(api: ApiClient, customerIds: string[]): Promise<any> {
  const accepted = await api.post('/clients/import', { customerIds });
  expect(accepted.status, accepted.text).toBe(202);
  const finished = await api.finishedRun(accepted.body.runId);
  expect(finished.status).toBe('succeeded');
  return finished;
}

async function importUsers(api: ApiClient, employeeIds: string[]): Promise<any> {
  const accepted = await api.post('/users/import', { employeeIds, permissionProfile: 'collaborator', assignDepartments: true });
  expect(accepted.status, accepted.text).toBe(202);
  const finished = await api.finishedRun(accepted.body.runId);
  expect(finished.status).toBe('succeeded');
  return finished;
}

/** Imports clients and users in `api`'s tenant and answers one id of each family. */
async function seedTenant(api: ApiClient, clientCount: number, userCount: number) {
  const customers = (await api.get(`/intacct/customers?limit=${DIALOG_PAGE}`)).body.items as any[];
  const employees = ((await api.get(`/intacct/employees?limit=${DIALOG_PAGE}`)).body.items as any[]).filter((e) => e.departmentId);
  const clientRun = await importClients(
    api,
    customers.slice(0, clientCount).map((c) => c.customerId),
  );
  await importUsers(
    api,
    employees.slice(0, userCount).map((e) => e.employeeId),
  );
  const clients = (await api.get(`/clients?limit=${WHOLE_LIST}`)).body.items as any[];
  const users = (await api.get(`/users?limit=${WHOLE_LIST}`)).body.items as any[];
  const departments = (await api.get(`/departments?limit=${WHOLE_LIST}`)).body.items as any[];
  const ids: TenantIds = {
    clients: clients[0].id,
    users: users[0].id,
    departments: departments[0].id,
    'sync-runs': clientRun.id,
    customerId: customers[clientCount]!.customerId,
    employeeId: employees[userCount]!.employeeId,
  };
  return { ids, clients, users, clientRun, spareCustomers: customers.slice(clientCount), spareEmployees: employees.slice(userCount) };
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  ({ admin, collaborator, anonymous } = clientsFor(runtime, 0));
  ({ admin: otherAdmin } = clientsFor(runtime, 1));
  intacctA = intacctAdminFor(0);
  intacctB = intacctAdminFor(1);
  const seededA = await seedTenant(admin, CLIENTS_IMPORTED_IN_A, USERS_IMPORTED_IN_A);
  const seededB = await seedTenant(otherAdmin, CLIENTS_IMPORTED_IN_B, 2);
  idsA = seededA.ids;
  idsB = seededB.ids;
  importedClients = seededA.clients;
  importedUsers = seededA.users;
  spareCustomers = seededA.spareCustomers;
  spareEmployees = seededA.spareEmployees;
  importRunA = seededA.clientRun;
}, 120_000);
afterAll(async () => runtime?.close());

/** The problems of an error answer: its status and the spec's error shape. */
function errorProblems(answer: { status: number; body: unknown }, status: number, what: string): string[] {
  const problems = errorBody(answer.body, `${what} body`);
  return answer.status === status ? problems : [`${what}: answered ${answer.status}, expected ${status}`, ...problems];
}

/** What tenant A and B hold, to check a refused call changed nothing. */
async function snapshot(api: ApiClient) {
  const [connection, clients, users, runs] = await Promise.all([
    api.get('/integrations/intacct'),
    api.get(`/clients?limit=${WHOLE_LIST}`),
    api.get(`/users?limit=${WHOLE_LIST}`),
    api.get(`/sync-runs?limit=${WHOLE_LIST}`),
  ]);
  return { connection: connection.body, clients: clients.body.items, users: users.body.items, runs: runs.body.items.map((r: any) => r.id) };
}

describe('the route table', () => {
  it('GET /openapi.json answers without a token an OpenAPI 3.1 document covering every spec route', async () => {
    const answer = await anonymous.get('/openapi.json');

    expect(answer.status).toBe(200);
    expect(String(answer.body.openapi)).toMatch(/^3\.1(\.\d+)?$/);
    const missing = SPEC_ROUTES.filter((route) => !answer.body.paths?.[route.path]?.[route.method.toLowerCase()]).map(label);
    expect(missing).toEqual([]);
  });
});

describe('401 for a missing or bad token, on every protected route', () => {
  it.each(PROTECTED_ROUTES.map((route) => [label(route), route] as const))('%s refuses every bad token', async (_name, route) => {
    const variants = await refusedAuthorizations(runtime);
    const path = concretePath(route, idsA);
    const body = validBody(route, idsA, runtime.info.tenants[0]!);
    const problems = (
      await Promise.all(
        variants.map(async ({ name, header }) => {
          const answer = await anonymous.raw(route.method, path, {
            ...(header === null ? {} : { authorization: header }),
            ...(body === undefined ? {} : { rawBody: JSON.stringify(body) }),
          });
          return errorProblems(answer, 401, name);
        }),
      )
    ).flat();
    expect(problems).toEqual([]);
  });

  it('a refused token changed nothing', async () => {
    const before = await snapshot(admin);
    const variants = await refusedAuthorizations(runtime);
    for (const route of ADMIN_ROUTES.filter((r) => r.method !== 'GET')) {
      const body = validBody(route, idsA, runtime.info.tenants[0]!);
      for (const { header } of variants) {
        await anonymous.raw(route.method, concretePath(route, idsA), {
          ...(header === null ? {} : { authorization: header }),
          ...(body === undefined ? {} : { rawBody: JSON.stringify(body) }),
        });
      }
    }
    expect(await snapshot(admin)).toEqual(before);
  });
});

describe('403 for a collaborator on admin routes; members may read', () => {
  it('every admin route refuses the collaborator with 403 and changes nothing', async () => {
    const before = await snapshot(admin);
    const problems: string[] = [];
    for (const route of ADMIN_ROUTES) {
      const body = validBody(route, idsA, runtime.info.tenants[0]!);
      const answer = await collaborator.call(route.method, concretePath(route, idsA), body);
      problems.push(...errorProblems(answer, 403, label(route)));
    }

    expect(problems).toEqual([]);
    expect(await snapshot(admin)).toEqual(before);
  });

  const memberShapes: Record<string, ShapeCheck> = {
    'GET /clients': page(clientShape),
    'GET /clients/{id}': clientShape,
    'GET /users': page(userShape),
    'GET /users/{id}': userShape,
    'GET /departments': page(departmentShape),
    'GET /departments/{id}': departmentShape,
  };
  it.each(MEMBER_ROUTES.map((route) => [label(route), route] as const))('the collaborator may call %s', async (name, route) => {
    const answer = await collaborator.get(concretePath(route, idsA));

    expect(answer.status, answer.text).toBe(200);
    expectShape(answer.body, memberShapes[name]!, name);
  });
});

describe('404 for the other tenant’s ids (I7)', () => {
  it('every id route answers 404 for tenant B’s ids and leaves them alone', async () => {
    const beforeB = await snapshot(otherAdmin);
    const problems: string[] = [];
    for (const route of ID_ROUTES) {
      const body = validBody(route, idsA, runtime.info.tenants[0]!);
      const answer = await admin.call(route.method, concretePath(route, idsB), body);
      problems.push(...errorProblems(answer, 404, `${label(route)} with tenant B's id`));
    }

    expect(problems).toEqual([]);
    expect(await snapshot(otherAdmin)).toEqual(beforeB);
  });

  it('every id route answers 404 for an id nobody has', async () => {
    const unknown: TenantIds = {
      ...idsA,
      clients: 'no-such-client',
      users: 'no-such-user',
      departments: 'no-such-department',
      'sync-runs': 'no-such-run',
    };
    const problems: string[] = [];
    for (const route of ID_ROUTES) {
      const answer = await admin.call(route.method, concretePath(route, unknown), validBody(route, idsA, runtime.info.tenants[0]!));
      problems.push(...errorProblems(answer, 404, `${label(route)} with an unknown id`));
    }
    expect(problems).toEqual([]);
  });
});

describe('400 names each invalid field', () => {
  interface InvalidCase {
    route: string;
    body: unknown;
    fields: string[];
  }
  /** Bodies with wrong types, missing required fields, unknown fields and bad enums, per route. */
  const INVALID_BODIES: InvalidCase[] = [
    { route: 'PUT /integrations/intacct', body: {}, fields: ['companyId', 'userId', 'password'] },
    {
      route: 'PUT /integrations/intacct',
      body: { companyId: 7, userId: true, password: ['x'], entityId: 3 },
      fields: ['companyId', 'userId', 'password', 'entityId'],
    },
    { route: 'PUT /integrations/intacct', body: { companyId: 'C', userId: 'U', password: 'P', region: 'eu' }, fields: ['region'] },
    { route: 'POST /clients/import', body: { customerIds: 'C-1' }, fields: ['customerIds'] },
    { route: 'POST /clients/import', body: { customerIds: [1, 2] }, fields: ['customerIds'] },
    { route: 'POST /clients/import', body: {}, fields: ['customerIds'] },
    { route: 'POST /clients/import', body: { all: 'yes' }, fields: ['all'] },
    { route: 'POST /clients/import', body: { all: true, linkMatches: 'no', dryRun: 1 }, fields: ['linkMatches', 'dryRun'] },
    { route: 'POST /clients/import', body: { all: true, everything: true }, fields: ['everything'] },
    { route: 'POST /clients/sync', body: { dryRun: 'yes' }, fields: ['dryRun'] },
    { route: 'POST /clients/sync', body: { scope: 'all' }, fields: ['scope'] },
    { route: 'POST /clients', body: {}, fields: ['name'] },
    { route: 'POST /clients', body: { name: 42, city: false, zip: 1234 }, fields: ['name', 'city', 'zip'] },
    { route: 'POST /clients', body: { name: 'Acme', owner: 'me' }, fields: ['owner'] },
    { route: 'PATCH /clients/{id}', body: { name: 7, country: null }, fields: ['name', 'country'] },
    { route: 'PATCH /clients/{id}', body: { integrations: {} }, fields: ['integrations'] },
    { route: 'POST /clients/{id}/link', body: {}, fields: ['customerId'] },
    { route: 'POST /clients/{id}/link', body: { customerId: 12 }, fields: ['customerId'] },
    { route: 'POST /clients/{id}/link', body: { customerId: 'C-1', force: true }, fields: ['force'] },
    { route: 'POST /users/import', body: {}, fields: ['employeeIds', 'permissionProfile', 'assignDepartments'] },
    {
      route: 'POST /users/import',
      body: { employeeIds: ['E-1'], permissionProfile: 'owner', assignDepartments: true },
      fields: ['permissionProfile'],
    },
    {
      route: 'POST /users/import',
      body: { employeeIds: 'E-1', permissionProfile: 'admin', assignDepartments: 'yes', dryRun: 'no' },
      fields: ['employeeIds', 'assignDepartments', 'dryRun'],
    },
    {
      route: 'POST /users/import',
      body: { employeeIds: ['E-1'], permissionProfile: 'admin', assignDepartments: false, sendInvites: true },
      fields: ['sendInvites'],
    },
    { route: 'POST /users/sync', body: { dryRun: 0 }, fields: ['dryRun'] },
    { route: 'PATCH /users/{id}', body: { permissionProfile: 'owner' }, fields: ['permissionProfile'] },
    {
      route: 'PATCH /users/{id}',
      body: { email: 'not an email', startDate: '31/12/2020', firstName: 3 },
      fields: ['email', 'startDate', 'firstName'],
    },
    { route: 'PATCH /users/{id}', body: { invitationStatus: 'invited' }, fields: ['invitationStatus'] },
    { route: 'POST /users/{id}/link', body: {}, fields: ['employeeId'] },
    { route: 'POST /users/{id}/link', body: { employeeId: ['E-1'] }, fields: ['employeeId'] },
  ];

  it.each(INVALID_BODIES.map((c) => [c.route, JSON.stringify(c.body), c] as const))('%s %s', async (_route, _body, invalid) => {
    const route = SPEC_ROUTES.find((r) => label(r) === invalid.route)!;
    const answer = await admin.call(route.method, concretePath(route, idsA), invalid.body);

    expect(errorProblems(answer, 400, invalid.route)).toEqual([]);
    const named = detailFields(answer.body);
    expect(
      invalid.fields.filter((field) => !namesField(named, field)),
      `details: ${JSON.stringify(answer.body.error.details)}`,
    ).toEqual([]);
  });

  const BODY_ROUTES = [
    'PUT /integrations/intacct',
    'POST /clients/import',
    'POST /clients',
    'PATCH /clients/{id}',
    'POST /clients/{id}/link',
    'POST /users/import',
    'PATCH /users/{id}',
    'POST /users/{id}/link',
  ];
  const NOT_AN_OBJECT = [
    ['text that is not JSON', '{"name": '],
    ['a JSON array', '[]'],
    ['a JSON string', '"name"'],
    ['JSON null', 'null'],
    ['an empty body', ''],
  ] as const;
  it.each(BODY_ROUTES.flatMap((route) => NOT_AN_OBJECT.map(([kind, raw]) => [route, kind, raw] as const)))(
    '%s refuses %s with 400',
    async (name, _kind, raw) => {
      const route = SPEC_ROUTES.find((r) => label(r) === name)!;
      const answer = await admin.raw(route.method, concretePath(route, idsA), raw === '' ? {} : { rawBody: raw });

      expect(errorProblems(answer, 400, name)).toEqual([]);
    },
  );

  const LIST_ROUTES = SPEC_ROUTES.filter((route) => route.list);
  const BAD_LIMITS = ['0', 'abc', '-1', '2.5', ''];
  it.each(LIST_ROUTES.flatMap((route) => BAD_LIMITS.map((limit) => [label(route), limit, route] as const)))(
    '%s?limit=%s is 400 naming limit',
    async (name, limit, route) => {
      const answer = await admin.get(`${concretePath(route, idsA)}?limit=${limit}`);

      expect(errorProblems(answer, 400, name)).toEqual([]);
      expect(detailFields(answer.body)).toContain('limit');
    },
  );

  it.each(LIST_ROUTES.map((route) => [label(route), route] as const))(
    '%s with a cursor it never issued is 400 naming cursor',
    async (name, route) => {
      const answer = await admin.get(`${concretePath(route, idsA)}?cursor=${encodeURIComponent('not-a-cursor"}')}`);

      expect(errorProblems(answer, 400, name)).toEqual([]);
      expect(detailFields(answer.body)).toContain('cursor');
    },
  );
});

describe('lists page with limit and cursor', () => {
  interface ListCase {
    path: () => string;
    item: ShapeCheck;
    key: (item: any) => string;
    /** Items per page when paging; the list holds at least twice as many. */
    pageSize: number;
  }
  const LISTS: Record<string, ListCase> = {
    'GET /intacct/customers': { path: () => '/intacct/customers', item: customerChoice, key: (c) => c.customerId, pageSize: 3 },
    'GET /intacct/employees': { path: () => '/intacct/employees', item: employeeChoice, key: (e) => e.employeeId, pageSize: 3 },
    'GET /clients': { path: () => '/clients', item: clientShape, key: (c) => c.id, pageSize: 2 },
    'GET /users': { path: () => '/users', item: userShape, key: (u) => u.id, pageSize: 2 },
    'GET /departments': { path: () => '/departments', item: departmentShape, key: (d) => d.id, pageSize: 1 },
    'GET /permission-profiles': { path: () => '/permission-profiles', item: permissionProfile, key: (p) => p.id, pageSize: 2 },
    'GET /sync-runs': { path: () => '/sync-runs', item: runShape, key: (r) => r.id, pageSize: 1 },
    'GET /sync-runs/{id}/records': {
      path: () => `/sync-runs/${importRunA.id}/records`,
      item: runRecord,
      key: (r) => `${r.object}:${r.recordNo}`,
      pageSize: 2,
    },
  };

  it.each(Object.keys(LISTS))('%s: two pages of N are the first 2N, and paging to the end sees each item once', async (name) => {
    const list = LISTS[name]!;
    const whole = await admin.get(`${list.path()}?limit=${list.pageSize * 2}`);
    const first = await admin.get(`${list.path()}?limit=${list.pageSize}`);

    expect(first.status, first.text).toBe(200);
    expectShape(first.body, page(list.item), name);
    expect(first.body.items).toHaveLength(list.pageSize);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.get(`${list.path()}?limit=${list.pageSize}&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.status, second.text).toBe(200);
    expectShape(second.body, page(list.item), `${name} page 2`);
    expect([...first.body.items, ...second.body.items].map(list.key)).toEqual(whole.body.items.map(list.key));

    const everything = await admin.allPages(list.path(), list.pageSize === 1 ? 2 : 50);
    const keys = everything.items.map(list.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('integrations', () => {
  it('GET /integrations/intacct answers the connection status, never the password', async () => {
    const tenant = runtime.info.tenants[0]!;
    const answer = await admin.get('/integrations/intacct');

    expect(answer.status).toBe(200);
    expectShape(answer.body, connectionStatus);
    expect(answer.body).toMatchObject({ connected: true, companyId: tenant.companyId });
    expect(answer.text).not.toContain(tenant.userPassword);
  });
});

describe('clients', () => {
  it('GET /intacct/customers?search= finds a customer by name and shows its import state', async () => {
    const imported = importedClients[0];
    const answer = await admin.get(`/intacct/customers?search=${encodeURIComponent(imported.name)}`);

    expect(answer.status).toBe(200);
    expectShape(answer.body, page(customerChoice));
    const found = answer.body.items.find((c: any) => c.customerId === imported.integrations.intacct.customerId);
    expect(found?.import).toMatchObject({ state: 'imported', clientId: imported.id });
  });

  it('POST /clients/import with dryRun answers 202 and a run that writes nothing', async () => {
    const before = (await admin.get(`/clients?limit=${WHOLE_LIST}`)).body.items.length;
    const accepted = await admin.post('/clients/import', { customerIds: [spareCustomers[0].customerId], dryRun: true });

    expect(accepted.status, accepted.text).toBe(202);
    expectShape(accepted.body, runAccepted);
    const finished = await admin.finishedRun(accepted.body.runId);
    expectShape(finished, runShape, 'run');
    expect(finished).toMatchObject({ type: 'client_import', trigger: 'api', dryRun: true, status: 'succeeded' });
    expect((await admin.get(`/clients?limit=${WHOLE_LIST}`)).body.items).toHaveLength(before);
  });

  it('POST /clients/sync answers 202 with a client_sync run', async () => {
    const accepted = await admin.post('/clients/sync', {});

    expect(accepted.status, accepted.text).toBe(202);
    expectShape(accepted.body, runAccepted);
    const finished = await admin.finishedRun(accepted.body.runId);
    expect(finished).toMatchObject({ type: 'client_sync', trigger: 'api', dryRun: false, status: 'succeeded' });
  });

  it('POST /clients/sync with no body at all is accepted', async () => {
    const accepted = await admin.raw('POST', '/clients/sync');

    expect(accepted.status, accepted.text).toBe(202);
    await admin.finishedRun((accepted.body as { runId: string }).runId);
  });

  it('GET /clients/{id} answers a linked client', async () => {
    const answer = await admin.get(`/clients/${importedClients[0].id}`);

    expect(answer.status).toBe(200);
    expectShape(answer.body, clientShape);
    expect(answer.body.integrations.intacct.status).toBe('linked');
  });

  it('POST /clients creates an unlinked client (201); PATCH edits it; link links it (200)', async () => {
    const created = await admin.post('/clients', { name: 'Made In The PSA Ltd', city: 'Bergen' });
    expect(created.status, created.text).toBe(201);
    expectShape(created.body, clientShape);
    expect(created.body.integrations.intacct).toBeUndefined();

    const edited = await admin.patch(`/clients/${created.body.id}`, { city: 'Tromsø' });
    expect(edited.status, edited.text).toBe(200);
    expectShape(edited.body, clientShape);
    expect(edited.body.city).toBe('Tromsø');

    const customer = spareCustomers[1];
    const linked = await admin.post(`/clients/${created.body.id}/link`, { customerId: customer.customerId });
    expect(linked.status, linked.text).toBe(200);
    expectShape(linked.body, clientShape);
    expect(linked.body.integrations.intacct).toMatchObject({ status: 'linked', customerId: customer.customerId, recordNo: customer.recordNo });
    expect(linked.body.name).toBe(customer.name);
  });

  it('POST /clients/{id}/link to a customer Intacct does not have is 404', async () => {
    const created = (await admin.post('/clients', { name: 'Nobody Links Me' })).body;
    const answer = await admin.post(`/clients/${created.id}/link`, { customerId: 'NO-SUCH-CUSTOMER' });

    expect(errorProblems(answer, 404, 'link to a missing customer')).toEqual([]);
  });

  it('POST /clients/{id}/link to a customer linked to another client is 409', async () => {
    const created = (await admin.post('/clients', { name: 'Second Claimant' })).body;
    const taken = importedClients[1].integrations.intacct.customerId;
    const answer = await admin.post(`/clients/${created.id}/link`, { customerId: taken });

    expect(errorProblems(answer, 409, 'link to a customer linked elsewhere')).toEqual([]);
    expect((await admin.get(`/clients/${importedClients[1].id}`)).body.integrations.intacct).toMatchObject({ status: 'linked', customerId: taken });
  });

  it('DELETE /clients/{id} answers 204 and the client is gone', async () => {
    const created = (await admin.post('/clients', { name: 'Short Lived Ltd' })).body;
    const answer = await admin.delete(`/clients/${created.id}`);

    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect((await admin.get(`/clients/${created.id}`)).status).toBe(404);
  });
});

describe('users', () => {
  it('GET /intacct/employees answers the dialog items', async () => {
    const answer = await admin.get('/intacct/employees?limit=10');

    expect(answer.status).toBe(200);
    expectShape(answer.body, page(employeeChoice));
    expect(answer.body.items.length).toBeGreaterThan(0);
  });

  it('POST /users/import answers 202 and its users carry the chosen profile and their departments', async () => {
    const employee = spareEmployees[0];
    const accepted = await admin.post('/users/import', { employeeIds: [employee.employeeId], permissionProfile: 'manager', assignDepartments: true });

    expect(accepted.status, accepted.text).toBe(202);
    expectShape(accepted.body, runAccepted);
    const finished = await admin.finishedRun(accepted.body.runId);
    expect(finished).toMatchObject({ type: 'user_import', status: 'succeeded' });
    const users = (await admin.get(`/users?limit=${WHOLE_LIST}`)).body.items;
    const imported = users.find((u: any) => u.integrations.intacct?.employeeId === employee.employeeId);
    expectShape(imported, userShape, 'imported user');
    expect(imported).toMatchObject({ permissionProfile: 'manager', invitationStatus: 'not_invited' });
    expect(imported.department).toMatchObject({ id: expect.any(String), name: expect.any(String) });
  });

  it('POST /users/sync answers 202 with a user_sync run', async () => {
    const accepted = await admin.post('/users/sync', {});

    expect(accepted.status, accepted.text).toBe(202);
    expectShape(accepted.body, runAccepted);
    expect(await admin.finishedRun(accepted.body.runId)).toMatchObject({ type: 'user_sync', status: 'succeeded' });
  });

  it('GET /users/{id} and PATCH /users/{id} answer the user', async () => {
    const target = importedUsers[0];
    const read = await admin.get(`/users/${target.id}`);
    expect(read.status).toBe(200);
    expectShape(read.body, userShape);

    const edited = await admin.patch(`/users/${target.id}`, { permissionProfile: 'coordinator', notes: 'prefers mornings' });
    expect(edited.status, edited.text).toBe(200);
    expectShape(edited.body, userShape);
    expect(edited.body.permissionProfile).toBe('coordinator');
  });

  it('POST /users/{id}/invite is 422 email_required without an email, 200 invited with one', async () => {
    const target = importedUsers[1];
    const refused = await admin.post(`/users/${target.id}/invite`);
    expect(errorProblems(refused, 422, 'invite without email')).toEqual([]);
    expect(refused.body.error.code).toBe('email_required');

    expect((await admin.patch(`/users/${target.id}`, { email: 'second.person@example.com' })).status).toBe(200);
    const invited = await admin.post(`/users/${target.id}/invite`);
    expect(invited.status, invited.text).toBe(200);
    expectShape(invited.body, userShape);
    expect(invited.body.invitationStatus).toBe('invited');
  });

  it('POST /users/{id}/link re-links a user whose employee Intacct deleted (200), and 409 for an employee linked elsewhere', async () => {
    const target = importedUsers[2];
    await intacctA.delete('EMPLOYEE', [target.integrations.intacct.recordNo]);
    const sync = await admin.post('/users/sync', {});
    expect((await admin.finishedRun(sync.body.runId)).status).toBe('succeeded');
    expect((await admin.get(`/users/${target.id}`)).body.integrations.intacct.status).toBe('unlinked');

    const takenEmployee = importedUsers[3].integrations.intacct.employeeId;
    const conflict = await admin.post(`/users/${target.id}/link`, { employeeId: takenEmployee });
    expect(errorProblems(conflict, 409, 'link to an employee linked elsewhere')).toEqual([]);

    const employee = spareEmployees[1];
    const linked = await admin.post(`/users/${target.id}/link`, { employeeId: employee.employeeId });
    expect(linked.status, linked.text).toBe(200);
    expectShape(linked.body, userShape);
    expect(linked.body.integrations.intacct).toMatchObject({ status: 'linked', employeeId: employee.employeeId });
  });

  it('DELETE /users/{id} answers 204 and the user is gone', async () => {
    const target = importedUsers[3];
    const answer = await admin.delete(`/users/${target.id}`);

    expect(answer.status).toBe(204);
    expect((await admin.get(`/users/${target.id}`)).status).toBe(404);
  });
});

describe('catalog', () => {
  it('GET /departments/{id} answers a department a user is in', async () => {
    const user = (await admin.get(`/users/${importedUsers[0].id}`)).body;
    const answer = await admin.get(`/departments/${user.department.id}`);

    expect(answer.status).toBe(200);
    expectShape(answer.body, departmentShape);
    expect(answer.body).toMatchObject(user.department);
  });

  it('GET /permission-profiles answers the five profiles', async () => {
    const answer = await admin.get('/permission-profiles');

    expect(answer.status).toBe(200);
    expectShape(answer.body, page(permissionProfile));
    expect(answer.body.items.map((p: any) => p.id).sort()).toEqual([...PERMISSION_PROFILES].sort());
  });
});

describe('sync runs', () => {
  it('GET /sync-runs/{id} and its /records answer the run and its per-record outcomes', async () => {
    const run = await admin.get(`/sync-runs/${importRunA.id}`);
    expect(run.status).toBe(200);
    expectShape(run.body, runShape);
    expect(run.body).toMatchObject({ id: importRunA.id, type: 'client_import', status: 'succeeded', counts: { created: CLIENTS_IMPORTED_IN_A } });

    const records = await admin.get(`/sync-runs/${importRunA.id}/records?limit=${WHOLE_LIST}`);
    expect(records.status).toBe(200);
    expectShape(records.body, page(runRecord));
    expect(records.body.items.filter((r: any) => r.outcome === 'created')).toHaveLength(CLIENTS_IMPORTED_IN_A);
  });

  it('POST /sync-runs/{id}/confirm-unlinks queues the held unlinks on the same run (202), which ends succeeded; again is 409', async () => {
    const clientsB = (await otherAdmin.get(`/clients?limit=${WHOLE_LIST}`)).body.items as any[];
    const doomed = clientsB.slice(0, CUSTOMERS_DELETED_IN_B);
    await intacctB.delete(
      'CUSTOMER',
      doomed.map((c) => c.integrations.intacct.recordNo),
    );
    const sync = await otherAdmin.post('/clients/sync', {});
    const held = await otherAdmin.finishedRun(sync.body.runId);
    expect(held.status).toBe('needs_review');
    expect((await otherAdmin.get(`/clients/${doomed[0].id}`)).body.integrations.intacct.status).toBe('linked');

    const confirmed = await otherAdmin.post(`/sync-runs/${held.id}/confirm-unlinks`);
    const again = await otherAdmin.post(`/sync-runs/${held.id}/confirm-unlinks`);

    expect(confirmed.status, confirmed.text).toBe(202);
    expect(confirmed.body).toEqual({ runId: held.id });
    expect(again.status, again.text).toBe(409);
    const finished = await otherAdmin.finishedRun(held.id);
    expectShape(finished, runShape);
    expect(finished).toMatchObject({ status: 'succeeded', counts: { unlinked: CUSTOMERS_DELETED_IN_B } });
    const after = (await otherAdmin.get(`/clients?limit=${WHOLE_LIST}`)).body.items as any[];
    const unlinked = after.filter((c) => c.integrations.intacct?.status === 'unlinked').map((c) => c.id);
    expect(unlinked.sort()).toEqual(doomed.map((c) => c.id).sort());
  });
});

describe('409 and 422 and 502', () => {
  it('a client sync asked for while one is in progress is 409, and so is an import', async () => {
    // Slow Intacct down so the first sync is surely still queued or running when the next asks.
    await setEmulatorFaults(runtime, { latencyMs: { base: SLOW_INTACCT_MS, perRecord: 0 } });
    let first: any;
    try {
      first = await admin.post('/clients/sync', {});
      expect(first.status, first.text).toBe(202);

      const second = await admin.post('/clients/sync', {});
      const importing = await admin.post('/clients/import', { customerIds: [spareCustomers[2].customerId] });

      expect(errorProblems(second, 409, 'second sync')).toEqual([]);
      expect(errorProblems(importing, 409, 'import during sync')).toEqual([]);
    } finally {
      await resetEmulatorFaults(runtime);
      await runtime.whenIdle();
    }
    expect((await admin.finishedRun(first.body.runId)).status).toBe('succeeded');
  });

  it('PUT /integrations/intacct with a wrong password is 502 intacct_auth_failed and keeps the connection', async () => {
    const tenant = runtime.info.tenants[1]!;
    const answer = await otherAdmin.put('/integrations/intacct', {
      companyId: tenant.companyId,
      userId: tenant.userId,
      password: 'not-the-password',
    });

    expect(errorProblems(answer, 502, 'wrong password')).toEqual([]);
    expect(answer.body.error.code).toBe('intacct_auth_failed');
    expect((await otherAdmin.get('/integrations/intacct')).body).toMatchObject({ connected: true, companyId: tenant.companyId });
  });

  it('DELETE /integrations/intacct disconnects (204), keeps links, and an import is then 422 not connected; PUT connects again', async () => {
    const tenant = runtime.info.tenants[1]!;
    const disconnected = await otherAdmin.delete('/integrations/intacct');
    expect(disconnected.status, disconnected.text).toBe(204);
    const status = await otherAdmin.get('/integrations/intacct');
    expectShape(status.body, connectionStatus);
    expect(status.body.connected).toBe(false);
    const clients = (await otherAdmin.get(`/clients?limit=${WHOLE_LIST}`)).body.items as any[];
    expect(clients.filter((c) => c.integrations.intacct?.status === 'linked').length).toBeGreaterThan(0);

    const refused = await otherAdmin.post('/clients/import', { all: true });
    expect(errorProblems(refused, 422, 'import while disconnected')).toEqual([]);
    expect(refused.body.error.code).toBe('not_connected');

    const reconnected = await otherAdmin.put('/integrations/intacct', {
      companyId: tenant.companyId,
      userId: tenant.userId,
      password: tenant.userPassword,
    });
    expect(reconnected.status, reconnected.text).toBe(200);
    expectShape(reconnected.body, connectionStatus);
    expect(reconnected.body).toMatchObject({ connected: true, companyId: tenant.companyId });
    expect(reconnected.text).not.toContain(tenant.userPassword);
  });
});

/**
 * Last in the file: while the product accepts these, an import of such ids queues a run whose
 * worker fails and retries, which would hold the tenant's lease during the tests above.
 */
describe('400 for text Intacct’s XML cannot carry (bad input never gives 500)', () => {
  const BELL = '\u0007';
  const NUL = '\u0000';
  const LONE_SURROGATE = '\ud800';
  interface XmlCase {
    name: string;
    method: SpecRoute['method'];
    path: () => string;
    body?: () => unknown;
    field: string;
  }
  const credentials = () => {
    const tenant = runtime.info.tenants[0]!;
    return { companyId: tenant.companyId, userId: tenant.userId, password: tenant.userPassword };
  };
  const CASES: XmlCase[] = [
    {
      name: 'PUT /integrations/intacct companyId',
      method: 'PUT',
      path: () => '/integrations/intacct',
      body: () => ({ ...credentials(), companyId: `NORTH${BELL}WIND` }),
      field: 'companyId',
    },
    {
      name: 'PUT /integrations/intacct userId',
      method: 'PUT',
      path: () => '/integrations/intacct',
      body: () => ({ ...credentials(), userId: `ws${BELL}psa` }),
      field: 'userId',
    },
    {
      name: 'PUT /integrations/intacct password',
      method: 'PUT',
      path: () => '/integrations/intacct',
      body: () => ({ ...credentials(), password: `a${NUL}b` }),
      field: 'password',
    },
    {
      name: 'PUT /integrations/intacct entityId',
      method: 'PUT',
      path: () => '/integrations/intacct',
      body: () => ({ ...credentials(), entityId: LONE_SURROGATE }),
      field: 'entityId',
    },
    {
      name: 'POST /clients/{id}/link customerId',
      method: 'POST',
      path: () => `/clients/${importedClients[0].id}/link`,
      body: () => ({ customerId: `C${BELL}` }),
      field: 'customerId',
    },
    {
      name: 'POST /users/{id}/link employeeId',
      method: 'POST',
      path: () => `/users/${importedUsers[0].id}/link`,
      body: () => ({ employeeId: LONE_SURROGATE }),
      field: 'employeeId',
    },
    {
      name: 'GET /intacct/customers search',
      method: 'GET',
      path: () => `/intacct/customers?search=${encodeURIComponent(`a${BELL}`)}`,
      field: 'search',
    },
    { name: 'GET /intacct/employees search', method: 'GET', path: () => `/intacct/employees?search=${encodeURIComponent(NUL)}`, field: 'search' },
    {
      name: 'POST /clients/import customerIds',
      method: 'POST',
      path: () => '/clients/import',
      body: () => ({ customerIds: [`C${BELL}`] }),
      field: 'customerIds',
    },
    {
      name: 'POST /users/import employeeIds',
      method: 'POST',
      path: () => '/users/import',
      body: () => ({ employeeIds: [`E${NUL}`], permissionProfile: 'collaborator', assignDepartments: false }),
      field: 'employeeIds',
    },
  ];

  it.each(CASES.map((c) => [c.name, c] as const))('%s with a control character or lone surrogate is 400 naming it', async (_name, xmlCase) => {
    const answer = await admin.call(xmlCase.method, xmlCase.path(), xmlCase.body?.());

    expect(errorProblems(answer, 400, xmlCase.name)).toEqual([]);
    expect(namesField(detailFields(answer.body), xmlCase.field), answer.text).toBe(true);
  });
});
