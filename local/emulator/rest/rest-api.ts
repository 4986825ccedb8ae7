/**
 * POST /ia/api/v1/services/core/query with a Bearer access token: the fault it meets (if any),
 * the token, the entity it reads at, the company's concurrency limit (the same count of in-flight
 * requests the XML face uses, so both faces share it), the query, the latency model.
 *
 * Multi-entity: a token approved at an entity reads at that entity; a top-level token may pick one
 * with the X-IA-API-Param-Entity header (the header Intacct's REST API reads), and otherwise sees
 * only shared records unless filterParameters.includePrivate is true, as the XML face does with
 * showprivate. An entity header that differs from a token's own entity is refused (400).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { EmulatedCompany } from '../company';
import { entityOf } from '../company';
import { visibilityFor } from '../entities';
import type { FaultController } from '../faults';
import { HTTP_OK } from '../http-answers';
import type { EmulatorStats } from '../types';
import type { GrantStore, Principal } from './grants';
import { answerPreemptiveFault, damageJson } from './json-faults';
import { parseQueryRequest } from './query-request';
import { runRestQuery } from './query-service';
import { REST_ERROR_IDS, REST_HTTP, RestRequestError, sendRestError } from './rest-errors';

export const REST_API_PREFIX = '/ia/api/v1';
const QUERY_PATH = `${REST_API_PREFIX}/services/core/query`;
const ENTITY_HEADER = 'x-ia-api-param-entity';
const BEARER_PREFIX = 'bearer ';

export interface RestApiDeps {
  grants: GrantStore;
  faults: FaultController;
  held: Set<ServerResponse>;
  stats(): EmulatorStats;
  companyFor(companyId: string): EmulatedCompany | undefined;
  readBody(request: IncomingMessage): Promise<string>;
}

function rateLimited(message: string): RestRequestError {
  return new RestRequestError(REST_HTTP.tooManyRequests, 'tooManyRequests', message, REST_ERROR_IDS.rateLimited);
}

function sendRateLimited(response: ServerResponse, retryAfterSeconds: number | undefined): void {
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  sendRestError(response, rateLimited('Too many requests; retry later.'), headers);
}

function unauthorized(message: string): RestRequestError {
  return new RestRequestError(REST_HTTP.unauthorized, 'unauthorized', message, REST_ERROR_IDS.invalidToken);
}

const TOKEN_REFUSALS = {
  malformed: 'The access token is not valid.',
  expired: 'The access token has expired; use the refresh token to get a new one.',
  revoked: 'The access token was revoked; the application must be authorized again.',
} as const;

function authenticate(deps: RestApiDeps, request: IncomingMessage): { principal: Principal; company: EmulatedCompany } {
  const header = request.headers.authorization ?? '';
  if (!header.toLowerCase().startsWith(BEARER_PREFIX)) throw unauthorized('An access token is required: Authorization: Bearer <token>.');
  const check = deps.grants.checkAccessToken(header.slice(BEARER_PREFIX.length).trim());
  if (!check.ok) throw unauthorized(TOKEN_REFUSALS[check.reason]);
  const company = deps.companyFor(check.principal.companyId);
  if (!company) throw unauthorized(TOKEN_REFUSALS.malformed);
  return { principal: check.principal, company };
}

/** The entity the request reads at: the token's own, or the header's for a top-level token. */
function readingEntity(request: IncomingMessage, principal: Principal, company: EmulatedCompany): string {
  const raw = request.headers[ENTITY_HEADER];
  const header = typeof raw === 'string' ? raw.trim() : undefined;
  if (header === undefined || header === '') return principal.entityId;
  if (principal.entityId !== '' && header !== principal.entityId) {
    throw new RestRequestError(
      REST_HTTP.badRequest,
      'invalidRequest',
      `The token is for entity ${principal.entityId}, not ${header}.`,
      REST_ERROR_IDS.invalidPayload,
    );
  }
  if (!entityOf(company, header)) {
    throw new RestRequestError(REST_HTTP.badRequest, 'invalidRequest', `${header} is not an entity of this company.`, REST_ERROR_IDS.invalidPayload);
  }
  return header;
}

function parseJsonBody(request: IncomingMessage, text: string): unknown {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new RestRequestError(REST_HTTP.badRequest, 'invalidRequest', 'The body must be application/json.', REST_ERROR_IDS.invalidPayload);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RestRequestError(REST_HTTP.badRequest, 'invalidRequest', 'The body is not valid JSON.', REST_ERROR_IDS.invalidPayload);
  }
}

function checkRoute(request: IncomingMessage, path: string): void {
  if (path !== QUERY_PATH) {
    throw new RestRequestError(
      REST_HTTP.notFound,
      'notFound',
      `No resource at ${path}; the emulator serves POST ${QUERY_PATH}.`,
      REST_ERROR_IDS.noRoute,
    );
  }
  if (request.method !== 'POST') {
    throw new RestRequestError(REST_HTTP.methodNotAllowed, 'methodNotAllowed', 'The query service takes POST only.', REST_ERROR_IDS.wrongMethod);
  }
}

export async function handleRestApi(deps: RestApiDeps, request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
  const fault = deps.faults.take();
  if (await answerPreemptiveFault({ held: deps.held, sendRateLimited }, fault, request, response, deps.faults.delayFor(0))) return;
  const text = await deps.readBody(request);
  let company: EmulatedCompany | undefined;
  try {
    checkRoute(request, path);
    const auth = authenticate(deps, request);
    const entityId = readingEntity(request, auth.principal, auth.company);
    const body = parseJsonBody(request, text);
    const stats = deps.stats();
    if (auth.company.inFlight >= auth.company.concurrencyLimit) {
      stats.rejectedForConcurrency += 1;
      throw rateLimited(`Too many concurrent requests for this company (limit ${auth.company.concurrencyLimit}).`);
    }
    company = auth.company;
    company.inFlight += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, company.inFlight);
    const spec = parseQueryRequest(body);
    const visibility = visibilityFor(entityId, spec.includePrivate, company.entities.length > 0);
    const page = runRestQuery(company.store, spec, visibility);
    await delay(deps.faults.delayFor(page.records.length));
    const answer = damageJson(JSON.stringify({ 'ia::result': page.records, 'ia::meta': page.meta }), fault);
    response.writeHead(HTTP_OK, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(answer) });
    response.end(answer);
  } catch (error) {
    if (!(error instanceof RestRequestError)) throw error;
    sendRestError(response, error);
  } finally {
    if (company) company.inFlight -= 1;
  }
}
