/**
 * The adversarial suite over real HTTP against the local runtime, as an attacker with a valid
 * account in one tenant would try it: another tenant's ids on every id route, hostile ids, forged
 * and malformed tokens, claims a flattening authorizer could hand over, and hostile bodies. Every
 * probe must be refused with a 4xx, touch nothing of the other tenant, and never get a 5xx.
 * The counts of probes tried are the figures the README's reliability section states; the last
 * test checks the README says exactly these numbers.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { label, SPEC_ROUTES } from '../support/spec-routes';
import { type ApiClient, clientsFor, readSigningKey, refusedAuthorizations, signTestJwt, tokenClaims } from './api-client';

type IdFamily = 'clients' | 'users' | 'departments' | 'sync-runs';

const ID_ROUTES = SPEC_ROUTES.filter((route) => route.path.includes('{id}'));
const PROTECTED_ROUTES = SPEC_ROUTES.filter((route) => route.access !== 'public');
/** Routes whose body is required (sync now, Connect with Sage Intacct, confirm and invite take none or an optional one). */
const BODY_ROUTES = SPEC_ROUTES.filter(
  (route) => route.fields !== undefined && !route.path.endsWith('/sync') && !route.path.endsWith('/oauth/start'),
);
/** A body each id route accepts, so that only the id decides the answer. */
const VALID_BODY: Record<string, string> = {
  'PATCH /clients/{id}': '{"notes":"probe"}',
  'POST /clients/{id}/link': '{"customerId":"C-0001"}',
  'PATCH /users/{id}': '{"notes":"probe"}',
  'POST /users/{id}/link': '{"employeeId":"E-0001"}',
};
const bodyFor = (route: (typeof SPEC_ROUTES)[number]): { rawBody?: string } =>
  VALID_BODY[label(route)] ? { rawBody: VALID_BODY[label(route)] } : {};
const familyOf = (path: string): IdFamily => path.split('/')[1] as IdFamily;
const concrete = (path: string, id: string): string => path.replace('{id}', encodeURIComponent(id));

/** Ids that can name nothing: encodings, injections, separators, control and direction characters, huge ones. */
const HOSTILE_IDS = ['%00', '%2e%2e', 'a'.repeat(300), "' OR 1=1 --", 'x#RUN', 'x/../y', '\u202eevil', '\u0000', ' ', '{id}', '0'.repeat(40), '$ne'];

/** Bodies no route accepts as they are. */
const HOSTILE_BODIES = [
  '',
  'null',
  '[]',
  '"text"',
  '{',
  '{"__proto__":{"admin":true}}',
  JSON.stringify({ a: 'x'.repeat(200_000) }),
  '{"name":"\\u0000"}',
];

const tally = { crossTenant: 0, hostileIds: 0, forgedTokens: 0, badClaims: 0, badBodies: 0 };

let runtime: TestRuntime;
let attacker: ApiClient;
let victimAdmin: ApiClient;
const victimIds: Record<IdFamily, string[]> = { clients: [], users: [], departments: [], 'sync-runs': [] };

beforeAll(async () => {
  runtime = await startTestRuntime();
  attacker = clientsFor(runtime, 0).admin;
  victimAdmin = clientsFor(runtime, 1).admin;
  // The victim tenant has clients, users with departments, and runs.
  const customers = (await victimAdmin.get('/intacct/customers?limit=5')).body.items as { customerId: string }[];
  const employees = (await victimAdmin.get('/intacct/employees?limit=3')).body.items as { employeeId: string }[];
  const clientImport = await victimAdmin.post('/clients/import', { customerIds: customers.map((c) => c.customerId) });
  await victimAdmin.finishedRun(clientImport.body.runId);
  const userImport = await victimAdmin.post('/users/import', {
    employeeIds: employees.map((e) => e.employeeId),
    permissionProfile: 'collaborator',
    assignDepartments: true,
  });
  await victimAdmin.finishedRun(userImport.body.runId);
  victimIds.clients = ((await victimAdmin.get('/clients?limit=100')).body.items as { id: string }[]).map((c) => c.id);
  victimIds.users = ((await victimAdmin.get('/users?limit=100')).body.items as { id: string }[]).map((u) => u.id);
  victimIds.departments = ((await victimAdmin.get('/departments?limit=100')).body.items as { id: string }[]).map((d) => d.id);
  victimIds['sync-runs'] = ((await victimAdmin.get('/sync-runs?limit=100')).body.items as { id: string }[]).map((r) => r.id);
}, 180_000);
afterAll(async () => runtime.close());

