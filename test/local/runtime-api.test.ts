/**
 * The local runtime over real HTTP: runtime.json, the API Gateway JWT authorizer, the v2 event
 * reaching the api handler, body limits and CORS.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, signJwt, verifyJwt } from '../../local/runtime';
import { readRuntimeJson, startTestRuntime, type TestRuntime } from '../support/local-runtime';

let runtime: TestRuntime;
let signingKey: Buffer;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const OWNER_ONLY = 0o600;
const PERMISSION_BITS = 0o777;

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'someone',
    tenant_id: 'demo-northwind',
    permission_profile: 'admin',
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    ...overrides,
  };
}

function tokenWithHeader(header: Record<string, unknown>, key: Buffer, payload = claims()): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const algorithm = header.alg === 'HS512' ? 'sha512' : 'sha256';
  const signature = createHmac(algorithm, key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${header.alg === 'none' ? '' : signature}`;
}

function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(`${runtime.apiUrl}${path}`, { ...init, headers });
}

const northwind = () => runtime.info.tenants[0]!;
const fjordvik = () => runtime.info.tenants[1]!;

beforeAll(async () => {
  runtime = await startTestRuntime();
  signingKey = Buffer.from((await readFile(join(runtime.dataDir, 'jwt-key'), 'utf8')).trim(), 'base64url');
});

afterAll(async () => {
  await runtime?.close();
});

describe('runtime.json', () => {
  it('has exactly the spec shape, with two tenants on two different companies', async () => {
    const written = (await readRuntimeJson(runtime.dataDir)) as Record<string, unknown>;

    expect(Object.keys(written)).toEqual(['apiUrl', 'consoleUrl', 'dynamodbEndpoint', 'intacct', 'tenants']);
    expect(Object.keys(written.intacct as object)).toEqual(['endpointUrl', 'senderId', 'senderPassword']);
    const tenants = written.tenants as Record<string, unknown>[];
    expect(tenants.length).toBeGreaterThanOrEqual(2);
    for (const tenant of tenants) {
      expect(Object.keys(tenant)).toEqual(['tenantId', 'companyId', 'userId', 'userPassword', 'adminToken', 'collaboratorToken']);
    }
    expect(new Set(tenants.map((tenant) => tenant.companyId)).size).toBe(tenants.length);
    expect(written).toEqual(runtime.info);
    expect(written.apiUrl).toBe(runtime.apiUrl);
    expect(written.consoleUrl).toBe(runtime.consoleUrl);
  });

  it('names the admin console, served on its own loopback origin', async () => {
    const { consoleUrl } = (await readRuntimeJson(runtime.dataDir)) as { consoleUrl: string };

    const page = await fetch(consoleUrl);

    expect(new URL(consoleUrl).hostname).toBe('127.0.0.1');
    expect(new URL(consoleUrl).port).not.toBe(new URL(runtime.apiUrl).port);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('carries tokens the authorizer accepts, with the tenant and profile claims', () => {
    for (const tenant of runtime.info.tenants) {
      const admin = verifyJwt(signingKey, tenant.adminToken);
      const collaborator = verifyJwt(signingKey, tenant.collaboratorToken);
      expect(admin).toMatchObject({ ok: true, claims: { tenant_id: tenant.tenantId, permission_profile: 'admin' } });
      expect(collaborator).toMatchObject({ ok: true, claims: { tenant_id: tenant.tenantId, permission_profile: 'collaborator' } });
      if (admin.ok) {
        expect(admin.claims).toMatchObject({ iss: 'local-psa-intacct-sync', aud: 'psa-api' });
        expect(Number(admin.claims.exp) - Number(admin.claims.iat)).toBe(30 * 24 * 60 * 60);
        expect(typeof admin.claims.sub).toBe('string');
      }
    }
  });

  it('keeps the signing key readable by its owner only', async () => {
    expect((await stat(join(runtime.dataDir, 'jwt-key'))).mode & PERMISSION_BITS).toBe(OWNER_ONLY);
  });

  it('connects every demo tenant to its own company', async () => {
    for (const tenant of runtime.info.tenants) {
      const response = await api('/integrations/intacct', { token: tenant.adminToken });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ connected: true, companyId: tenant.companyId });
    }
  });
});

describe('the JWT authorizer', () => {
  const expectUnauthorized = async (response: Response): Promise<void> => {
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string; details: unknown[] } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error.details).toEqual([]);
  };

  it('answers 401 without a token', async () => {
    await expectUnauthorized(await api('/clients'));
  });

  it('answers 401 for a header that is not a bearer token', async () => {
    await expectUnauthorized(await api('/clients', { headers: { authorization: `Basic ${northwind().adminToken}` } }));
  });

  it('answers 401 for an expired token', async () => {
    const expired = signJwt(signingKey, claims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }));
    await expectUnauthorized(await api('/clients', { token: expired }));
  });

  it('answers 401 for a token signed with another key', async () => {
    await expectUnauthorized(await api('/clients', { token: signJwt(randomBytes(32), claims()) }));
  });

  it('answers 401 for a token whose payload was altered after signing', async () => {
    const [head, , signature] = northwind().collaboratorToken.split('.');
    const body = Buffer.from(JSON.stringify(claims({ permission_profile: 'admin' }))).toString('base64url');
    await expectUnauthorized(await api('/clients', { token: `${head}.${body}.${signature}` }));
  });

  it.each([{ alg: 'none', typ: 'JWT' }, { alg: 'HS512', typ: 'JWT' }, { typ: 'JWT' }])('answers 401 for a token with header %j', async (header) => {
    await expectUnauthorized(await api('/clients', { token: tokenWithHeader(header, signingKey) }));
  });

  it.each([{ iss: 'someone-else' }, { aud: 'another-api' }, { exp: undefined }])(
    'answers 401 for a token with the wrong claim %j',
    async (override) => {
      await expectUnauthorized(await api('/clients', { token: signJwt(signingKey, claims(override)) }));
    },
  );

  it.each([
    ['nbf', 'later'],
    ['nbf', null],
    ['nbf', [0]],
    ['iat', {}],
    ['iat', '0'],
    ['exp', String(Math.floor(Date.now() / 1000) + 600)],
    ['exp', { at: 'tomorrow' }],
    ['exp', null],
  ])('answers 401 for a token whose %s claim is not a number (%j)', async (name, value) => {
    const token = signJwt(signingKey, claims({ [name]: value }));
    const response = await api('/clients', { token });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(`The token's ${name} claim is not a number.`);
  });

  it('answers 401 for a token whose exp is too large to be a finite number (it would never expire)', async () => {
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e999');
    expect(payload).toContain('1e999');
    const body = Buffer.from(payload).toString('base64url');
    const signature = createHmac('sha256', signingKey).update(`${head}.${body}`).digest('base64url');
    await expectUnauthorized(await api('/clients', { token: `${head}.${body}.${signature}` }));
  });

  it('still accepts numeric nbf and iat in the past, and no nbf at all', async () => {
    const token = signJwt(signingKey, claims({ nbf: nowSeconds() - 10, iat: nowSeconds() - 10 }));
    expect((await api('/clients?limit=1', { token })).status).toBe(200);
  });

  it('lets GET /openapi.json through without a token', async () => {
    const response = await api('/openapi.json');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
  });
});

describe('requests reaching the api handler', () => {
  it('passes the tenant claim: a client created by one tenant is 404 for the other', async () => {
    const created = await api('/clients', {
      method: 'POST',
      token: northwind().adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Local Runtime Test Client' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    expect((await api(`/clients/${id}`, { token: northwind().collaboratorToken })).status).toBe(200);
    expect((await api(`/clients/${id}`, { token: fjordvik().adminToken })).status).toBe(404);
  });

  it('passes the permission profile claim: a collaborator may read but not sync', async () => {
    expect((await api('/clients?limit=1', { token: northwind().collaboratorToken })).status).toBe(200);
    const sync = await api('/clients/sync', { method: 'POST', token: northwind().collaboratorToken });
    expect(sync.status).toBe(403);
  });

  it('passes path and query string: limit bounds are checked by the handler', async () => {
    const response = await api('/clients?limit=500', { token: northwind().adminToken });
    expect(response.status).toBe(400);
  });

  it('answers 413 with the error shape for a body over 1 MiB', async () => {
    const response = await api('/clients', {
      method: 'POST',
      token: northwind().adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large', details: [] } });
  });

  it("answers CORS preflights without a token, and lets only the console's origin read answers", async () => {
    const consoleOrigin = new URL(runtime.consoleUrl).origin;
    const preflight = await api('/clients', { method: 'OPTIONS', headers: { origin: consoleOrigin } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const fromConsole = await api('/clients', { token: northwind().adminToken, headers: { origin: consoleOrigin } });
    expect(fromConsole.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    const withoutOrigin = await api('/clients', { token: northwind().adminToken });
    expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('starts the import worker through the Lambda Invoke API: POST /clients/import runs to success', async () => {
    const accepted = await api('/clients/import', {
      method: 'POST',
      token: fjordvik().adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerIds: ['C-0001', 'C-0002'] }),
    });
    expect(accepted.status).toBe(202);
    const { runId } = (await accepted.json()) as { runId: string };

    await runtime.whenIdle();

    const run = await api(`/sync-runs/${runId}`, { token: fjordvik().adminToken });
    expect(await run.json()).toMatchObject({ id: runId, type: 'client_import', status: 'succeeded', counts: { created: 2 } });
  });
});
