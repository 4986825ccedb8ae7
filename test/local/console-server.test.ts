/**
 * The admin console's origin over real HTTP: the built app with an SPA fallback, content types and
 * caching, refused traversal and methods, security headers, /config.json with working demo tokens,
 * the "not built" page; and CORS on the API port, open to that origin only.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '#http/console-config';
import { type ConsoleServerDeps, startConsoleServer } from '../../local/runtime/console-server';
import { createRuntimeLogger } from '../../local/runtime/logger';
import type { LoopbackServer } from '../../local/runtime/server';
import { startupTour } from '../../local/runtime/tour';
import { CONSOLE_FIXTURE_DIST, startTestRuntime, type TestRuntime } from '../support/local-runtime';

const EVIL_ORIGIN = 'http://evil.example';

let runtime: TestRuntime;
let fixtureIndex: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  fixtureIndex = await readFile(join(CONSOLE_FIXTURE_DIST, 'index.html'), 'utf8');
});

afterAll(async () => {
  await runtime?.close();
});

const fromConsole = (path: string, init?: RequestInit): Promise<Response> => fetch(`${runtime.consoleUrl}${path}`, init);
const consoleOrigin = (): string => new URL(runtime.consoleUrl).origin;

/** A request whose path goes out exactly as written: fetch would resolve `..` and `%2e%2e` first. */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ hostname, port, path, method: 'GET' }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (body += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body, headers: incoming.headers }));
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}

