/**
 * One tenant's OAuth access tokens for the REST gateway.
 *
 * The grant lives in the SecretStore only, as one secret: the refresh token with the newest access
 * token and its expiry (shared there so every process can use what any one of them refreshed).
 * Memory keeps the access token and its expiry, never the refresh token; DynamoDB holds only the
 * refresh lock, never a token.
 *
 * Refresh tokens rotate, so a refresh happens under the tenant's refresh lock (one at a time across
 * processes) and starts by re-reading the secret: a worker that waited for the lock finds the
 * winner's fresh access token there and uses it instead of refreshing with a used refresh token.
 * Within one process, concurrent callers share one renewal.
 */
import { z } from 'zod';
import { IntacctFailure } from '#domain/errors';
import type { OAuthTokenEndpoint, OAuthTokens, TokenRefreshLock } from '#ports/intacct-oauth';
import type { IntacctAccessTokens } from '#ports/intacct-source';
import type { SecretStore } from '#ports/secrets';

/** Refresh this long before the access token's stated expiry (clock skew, a request in flight). */
const DEFAULT_EXPIRY_MARGIN_MS = 60_000;
/** Writing the rotated refresh token must not fail lightly: it is the only copy of the grant. */
const SAVE_ATTEMPTS = 3;
const SAVE_RETRY_MS = 200;
const RECONNECT = 'A tenant admin must reconnect to Sage Intacct (Integrations → Connect with Sage Intacct).';

const storedGrantSchema = z
  .object({
    refreshToken: z.string().min(1),
    accessToken: z.string().min(1),
    accessTokenExpiresAt: z.number(),
  })
  .strict();

/** Where a tenant's OAuth grant is kept in the SecretStore. */
export function oauthSecretRef(tenantId: string): string {
  return `intacct/${tenantId}/oauth-grant`;
}

/** Keeps a new grant (after the code exchange), replacing any earlier one of the tenant. */
export async function saveOAuthGrant(secrets: SecretStore, tenantId: string, tokens: OAuthTokens): Promise<void> {
  await secrets.put(oauthSecretRef(tenantId), serialize(tokens));
}

/** The tenant's stored grant; null when none is stored or it is unreadable. */
export async function readOAuthGrant(secrets: SecretStore, tenantId: string): Promise<OAuthTokens | null> {
  const text = await secrets.get(oauthSecretRef(tenantId));
  return text === null ? null : parseGrant(text);
}

function parseGrant(text: string): OAuthTokens | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = storedGrantSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export interface TenantTokensDeps {
  tenantId: string;
  secrets: SecretStore;
  lock: TokenRefreshLock;
  endpoint: OAuthTokenEndpoint;
  /** Epoch milliseconds. */
  now?: () => number;
  expiryMarginMs?: number;
}

interface CachedAccess {
  accessToken: string;
  expiresAt: number;
}

export class TenantTokens implements IntacctAccessTokens {
  readonly #deps: TenantTokensDeps;
  readonly #now: () => number;
  readonly #marginMs: number;
  readonly #ref: string;
  #cached: CachedAccess | null = null;
  #renewal: Promise<string> | null = null;

  constructor(deps: TenantTokensDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#marginMs = deps.expiryMarginMs ?? DEFAULT_EXPIRY_MARGIN_MS;
    this.#ref = oauthSecretRef(deps.tenantId);
  }

  async accessToken(signal?: AbortSignal): Promise<string> {
    const cached = this.#usable(this.#cached, undefined);
    return cached ?? this.#renewOnce(undefined, signal);
  }

  /** After a 401 for `rejected`: a token other than it, refreshing once unless another worker already did. */
  async refreshed(rejected: string, signal?: AbortSignal): Promise<string> {
    const cached = this.#usable(this.#cached, rejected);
    return cached ?? this.#renewOnce(rejected, signal);
  }

