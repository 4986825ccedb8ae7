/**
 * The admin console's origin: a loopback port of its own, apart from the API's, so the API can
 * allow exactly this origin and no other page. It serves the built single-page app from its dist
 * directory (index.html for every client-side route), and `/config.json`, the configuration the
 * console reads at start: where the API is and the demo users it offers to sign in as. Static files
 * only, GET and HEAD only, no CORS, and a strict Content-Security-Policy on every answer.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { CONSOLE_CONFIG_PATH, type ConsoleConfig, type DemoUser } from '#http/console-config';
import type { RuntimeTenant } from './demo-tenants';
import { JSON_CONTENT_TYPE } from './http-io';
import { errorMessage, type RuntimeLogger } from './logger';
import { type LoopbackServer, listenOnLoopback } from './server';

const CONSOLE_INDEX_FILE = 'index.html';
/** Where Vite puts content-hashed files: a changed file gets a new name, so they never go stale. */
const HASHED_ASSETS_PREFIX = '/assets/';
const CACHE_NEVER = 'no-store';
const CACHE_FOREVER = 'public, max-age=31536000, immutable';
/** Files from web/public keep their names across builds: the browser asks again before reusing one. */
const CACHE_REVALIDATE = 'no-cache';
const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_NOT_FOUND = 404;
const HTTP_METHOD_NOT_ALLOWED = 405;
const HTTP_SERVER_ERROR = 500;
const HTTP_UNAVAILABLE = 503;
const READ_METHODS = new Set(['GET', 'HEAD']);
/** The command that builds the console, as the "not built" page tells it. */
const BUILD_COMMAND = 'npm run build:web';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': JSON_CONTENT_TYPE,
  '.map': JSON_CONTENT_TYPE,
  '.webmanifest': 'application/manifest+json',
  '.txt': TEXT,
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};
const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';

export interface ConsoleServerDeps {
  /** The built console (index.html, assets/); read per request, so a rebuild shows without a restart. */
  distDir: string;
  /** The API's base URL: the one other origin the console's pages may connect to. */
  apiUrl: string;
  /** The /config.json document; null while the runtime is still starting. */
  config: () => ConsoleConfig | null;
  /** Why the console cannot be served whatever distDir holds (its build failed just now), or null. */
  buildFailure: () => string | null;
  logger: RuntimeLogger;
}

/** The console's configuration for the local demo users: an admin and a collaborator per tenant. */
export function localConsoleConfig(apiUrl: string, tenants: readonly RuntimeTenant[]): ConsoleConfig {
  const users = tenants.flatMap((tenant): DemoUser[] => [
    { tenantId: tenant.tenantId, profile: 'admin', token: tenant.adminToken },
    { tenantId: tenant.tenantId, profile: 'collaborator', token: tenant.collaboratorToken },
  ]);
  return { apiUrl, signIn: { kind: 'local', users } };
}

/**
 * On every answer. The console's pages run only the console's own scripts and styles (the build
 * inlines nothing), talk only to their origin and the API, and may not be framed: a page that holds
 * admin tokens gives an injected script or a clickjacking frame nothing to work with.
 */
