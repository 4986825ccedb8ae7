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
  /** The admin agreed to unlink every record should the grant be for another company than the links' (as PUT's resetLinks). */
  resetLinks: boolean;
}

/**
 * Pending authorizations by state. `take` is single-use: it answers a pending authorization at most
 * once, before it expires, and only to its own tenant when `tenantId` is given (null: the state's
 * own tenant, the public callback's case); otherwise it throws InvalidInput (`oauth_state_invalid`
 * for an unknown, used or foreign state, `oauth_state_expired`), leaving a foreign state usable by
 * its own tenant.
 */
export interface OAuthStateStore {
  save(pending: PendingAuthorization): Promise<void>;
  take(state: string, tenantId: string | null, now: Date): Promise<PendingAuthorization>;
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
  /** RFC 7009: revokes the grant a refresh token belongs to. */
  revoke(refreshToken: string, signal?: AbortSignal): Promise<void>;
}

/** The Intacct company (and entity) an OAuth grant reads, and the Intacct user who approved it. */
export interface GrantedCompany {
  companyId: string;
  userId: string;
  entityId: string | null;
}

/** What a callback obtained: the tenant that started the authorization, its grant, and whose company it reads. */
export interface FinishedAuthorization {
  tenantId: string;
  tokens: OAuthTokens;
  company: GrantedCompany;
  resetLinks: boolean;
}

/**
 * Sage Intacct's OAuth connect as the use cases see it. `finish` takes the state first (single
 * use: InvalidInput when unknown, used, foreign or expired), then exchanges the code (an
 * IntacctFailure when Intacct refuses). Throws PreconditionFailed `oauth_not_configured` where the
 * deployment has no OAuth client.
 */
export interface IntacctAuthorization {
  start(tenantId: string, options: { resetLinks: boolean }): Promise<{ authorizeUrl: string }>;
  finish(state: string, code: string, signal?: AbortSignal): Promise<FinishedAuthorization>;
  /** The admin denied at Intacct (or Intacct answered an error): the state is used up; answers its tenant. */
  abandon(state: string): Promise<string>;
  /** Keeps a tenant's new grant in the secret store (replacing any earlier one); answers its secretRef. */
  keepGrant(tenantId: string, tokens: OAuthTokens): Promise<string>;
  /** Asks Intacct to revoke a grant the service will not keep (refused, replaced, disconnected). */
  revoke(refreshToken: string): Promise<void>;
  /** Asks Intacct to revoke the tenant's stored grant (the secret itself is left to the caller). */
  revokeStored(tenantId: string): Promise<void>;
}

export interface CodeExchange {
  code: string;
  verifier: string;
  redirectUri: string;
}
