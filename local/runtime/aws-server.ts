/**
 * The AWS-compatible endpoints the functions call — Lambda Invoke and EventBridge PutEvents — on a
 * loopback port of their own, apart from the PSA API.
 *
 * Both endpoints act with the runtime's full authority (an Invoke of `api` carries whatever claims
 * its event says), so only the functions may reach them. Every request must name this start's
 * secret as the first segment of its path: the functions' endpoints (LAMBDA_ENDPOINT,
 * EVENTBRIDGE_ENDPOINT) are `http://127.0.0.1:PORT/<secret>`, and the AWS SDK keeps an endpoint's
 * path in front of every operation's path, so their clients reach the endpoints unchanged.
 *
 * Why a secret in the path and not in the SigV4 signature: the functions' clients sign with fixed
 * credentials (shared/composition.ts gives every client with a local endpoint `local`/`local`,
 * whatever AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY say), so a signature made with them proves
 * nothing anyone could not forge. The path is the one thing the runtime controls that the SDK sends
 * on every call. The secret is 256 random bits, new at every start, held only by this process's
 * environment and runtime-internal.json (0600, in a 0700 data dir): a web page cannot learn it (no
 * CORS here, and a request carrying an Origin is refused outright), and neither can another local
 * user (loopback traffic and another user's files and process environment are not theirs to read).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalEventBus } from './event-bus';
import { TARGET_PREFIX } from './event-bus';
import { sendJson } from './http-io';
import { INVOKE_PATH, type LambdaApiDeps, serveInvoke } from './lambda-api';
import { errorMessage, type RuntimeLogger } from './logger';

const LOOPBACK = '127.0.0.1';
const SECRET_BYTES = 32;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_SERVER_ERROR = 500;
const HTTP_UNAVAILABLE = 503;
const AMZ_JSON = 'application/x-amz-json-1.1';

export interface AwsServerDeps {
  /** This start's secret (see newAwsEndpointSecret). */
  secret: string;
  /** Null until the handlers are loaded. */
  lambda: () => LambdaApiDeps | null;
  bus: () => LocalEventBus | null;
  logger: RuntimeLogger;
}

export interface AwsServer {
  /** The endpoint the functions' SDK clients use: the server's origin and the secret as its path. */
  endpointUrl: string;
  port: number;
  close(): Promise<void>;
}

/** 256 random bits, URL-safe: one per start, so a secret seen once is worthless after a restart. */
export function newAwsEndpointSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** Compared through fixed-length digests, so neither the length nor the content leaks through timing. */
function sameSecret(given: string, secret: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** AWS's own answer to a request with credentials it does not know; the SDK names the error after the type. */
function refuse(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { __type: type, message }, { 'content-type': AMZ_JSON, 'x-amzn-errortype': type });
}

/**
 * The path after `/<secret>`, or null when the request does not name the secret. The path is split
 * before any decoding: the secret is URL-safe, so its one spelling is the literal one.
 */
function pathAfterSecret(url: string, secret: string): string | null {
  const path = url.split('?')[0] ?? '/';
  const match = /^\/([^/]*)(\/.*)?$/.exec(path);
  if (!match || !sameSecret(match[1] ?? '', secret)) return null;
  return match[2] ?? '/';
}

async function dispatch(request: IncomingMessage, response: ServerResponse, deps: AwsServerDeps): Promise<void> {
  // The SDK never sends an Origin; a browser always does on a cross-origin POST.
  if (request.headers.origin !== undefined) {
    request.resume();
    return refuse(response, HTTP_FORBIDDEN, 'AccessDeniedException', 'Browser requests are not accepted on the local AWS endpoints.');
  }
  const path = pathAfterSecret(request.url ?? '/', deps.secret);
  if (path === null) {
    request.resume();
    deps.logger.warn('local AWS endpoint refused a request without the runtime secret', { method: request.method ?? 'GET' });
    return refuse(response, HTTP_FORBIDDEN, 'UnrecognizedClientException', "The request does not carry this local runtime's secret.");
  }
  const lambda = deps.lambda();
  const bus = deps.bus();
  if (!lambda || !bus) {
    request.resume();
    return refuse(response, HTTP_UNAVAILABLE, 'ServiceUnavailableException', 'The local runtime is still starting.');
  }
  const invoke = INVOKE_PATH.exec(path);
  if (invoke?.[1] && request.method === 'POST') return serveInvoke(request, response, invoke[1], lambda);
  if (request.method === 'POST' && path === '/' && String(request.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX)) {
    return bus.serve(request, response);
  }
  request.resume();
  return refuse(response, HTTP_NOT_FOUND, 'UnknownOperationException', 'Only Lambda Invoke and EventBridge PutEvents are served locally.');
}

/** Starts the endpoints on a random loopback port. */
export async function startAwsServer(deps: AwsServerDeps): Promise<AwsServer> {
  const server: Server = createServer((request, response) => {
    dispatch(request, response, deps).catch((error: unknown) => {
      deps.logger.error('local AWS endpoint request failed', { error: errorMessage(error) });
      if (!response.headersSent) refuse(response, HTTP_SERVER_ERROR, 'ServiceException', 'Internal error.');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpointUrl: `http://${LOOPBACK}:${port}/${deps.secret}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; they must not hold the shutdown open.
        server.closeAllConnections();
      }),
  };
}
