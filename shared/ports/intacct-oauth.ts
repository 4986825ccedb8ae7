/**
 * Ports of Sage Intacct's OAuth 2.0 connect (authorization code with PKCE, rotating refresh tokens).
 * Refresh tokens never pass through these ports' stores: they live in the SecretStore only.
 */

/** An authorization a tenant admin started and has not finished: kept server-side until the callback. */
export interface PendingAuthorization {
  /** The `state` sent to the authorize endpoint: random, single-use. */
  state: string;
  tenantId: string;
  /** The PKCE code verifier (its S256 challenge went to the authorize endpoint). */
  verifier: string;
  /** The redirect URI the authorization request named; the code exchange must name it again. */
  redirectUri: string;
  /** ISO-8601 UTC instant after which the callback is refused. */
  expiresAt: string;
}

/**
 * Pending authorizations by state. `take` is single-use: it answers a pending authorization at most
 * once, and only to its own tenant before it expires; otherwise it throws InvalidInput
 * (`oauth_state_invalid` for an unknown, used or foreign state, `oauth_state_expired`), leaving a
 * foreign state usable by its own tenant.
 */
export interface OAuthStateStore {
  save(pending: PendingAuthorization): Promise<void>;
  take(state: string, tenantId: string, now: Date): Promise<PendingAuthorization>;
}

/** Releases a lock taken with TokenRefreshLock.acquire; a lock no longer held is left alone. */
export type RefreshLockRelease = () => Promise<void>;

/**
 * One token refresh at a time per tenant, across processes (refresh tokens rotate: two refreshes
 * with the same token lose the grant's newest token). A holder that dies frees the lock when its
 * short lifetime ends. `acquire` waits until the lock is free, or rejects when `signal` aborts.
 */
export interface TokenRefreshLock {
  acquire(tenantId: string, signal?: AbortSignal): Promise<RefreshLockRelease>;
}

/** What the token endpoint granted. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires (by the answer's expires_in). */
  accessTokenExpiresAt: number;
}

/** The token endpoint, as a confidential client: errors are IntacctFailures that never carry a token, code, verifier or secret. */
export interface OAuthTokenEndpoint {
  exchangeCode(request: CodeExchange, signal?: AbortSignal): Promise<OAuthTokens>;
  refresh(refreshToken: string, signal?: AbortSignal): Promise<OAuthTokens>;
}

export interface CodeExchange {
  code: string;
  verifier: string;
  redirectUri: string;
}
