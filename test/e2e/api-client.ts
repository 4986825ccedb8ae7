import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestRuntime } from '../support/local-runtime';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  text: string;
}

/** An answer whose body may not be JSON at all (fuzzing): `body` is undefined then. */
export interface RawApiAnswer {
  status: number;
  body: unknown;
  text: string;
  isJson: boolean;
}

export interface RawRequest {
  /** Sent byte for byte; absent means no body at all. */
  rawBody?: string;
  /** Default `application/json` when a body is sent. */
  contentType?: string;
  /** Replaces the client's own Authorization header when given. */
  authorization?: string;
}

/** A paging loop that never ends is a bug to report, not to wait out. */
const MAX_PAGES_FOLLOWED = 500;

/** Calls the local runtime's HTTP API the way the PSA frontend does: JSON over real HTTP. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : (undefined as T), text };
  }

  /**
   * Sends a request exactly as given (any body text, any Authorization header) and never throws
   * on an answer that is not JSON, so tests can check what the API makes of junk.
   */
  async raw(method: string, path: string, request: RawRequest = {}): Promise<RawApiAnswer> {
    const headers: Record<string, string> = {};
    const authorization = request.authorization ?? (this.token ? `Bearer ${this.token}` : undefined);
    if (authorization !== undefined) headers.authorization = authorization;
    if (request.rawBody !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(request.rawBody === undefined ? {} : { body: request.rawBody }),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, text, isJson: text !== '' };
    } catch {
      return { status: response.status, body: undefined, text, isJson: false };
    }
  }

  /** Every item of a list route, following `nextCursor` page by page (`path` may carry a query). */
  async allPages<T = any>(path: string, limit: number): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    const separator = path.includes('?') ? '&' : '?';
    do {
      const query: string = `limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const answer: ApiAnswer = await this.get(`${path}${separator}${query}`);
      if (answer.status !== 200) throw new Error(`GET ${path} page ${pages + 1} answered ${answer.status}: ${answer.text}`);
      items.push(...(answer.body.items as T[]));
      cursor = answer.body.nextCursor as string | null;
      pages += 1;
      if (pages > MAX_PAGES_FOLLOWED) throw new Error(`GET ${path} kept answering a nextCursor after ${MAX_PAGES_FOLLOWED} pages`);
    } while (cursor !== null);
    return { items, pages };
  }

  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.call<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.call<T>('PATCH', path, body);
  put = <T = any>(path: string, body: unknown) => this.call<T>('PUT', path, body);
  delete = <T = any>(path: string) => this.call<T>('DELETE', path);

  /** Waits until a run has finished and answers it. */
  async finishedRun(runId: string, timeoutMs = 30_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.get(`/sync-runs/${runId}`);
      if (body && !['queued', 'running'].includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${body?.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Admin and collaborator clients for tenant `index` of the runtime. */
export function clientsFor(runtime: TestRuntime, index = 0): { admin: ApiClient; collaborator: ApiClient; anonymous: ApiClient } {
  const tenant = runtime.info.tenants[index]!;
  return {
    admin: new ApiClient(runtime.info.apiUrl, tenant.adminToken),
    collaborator: new ApiClient(runtime.info.apiUrl, tenant.collaboratorToken),
    anonymous: new ApiClient(runtime.info.apiUrl, null),
  };
}

/** The claims the local JWT authorizer checks besides the two the API reads. */
const LOCAL_ISSUER = 'local-psa-intacct-sync';
const LOCAL_AUDIENCE = 'psa-api';
const ONE_HOUR_SECONDS = 3600;
const MS_PER_SECOND = 1000;

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/** The runtime's HS256 key, as its JWT issuer keeps it (`<dataDir>/jwt-key`, base64url). */
export async function readSigningKey(runtime: TestRuntime): Promise<Buffer> {
  return Buffer.from((await readFile(join(runtime.dataDir, 'jwt-key'), 'utf8')).trim(), 'base64url');
}

/** A compact JWT with any header, signed HS256 with `key` (or unsigned when `key` is null). */
export function signTestJwt(
  key: Buffer | null,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = key ? createHmac('sha256', key).update(signingInput).digest('base64url') : '';
  return `${signingInput}.${signature}`;
}

/** Claims a token of the local issuer carries for `tenantId` as `permissionProfile`, valid for an hour from now unless `exp` says otherwise. */
export function tokenClaims(tenantId: string, permissionProfile: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / MS_PER_SECOND);
  return {
    sub: `${tenantId}-${permissionProfile}-test`,
    tenant_id: tenantId,
    permission_profile: permissionProfile,
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    iat: now,
    exp: now + ONE_HOUR_SECONDS,
    ...overrides,
  };
}

/**
 * Authorization header values that must all be refused with 401, each named for the report:
 * none at all, a wrong signature, an expired token signed correctly, `alg: none`, and so on.
 */
export async function refusedAuthorizations(runtime: TestRuntime, tenantIndex = 0): Promise<{ name: string; header: string | null }[]> {
  const key = await readSigningKey(runtime);
  const tenantId = runtime.info.tenants[tenantIndex]!.tenantId;
  const admin = tokenClaims(tenantId, 'admin');
  const now = Math.floor(Date.now() / MS_PER_SECOND);
  const otherKey = Buffer.alloc(key.length, 7);
  return [
    { name: 'no Authorization header', header: null },
    { name: 'a Basic credential', header: 'Basic YWRtaW46YWRtaW4=' },
    { name: 'Bearer without a token', header: 'Bearer ' },
    { name: 'not a JWT', header: 'Bearer not-a-jwt' },
    { name: 'a valid JWT signed with another key', header: `Bearer ${signTestJwt(otherKey, admin)}` },
    {
      name: 'an expired JWT signed with the right key',
      header: `Bearer ${signTestJwt(key, tokenClaims(tenantId, 'admin', { iat: now - 2 * ONE_HOUR_SECONDS, exp: now - ONE_HOUR_SECONDS }))}`,
    },
    { name: 'an unsigned JWT with alg none', header: `Bearer ${signTestJwt(null, admin, { alg: 'none', typ: 'JWT' })}` },
    { name: 'alg none carrying the right signature', header: `Bearer ${signTestJwt(key, admin, { alg: 'none', typ: 'JWT' })}` },
    { name: 'a JWT of another issuer', header: `Bearer ${signTestJwt(key, tokenClaims(tenantId, 'admin', { iss: 'someone-else' }))}` },
    { name: 'a JWT for another audience', header: `Bearer ${signTestJwt(key, tokenClaims(tenantId, 'admin', { aud: 'another-api' }))}` },
    { name: 'a signed JWT without tenant_id', header: `Bearer ${signTestJwt(key, tokenClaims(tenantId, 'admin', { tenant_id: undefined }))}` },
    { name: 'a signed JWT with an unknown permission_profile', header: `Bearer ${signTestJwt(key, tokenClaims(tenantId, 'owner'))}` },
  ];
}

/** Where the runtime's Intacct emulator takes its control requests (faults, reset). */
function emulatorControlUrl(runtime: TestRuntime, action: 'faults' | 'reset'): string {
  return new URL(`/__emulator/${action}`, runtime.info.intacct.endpointUrl).toString();
}

/** Sets the emulator's latency model and/or fault queue (spec section 6). */
export async function setEmulatorFaults(runtime: TestRuntime, settings: Record<string, unknown>): Promise<void> {
  const response = await fetch(emulatorControlUrl(runtime, 'faults'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!response.ok) throw new Error(`emulator faults answered ${response.status}: ${await response.text()}`);
}

/** Clears the emulator's faults and latency. */
export async function resetEmulatorFaults(runtime: TestRuntime): Promise<void> {
  const response = await fetch(emulatorControlUrl(runtime, 'reset'), { method: 'POST' });
  if (!response.ok) throw new Error(`emulator reset answered ${response.status}: ${await response.text()}`);
}
