/**
 * Seeded property: workers of one tenant asking for access tokens, told their token was refused
 * (401), while access tokens expire by the clock or all at once, in random interleavings against
 * the emulator's token endpoint (rotating refresh tokens; a used one is refused) and a refresh
 * lock in dynalite. Whatever the order, no worker ever loses the grant (every call answers a token
 * the REST API accepts, at once or after one refresh), the stored refresh token is always the
 * newest, and a refresh reaches the token endpoint only when a token needed renewing.
 * FC_SEED=<seed> replays a failing schedule (test/support/fast-check.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../support/fast-check';
import { MemorySecretStore } from '#adapters/memory-secret-store';
import { OAuthStates } from '#intacct-rest/oauth/oauth-states';
import { saveOAuthGrant, TenantTokens } from '#intacct-rest/oauth/tenant-tokens';
import { IntacctTokenClient } from '#intacct-rest/oauth/token-client';
import { RestGatewaySourceFactory } from '#intacct-rest/source';
import { DynamoOAuthStateStore } from '#store/oauth-state-store';
import { DynamoTokenRefreshLock } from '#store/token-refresh-lock';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { type RunningDynalite, startDynalite } from '../support/dynalite';
import { approve, COMPANY, queryStatus } from './oauth-support';

const WORKERS = 3;
const SCHEDULES = 12;
const HOUR_MS = 60 * 60_000;
const TENANT = 'tenant-interleaved';

type Action = { kind: 'access'; worker: number } | { kind: 'rejected'; worker: number } | { kind: 'expireAll' } | { kind: 'clockPastExpiry' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('access' as const), worker: fc.nat(WORKERS - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('rejected' as const), worker: fc.nat(WORKERS - 1) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expireAll' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clockPastExpiry' as const }) },
);
/** Rounds of actions; the actions of one round run at the same time. */
const schedule = fc.array(fc.array(action, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 6 });

describe('token refresh under random interleavings of workers and expiries', () => {
  let dynamo: RunningDynalite;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    [dynamo, emulator] = await Promise.all([startDynalite(), startEmulator({ companies: [COMPANY] })]);
  });
  afterAll(async () => {
    await Promise.all([dynamo?.close(), emulator?.close()]);
  });

  it('never loses the grant, and refreshes only what needed renewing', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (rounds) => {
        let clock = Date.now();
        let tokenRequests = 0;
        const countingFetch: typeof fetch = async (input, init) => {
          if (String(input) === emulator.oauth.tokenUrl) tokenRequests += 1;
          return fetch(input, init);
        };
        const { tokenUrl, revokeUrl, clientId, clientSecret } = emulator.oauth;
        const endpoint = new IntacctTokenClient({ tokenUrl, revokeUrl, clientId, clientSecret }, { fetch: countingFetch, now: () => clock });
        // One secret store (Secrets Manager) and one lock table shared by every worker; each worker its own memory.
        const secrets = new MemorySecretStore();
        const lock = new DynamoTokenRefreshLock(dynamo.doc, dynamo.names.runs, { lockTtlMs: 30_000 });
        const states = new OAuthStates(new DynamoOAuthStateStore(dynamo.doc, dynamo.names.runs), {
          authorizeUrl: emulator.oauth.authorizeUrl,
          clientId,
        });
        const redirectUri = emulator.oauth.redirectUris[0] ?? '';
        const started = await states.start(TENANT, redirectUri);
        const callback = await approve(started.authorizeUrl);
        const consumed = await states.consume(callback.state, TENANT);
        await saveOAuthGrant(secrets, TENANT, await endpoint.exchangeCode({ code: callback.code, verifier: consumed.verifier, redirectUri }));
        const workers = Array.from({ length: WORKERS }, () => new TenantTokens({ tenantId: TENANT, secrets, lock, endpoint, now: () => clock }));
        const rest = new RestGatewaySourceFactory({ restBaseUrl: emulator.restBaseUrl, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
        const lastToken: (string | null)[] = Array(WORKERS).fill(null);
        let renewalsNeeded = 0;

        const run = async (step: Action): Promise<void> => {
          if (step.kind === 'expireAll') {
            emulator.expireAccessTokens();
            renewalsNeeded += 1;
          } else if (step.kind === 'clockPastExpiry') {
            emulator.advanceOAuthClock(HOUR_MS);
            clock += HOUR_MS;
            renewalsNeeded += 1;
          } else if (step.kind === 'access') {
            lastToken[step.worker] = await workers[step.worker]!.accessToken();
          } else {
            const rejected = lastToken[step.worker] ?? (await workers[step.worker]!.accessToken());
            lastToken[step.worker] = await workers[step.worker]!.refreshed(rejected);
          }
        };

        tokenRequests = 0;
        for (const round of rounds) {
          // Any rejection here is a lost grant: the property fails with its schedule.
          await Promise.all(round.map(run));
          // Each worker reads through the REST gateway as a run would: its 401 handling must find a token that works.
          for (const worker of workers) {
            const source = rest.forConnection({ companyId: COMPANY.companyId, tokens: worker });
            await expect(source.existingRecordNos('customer', ['1'], { retryUntilAborted: false })).resolves.toBeInstanceOf(Set);
          }
        }
        // Renewals: each expiry asks for at most one refresh, plus one per rejected-token report
        // whose token was still the newest (a refresh nobody needed is a refresh too many).
        const rejectedReports = rounds.flat().filter((step) => step.kind === 'rejected').length;
        expect(tokenRequests).toBeLessThanOrEqual(renewalsNeeded + rejectedReports);
        // The stored refresh token is the newest: one more refresh with it succeeds.
        const fresh = new TenantTokens({ tenantId: TENANT, secrets, lock, endpoint, now: () => clock + 2 * HOUR_MS });
        expect(await queryStatus(emulator, await fresh.refreshed('none'))).toBe(200);
      }),
      { numRuns: SCHEDULES, endOnFailure: true },
    );
  }, 120_000);
});
