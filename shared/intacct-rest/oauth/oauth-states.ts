/**
 * Starting and finishing an authorization: `start` keeps a fresh state and PKCE verifier
 * server-side for ten minutes and answers the authorize URL; `consume` answers them once, to the
 * tenant that started, before they expire (the store's conditional delete decides).
 */
import { InvalidInput } from '#domain/errors';
import type { OAuthStateStore, PendingAuthorization } from '#ports/intacct-oauth';
import { type AuthorizeEndpoint, authorizeUrl, isStateShaped, newState, newVerifier } from './authorize-url';

/** How long an admin has between Connect and the callback. */
const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

export interface OAuthStart {
  authorizeUrl: string;
  state: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
}

/** What the callback needs for the code exchange. */
export interface ConsumedAuthorization {
  tenantId: string;
  verifier: string;
  redirectUri: string;
  resetLinks: boolean;
}

export interface OAuthStatesOptions {
  /** Epoch milliseconds; the state's lifetime is real time. */
  now?: () => number;
  ttlMs?: number;
}

export class OAuthStates {
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(
    private readonly store: OAuthStateStore,
    private readonly endpoint: AuthorizeEndpoint,
    options: OAuthStatesOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? OAUTH_STATE_TTL_MS;
  }

  async start(tenantId: string, redirectUri: string, resetLinks = false): Promise<OAuthStart> {
    checkRedirectUri(redirectUri);
    const pending: PendingAuthorization = {
      state: newState(),
      tenantId,
      verifier: newVerifier(),
      redirectUri,
      expiresAt: new Date(this.now() + this.ttlMs).toISOString(),
      resetLinks,
    };
    await this.store.save(pending);
    return { authorizeUrl: authorizeUrl(this.endpoint, pending), state: pending.state, expiresAt: pending.expiresAt };
  }

  /**
   * Single-use; InvalidInput `oauth_state_invalid` (unknown, used, foreign or malformed) or
   * `oauth_state_expired`. `tenantId` null: whichever tenant started it (the public callback).
   */
  async consume(state: string, tenantId: string | null): Promise<ConsumedAuthorization> {
    if (!isStateShaped(state)) {
      throw new InvalidInput('oauth_state_invalid', 'This Sage Intacct sign-in is unknown or was already used; start connecting again.', [
        { field: 'state', message: 'is unknown or was already used' },
      ]);
    }
    const pending = await this.store.take(state, tenantId, new Date(this.now()));
    return { tenantId: pending.tenantId, verifier: pending.verifier, redirectUri: pending.redirectUri, resetLinks: pending.resetLinks };
  }
}

/** An absolute http(s) URL without a fragment (RFC 6749 §3.1.2). */
function checkRedirectUri(redirectUri: string): void {
  let url: URL | undefined;
  try {
    url = new URL(redirectUri);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '') {
    throw new InvalidInput('invalid_redirect_uri', 'redirectUri must be an absolute http(s) URL without a fragment.', [
      { field: 'redirectUri', message: 'must be an absolute http(s) URL without a fragment' },
    ]);
  }
}