/** The victim's data as its admin sees it, to show no probe changed it. */
async function victimState(): Promise<string> {
  const parts = await Promise.all(
    ['/clients?limit=100', '/users?limit=100', '/departments?limit=100', '/sync-runs?limit=100'].map((path) => victimAdmin.get(path)),
  );
  return JSON.stringify(parts.map((part) => part.body));
}

describe("another tenant's ids", () => {
  it('are unknown on every id route (404), and nothing of theirs changes', async () => {
    const before = await victimState();
    for (const route of ID_ROUTES) {
      for (const id of victimIds[familyOf(route.path)]) {
        const answer = await attacker.raw(route.method, concrete(route.path, id), bodyFor(route));
        expect(answer.status, `${label(route)} with ${id}`).toBe(404);
        tally.crossTenant += 1;
      }
    }
    expect(await victimState()).toBe(before);
  });
});

describe('hostile ids', () => {
  it('are refused on every id route with a 4xx, never a 5xx', async () => {
    for (const route of ID_ROUTES) {
      for (const id of HOSTILE_IDS) {
        const answer = await attacker.raw(route.method, concrete(route.path, id), bodyFor(route));
        expect(answer.status, `${label(route)} with ${JSON.stringify(id)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${label(route)} with ${JSON.stringify(id)}`).toBeLessThan(500);
        tally.hostileIds += 1;
      }
    }
  });
});

describe('forged and malformed tokens', () => {
  it('are refused on every protected route (401)', async () => {
    const forged = await refusedAuthorizations(runtime, 0);
    for (const route of PROTECTED_ROUTES) {
      for (const { name, header } of forged) {
        const answer = await attacker.raw(
          route.method,
          concrete(route.path, 'anything'),
          header === null ? { authorization: '' } : { authorization: header },
        );
        expect(answer.status, `${label(route)} with ${name}`).toBe(401);
        tally.forgedTokens += 1;
      }
    }
  });

  it('with claims that are not strings or not a tenant id are refused (401)', async () => {
    const key = await readSigningKey(runtime);
    const tenantId = runtime.info.tenants[0]!.tenantId;
    const claims: Record<string, unknown>[] = [
      { tenant_id: null },
      { tenant_id: 42 },
      { tenant_id: [tenantId] },
      { tenant_id: { id: tenantId } },
      { tenant_id: 'null' },
      { tenant_id: `${tenantId}/x` },
      { tenant_id: `${tenantId}#RUN` },
      { tenant_id: `\u202e${tenantId}` },
      { permission_profile: ['admin'] },
      { permission_profile: null },
    ];
    for (const overrides of claims) {
      const token = signTestJwt(key, tokenClaims(tenantId, 'admin', overrides));
      for (const path of ['/clients', '/sync-runs']) {
        const answer = await attacker.raw('GET', path, { authorization: `Bearer ${token}` });
        expect(answer.status, `${path} with ${JSON.stringify(overrides)}`).toBe(401);
        tally.badClaims += 1;
      }
    }
  });
});

describe('hostile bodies', () => {
  it('are refused on every route that takes a body with a 4xx, never a 5xx', async () => {
    for (const route of BODY_ROUTES) {
      for (const rawBody of HOSTILE_BODIES) {
        const answer = await attacker.raw(route.method, concrete(route.path, victimIds.clients[0] ?? 'x'), { rawBody });
        expect(answer.status, `${label(route)} with ${rawBody.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${label(route)} with ${rawBody.slice(0, 40)}`).toBeLessThan(500);
        tally.badBodies += 1;
      }
    }
  });
});

describe('the README', () => {
  it('states the figures of this suite', async () => {
    const total = Object.values(tally).reduce((sum, count) => sum + count, 0);
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const line = `${total} probes in all: ${tally.crossTenant} with another tenant's ids, ${tally.hostileIds} with hostile ids, ${tally.forgedTokens} with forged or malformed tokens, ${tally.badClaims} with non-string or out-of-rule claims, ${tally.badBodies} with hostile bodies; all held.`;
    expect(readme, `README should contain: ${line}`).toContain(line);
  });
});
