import { Conflict, IntacctFailure, TooManyRequests } from '#domain/errors';
import { INTACCT_OBJECTS, type SyncRun } from '#domain/runs';
import type { CallOptions } from '#ports/intacct-source';
import type { Connection, LinkedCompany } from '#ports/stores';
import type { SyncDeps } from './engine/deps';
import { launchRun, queueRun } from './engine/run-lifecycle';
import { countRunFinished } from './engine/run-metrics';

export interface ConnectRequest {
  companyId: string;
  userId: string;
  password: string;
  entityId?: string | null;
  /** Connecting another company while links exist: unlink every record (kept, re-linkable) first. */
  resetLinks?: boolean;
}

export interface Connected {
  connection: Connection;
  /** The runs unlinking every record, when the connection changed company with `resetLinks`. */
  resetRuns: SyncRun[];
}

/**
 * Failed sign-ins a tenant may make in a window before connecting is refused for the rest of it:
 * every connect signs in to an Intacct company through our sender, so without a limit a tenant
 * admin could try passwords against any company (and lock its user out).
 */
const MAX_FAILED_CONNECTS = 5;
const FAILED_CONNECT_WINDOW_MS = 15 * 60_000;

/** Where a tenant's Intacct password is kept in the secret store. */
const secretRefFor = (tenantId: string): string => `intacct/${tenantId}/user-password`;

const sameCompany = (a: LinkedCompany, b: LinkedCompany): boolean => a.companyId === b.companyId && a.entityId === b.entityId;

/**
 * Connect a tenant to its Intacct company:
 * 1. Sign in to Intacct with the credentials first; a refusal is answered and nothing is saved.
 *    After MAX_FAILED_CONNECTS refusals in a window, connecting is refused (429) until it ends.
 * 2. Links made with another company (or entity) would point at the wrong records (RECORDNOs are
 *    per company): without `resetLinks` answer 409 company_changed; with it, queue one run per
 *    family that unlinks every record (each kept, re-linkable) before anything else runs.
 * 3. Keep the password in the secret store, the rest on the connection (never the password).
 * A reconnect to the same company keeps the last-sync times and every link.
 */
export async function connectIntacct(deps: SyncDeps, tenantId: string, request: ConnectRequest, options: CallOptions = {}): Promise<Connected> {
  const entityId = request.entityId ? request.entityId : null;
  const company: LinkedCompany = { companyId: request.companyId, entityId };
  await signInThrottled(deps, tenantId, () =>
    deps.intacct
      .forLogin({ companyId: request.companyId, userId: request.userId, userPassword: request.password, ...(entityId ? { entityId } : {}) })
      .verifyCredentials(options),
  );
  const previous = await deps.connections.get(tenantId);
  const linkedWith =
    (await deps.connections.linkedCompany(tenantId)) ?? (previous ? { companyId: previous.companyId, entityId: previous.entityId } : null);
  const resetRuns: SyncRun[] = [];
  if (linkedWith && !sameCompany(linkedWith, company) && (await hasLinks(deps, tenantId))) {
    if (!request.resetLinks) {
      throw new Conflict(
        'company_changed',
        `Records are linked to Intacct company ${linkedWith.companyId}${linkedWith.entityId ? ` (entity ${linkedWith.entityId})` : ''}. ` +
          'Connecting another company unlinks them all (they are kept and can be linked again): send resetLinks: true to do so.',
      );
    }
    resetRuns.push(...(await queueResetRuns(deps, tenantId)));
  }
  const connection: Connection = {
    tenantId,
    companyId: request.companyId,
    userId: request.userId,
    entityId,
    secretRef: secretRefFor(tenantId),
    connectedAt: deps.clock.now().toISOString(),
    lastSync: previous?.lastSync ?? { clients: null, users: null },
  };
  await deps.secrets.put(connection.secretRef, request.password);
  await deps.connections.put(connection);
  await deps.connections.setLinkedCompany(tenantId, company);
  for (const run of resetRuns) await launchRun(deps, run);
  return { connection, resetRuns };
}

/** Signs in unless the tenant used up its failed sign-ins of the window; counts a refusal. */
async function signInThrottled(deps: SyncDeps, tenantId: string, signIn: () => Promise<void>): Promise<void> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - FAILED_CONNECT_WINDOW_MS).toISOString();
  const failed = await deps.connections.failedConnects(tenantId, since);
  if (failed.count >= MAX_FAILED_CONNECTS && failed.windowStart !== null) {
    const retryAfterMs = Date.parse(failed.windowStart) + FAILED_CONNECT_WINDOW_MS - now.getTime();
    throw new TooManyRequests(
      'too_many_failed_connects',
      `Sage Intacct refused ${failed.count} sign-ins of this workspace in a short time; connecting is paused for ${Math.ceil(retryAfterMs / 60_000)} minutes to protect the Intacct user from a lockout.`,
      retryAfterMs / 1000,
    );
  }
  try {
    await signIn();
  } catch (error) {
    if (error instanceof IntacctFailure && error.code === 'intacct_auth_failed')
      await deps.connections.recordFailedConnect(tenantId, now.toISOString(), since);
    throw error;
  }
}

async function hasLinks(deps: SyncDeps, tenantId: string): Promise<boolean> {
  for (const object of INTACCT_OBJECTS) if (await deps.links.hasAny(tenantId, object)) return true;
  return false;
}

/** Both families' reset runs, or none: the second family busy gives back the first's lease (409). */
async function queueResetRuns(deps: SyncDeps, tenantId: string): Promise<SyncRun[]> {
  const clients = await queueRun(deps, { tenantId, request: { type: 'client_sync', resetLinks: true }, trigger: 'api', dryRun: false });
  try {
    return [clients, await queueRun(deps, { tenantId, request: { type: 'user_sync', resetLinks: true }, trigger: 'api', dryRun: false })];
  } catch (error) {
    const withdrawn: SyncRun = {
      ...clients,
      status: 'failed',
      finishedAt: deps.clock.now().toISOString(),
      error: { code: 'run_in_progress', message: 'Not started: the team members were being imported or synced; connect again.' },
    };
    if (await deps.runs.saveIf(withdrawn, { statuses: ['queued'] })) countRunFinished(deps.telemetry, withdrawn);
    await deps.leases.release(tenantId, 'clients', clients.id);
    throw error;
  }
}
