/**
 * Connect with Sage Intacct (spec §8) through the real handler, over real parts: the emulator's
 * OAuth face and REST API over HTTP, dynalite. The callback is public and state-checked; the grant
 * lives in the secret store only; the connection switches gateways without losing a link.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntacctConnection, IntacctOAuthStarted } from '#http/schemas';
import { IntacctTokenClient } from '#intacct-rest/oauth/token-client';
import { decideAtIntacct } from '../support/intacct-consent';
import { type ApiHarness, startApiHarness } from './support/api-client';

const CUSTOMERS = 5;
let api: ApiHarness;
let admin: ReturnType<ApiHarness['as']>;

beforeEach(async () => {
  api = await startApiHarness([{ customers: CUSTOMERS, employees: 2 }, { customers: 2 }]);
  admin = api.as('admin');
});
afterEach(async () => api.close());

const company = (index: number) => api.h.emulator.companies[index]!;
const signInTo = (index: number) => ({ companyId: company(index).companyId, userId: company(index).userId, password: company(index).userPassword });
const GRANT_REF = 'intacct/tenant-1/oauth-grant';
const PASSWORD_REF = 'intacct/tenant-1/user-password';

async function start(body?: unknown): Promise<string> {
  const answer = await admin({ method: 'POST', path: '/integrations/intacct/oauth/start', ...(body === undefined ? {} : { body }) });
  expect(answer.status).toBe(200);
  return IntacctOAuthStarted.parse(answer.body).authorizeUrl;
}

/** Sage Intacct's redirect reaching the callback: no token, the query Intacct wrote. */
function callback(location: URL) {
  return api.call({ method: 'GET', path: location.pathname, query: Object.fromEntries(location.searchParams), claims: null });
}

async function connectWithOAuth(companyIndex = 0, body?: unknown) {
  return callback(await decideAtIntacct(await start(body), signInTo(companyIndex)));
}

/** Whether Intacct still honours a refresh token (a revoked grant's is refused). */
async function stillValid(refreshToken: string): Promise<boolean> {
  const { tokenUrl, revokeUrl, clientId, clientSecret } = api.h.emulator.oauth;
  return new IntacctTokenClient({ tokenUrl, revokeUrl, clientId, clientSecret }).refresh(refreshToken).then(
    () => true,
    () => false,
  );
}

const storedRefreshToken = async (): Promise<string> => JSON.parse((await api.h.deps.secrets.get(GRANT_REF))!).refreshToken;

describe('POST /integrations/intacct/oauth/start', () => {
  it('answers the authorize URL: our client, our callback, a fresh state, an S256 challenge, offline access', async () => {
    const first = new URL(await start());
    const second = new URL(await start());

    expect(first.href.startsWith(api.h.emulator.oauth.authorizeUrl)).toBe(true);
    expect(Object.fromEntries(first.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: api.h.emulator.oauth.clientId,
      redirect_uri: api.h.emulator.oauth.redirectUris[0],
      scope: 'offline_access',
      code_challenge_method: 'S256',
    });
    expect(first.searchParams.get('state')).not.toBe(second.searchParams.get('state'));
    // The PKCE verifier stays server-side: only its challenge travels.
    expect(first.searchParams.has('code_verifier')).toBe(false);
  });

  it('is for admins: 403 for a collaborator, 401 without a token', async () => {
    expect((await api.as('collaborator')({ method: 'POST', path: '/integrations/intacct/oauth/start' })).status).toBe(403);
    expect((await api.call({ method: 'POST', path: '/integrations/intacct/oauth/start', claims: null })).status).toBe(401);
  });

  it('refuses unknown fields: 400', async () => {
    const answer = await admin({ method: 'POST', path: '/integrations/intacct/oauth/start', body: { redirectUri: 'https://evil.test/' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ field: 'redirectUri', message: 'is not a known field' }]);
  });
});

