import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import type { SignIn } from './oauth-flow';
import { authorizationCode, authorizeParams, connect, pkcePair, postConsent, query, tokenRequest } from './oauth-flow';

const COMPANY = { companyId: 'NORTHWIND', userId: 'ws_north', userPassword: 'north-pass', customers: 5, employees: 3, departments: 2, seed: 4 };
const SIGN_IN: SignIn = { companyId: 'NORTHWIND', userId: 'ws_north', password: 'north-pass' };
const CUSTOMER_QUERY = { object: 'accounts-receivable/customer', fields: ['key', 'id'] };
const MINUTE_MS = 60_000;

describe('the emulator OAuth 2.0 authorization server', () => {
  let emulator: RunningEmulator;
  let redirectUri: string;

  beforeAll(async () => {
    emulator = await startEmulator({ companies: [COMPANY] });
    redirectUri = emulator.oauth.redirectUris[0] ?? '';
  });
  afterEach(() => emulator.clearFaults());
  afterAll(() => emulator.close());

  async function exchange(code: string, extra: Record<string, string> = {}) {
    return tokenRequest(emulator, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...extra });
  }

  it('answers a consent page with the sign-in fields and Approve/Deny buttons', async () => {
    const response = await fetch(`${emulator.oauth.authorizeUrl}?${authorizeParams(emulator)}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    for (const label of ['Company ID', 'User ID', 'Password', 'Entity ID (optional)']) expect(html).toContain(`>${label}</label>`);
    expect(html).toContain('value="approve">Approve</button>');
    expect(html).toContain('value="deny" formnovalidate>Deny</button>');
  });

  it('refuses, without redirecting, an unknown client or an unregistered redirect URI', async () => {
    const unknownClient = authorizeParams(emulator);
    unknownClient.set('client_id', 'nobody.app.sage.com');
    const foreignRedirect = authorizeParams(emulator);
    foreignRedirect.set('redirect_uri', 'https://attacker.example/callback');

    for (const params of [unknownClient, foreignRedirect]) {
      const response = await fetch(`${emulator.oauth.authorizeUrl}?${params}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('approval redirects to the redirect URI with a code and the state', async () => {
    const response = await postConsent(emulator, { signIn: SIGN_IN, state: 'xyz-1' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz-1');
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });

  it('denial redirects with error=access_denied and the state', async () => {
    const response = await postConsent(emulator, { signIn: SIGN_IN, state: 'xyz-2', decision: 'deny' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(response.status).toBe(302);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz-2');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('a wrong password shows the page again with an alert, and no code', async () => {
    const response = await postConsent(emulator, { signIn: { ...SIGN_IN, password: 'wrong' } });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('role="alert"');
  });

  it('exchanges a code for a Bearer JWT naming the company, user and client, and a refresh token with offline_access', async () => {
    const code = await authorizationCode(emulator, { signIn: SIGN_IN, scope: 'offline_access' });

    const answer = await exchange(code);
    const [, payload = ''] = String(answer.body.access_token).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'offline_access' });
    expect(typeof answer.body.refresh_token).toBe('string');
    expect(claims).toMatchObject({ companyId: 'NORTHWIND', userId: 'ws_north', clientId: emulator.oauth.clientId });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('answers no refresh token without offline_access', async () => {
    const code = await authorizationCode(emulator, { signIn: SIGN_IN });

    const answer = await exchange(code);

    expect(answer.status).toBe(200);
    expect(answer.body.refresh_token).toBeUndefined();
  });

  it('authenticates the client by HTTP Basic too, and refuses a wrong secret with 401 invalid_client', async () => {
    const code = await authorizationCode(emulator, { signIn: SIGN_IN });
    const basic = Buffer.from(`${emulator.oauth.clientId}:${emulator.oauth.clientSecret}`).toString('base64');
    const viaBasic = await fetch(emulator.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    });
    const wrongSecret = await tokenRequest(
      emulator,
      { grant_type: 'refresh_token', refresh_token: 'x', client_id: emulator.oauth.clientId, client_secret: 'wrong' },
      false,
    );

    expect(viaBasic.status).toBe(200);
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toMatchObject({ error: 'invalid_client' });
  });

  it('a code is single-use: the second exchange is invalid_grant and revokes what the first one issued', async () => {
    const code = await authorizationCode(emulator, { signIn: SIGN_IN, scope: 'offline_access' });
    const first = await exchange(code);

    const second = await exchange(code);
    const afterReplay = await query(emulator, String(first.body.access_token), CUSTOMER_QUERY);

    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ error: 'invalid_grant' });
    expect(afterReplay.status).toBe(401);
  });

  it('a code expires after 10 minutes', async () => {
    const code = await authorizationCode(emulator, { signIn: SIGN_IN });
    emulator.advanceOAuthClock(10 * MINUTE_MS);

    const answer = await exchange(code);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
  });

  it('a code is bound to its redirect URI', async () => {
    const code = await authorizationCode(emulator, { signIn: SIGN_IN });

    const answer = await exchange(code, { redirect_uri: `${redirectUri}?other=1` });

    expect(answer.body).toMatchObject({ error: 'invalid_grant' });
  });

  describe('PKCE (S256)', () => {
    it('accepts the right verifier', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await authorizationCode(emulator, { signIn: SIGN_IN, codeChallenge: challenge });

      expect((await exchange(code, { code_verifier: verifier })).status).toBe(200);
    });

    it('refuses a wrong verifier with invalid_grant, and a missing one with invalid_request', async () => {
      const { challenge } = pkcePair();
      const wrongCode = await authorizationCode(emulator, { signIn: SIGN_IN, codeChallenge: challenge });
      const missingCode = await authorizationCode(emulator, { signIn: SIGN_IN, codeChallenge: challenge });

      const wrong = await exchange(wrongCode, { code_verifier: pkcePair().verifier });
      const missing = await exchange(missingCode);

      expect(wrong.body).toMatchObject({ error: 'invalid_grant' });
      expect(missing.body).toMatchObject({ error: 'invalid_request' });
    });

    it('redirects a plain challenge method back with invalid_request', async () => {
      const params = authorizeParams(emulator, { codeChallenge: pkcePair().challenge });
      params.set('code_challenge_method', 'plain');

      const response = await fetch(`${emulator.oauth.authorizeUrl}?${params}`, { redirect: 'manual' });

      expect(new URL(response.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
    });
  });

  it('refresh tokens rotate: each use answers a new one, and the used one is refused', async () => {
    const { refresh } = await connect(emulator, SIGN_IN);

    const first = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });
    const reused = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });
    const second = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) });

    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(refresh);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
    expect(second.status).toBe(200);
  });

  it('revoking a refresh token ends its access tokens and the refresh token itself', async () => {
    const { access, refresh } = await connect(emulator, SIGN_IN);
    const body = new URLSearchParams({ token: refresh, client_id: emulator.oauth.clientId, client_secret: emulator.oauth.clientSecret });

    const revoked = await fetch(emulator.oauth.revokeUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    const read = await query(emulator, access, CUSTOMER_QUERY);
    const refreshed = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });

    expect(revoked.status).toBe(200);
    expect(read.status).toBe(401);
    expect(read.body['ia::result']['ia::error']).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('revoked') });
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
  });

  it("a company's admin revoking the app ends every grant of that company", async () => {
    const { access, refresh } = await connect(emulator, SIGN_IN);

    const control = await fetch(`${emulator.baseUrl}/__emulator/oauth/revoke-company`, {
      method: 'POST',
      body: JSON.stringify({ companyId: 'northwind' }),
    });
    const read = await query(emulator, access, CUSTOMER_QUERY);
    const refreshed = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });

    expect(control.status).toBe(200);
    expect(read.status).toBe(401);
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('an expired access token is refused with 401, and the refresh token still gets a new one', async () => {
    const { access, refresh } = await connect(emulator, SIGN_IN);
    emulator.expireAccessTokens();

    const read = await query(emulator, access, CUSTOMER_QUERY);
    const refreshed = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });
    const readAgain = await query(emulator, String(refreshed.body.access_token), CUSTOMER_QUERY);

    expect(read.status).toBe(401);
    expect(read.headers.get('www-authenticate')).toContain('Bearer');
    expect(read.body['ia::result']['ia::error'].message).toContain('expired');
    expect(readAgain.status).toBe(200);
  });

  it('an access token ages out with the clock (expires_in)', async () => {
    const { access } = await connect(emulator, SIGN_IN);
    emulator.advanceOAuthClock(60 * MINUTE_MS);

    expect((await query(emulator, access, CUSTOMER_QUERY)).status).toBe(401);
  });

  it('a missing or forged bearer token is refused with 401', async () => {
    const { access } = await connect(emulator, SIGN_IN);
    const [header, payload] = access.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;

    expect((await query(emulator, '', CUSTOMER_QUERY)).status).toBe(401);
    expect((await query(emulator, forged, CUSTOMER_QUERY)).status).toBe(401);
  });

  it('answers scripted 429s on the token endpoint with Retry-After, then recovers', async () => {
    const { refresh } = await connect(emulator, SIGN_IN);
    const control = await fetch(`${emulator.baseUrl}/__emulator/oauth/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNext: [{ kind: 'http429', count: 2, retryAfterSeconds: 7 }] }),
    });

    const first = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });
    const second = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });
    const third = await tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: refresh });

    expect(control.status).toBe(200);
    expect([first.status, second.status]).toEqual([429, 429]);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(third.status).toBe(200);
  });

  it('refuses an XML-only fault kind for the token endpoint', async () => {
    const control = await fetch(`${emulator.baseUrl}/__emulator/oauth/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNext: [{ kind: 'xmlError' }] }),
    });

    expect(control.status).toBe(400);
  });

  it('refuses an unsupported grant type and a JSON body', async () => {
    const password = await tokenRequest(emulator, { grant_type: 'password' });
    const json = await fetch(emulator.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    });

    expect(password.body).toMatchObject({ error: 'unsupported_grant_type' });
    expect(json.status).toBe(400);
  });

  it('registers a client of its own for a test', async () => {
    emulator.registerOAuthClient({ clientId: 'second.app.sage.com', clientSecret: 's3cret', redirectUris: ['http://127.0.0.1:9999/cb'] });
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'second.app.sage.com',
      redirect_uri: 'http://127.0.0.1:9999/cb',
      state: 's',
    });

    const response = await fetch(`${emulator.oauth.authorizeUrl}?${params}`);

    expect(response.status).toBe(200);
  });
});
