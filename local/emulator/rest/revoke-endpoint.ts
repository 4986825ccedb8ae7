/**
 * POST /ia/api/v1/oauth2/revoke (RFC 7009): token=<refresh or access token>, for an authenticated
 * client. A refresh token ends its whole grant (every refresh and access token of it); an access
 * token ends alone. An unknown token answers 200 as the RFC asks; a token issued to another client
 * is refused. Intacct's guide names no revocation endpoint; the path follows its token endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_OK } from '../http-answers';
import type { GrantStore } from './grants';
import { authenticateClient, readOAuthForm, sendOAuthError, sendOAuthJson } from './oauth-answers';
import type { OAuthClientRegistry } from './oauth-clients';

const TOKEN_TYPE_HINTS = ['refresh_token', 'access_token'];

export interface RevokeEndpointDeps {
  clients: OAuthClientRegistry;
  grants: GrantStore;
  readBody(request: IncomingMessage): Promise<string>;
}

export async function handleRevoke(deps: RevokeEndpointDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const form = await readOAuthForm(request, response, deps.readBody);
  if (!form) return;
  const client = authenticateClient(deps.clients, request, response, form);
  if (!client) return;
  const token = form.get('token');
  if (token === null || token === '') {
    sendOAuthError(response, 'invalid_request', 'The parameter token is required.');
    return;
  }
  const hint = form.get('token_type_hint');
  if (hint !== null && !TOKEN_TYPE_HINTS.includes(hint)) {
    sendOAuthError(response, 'unsupported_token_type', `token_type_hint must be one of ${TOKEN_TYPE_HINTS.join(', ')}.`);
    return;
  }
  if (deps.grants.revokeToken(token, client.clientId) === 'foreign') {
    sendOAuthError(response, 'unauthorized_client', 'The token was issued to another client.');
    return;
  }
  sendOAuthJson(response, HTTP_OK, {});
}
