/**
 * The HTTP API in front of functions/api.ts, as API Gateway (HTTP API, payload format 2.0, JWT
 * authorizer) runs it in the cloud: verify the bearer token, turn the request into a v2 event,
 * turn the handler's answer back into a response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PUBLIC_ROUTE_KEYS } from '#http/public-routes';
import { LOCAL_ACCOUNT_ID } from './functions';
import { apiError, BodyTooLarge, readBody, sendJson, sendText } from './http-io';
import { RuntimeStoppingError } from './invocation-host';
import { type JwtClaims, verifyJwt } from './jwt';
import { errorMessage, type RuntimeLogger } from './logger';

/** API Gateway's own payload limit is 10 MB; the PSA API never needs more than this. */
const MAX_API_BODY_BYTES = 1024 * 1024;
const HTTP_OK = 200;
const HTTP_NO_CONTENT = 204;
const HTTP_UNAUTHORIZED = 401;
const HTTP_PAYLOAD_TOO_LARGE = 413;
const HTTP_SERVER_ERROR = 500;
const HTTP_UNAVAILABLE = 503;
const PUBLIC_ROUTES = new Set(PUBLIC_ROUTE_KEYS);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The rest of a CORS preflight's answer: what the API accepts (whom it allows is corsHeaders'). */
export const CORS_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-max-age': '600',
};

/**
 * The CORS headers of an answer to a request from `requestOrigin`. Only `allowedOrigin` (the admin
 * console's, on its own port) is echoed back, so a page from any other origin — any site the
 * developer's browser has open — cannot read the API's answers, its tokens' data included. A
 * request without Origin (curl, scripts, tests) is not a browser's cross-origin request and needs
 * none. `Vary: Origin` always: the same URL answers differently per origin.
 */
export function corsHeaders(requestOrigin: string | undefined, allowedOrigin: string | null): Record<string, string> {
  if (allowedOrigin === null || requestOrigin !== allowedOrigin) return { vary: 'Origin' };
  return { 'access-control-allow-origin': allowedOrigin, vary: 'Origin' };
}

export type HttpApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt: { claims: Record<string, string>; scopes: null } };
  };
};

export interface HttpApiRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  sourceIp: string;
  /** Verified token claims; null on public routes. */
  claims: JwtClaims | null;
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type AuthResult = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

/** The JWT authorizer: a bearer token signed with `key`, with the right issuer, audience and lifetime. */
export function authorize(authorization: string | undefined, key: Buffer, now: Date = new Date()): AuthResult {
  if (!authorization) return { ok: false, reason: 'A bearer token is required.' };
  const match = BEARER.exec(authorization);
  if (!match?.[1]) return { ok: false, reason: 'The Authorization header must be "Bearer <token>".' };
  const verified = verifyJwt(key, match[1], now);
  if (!verified.ok) return verified;
  // API Gateway flattens every claim to text, so a number, null or list would reach the API looking
  // like a tenant id; the issuer's own types are known only here, so non-strings stop here.
  for (const name of STRING_CLAIMS) {
    const value = verified.claims[name];
    if (value !== undefined && typeof value !== 'string') return { ok: false, reason: `The token's ${name} claim must be a string.` };
  }
  return verified;
}

/** Claims the API reads as text: a token that carries them as anything else is refused. */
const STRING_CLAIMS = ['tenant_id', 'permission_profile'] as const;

/** API Gateway passes claim values on as strings. */
function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(String).join(' ')}]`;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function joinedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'cookie') continue;
    joined[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return joined;
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

/** The payload-format-2.0 event API Gateway hands the api function for `request`. */
export function buildHttpApiEvent(request: HttpApiRequest, now: Date = new Date()): HttpApiEvent {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const headers = joinedHeaders(request.headers);
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const method = request.method.toUpperCase();
  const event: HttpApiEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(request.claims
        ? {
            authorizer: {
              jwt: {
                claims: Object.fromEntries(Object.entries(request.claims).map(([name, value]) => [name, claimText(value)])),
                scopes: null,
              },
            },
          }
        : {}),
    },
    isBase64Encoded: false,
  };
  if (cookies && cookies.length > 0) event.cookies = cookies;
  const query = queryParameters(rawQueryString);
  if (query) event.queryStringParameters = query;
  if (request.body !== '') event.body = request.body;
  return event;
}

function isStructuredResult(result: unknown): result is {
  statusCode: number;
  headers?: Record<string, unknown>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
} {
  return typeof result === 'object' && result !== null && typeof (result as { statusCode?: unknown }).statusCode === 'number';
}

/** What API Gateway makes of a handler's answer (a non-structured answer is a 200 JSON body). */
export function normalizeHttpApiResult(result: unknown): HttpApiResult {
  if (!isStructuredResult(result)) {
    return {
      statusCode: HTTP_OK,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(result) ?? ''),
    };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies.join(', ');
  const text = result.body ?? '';
  const body = result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode: result.statusCode, headers, body };
}

export interface ApiGatewayDeps {
  signingKey: Buffer;
  invokeApi: (event: HttpApiEvent, requestId: string) => Promise<unknown>;
  logger: RuntimeLogger;
  /** The one browser origin allowed to read answers (the admin console's); null: none. */
  corsOrigin: string | null;
}

function sourceIpOf(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/** Serves one API request end to end: CORS preflight, authorizer, size limit, handler, answer. */
export async function serveApiRequest(request: IncomingMessage, response: ServerResponse, deps: ApiGatewayDeps): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  const url = request.url ?? '/';
  const path = url.split('?')[0] ?? '/';
  const cors = corsHeaders(request.headers.origin, deps.corsOrigin);
  if (method === 'OPTIONS') return sendText(response, HTTP_NO_CONTENT, '', { ...cors, ...CORS_PREFLIGHT_HEADERS });

  let claims: JwtClaims | null = null;
  if (!PUBLIC_ROUTES.has(`${method} ${path}`)) {
    const auth = authorize(request.headers.authorization, deps.signingKey);
    if (!auth.ok) {
      request.resume();
      return sendJson(response, HTTP_UNAUTHORIZED, apiError('unauthorized', auth.reason), {
        ...cors,
        'www-authenticate': 'Bearer',
      });
    }
    claims = auth.claims;
  }

  let body: Buffer;
  try {
    body = await readBody(request, MAX_API_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    response.setHeader('connection', 'close');
    return sendJson(response, HTTP_PAYLOAD_TOO_LARGE, apiError('payload_too_large', error.message), { ...cors });
  }

  const event = buildHttpApiEvent({
    method,
    url,
    headers: request.headers,
    body: body.toString('utf8'),
    sourceIp: sourceIpOf(request),
    claims,
  });
  const requestId = event.requestContext.requestId;
  const started = Date.now();
  let result: HttpApiResult;
  try {
    result = normalizeHttpApiResult(await deps.invokeApi(event, requestId));
  } catch (error) {
    if (error instanceof RuntimeStoppingError) {
      // Refused before the handler ran: a retry against the next start is safe.
      return sendJson(response, HTTP_UNAVAILABLE, apiError('unavailable', error.message), { ...cors, 'retry-after': '5' });
    }
    deps.logger.error('api handler threw', { requestId, method, path, error: errorMessage(error) });
    result = {
      statusCode: HTTP_SERVER_ERROR,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(apiError('internal_error', 'Internal Server Error'))),
    };
  }
  deps.logger.info('api request', { requestId, method, path, status: result.statusCode, ms: Date.now() - started });
  sendText(response, result.statusCode, result.body, { ...cors, ...result.headers, 'apigw-requestid': requestId });
}
