/**
 * Checks the parameters of an authorization request (GET, or the POST back from the consent page)
 * as RFC 6749 §4.1.1/§4.1.2.1 and RFC 7636 §4.3 ask. An unknown client or a redirect URI not
 * registered for it is never redirected to; every other fault is redirected back with `error`.
 * Choices where Intacct's guide is silent, all strict:
 * - `state` is required (the guide lists it; a client without it has no CSRF protection);
 * - the only scope is `offline_access` (the guide names no other); any other is invalid_scope;
 * - PKCE is S256 only (`plain` is refused) and the challenge must have RFC 7636's shape.
 */
import { OFFLINE_ACCESS_SCOPE } from './grants';
import { repeatedParameter } from './oauth-answers';
import type { OAuthClientRegistry } from './oauth-clients';
import { isPkceText, PKCE_METHOD } from './pkce';

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string | undefined;
}

export type AuthorizationRequestCheck =
  | { kind: 'valid'; request: AuthorizationRequest }
  /** Shown on a page of the authorization server itself. */
  | { kind: 'notRedirectable'; message: string }
  /** Sent back to the client's redirect URI. */
  | { kind: 'redirectError'; redirectUri: string; state: string | undefined; error: string; description: string };

const SUPPORTED_SCOPES = new Set([OFFLINE_ACCESS_SCOPE]);

export function checkAuthorizationRequest(clients: OAuthClientRegistry, params: URLSearchParams): AuthorizationRequestCheck {
  const repeated = repeatedParameter(params);
  const clientId = params.get('client_id') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const client = clients.find(clientId);
  if (!client) return { kind: 'notRedirectable', message: `Unknown client_id '${clientId}'.` };
  if (!clients.allowsRedirect(client, redirectUri)) {
    return { kind: 'notRedirectable', message: `redirect_uri '${redirectUri}' is not registered for this application.` };
  }
  if (repeated === 'client_id' || repeated === 'redirect_uri')
    return { kind: 'notRedirectable', message: `The parameter ${repeated} is given more than once.` };

  const state = params.get('state') ?? undefined;
  const fail = (error: string, description: string): AuthorizationRequestCheck => ({ kind: 'redirectError', redirectUri, state, error, description });
  if (repeated !== undefined) return fail('invalid_request', `The parameter ${repeated} is given more than once.`);
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
  if (state === undefined || state === '') return fail('invalid_request', 'state is required.');
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
  const unknownScope = scopes.find((scope) => !SUPPORTED_SCOPES.has(scope));
  if (unknownScope !== undefined) return fail('invalid_scope', `Unknown scope '${unknownScope}': the only scope is ${OFFLINE_ACCESS_SCOPE}.`);

  const challenge = params.get('code_challenge') ?? undefined;
  const method = params.get('code_challenge_method') ?? undefined;
  if (challenge === undefined && method !== undefined) return fail('invalid_request', 'code_challenge_method without code_challenge.');
  if (challenge !== undefined) {
    if (method !== PKCE_METHOD) return fail('invalid_request', `code_challenge_method must be ${PKCE_METHOD}.`);
    if (!isPkceText(challenge)) return fail('invalid_request', 'code_challenge is not a base64url SHA-256 of a code verifier.');
  }
  return { kind: 'valid', request: { clientId, redirectUri, state, scopes: [...new Set(scopes)], codeChallenge: challenge } };
}

/** The redirect URI with the answer's parameters added to any query it already has. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}
