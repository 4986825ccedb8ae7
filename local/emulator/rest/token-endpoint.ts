/**
 * POST /ia/api/v1/oauth2/token: grant_type=authorization_code (code, redirect_uri, and
 * code_verifier when the authorization had a PKCE challenge) and grant_type=refresh_token, for a
 * confidential client authenticated by HTTP Basic or by client_id/client_secret in the body
 * (developer.sage.com/intacct, "OAuth 2.0 authorization"; RFC 6749 §4.1.3, §6).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultController } from '../faults';
import { HTTP_OK, HTTP_TOO_MANY_REQUESTS } from '../http-answers';
import type { GrantStore } from './grants';
import { answerPreemptiveFault } from './json-faults';
import { authenticateClient, readOAuthForm, sendOAuthError, sendOAuthJson } from './oauth-answers';
import type { OAuthClientRegistry } from './oauth-clients';

export interface TokenEndpointDeps {
  clients: OAuthClientRegistry;
  grants: GrantStore;
  faults: FaultController;
  held: Set<ServerResponse>;
  readBody(request: IncomingMessage): Promise<string>;
}

/**
 * The token endpoint's 429. Intacct does not publish its body; the emulator answers in the
 * endpoint's own error shape with an error code outside RFC 6749's list, so a client must go by
 * the status and Retry-After, not by the code.
 */
function sendTokenRateLimited(response: ServerResponse, retryAfterSeconds: number | undefined): void {
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  sendOAuthJson(
    response,
    HTTP_TOO_MANY_REQUESTS,
    { error: 'too_many_requests', error_description: 'Too many token requests; retry later.' },
    headers,
  );
}

function required(form: URLSearchParams, name: string, response: ServerResponse): string | undefined {
  const value = form.get(name);
  if (value === null || value === '') sendOAuthError(response, 'invalid_request', `The parameter ${name} is required.`);
  return value ?? undefined;
}

export async function handleToken(deps: TokenEndpointDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const fault = deps.faults.take();
  if (await answerPreemptiveFault({ held: deps.held, sendRateLimited: sendTokenRateLimited }, fault, request, response, deps.faults.delayFor(0)))
    return;
  const form = await readOAuthForm(request, response, deps.readBody);
  if (!form) return;
  const client = authenticateClient(deps.clients, request, response, form);
  if (!client) return;
  const grantType = required(form, 'grant_type', response);
  if (grantType === undefined) return;

  let outcome: ReturnType<GrantStore['refresh']>;
  if (grantType === 'authorization_code') {
    const code = required(form, 'code', response);
    if (code === undefined) return;
    const redirectUri = required(form, 'redirect_uri', response);
    if (redirectUri === undefined) return;
    outcome = deps.grants.redeemCode(code, client.clientId, redirectUri, form.get('code_verifier') ?? undefined);
  } else if (grantType === 'refresh_token') {
    const refreshToken = required(form, 'refresh_token', response);
    if (refreshToken === undefined) return;
    outcome = deps.grants.refresh(refreshToken, client.clientId);
  } else {
    sendOAuthError(response, 'unsupported_grant_type', `grant_type ${grantType} is not supported: use authorization_code or refresh_token.`);
    return;
  }
  if (outcome.ok) sendOAuthJson(response, HTTP_OK, outcome.answer);
  else sendOAuthError(response, outcome.error, outcome.description);
}
