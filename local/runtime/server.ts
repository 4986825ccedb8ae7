/**
 * The runtime's PSA-facing HTTP server on 127.0.0.1: the local control routes and the PSA HTTP API.
 * The AWS APIs the functions call (Lambda Invoke, EventBridge PutEvents) are not served here but on
 * a port of their own behind a per-start secret (aws-server.ts): requests for them are refused
 * here before anything reads them, whatever token they carry. The admin console is served on an
 * origin of its own (console-server.ts), the one origin whose pages may read this server's answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiGatewayDeps, authorize, CORS_PREFLIGHT_HEADERS, corsHeaders, serveApiRequest } from './api-gateway';
import { apiError, sendJson, sendText } from './http-io';
import type { JwtClaims } from './jwt';
import { errorMessage, type RuntimeLogger } from './logger';
import type { ControlAnswer } from './tenant-nightly';

const LOOPBACK = '127.0.0.1';
/** Every Lambda API path (Invoke is `/2015-03-31/functions/{name}/invocations`). */
const LAMBDA_API_PREFIX = '/2015-03-31/';
const CONTROL_PREFIX = '/__local/';
export const HEALTH_PATH = '/__local/health';
const NIGHTLY_PATH = '/__local/nightly';
const ADMIN_PROFILE = 'admin';
const HTTP_OK = 200;
const HTTP_NO_CONTENT = 204;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_SERVER_ERROR = 500;
const HTTP_UNAVAILABLE = 503;

export interface RuntimeServerDeps {
  /** Null until the handlers are loaded (the server listens first, to learn its port). */
  api: () => ApiGatewayDeps | null;
  signingKey: Buffer;
  /** Fires the nightly sync for the tenant of an admin's verified claims; null until the runtime is up. */
  fireTenantNightly: () => ((claims: JwtClaims) => Promise<ControlAnswer>) | null;
  /** The one browser origin allowed to read answers (the admin console's); null until it listens. */
  corsOrigin: () => string | null;
  logger: RuntimeLogger;
}

export interface LoopbackServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RuntimeServer = LoopbackServer;

async function serveControl(request: IncomingMessage, response: ServerResponse, path: string, deps: RuntimeServerDeps): Promise<void> {
  const method = request.method ?? 'GET';
  request.resume();
  if (method === 'GET' && path === HEALTH_PATH) return sendJson(response, HTTP_OK, { status: 'ok' });
  const cors = corsHeaders(request.headers.origin, deps.corsOrigin());
  // The console may fire the nightly sync too: its POST with a bearer token is preflighted.
  if (method === 'OPTIONS' && path === NIGHTLY_PATH) return sendText(response, HTTP_NO_CONTENT, '', { ...cors, ...CORS_PREFLIGHT_HEADERS });
  if (method === 'POST' && path === NIGHTLY_PATH) {
    const auth = authorize(request.headers.authorization, deps.signingKey);
    if (!auth.ok) return sendJson(response, HTTP_UNAUTHORIZED, apiError('unauthorized', auth.reason), { ...cors });
    if (auth.claims.permission_profile !== ADMIN_PROFILE) {
      return sendJson(response, HTTP_FORBIDDEN, apiError('forbidden', 'Only an admin may fire the nightly sync.'), { ...cors });
    }
    const fire = deps.fireTenantNightly();
    if (!fire) return sendJson(response, HTTP_UNAVAILABLE, apiError('starting', 'The local runtime is still starting.'), { ...cors });
    const answer = await fire(auth.claims);
    return sendJson(response, answer.status, answer.body, { ...cors });
  }
  return sendJson(response, HTTP_NOT_FOUND, apiError('route_not_found', `No local control route ${method} ${path}.`));
}

async function dispatch(request: IncomingMessage, response: ServerResponse, deps: RuntimeServerDeps): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (path.startsWith(LAMBDA_API_PREFIX) || request.headers['x-amz-target'] !== undefined) {
    request.resume();
    return sendJson(response, HTTP_NOT_FOUND, apiError('route_not_found', 'The AWS APIs are not served on the API port.'), {
      ...corsHeaders(request.headers.origin, deps.corsOrigin()),
    });
  }
  if (path.startsWith(CONTROL_PREFIX)) return serveControl(request, response, path, deps);
  const api = deps.api();
  if (!api) {
    request.resume();
    return sendJson(response, HTTP_UNAVAILABLE, apiError('starting', 'The local runtime is still starting.'));
  }
  return serveApiRequest(request, response, api);
}

/**
 * Listens on 127.0.0.1:`port` (0 = a random free port); a taken port fails with a message naming
 * `portVariable`, the setting that moves it.
 */
export async function listenOnLoopback(server: Server, port: number, portVariable: string): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is in use; set ${portVariable} to another one.`) : error),
    );
    server.listen(port, LOOPBACK, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; they must not hold the shutdown open.
        server.closeAllConnections();
      }),
  };
}

/** Starts the server on `port` (0 = random); refuses clearly when the port is taken. */
export function startRuntimeServer(port: number, deps: RuntimeServerDeps): Promise<RuntimeServer> {
  const server: Server = createServer((request, response) => {
    dispatch(request, response, deps).catch((error: unknown) => {
      deps.logger.error('request failed', { path: (request.url ?? '/').split('?')[0], error: errorMessage(error) });
      if (!response.headersSent) sendJson(response, HTTP_SERVER_ERROR, apiError('internal_error', 'Internal Server Error'));
      else response.destroy();
    });
  });
  return listenOnLoopback(server, port, 'PORT');
}