  /** One renewal at a time in this process; a caller that joined one answering `rejected` starts its own. */
  async #renewOnce(rejected: string | undefined, signal: AbortSignal | undefined): Promise<string> {
    while (this.#renewal) {
      const outcome = await this.#renewal.then(
        () => undefined,
        (error: unknown) => error,
      );
      // A revoked grant stays revoked: the callers that waited share the answer, not another request.
      if (outcome instanceof IntacctFailure && outcome.code === 'intacct_auth_failed') throw outcome;
      const cached = this.#usable(this.#cached, rejected);
      if (cached) return cached;
    }
    const renewal = this.#renew(rejected, signal).finally(() => {
      if (this.#renewal === renewal) this.#renewal = null;
    });
    this.#renewal = renewal;
    return renewal;
  }

  async #renew(rejected: string | undefined, signal: AbortSignal | undefined): Promise<string> {
    // Another process may have refreshed already: no lock needed to use its token.
    const before = this.#usable(await this.#read(), rejected);
    if (before) return before;
    const release = await this.#lock(signal);
    try {
      const stored = await this.#read();
      const winners = this.#usable(stored, rejected);
      if (winners) return winners;
      let tokens: OAuthTokens;
      try {
        tokens = await this.#deps.endpoint.refresh(stored.refreshToken, signal);
      } catch (error) {
        // A refresh lock that lapsed under a slow holder: the grant's newest token is in the store.
        const again = error instanceof IntacctFailure && error.code === 'intacct_auth_failed' ? await this.#read().catch(() => null) : null;
        if (again && again.refreshToken !== stored.refreshToken) {
          const theirs = this.#usable(again, rejected);
          if (theirs) return theirs;
        }
        throw error;
      }
      this.#cached = { accessToken: tokens.accessToken, expiresAt: tokens.accessTokenExpiresAt };
      await this.#save(tokens);
      return tokens.accessToken;
    } finally {
      await release();
    }
  }

  /** The access token of `grant` (and caches it) when it is not `rejected` and not about to expire. */
  #usable(grant: CachedAccess | { accessToken: string; accessTokenExpiresAt: number } | null, rejected: string | undefined): string | undefined {
    if (!grant) return undefined;
    const expiresAt = 'expiresAt' in grant ? grant.expiresAt : grant.accessTokenExpiresAt;
    if (grant.accessToken === rejected || expiresAt - this.#marginMs <= this.#now()) return undefined;
    this.#cached = { accessToken: grant.accessToken, expiresAt };
    return grant.accessToken;
  }

  async #read(): Promise<OAuthTokens> {
    const text = await this.#deps.secrets.get(this.#ref);
    if (text === null) throw new IntacctFailure('intacct_auth_failed', `No Sage Intacct OAuth grant is stored for this tenant. ${RECONNECT}`);
    const grant = parseGrant(text);
    if (grant === null) throw new IntacctFailure('intacct_auth_failed', `The stored Sage Intacct OAuth grant is unreadable. ${RECONNECT}`);
    return grant;
  }

  async #lock(signal: AbortSignal | undefined): Promise<() => Promise<void>> {
    try {
      return await this.#deps.lock.acquire(this.#deps.tenantId, signal);
    } catch (error) {
      if (signal?.aborted)
        throw new IntacctFailure('intacct_timeout', "The deadline passed while waiting for another worker's Sage Intacct token refresh.");
      throw error;
    }
  }

  /**
   * Writes the rotated grant over the stored one, retrying a failed write: the old refresh token no
   * longer works. A grant deleted meanwhile (the tenant disconnected) stays deleted.
   */
  async #save(tokens: OAuthTokens): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (await this.#deps.secrets.replace(this.#ref, serialize(tokens))) return;
        this.#cached = null;
        throw new IntacctFailure('intacct_auth_failed', `The Sage Intacct connection was removed while its token was being refreshed. ${RECONNECT}`);
      } catch (error) {
        if (error instanceof IntacctFailure) throw error;
        if (attempt >= SAVE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, SAVE_RETRY_MS * attempt));
      }
    }
  }
}

function serialize(tokens: OAuthTokens): string {
  const stored: z.infer<typeof storedGrantSchema> = {
    refreshToken: tokens.refreshToken,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
  };
  return JSON.stringify(stored);
}