describe('GET /integrations/intacct/oauth/callback', () => {
  it('connects the tenant through the REST API; the grant is in the secret store only, the password is gone', async () => {
    const answer = await connectWithOAuth();

    expect(answer.status).toBe(200);
    expect(IntacctConnection.parse(answer.body)).toEqual({
      connected: true,
      companyId: company(0).companyId,
      entityId: null,
      gateway: 'rest',
      lastSync: { clients: null, users: null },
    });
    const grant = JSON.parse((await api.h.deps.secrets.get(GRANT_REF))!);
    expect(Object.keys(grant).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'refreshToken']);
    expect(await api.h.deps.secrets.get(PASSWORD_REF)).toBeNull();
    for (const table of Object.values(api.h.dynamo.names)) {
      const items = await api.h.dynamo.doc.send(new ScanCommand({ TableName: table }));
      expect(JSON.stringify(items.Items)).not.toContain(grant.refreshToken);
    }
    expect(JSON.stringify(api.h.events.events)).not.toContain(grant.refreshToken);
    const status = await admin({ method: 'GET', path: '/integrations/intacct' });
    expect(status.body.gateway).toBe('rest');
  });

  it('imports through the REST gateway: no XML request at all', async () => {
    expect((await connectWithOAuth()).status).toBe(200);
    const xmlRequests = api.h.emulator.stats().httpRequests;

    expect((await admin({ method: 'POST', path: '/clients/import', body: { all: true } })).status).toBe(202);
    await api.workers.drain();

    expect((await admin({ method: 'GET', path: '/clients' })).body.items).toHaveLength(CUSTOMERS);
    expect(api.h.emulator.stats().httpRequests).toBe(xmlRequests);
  });

  it('refuses a replayed state: 400 oauth_state_invalid, and the connection stays as the first callback made it', async () => {
    const location = await decideAtIntacct(await start(), signInTo(0));
    expect((await callback(location)).status).toBe(200);

    const replayed = await callback(location);

    expect(replayed.status).toBe(400);
    expect(replayed.body.error.code).toBe('oauth_state_invalid');
  });

  it('refuses a state nobody started, and a malformed one, without calling Intacct', async () => {
    const location = await decideAtIntacct(await start(), signInTo(0));
    location.searchParams.set('state', 'A'.repeat(43));
    expect((await callback(location)).body.error.code).toBe('oauth_state_invalid');
    location.searchParams.set('state', 'not a state');
    expect((await callback(location)).body.error.code).toBe('oauth_state_invalid');
    expect((await admin({ method: 'GET', path: '/integrations/intacct' })).body.gateway).toBe('xml');
  });

  it('an error that is no OAuth error code is refused: 400, and the state stays usable', async () => {
    const location = await decideAtIntacct(await start(), signInTo(0), 'deny');
    const state = location.searchParams.get('state')!;

    const odd = await api.call({ method: 'GET', path: location.pathname, query: { state, error: '<script>"x"</script>\u0000' }, claims: null });

    expect(odd.status).toBe(400);
    expect(odd.body.error.details).toEqual([expect.objectContaining({ field: 'error' })]);
    expect((await callback(location)).body.error.code).toBe('oauth_denied');
  });

  it('a state without code or error is refused: 400, never 500', async () => {
    const answer = await api.call({ method: 'GET', path: '/integrations/intacct/oauth/callback', query: {}, claims: null });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([expect.objectContaining({ field: 'state' })]);
  });

  it('a denial at Intacct is 422 oauth_denied and uses the state up; the connection is unchanged', async () => {
    const location = await decideAtIntacct(await start(), signInTo(0), 'deny');

    const denied = await callback(location);

    expect(denied.status).toBe(422);
    expect(denied.body.error.code).toBe('oauth_denied');
    expect((await admin({ method: 'GET', path: '/integrations/intacct' })).body).toMatchObject({ gateway: 'xml', companyId: company(0).companyId });
  });

  it('another company while links exist is 409 company_changed: nothing kept, the new grant revoked at Intacct', async () => {
    expect((await admin({ method: 'POST', path: '/clients/import', body: { all: true } })).status).toBe(202);
    await api.workers.drain();
    let grantedRefresh = '';
    const keep = api.h.deps.intacctAuthorization!.revoke.bind(api.h.deps.intacctAuthorization);
    api.h.deps.intacctAuthorization!.revoke = async (refreshToken) => {
      grantedRefresh = refreshToken;
      await keep(refreshToken);
    };

    const refused = await connectWithOAuth(1);

    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('company_changed');
    expect((await admin({ method: 'GET', path: '/integrations/intacct' })).body).toMatchObject({ gateway: 'xml', companyId: company(0).companyId });
    expect(await api.h.deps.secrets.get(GRANT_REF)).toBeNull();
    expect(await api.h.deps.secrets.get(PASSWORD_REF)).not.toBeNull();
    expect(grantedRefresh).not.toBe('');
    expect(await stillValid(grantedRefresh)).toBe(false);
  });

  it('another company with resetLinks given at start connects and queues the unlinking runs', async () => {
    expect((await admin({ method: 'POST', path: '/clients/import', body: { all: true } })).status).toBe(202);
    await api.workers.drain();

    const answer = await connectWithOAuth(1, { resetLinks: true });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ companyId: company(1).companyId, gateway: 'rest' });
    await api.workers.drain();
    const clients = (await admin({ method: 'GET', path: '/clients' })).body.items;
    expect(clients.map((client: any) => client.integrations.intacct.status)).toEqual(Array(CUSTOMERS).fill('unlinked'));
  });
});

