/**
 * How the OAuth endpoints read requests and answer: form bodies (RFC 6749 §3.2: the token endpoint
 * takes application/x-www-form-urlencoded, each parameter at most once), JSON answers that are
 * never cached (§5.1), and errors as §5.2 words them ({ error, error_description }, 400, or 401
 * for a client that failed to authenticate).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthClientRegistration } from '../types';
import type { OAuthClientRegistry } from './oauth-clients';
import { clientCredentialsOf } from './oauth-clients';

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
const HTTP_FOUND = 302;
const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;

/** The RFC 6749 §5.2 error codes, plus RFC 7009's for revocation. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

export function sendOAuthJson(response: ServerResponse, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    ...extraHeaders,
  });
  response.end(body);
}

export function sendOAuthError(response: ServerResponse, error: OAuthErrorCode, description: string, basicChallenge = false): void {
  const status = error === 'invalid_client' ? HTTP_UNAUTHORIZED : HTTP_BAD_REQUEST;
  const headers: Record<string, string> = basicChallenge ? { 'WWW-Authenticate': 'Basic realm="intacct-emulator"' } : {};
  sendOAuthJson(response, status, { error, error_description: description }, headers);
}

export function sendRedirect(response: ServerResponse, location: string): void {
  response.writeHead(HTTP_FOUND, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  response.end();
}

/** Whether the request body is declared form-urlencoded (a charset parameter is allowed). */
export function isFormRequest(request: IncomingMessage): boolean {
  const contentType = request.headers['content-type'] ?? '';
  return contentType.split(';')[0]?.trim().toLowerCase() === FORM_CONTENT_TYPE;
}

/** The name of a parameter given more than once, if any (RFC 6749 §3.1, §3.2). */
export function repeatedParameter(params: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/**
 * Reads a form body of a token or revocation request; answers the error itself and returns
 * undefined when the request is not a well-formed form.
 */
export async function readOAuthForm(
  request: IncomingMessage,
  response: ServerResponse,
  readBody: (request: IncomingMessage) => Promise<string>,
): Promise<URLSearchParams | undefined> {
  const text = await readBody(request);
  if (!isFormRequest(request)) {
    sendOAuthError(response, 'invalid_request', `The body must be ${FORM_CONTENT_TYPE}.`);
    return undefined;
  }
  const form = new URLSearchParams(text);
  const repeated = repeatedParameter(form);
  if (repeated !== undefined) {
    sendOAuthError(response, 'invalid_request', `The parameter ${repeated} is given more than once.`);
    return undefined;
  }
  return form;
}

/** The authenticated client of a token or revocation request; answers the refusal itself otherwise. */
export function authenticateClient(
  clients: OAuthClientRegistry,
  request: IncomingMessage,
  response: ServerResponse,
  form: URLSearchParams,
): OAuthClientRegistration | undefined {
  const outcome = clientCredentialsOf(request, form);
  switch (outcome.kind) {
    case 'missing':
      sendOAuthError(response, 'invalid_client', 'Client authentication is required: HTTP Basic, or client_id and client_secret in the body.');
      return undefined;
    case 'ambiguous':
      sendOAuthError(response, 'invalid_request', 'Use one client authentication method: HTTP Basic or the body, not both.');
      return undefined;
    case 'malformed':
      sendOAuthError(response, 'invalid_client', 'The Authorization header is not HTTP Basic client credentials.', true);
      return undefined;
    default: {
      const client = clients.authenticate(outcome.credentials);
      if (!client) sendOAuthError(response, 'invalid_client', 'Unknown client or wrong client secret.', outcome.credentials.viaBasic);
      return client;
    }
  }
}
