import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '#domain/errors';
import { authorizeUrl, codeChallengeOf, newState, newVerifier } from '#intacct-rest/oauth/authorize-url';
import { OAuthStates } from '#intacct-rest/oauth/oauth-states';
import { IntacctTokenClient } from '#intacct-rest/oauth/token-client';
import { oauthStateKey } from '#store/keys';
import { DynamoOAuthStateStore } from '#store/oauth-state-store';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { type RunningDynalite, startDynalite } from '../support/dynalite';
import { approve, COMPANY, queryStatus } from './oauth-support';

const MINUTE_MS = 60_000;

async function refusal(promise: Promise<unknown>): Promise<InvalidInput> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidInput);
  return error as InvalidInput;
}

describe('the OAuth authorize URL', () => {
  it('asks for a code with the state, offline_access and an S256 challenge of the verifier', () => {
    const verifier = newVerifier();
    const url = new URL(
      authorizeUrl(
        { authorizeUrl: 'https://api.intacct.com/ia/api/v1/oauth2/authorize', clientId: 'psa.app.sage.com' },
        { state: 'the-state', verifier, redirectUri: 'https://psa.example/cb' },
      ),
    );

    expect(`${url.origin}${url.pathname}`).toBe('https://api.intacct.com/ia/api/v1/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'psa.app.sage.com',
      redirect_uri: 'https://psa.example/cb',
      state: 'the-state',
      scope: 'offline_access',
      code_challenge: codeChallengeOf(verifier),
      code_challenge_method: 'S256',
    });
    expect(url.toString()).not.toContain(verifier);
  });

  it("computes RFC 7636's S256 example challenge", () => {
    // RFC 7636 Appendix B.
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('draws states and verifiers of 256 random bits (43 base64url characters), never twice the same', () => {
    const drawn = Array.from({ length: 200 }, () => [newState(), newVerifier()]).flat();

    for (const text of drawn) expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(drawn).size).toBe(drawn.length);
  });
});

describe('OAuth states in DynamoDB', () => {
  let dynamo: RunningDynalite;
  let emulator: RunningEmulator;
  let clock = Date.now();
  let states: OAuthStates;
  let redirectUri: string;

  beforeAll(async () => {
    [dynamo, emulator] = await Promise.all([startDynalite(), startEmulator({ companies: [COMPANY] })]);
    redirectUri = emulator.oauth.redirectUris[0] ?? '';
    const store = new DynamoOAuthStateStore(dynamo.doc, dynamo.names.runs);
    states = new OAuthStates(store, { authorizeUrl: emulator.oauth.authorizeUrl, clientId: emulator.oauth.clientId }, { now: () => clock });
  });
  afterAll(async () => {
    await Promise.all([dynamo?.close(), emulator?.close()]);
  });

  it('start keeps the state for ten minutes with a TTL, and answers an authorize URL carrying it', async () => {
    const started = await states.start('tenant-a', redirectUri);
    const item = await dynamo.doc.send(new GetCommand({ TableName: dynamo.names.runs, Key: oauthStateKey(started.state) }));
    const url = new URL(started.authorizeUrl);

    expect(url.searchParams.get('state')).toBe(started.state);
    expect(started.expiresAt).toBe(new Date(clock + 10 * MINUTE_MS).toISOString());
    expect(item.Item).toMatchObject({ entityType: 'OAuthState', tenantId: 'tenant-a', redirectUri, until: started.expiresAt });
    expect(item.Item?.expiresAt).toBe(Math.ceil((clock + 10 * MINUTE_MS) / 1000));

    const consumed = await states.consume(started.state, 'tenant-a');
    expect(codeChallengeOf(consumed.verifier)).toBe(url.searchParams.get('code_challenge'));
  });

  it('walks the whole flow: the emulator approves our URL, the callback state gives back the verifier, the code exchange succeeds', async () => {
    const started = await states.start('tenant-a', redirectUri);
    const callback = await approve(started.authorizeUrl);
    const consumed = await states.consume(callback.state, 'tenant-a');
    const client = new IntacctTokenClient({
      tokenUrl: emulator.oauth.tokenUrl,
      revokeUrl: emulator.oauth.revokeUrl,
      clientId: emulator.oauth.clientId,
      clientSecret: emulator.oauth.clientSecret,
    });

    const tokens = await client.exchangeCode({ code: callback.code, verifier: consumed.verifier, redirectUri: consumed.redirectUri });

    expect(callback.state).toBe(started.state);
    expect(consumed).toMatchObject({ tenantId: 'tenant-a', redirectUri });
    expect(await queryStatus(emulator, tokens.accessToken)).toBe(200);
  });

  it('a state is single-use: a replay is refused as unknown', async () => {
    const { state } = await states.start('tenant-a', redirectUri);

    await states.consume(state, 'tenant-a');
    const replay = await refusal(states.consume(state, 'tenant-a'));

    expect(replay.code).toBe('oauth_state_invalid');
    expect(replay.message).toContain('start connecting again');
  });

  it('two callbacks racing with one state: exactly one gets it', async () => {
    const { state } = await states.start('tenant-a', redirectUri);

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => states.consume(state, 'tenant-a')));

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InvalidInput);
  });

  it('an expired state is refused, even to its own tenant', async () => {
    const { state } = await states.start('tenant-a', redirectUri);
    clock += 10 * MINUTE_MS;
    try {
      const expired = await refusal(states.consume(state, 'tenant-a'));

      expect(expired.code).toBe('oauth_state_expired');
      expect(expired.message).toContain('expired');
    } finally {
      clock -= 10 * MINUTE_MS;
    }
  });

  it("another tenant's state is refused as unknown, and stays usable by its own tenant", async () => {
    const { state } = await states.start('tenant-a', redirectUri);

    const foreign = await refusal(states.consume(state, 'tenant-b'));
    const own = await states.consume(state, 'tenant-a');

    expect(foreign.code).toBe('oauth_state_invalid');
    expect(own.tenantId).toBe('tenant-a');
  });

  it('the public callback (no caller tenant) gets the state of the tenant that started it, with its resetLinks, once', async () => {
    const { state } = await states.start('tenant-a', redirectUri, true);

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => states.consume(state, null)));

    const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(taken).toHaveLength(1);
    expect(taken[0]!.value).toMatchObject({ tenantId: 'tenant-a', redirectUri, resetLinks: true });
  });

  it('the public callback is told an expired state expired', async () => {
    const { state } = await states.start('tenant-a', redirectUri);
    clock += 10 * MINUTE_MS;
    try {
      expect((await refusal(states.consume(state, null))).code).toBe('oauth_state_expired');
    } finally {
      clock -= 10 * MINUTE_MS;
    }
  });

  it('an unknown or malformed state, and a bad redirect URI, are invalid input rather than failures', async () => {
    for (const state of [newState(), '', 'a#b', 'x'.repeat(2000)]) {
      expect((await refusal(states.consume(state, 'tenant-a'))).code).toBe('oauth_state_invalid');
    }
    for (const uri of ['not a url', 'javascript:alert(1)', 'https://psa.example/cb#frag']) {
      expect((await refusal(states.start('tenant-a', uri))).code).toBe('invalid_redirect_uri');
    }
  });
});