describe('switching gateways', () => {
  it('a tenant connected by OAuth that switches to a Web Services user keeps every link; its grant is revoked and deleted', async () => {
    expect((await connectWithOAuth()).status).toBe(200);
    expect((await admin({ method: 'POST', path: '/clients/import', body: { all: true } })).status).toBe(202);
    await api.workers.drain();
    const viaRest = (await admin({ method: 'GET', path: '/clients' })).body.items;
    const refreshToken = await storedRefreshToken();

    const { companyId, userId, userPassword } = company(0);
    const switched = await admin({ method: 'PUT', path: '/integrations/intacct', body: { companyId, userId, password: userPassword } });

    expect(switched.status).toBe(200);
    expect(switched.body.gateway).toBe('xml');
    expect(await api.h.deps.secrets.get(GRANT_REF)).toBeNull();
    expect(await stillValid(refreshToken)).toBe(false);
    // Same record keys through either gateway: a sync through XML finds every link and changes nothing.
    expect((await admin({ method: 'POST', path: '/clients/sync', body: {} })).status).toBe(202);
    await api.workers.drain();
    const viaXml = (await admin({ method: 'GET', path: '/clients' })).body.items;
    expect(viaXml).toEqual(viaRest);
    expect(viaXml.every((client: any) => client.integrations.intacct.status === 'linked')).toBe(true);
  });

  it('disconnecting a tenant connected by OAuth revokes the grant at Intacct and deletes it', async () => {
    expect((await connectWithOAuth()).status).toBe(200);
    const refreshToken = await storedRefreshToken();

    expect((await admin({ method: 'DELETE', path: '/integrations/intacct' })).status).toBe(204);

    expect(await api.h.deps.secrets.get(GRANT_REF)).toBeNull();
    expect(await stillValid(refreshToken)).toBe(false);
    expect((await admin({ method: 'GET', path: '/integrations/intacct' })).body).toMatchObject({ connected: false, gateway: null });
  });

  it('a grant the company revoked in Intacct shows intacct_auth_failed with "reconnect" on the next run', async () => {
    expect((await connectWithOAuth()).status).toBe(200);
    api.h.emulator.revokeOAuthGrants(company(0).companyId);
    api.h.emulator.expireAccessTokens();

    const accepted = await admin({ method: 'POST', path: '/clients/import', body: { all: true } });
    await api.workers.drain();

    const run = (await admin({ method: 'GET', path: `/sync-runs/${accepted.body.runId}` })).body;
    expect(run.status).toBe('failed');
    expect(run.error.code).toBe('intacct_auth_failed');
    expect(run.error.message).toMatch(/reconnect/i);
  });
});

describe('a multi-entity company', () => {
  let multi: ApiHarness;
  beforeEach(async () => {
    multi = await startApiHarness([{ customers: 12, entities: 2 }]);
  });
  afterEach(async () => multi.close());

  it('a grant made at an entity connects at that entity, and imports read only what that entity sees', async () => {
    const { companyId, userId, userPassword, entities } = multi.h.emulator.companies[0]!;
    const entityId = entities![0]!.entityId;
    const asAdmin = multi.as('admin');
    const started = await asAdmin({ method: 'POST', path: '/integrations/intacct/oauth/start' });
    const location = await decideAtIntacct(started.body.authorizeUrl, { companyId, userId, password: userPassword, entityId });

    const connected = await multi.call({ method: 'GET', path: location.pathname, query: Object.fromEntries(location.searchParams), claims: null });

    expect(connected.body).toMatchObject({ companyId, entityId, gateway: 'rest' });
    expect((await asAdmin({ method: 'POST', path: '/clients/import', body: { all: true } })).status).toBe(202);
    await multi.workers.drain();
    const clients = (await asAdmin({ method: 'GET', path: '/clients', query: { limit: '50' } })).body.items;
    expect(clients.length).toBeGreaterThan(0);
    expect(clients.length).toBeLessThan(12);
    for (const client of clients) expect([entityId, null]).toContain(client.integrations.intacct.entityId);
  });
});