const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options'] as const;

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('the console origin', () => {
  it('is a loopback origin of its own, apart from the API', () => {
    const consoleUrl = new URL(runtime.consoleUrl);
    expect(consoleUrl.hostname).toBe('127.0.0.1');
    expect(consoleUrl.origin).not.toBe(new URL(runtime.apiUrl).origin);
  });

  it('serves index.html at /, never cached', async () => {
    const response = await fromConsole('/');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe(fixtureIndex);
  });

  it.each(['/clients/abc', '/sync-runs/run-1/records', '/resources/', '/assets'])('answers the app route %s with index.html', async (path) => {
    const response = await fromConsole(path);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe(fixtureIndex);
  });

  it.each([
    ['/assets/app-abc123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/logo-def456.png', 'image/png', 'public, max-age=31536000, immutable'],
    ['/sage-intacct.svg', 'image/svg+xml', 'no-cache'],
  ])('serves %s as %s, cached as %s', async (path, contentType, cacheControl) => {
    const response = await fromConsole(path);
    const expected = await readFile(join(CONSOLE_FIXTURE_DIST, path));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('cache-control')).toBe(cacheControl);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(expected);
  });

  it.each(['/assets/x.js', '/missing.png', '/clients/abc/logo.svg'])('answers 404 for the missing file %s, not the app', async (path) => {
    const response = await fromConsole(path);

    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('console fixture');
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%5c..%5cpackage.json',
    '/./index.html',
  ])('refuses the traversal %s', async (path) => {
    const response = await rawGet(runtime.consoleUrl, path);

    expect(response.status).toBe(400);
    expect(response.body).not.toContain('intacct-psa-sync');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('answers %s with 405 and the methods it allows', async (method) => {
    const response = await fromConsole('/', { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const response = await fromConsole('/assets/app-abc123.js', { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await response.text()).toBe('');
  });

  it.each([
    ['a page', '/', 'GET'],
    ['an asset', '/assets/app-abc123.js', 'GET'],
    ['the configuration', '/config.json', 'GET'],
    ['a missing file', '/assets/x.js', 'GET'],
    ['a refused method', '/', 'POST'],
  ])('sends the security headers with %s', async (_what, path, method) => {
    const response = await fromConsole(path, { method });

    expectSecurityHeaders(response.headers);
  });

  it('sends them with a refused path too', async () => {
    const response = await rawGet(runtime.consoleUrl, '/%2e%2e/package.json');

    for (const name of SECURITY_HEADERS) expect(response.headers[name], name).toBeDefined();
  });

  it("limits pages to the console's own files, the API's origin and no frames", async () => {
    const csp = (await fromConsole('/')).headers.get('content-security-policy');

    expect(csp).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        `connect-src 'self' ${new URL(runtime.apiUrl).origin}`,
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
      ].join('; '),
    );
  });

  it('sends no CORS headers, whoever asks', async () => {
    for (const origin of [EVIL_ORIGIN, new URL(runtime.apiUrl).origin]) {
      const response = await fromConsole('/config.json', { headers: { origin } });

      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('the startup tour', () => {
  it('names the console first', () => {
    const tour = startupTour(runtime.info, runtime.dataDir, process.cwd()).trim().split('\n');

    expect(tour.slice(0, 2)).toEqual(['Local runtime ready', `  Open the admin console: ${runtime.consoleUrl}`]);
  });
});

describe('/config.json', () => {
  it('is the console configuration: the API and an admin and a collaborator per demo tenant, never cached', async () => {
    const response = await fromConsole('/config.json');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const config = parseConsoleConfig(await response.json());
    expect(config.apiUrl).toBe(runtime.apiUrl);
    expect(config.signIn).toEqual({
      kind: 'local',
      users: runtime.info.tenants.flatMap((tenant) => [
        { tenantId: tenant.tenantId, profile: 'admin', token: tenant.adminToken },
        { tenantId: tenant.tenantId, profile: 'collaborator', token: tenant.collaboratorToken },
      ]),
    });
  });

  it('lists tokens the API accepts', async () => {
    const config = parseConsoleConfig(await (await fromConsole('/config.json')).json());
    if (config.signIn.kind !== 'local') throw new Error('expected the local sign-in');

    const statuses = [];
    for (const user of config.signIn.users) {
      const clients = await fetch(`${config.apiUrl}/clients?limit=1`, { headers: { authorization: `Bearer ${user.token}` } });
      statuses.push([user.tenantId, user.profile, clients.status]);
    }

    expect(statuses).toEqual(config.signIn.users.map((user) => [user.tenantId, user.profile, 200]));
  });
});

describe('CORS on the API port', () => {
  const preflight = (path: string, origin: string): Promise<Response> =>
    fetch(`${runtime.apiUrl}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
  const adminGet = (path: string, origin?: string): Promise<Response> =>
    fetch(`${runtime.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${runtime.info.tenants[0]!.adminToken}`, ...(origin ? { origin } : {}) },
    });

  it("answers the console's preflight with its origin, the headers and the methods", async () => {
    const response = await preflight('/clients/import', consoleOrigin());

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(consoleOrigin());
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it("lets the console's pages read answers", async () => {
    const response = await adminGet('/clients?limit=1', consoleOrigin());

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(consoleOrigin());
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('lets a refusal be read by the console too, so it can show the message', async () => {
    const response = await fetch(`${runtime.apiUrl}/clients`, { headers: { origin: consoleOrigin() } });

    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(consoleOrigin());
  });

  it.each([EVIL_ORIGIN, 'http://localhost', 'null'])('allows no other origin: %s', async (origin) => {
    const preflightAnswer = await preflight('/clients/import', origin);
    const answer = await adminGet('/clients?limit=1', origin);

    expect(preflightAnswer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves requests without an Origin (curl, scripts) as they were, with no allow-origin', async () => {
    const response = await adminGet('/clients?limit=1');

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('applies the same rule to the nightly control route', async () => {
    const fire = (origin: string): Promise<Response> =>
      // A collaborator is refused (403) before anything fires: the answer's headers are what counts.
      fetch(`${runtime.apiUrl}/__local/nightly`, {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${runtime.info.tenants[0]!.collaboratorToken}` },
      });

    const fromTheConsole = await fire(consoleOrigin());
    const fromElsewhere = await fire(EVIL_ORIGIN);
    const preflightAnswer = await preflight('/__local/nightly', consoleOrigin());

    expect(fromTheConsole.status).toBe(403);
    expect(fromTheConsole.headers.get('access-control-allow-origin')).toBe(consoleOrigin());
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflightAnswer.status).toBe(204);
    expect(preflightAnswer.headers.get('access-control-allow-origin')).toBe(consoleOrigin());
  });
});

describe('a console server without a build', () => {
  const API_URL = 'http://127.0.0.1:9';
  const config = {
    apiUrl: API_URL,
    signIn: { kind: 'local' as const, users: [{ tenantId: 't1', profile: 'admin' as const, token: 'token' }] },
  };
  const servers: LoopbackServer[] = [];
  const dirs: string[] = [];

  const depsWith = (overrides: Partial<ConsoleServerDeps>): ConsoleServerDeps => ({
    distDir: CONSOLE_FIXTURE_DIST,
    apiUrl: API_URL,
    config: () => config,
    buildFailure: () => null,
    logger: createRuntimeLogger(() => undefined),
    ...overrides,
  });

  async function serve(overrides: Partial<ConsoleServerDeps>): Promise<string> {
    const server = await startConsoleServer(0, depsWith(overrides));
    servers.push(server);
    return server.url;
  }

  async function emptyDist(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'console-dist-'));
    dirs.push(dir);
    return dir;
  }

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.each(['/', '/clients/abc', '/index.html'])('answers the page %s with a 503 page saying how to build it', async (path) => {
    const url = await serve({ distDir: await emptyDist() });

    const response = await fetch(`${url}${path}`);

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(response.headers);
    const page = await response.text();
    expect(page).toContain('The admin console is not built');
    expect(page).toContain('npm run build:web');
  });

  it('still answers 404 for files and serves /config.json', async () => {
    const url = await serve({ distDir: await emptyDist() });

    expect((await fetch(`${url}/assets/app-abc123.js`)).status).toBe(404);
    expect(parseConsoleConfig(await (await fetch(`${url}/config.json`)).json())).toEqual(config);
  });

  it('shows the page, with the reason, after a failed build even when an older build is there', async () => {
    const url = await serve({ buildFailure: () => 'vite exploded <here>' });

    const response = await fetch(`${url}/`);

    expect(response.status).toBe(503);
    const page = await response.text();
    expect(page).toContain('Building it failed: vite exploded &#60;here&#62;');
    expect(page).toContain('npm run build:web');
  });

  it('answers /config.json with 503 while the runtime is still starting', async () => {
    const url = await serve({ config: () => null });

    expect((await fetch(`${url}/config.json`)).status).toBe(503);
  });

  it('does not serve dot files from the build (its fingerprint)', async () => {
    const url = await serve({});

    expect((await fetch(`${url}/.build-fingerprint`)).status).toBe(404);
  });

  it('refuses a taken port, naming CONSOLE_PORT', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(startConsoleServer(port, depsWith({}))).rejects.toThrow(`Port ${port} is in use; set CONSOLE_PORT to another one.`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
