import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EncryptedFileSecretStore } from '#adapters/encrypted-file-secret-store';
import { IntacctFailure } from '#domain/errors';
import { OAuthStates } from '#intacct-rest/oauth/oauth-states';
import { oauthSecretRef, saveOAuthGrant, TenantTokens } from '#intacct-rest/oauth/tenant-tokens';
import { IntacctTokenClient, type TokenClientOptions } from '#intacct-rest/oauth/token-client';
import type { OAuthTokens } from '#ports/intacct-oauth';
import type { SecretStore } from '#ports/secrets';
import { DynamoOAuthStateStore } from '#store/oauth-state-store';
import { DynamoTokenRefreshLock } from '#store/token-refresh-lock';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { type RunningDynalite, startDynalite } from '../support/dynalite';
import { approve, COMPANY, queryStatus } from './oauth-support';

const MINUTE_MS = 60_000;
const TENANT = 'tenant-oauth';

/** Every secret seen in a test, checked against every error message. */
const secretsSeen = new Set<string>();

async function failure(promise: Promise<unknown>): Promise<IntacctFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IntacctFailure);
  const message = (error as IntacctFailure).message;
  for (const secret of secretsSeen) expect(message).not.toContain(secret);
  return error as IntacctFailure;
}

describe('Sage Intacct OAuth tokens against the emulator', () => {
  let dynamo: RunningDynalite;
  let emulator: RunningEmulator;
  let directory: string;
  let redirectUri: string;
  /** The workers' wall clock (epoch ms), moved forward with the emulator's OAuth clock. */
  let clock: number;
  let tokenRequests: number;
  /** Added before each token request reaches the emulator: a slow token endpoint widens races. */
  let tokenLatencyMs: number;

  const countingFetch: typeof fetch = async (input, init) => {
    if (String(input) === emulator.oauth.tokenUrl) {
      tokenRequests += 1;
      if (tokenLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, tokenLatencyMs));
    }
    return fetch(input, init);
  };

  function tokenClient(options: TokenClientOptions = {}): IntacctTokenClient {
    secretsSeen.add(emulator.oauth.clientSecret);
    return new IntacctTokenClient(
      {
        tokenUrl: emulator.oauth.tokenUrl,
        revokeUrl: emulator.oauth.revokeUrl,
        clientId: emulator.oauth.clientId,
        clientSecret: emulator.oauth.clientSecret,
      },
      { fetch: countingFetch, now: () => clock, ...options },
    );
  }

  /** A "process": its own secret store over the shared encrypted file, its own lock and token client. */
  function worker(options: TokenClientOptions = {}): { tokens: TenantTokens; secrets: SecretStore } {
    const secrets = new EncryptedFileSecretStore({ file: join(directory, 'secrets.json'), keyFile: join(directory, 'secrets.key') });
    const lock = new DynamoTokenRefreshLock(dynamo.doc, dynamo.names.runs, { lockTtlMs: 30_000 });
    return { tokens: new TenantTokens({ tenantId: TENANT, secrets, lock, endpoint: tokenClient(options), now: () => clock }), secrets };
  }

  /** Connect → consent → callback → code exchange, as the routes will; the grant saved in the secret store. */
  async function connectTenant(): Promise<OAuthTokens> {
    const states = new OAuthStates(new DynamoOAuthStateStore(dynamo.doc, dynamo.names.runs), {
      authorizeUrl: emulator.oauth.authorizeUrl,
      clientId: emulator.oauth.clientId,
    });
    const started = await states.start(TENANT, redirectUri);
    const callback = await approve(started.authorizeUrl);
    const consumed = await states.consume(callback.state, TENANT);
    const tokens = await tokenClient().exchangeCode({ code: callback.code, verifier: consumed.verifier, redirectUri });
    for (const secret of [callback.code, consumed.verifier, tokens.accessToken, tokens.refreshToken]) secretsSeen.add(secret);
    await saveOAuthGrant(worker().secrets, TENANT, tokens);
    return tokens;
  }

  async function storedGrant(secrets: SecretStore): Promise<OAuthTokens> {
    return JSON.parse((await secrets.get(oauthSecretRef(TENANT))) ?? 'null') as OAuthTokens;
  }

  async function refreshDirectly(refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: emulator.oauth.clientId,
      client_secret: emulator.oauth.clientSecret,
    });
    const response = await fetch(emulator.oauth.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    [dynamo, emulator] = await Promise.all([startDynalite(), startEmulator({ companies: [COMPANY] })]);
    redirectUri = emulator.oauth.redirectUris[0] ?? '';
  });
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'oauth-tokens-'));
    clock = Date.now();
    tokenRequests = 0;
    tokenLatencyMs = 0;
  });
  afterEach(async () => {
    emulator.clearFaults();
    await rm(directory, { recursive: true, force: true });
  });
  afterAll(async () => {
    await Promise.all([dynamo?.close(), emulator?.close()]);
  });

  it('exchanges a code for a working access token and a refresh token, expiring by expires_in', async () => {
    const tokens = await connectTenant();

    expect(tokenRequests).toBe(1);
    expect(tokens.accessTokenExpiresAt).toBe(clock + 60 * MINUTE_MS);
    expect(tokens.refreshToken).not.toBe('');
    expect(await queryStatus(emulator, tokens.accessToken)).toBe(200);
  });

  it('an expired code is intacct_auth_failed, asking to reconnect, with no code, verifier or secret in the message', async () => {
    const states = new OAuthStates(new DynamoOAuthStateStore(dynamo.doc, dynamo.names.runs), {
      authorizeUrl: emulator.oauth.authorizeUrl,
      clientId: emulator.oauth.clientId,
    });
    const started = await states.start(TENANT, redirectUri);
    const callback = await approve(started.authorizeUrl);
    const consumed = await states.consume(callback.state, TENANT);
    secretsSeen.add(callback.code);
    secretsSeen.add(consumed.verifier);
    emulator.advanceOAuthClock(10 * MINUTE_MS);

    const expired = await failure(tokenClient().exchangeCode({ code: callback.code, verifier: consumed.verifier, redirectUri }));

    expect(expired.code).toBe('intacct_auth_failed');
    expect(expired.message).toContain('reconnect');
    expect(expired.message).toContain('expired');
  });

  it('answers the cached access token without asking the token endpoint', async () => {
    await connectTenant();
    tokenRequests = 0;
    const { tokens } = worker();

    const first = await tokens.accessToken();
    const second = await tokens.accessToken();

    expect(second).toBe(first);
    expect(tokenRequests).toBe(0);
  });

  it('two workers whose access token expired refresh concurrently: one refresh reaches the token endpoint, both get the new token, the newest refresh token is stored', async () => {
    const connected = await connectTenant();
    const [a, b] = [worker(), worker()];
    expect(await a.tokens.accessToken()).toBe(connected.accessToken);
    expect(await b.tokens.accessToken()).toBe(connected.accessToken);
    tokenRequests = 0;
    tokenLatencyMs = 300;
    emulator.advanceOAuthClock(60 * MINUTE_MS);
    clock += 60 * MINUTE_MS;
    expect(await queryStatus(emulator, connected.accessToken)).toBe(401);

    const [fromA, fromB, fromA2, fromB2] = await Promise.all([
      a.tokens.accessToken(),
      b.tokens.accessToken(),
      a.tokens.accessToken(),
      b.tokens.accessToken(),
    ]);

    expect(tokenRequests).toBe(1);
    expect(new Set([fromA, fromB, fromA2, fromB2]).size).toBe(1);
    expect(fromA).not.toBe(connected.accessToken);
    expect(await queryStatus(emulator, fromA)).toBe(200);
    const stored = await storedGrant(a.secrets);
    expect(stored.accessToken).toBe(fromA);
    expect(stored.refreshToken).not.toBe(connected.refreshToken);
    // The emulator refuses the old refresh token, and takes the stored one: it is the newest.
    expect((await refreshDirectly(connected.refreshToken)).body).toMatchObject({ error: 'invalid_grant' });
    expect((await refreshDirectly(stored.refreshToken)).status).toBe(200);
    // DynamoDB holds the lock and the states, never a token.
    const items = JSON.stringify((await dynamo.doc.send(new ScanCommand({ TableName: dynamo.names.runs }))).Items);
    for (const token of [connected.refreshToken, connected.accessToken, stored.refreshToken, stored.accessToken]) expect(items).not.toContain(token);
  });

  it('after a 401, two workers asking for a fresh token concurrently cause one refresh; a third, later, re-reads it without refreshing', async () => {
    const connected = await connectTenant();
    const [a, b, c] = [worker(), worker(), worker()];
    const rejected = await a.tokens.accessToken();
    await b.tokens.accessToken();
    tokenRequests = 0;
    tokenLatencyMs = 300;
    emulator.expireAccessTokens();
    expect(await queryStatus(emulator, rejected)).toBe(401);

    const [fromA, fromB] = await Promise.all([a.tokens.refreshed(rejected), b.tokens.refreshed(rejected)]);
    const fromC = await c.tokens.refreshed(rejected);

    expect(tokenRequests).toBe(1);
    expect(fromB).toBe(fromA);
    expect(fromC).toBe(fromA);
    expect(await queryStatus(emulator, fromA)).toBe(200);
    expect((await storedGrant(a.secrets)).refreshToken).not.toBe(connected.refreshToken);
    // Rejecting a token another worker already replaced refreshes nothing either.
    expect(await a.tokens.refreshed(rejected)).toBe(fromA);
    expect(tokenRequests).toBe(1);
  });

  it('a refresh of a rejected token that is still the newest refreshes once', async () => {
    await connectTenant();
    const { tokens } = worker();
    const first = await tokens.accessToken();
    tokenRequests = 0;

    const second = await tokens.refreshed(first);

    expect(tokenRequests).toBe(1);
    expect(second).not.toBe(first);
    expect(await queryStatus(emulator, second)).toBe(200);
  });

  it('a revoked grant is intacct_auth_failed asking to reconnect, with no token or secret in the message', async () => {
    await connectTenant();
    const { tokens } = worker();
    const access = await tokens.accessToken();
    emulator.revokeOAuthGrants(COMPANY.companyId);
    expect(await queryStatus(emulator, access)).toBe(401);

    tokenRequests = 0;

    const [revoked, alsoRevoked] = await Promise.all([failure(tokens.refreshed(access)), failure(tokens.refreshed(access))]);

    expect(revoked.code).toBe('intacct_auth_failed');
    expect(revoked.message).toContain('reconnect');
    expect(revoked.message).toContain('revoked');
    // Callers of one process waiting on the same refresh share its answer.
    expect(alsoRevoked).toBe(revoked);
    expect(tokenRequests).toBe(1);
  });

  it('a refresh that races a disconnect does not bring the deleted grant back', async () => {
    await connectTenant();
    const { tokens, secrets } = worker();
    tokenRequests = 0;
    tokenLatencyMs = 300;
    emulator.advanceOAuthClock(60 * MINUTE_MS);
    clock += 60 * MINUTE_MS;

    const refreshing = failure(tokens.accessToken());
    await vi.waitFor(() => expect(tokenRequests).toBe(1));
    await secrets.delete(oauthSecretRef(TENANT));
    const refused = await refreshing;

    expect(refused.code).toBe('intacct_auth_failed');
    expect(refused.message).toContain('reconnect');
    expect(await worker().secrets.get(oauthSecretRef(TENANT))).toBeNull();
  });

  it('a tenant with no stored grant is intacct_auth_failed asking to reconnect', async () => {
    const { tokens } = worker();

    const missing = await failure(tokens.accessToken());

    expect(missing.code).toBe('intacct_auth_failed');
    expect(missing.message).toContain('reconnect');
  });

  it('waits out 429s on the token endpoint, honouring Retry-After', async () => {
    const connected = await connectTenant();
    const client = tokenClient({ now: Date.now });
    emulator.setTokenFaults({ failNext: [{ kind: 'http429', count: 2, retryAfterSeconds: 1 }] });
    tokenRequests = 0;
    const started = Date.now();

    const refreshed = await client.refresh(connected.refreshToken);

    expect(tokenRequests).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(await queryStatus(emulator, refreshed.accessToken)).toBe(200);
  });

  it('429s beyond the attempts are intacct_rate_limited; an abort while waiting is intacct_timeout at once', async () => {
    const connected = await connectTenant();
    emulator.setTokenFaults({ failNext: [{ kind: 'http429', count: 10, retryAfterSeconds: 0 }] });

    const limited = await failure(tokenClient({ maxAttempts: 2 }).refresh(connected.refreshToken));
    emulator.setTokenFaults({ failNext: [{ kind: 'http429', count: 10, retryAfterSeconds: 30 }] });
    const started = Date.now();
    const abandoned = await failure(tokenClient().refresh(connected.refreshToken, AbortSignal.timeout(300)));

    expect(limited.code).toBe('intacct_rate_limited');
    expect(abandoned.code).toBe('intacct_timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a 5xx or a reset on the token endpoint is intacct_unavailable, never retried (the refresh token may have rotated)', async () => {
    const connected = await connectTenant();
    tokenRequests = 0;
    emulator.setTokenFaults({ failNext: [{ kind: 'http500' }, { kind: 'reset' }] });

    const serverError = await failure(tokenClient().refresh(connected.refreshToken));
    const reset = await failure(tokenClient().refresh(connected.refreshToken));

    expect([serverError.code, reset.code]).toEqual(['intacct_unavailable', 'intacct_unavailable']);
    expect(tokenRequests).toBe(2);
  });

  it('a wrong client secret is intacct_auth_failed naming the client, not the secret', async () => {
    const connected = await connectTenant();
    const wrongSecret = 'wrong-secret-value-123';
    secretsSeen.add(wrongSecret);
    const client = new IntacctTokenClient({
      tokenUrl: emulator.oauth.tokenUrl,
      revokeUrl: emulator.oauth.revokeUrl,
      clientId: emulator.oauth.clientId,
      clientSecret: wrongSecret,
    });

    const refused = await failure(client.refresh(connected.refreshToken));

    expect(refused.code).toBe('intacct_auth_failed');
    expect(refused.message).toContain('client');
  });

  it("the refresh lock: one holder at a time, freed by release or when a dead holder's time is up, and an abort stops the wait", async () => {
    const lock = new DynamoTokenRefreshLock(dynamo.doc, dynamo.names.runs, { lockTtlMs: 400 });
    const release = await lock.acquire('tenant-lock');
    let secondHeld = false;
    const second = lock.acquire('tenant-lock').then((releaseSecond) => {
      secondHeld = true;
      return releaseSecond;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondHeld).toBe(false);
    await release();
    const releaseSecond = await second;
    expect(secondHeld).toBe(true);

    // The second holder "dies" (never releases): the lock is free again once its time is up.
    const started = Date.now();
    const third = await lock.acquire('tenant-lock');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // A stale release by the dead holder leaves the new holder's lock alone.
    await releaseSecond();
    await expect(lock.acquire('tenant-lock', AbortSignal.timeout(150))).rejects.toThrow();
    await third();
    await (await lock.acquire('other-tenant'))();
  });
});
