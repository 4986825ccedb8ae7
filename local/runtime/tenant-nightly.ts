/**
 * `POST /__local/nightly`: the nightly sync, fired now for the caller's tenant only. An admin's token
 * is an admin of one tenant, so it starts what the schedule would start for that tenant and nothing
 * for the others: the TenantSyncRequested daily-sync would publish for it (scope all, this firing's
 * scheduledAt), put on the bus, which routes it to tenant-sync. Like daily-sync, which lists
 * connected tenants only, a tenant that is not connected is not synced (422 not_connected).
 * The schedule itself (and LocalRuntime.fireNightly) still covers every tenant.
 */
import { buildHttpApiEvent, type HttpApiEvent, normalizeHttpApiResult } from './api-gateway';
import type { LocalEventBus } from './event-bus';
import { apiError } from './http-io';
import type { JwtClaims } from './jwt';
import { tenantNightlyEntry } from './nightly';

const HTTP_OK = 200;
const HTTP_ACCEPTED = 202;
const HTTP_FORBIDDEN = 403;
const HTTP_UNPROCESSABLE = 422;
const HTTP_BAD_GATEWAY = 502;
const INTEGRATION_PATH = '/integrations/intacct';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

export interface TenantNightlyDeps {
  invokeApi: (event: HttpApiEvent) => Promise<unknown>;
  bus: LocalEventBus;
  busName: string;
  now?: () => Date;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/** The caller's tenant's connection, as the API itself reports it to this caller. */
async function connectionOf(claims: JwtClaims, deps: TenantNightlyDeps): Promise<ControlAnswer> {
  const event = buildHttpApiEvent({
    method: 'GET',
    url: INTEGRATION_PATH,
    headers: { host: 'localhost' },
    body: '',
    sourceIp: '127.0.0.1',
    claims,
  });
  const result = normalizeHttpApiResult(await deps.invokeApi(event));
  return { status: result.statusCode, body: parseJson(result.body.toString('utf8')) };
}

/** Fires the nightly sync for the tenant of `claims` (an admin's, already verified); answers the control route's reply. */
export async function fireTenantNightly(claims: JwtClaims, deps: TenantNightlyDeps): Promise<ControlAnswer> {
  const tenantId = claims.tenant_id;
  if (typeof tenantId !== 'string' || tenantId === '') {
    return { status: HTTP_FORBIDDEN, body: apiError('forbidden', 'The token names no tenant.') };
  }
  const connection = await connectionOf(claims, deps);
  // The API refused this caller (a malformed tenant id, ...): its answer is the answer.
  if (connection.status !== HTTP_OK) return connection;
  if ((connection.body as { connected?: unknown } | null)?.connected !== true) {
    return {
      status: HTTP_UNPROCESSABLE,
      body: apiError('not_connected', 'This workspace is not connected to Sage Intacct; the nightly sync skips it.'),
    };
  }
  // Milliseconds kept, as for any firing by hand: two firings within a second are two firings.
  const scheduledAt = (deps.now?.() ?? new Date()).toISOString();
  const [result] = await deps.bus.put([tenantNightlyEntry(tenantId, scheduledAt, deps.busName)]);
  if (!result || !('EventId' in result)) {
    return { status: HTTP_BAD_GATEWAY, body: apiError('event_refused', result?.ErrorMessage ?? 'The local bus refused the event.') };
  }
  return { status: HTTP_ACCEPTED, body: { tenantId, scheduledAt, eventId: result.EventId } };
}