function consoleSecurityHeaders(apiUrl: string): Record<string, string> {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${new URL(apiUrl).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

/**
 * The request path's segments, percent-decoded, or null when the path could leave the dist
 * directory or name something other than a file by name: `..` or `.` (encoded or not), an encoded
 * `/` or `\`, a NUL, malformed escapes.
 */
function safeSegments(rawPath: string): string[] | null {
  if (!rawPath.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '..' || segment === '.' || /[/\\\0]/.test(segment)) return null;
    if (segment !== '') segments.push(segment);
  }
  return segments;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The page every console route answers while there is no build to serve: what is wrong and how to build. */
function notBuiltPage(distDir: string, buildFailure: string | null): string {
  const why = buildFailure
    ? `<p>Building it failed: ${escapeHtml(buildFailure)} (the runtime's log has the details).</p>`
    : `<p>There is no build in <code>${escapeHtml(distDir)}</code>.</p>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Admin console not built</title></head>',
    '<body><main>',
    '<h1>The admin console is not built</h1>',
    why,
    `<p>Build it with <code>${BUILD_COMMAND}</code>, then reload this page. <code>npm start</code> also builds it when it is missing or out of date.</p>`,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

type Answer = { status: number; headers: Record<string, string>; body: string | Buffer };

const text = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': TEXT, ...headers },
  body: `${body}\n`,
});

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

const cacheControlFor = (urlPath: string): string => (urlPath.startsWith(HASHED_ASSETS_PREFIX) ? CACHE_FOREVER : CACHE_REVALIDATE);

async function fileAnswer(path: string, cacheControl: string): Promise<Answer> {
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()] ?? UNKNOWN_CONTENT_TYPE;
  return { status: HTTP_OK, headers: { 'content-type': contentType, 'cache-control': cacheControl }, body: await readFile(path) };
}

/** index.html for a client-side route, or the "not built" page. Never cached: it names the current build's assets. */
async function pageAnswer(deps: ConsoleServerDeps): Promise<Answer> {
  const index = resolve(deps.distDir, CONSOLE_INDEX_FILE);
  const failure = deps.buildFailure();
  if (failure === null && (await isFile(index))) return fileAnswer(index, CACHE_NEVER);
  return { status: HTTP_UNAVAILABLE, headers: { 'content-type': HTML, 'cache-control': CACHE_NEVER }, body: notBuiltPage(deps.distDir, failure) };
}

function configAnswer(deps: ConsoleServerDeps): Answer {
  const config = deps.config();
  if (!config) return text(HTTP_UNAVAILABLE, 'The local runtime is still starting.', { 'cache-control': CACHE_NEVER, 'retry-after': '1' });
  return { status: HTTP_OK, headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': CACHE_NEVER }, body: JSON.stringify(config) };
}

/** What the console origin answers to a GET or HEAD of `rawPath`. */
async function answerFor(rawPath: string, deps: ConsoleServerDeps): Promise<Answer> {
  const segments = safeSegments(rawPath);
  if (segments === null) return text(HTTP_BAD_REQUEST, 'Bad request path.');
  const urlPath = `/${segments.join('/')}`;
  if (urlPath === CONSOLE_CONFIG_PATH) return configAnswer(deps);
  if (urlPath === `/${CONSOLE_INDEX_FILE}`) return pageAnswer(deps);
  // Dot files (the build's fingerprint among them) are the build's bookkeeping, not the console's.
  if (segments.some((segment) => segment.startsWith('.'))) return text(HTTP_NOT_FOUND, 'Not found.');

  const root = resolve(deps.distDir);
  const path = resolve(root, ...segments);
  if (path !== root && !path.startsWith(`${root}${sep}`)) return text(HTTP_BAD_REQUEST, 'Bad request path.');
  if (segments.length > 0 && (await isFile(path))) return fileAnswer(path, cacheControlFor(urlPath));
  // A missing file (a stale asset URL, a typo) is a 404; anything else is a route of the app.
  if (extname(segments.at(-1) ?? '') !== '') return text(HTTP_NOT_FOUND, 'Not found.');
  return pageAnswer(deps);
}

function send(response: ServerResponse, method: string, answer: Answer, headers: Record<string, string>): void {
  response.writeHead(answer.status, { ...headers, ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
  response.end(method === 'HEAD' ? undefined : answer.body);
}

async function serveConsoleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ConsoleServerDeps,
  headers: Record<string, string>,
): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  request.resume();
  if (!READ_METHODS.has(method)) return send(response, method, text(HTTP_METHOD_NOT_ALLOWED, 'Method not allowed.', { allow: 'GET, HEAD' }), headers);
  const rawPath = (request.url ?? '/').split('?')[0] ?? '/';
  send(response, method, await answerFor(rawPath, deps), headers);
}

/** Starts the console's server on `port` (0 = random); refuses clearly when the port is taken. */
export function startConsoleServer(port: number, deps: ConsoleServerDeps): Promise<LoopbackServer> {
  const headers = consoleSecurityHeaders(deps.apiUrl);
  const server = createServer((request, response) => {
    serveConsoleRequest(request, response, deps, headers).catch((error: unknown) => {
      deps.logger.error('console request failed', { path: (request.url ?? '/').split('?')[0], error: errorMessage(error) });
      if (!response.headersSent) send(response, 'GET', text(HTTP_SERVER_ERROR, 'Internal Server Error'), headers);
      else response.destroy();
    });
  });
  return listenOnLoopback(server, port, 'CONSOLE_PORT');
}
