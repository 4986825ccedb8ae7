/**
 * The first leg of Sage Intacct's OAuth 2.0 authorization code flow: a fresh random state and
 * PKCE verifier (RFC 7636, S256 only), and the authorize URL that carries the state and the
 * verifier's challenge. The verifier never leaves the server until the code exchange.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Asks for a refresh token (Intacct's guide names no other scope). */
const OFFLINE_ACCESS_SCOPE = 'offline_access';
/** 32 random bytes: 43 base64url characters, RFC 7636's shortest verifier and 256 bits of entropy. */
const RANDOM_BYTES = 32;
/** What `newState` and `newVerifier` answer: 43 base64url characters. */
const RANDOM_TEXT = /^[A-Za-z0-9_-]{43}$/;

/** Where and as whom to send the admin. */
export interface AuthorizeEndpoint {
  /** e.g. https://api.intacct.com/ia/api/v1/oauth2/authorize */
  authorizeUrl: string;
  clientId: string;
}

/** A fresh, unguessable state (256 bits). */
export function newState(): string {
  return randomBytes(RANDOM_BYTES).toString('base64url');
}

/** A fresh PKCE code verifier (256 bits). */
export function newVerifier(): string {
  return randomBytes(RANDOM_BYTES).toString('base64url');
}

/** Whether the text has the shape `newState` gives a state: anything else is refused before it reaches a store. */
export function isStateShaped(text: string): boolean {
  return RANDOM_TEXT.test(text);
}

/** The S256 code challenge of a verifier: base64url of its SHA-256, unpadded. */
export function codeChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The authorize URL for one authorization request, any query the endpoint has kept. */
export function authorizeUrl(endpoint: AuthorizeEndpoint, request: { state: string; verifier: string; redirectUri: string }): string {
  const url = new URL(endpoint.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', endpoint.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('state', request.state);
  url.searchParams.set('scope', OFFLINE_ACCESS_SCOPE);
  url.searchParams.set('code_challenge', codeChallengeOf(request.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}
