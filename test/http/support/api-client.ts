/**
 * Calls the API handler the way API Gateway's HTTP API does: payload format 2.0 events with the
 * JWT authorizer's claims, built here by hand.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createLogger } from '#adapters/logger';
import type { QueuedWorkers } from '#adapters/queued-workers';
import type { PermissionProfile } from '#domain/entities';
import { createApiHandler } from '#http/api-handler';
import { type EngineHarness, startEngineHarness } from '../../support/engine-harness';

export interface ApiEventInput {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON; a string is sent as is. */
  body?: unknown;
  /** JWT claims; null for a request without a token. */
  claims?: Record<string, string> | null;
}

let requestCounter = 0;

/** An API Gateway HTTP API v2 event. */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  requestCounter += 1;
  const query = input.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.path,
    rawQueryString,
    headers: { 'content-type': 'application/json' },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(input.body === undefined ? {} : { body: typeof input.body === 'string' ? input.body : JSON.stringify(input.body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test-api',
      domainName: 'api.test',
      domainPrefix: 'api',
      http: { method: input.method, path: input.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `request-${requestCounter}`,
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:02:00:00 +0000',
      timeEpoch: 0,
      ...(input.claims === null || input.claims === undefined
        ? {}
        : { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims, scopes: [] } } }),
    },
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** Claims of a caller of `tenantId` with `profile`. */
export const claimsOf = (tenantId: string, profile: PermissionProfile = 'admin'): Record<string, string> => ({
  tenant_id: tenantId,
  permission_profile: profile,
  sub: `${profile}@${tenantId}`,
});

interface ApiAnswer {
  status: number;
  headers: Record<string, unknown>;
  // Tests read answers loosely; the response schemas check their shape.
  body: any;
}

const context = { awsRequestId: 'lambda-request', getRemainingTimeInMillis: () => 29_000 } as Context;

export interface ApiHarness {
  h: EngineHarness;
  /** Runs the API handed to workers; `drain()` runs them as Lambda would. */
  workers: QueuedWorkers;
  call(input: ApiEventInput): Promise<ApiAnswer>;
  /** Calls as an admin of tenant `tenantIndex` (0-based) unless `claims` says otherwise. */
  as(profile: PermissionProfile, tenantIndex?: number): (input: Omit<ApiEventInput, 'claims'>) => Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** The API handler over the engine harness's deps (emulator over HTTP + dynalite) and its test workers. */
export async function startApiHarness(companies?: Parameters<typeof startEngineHarness>[0]): Promise<ApiHarness> {
  const h = await startEngineHarness(companies);
  const handler = createApiHandler(h.deps, { logger: createLogger('SILENT') });
  const call = async (input: ApiEventInput): Promise<ApiAnswer> => {
    const result = (await handler(apiEvent(input), context)) as APIGatewayProxyStructuredResultV2;
    return {
      status: result.statusCode ?? 0,
      headers: result.headers ?? {},
      body: result.body === undefined ? undefined : JSON.parse(result.body),
    };
  };
  return {
    h,
    workers: h.workers,
    call,
    as:
      (profile, tenantIndex = 0) =>
      (input) =>
        call({ ...input, claims: claimsOf(h.tenants[tenantIndex]!, profile) }),
    close: () => h.close(),
  };
}
