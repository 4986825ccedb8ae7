/**
 * What every way of connecting a tenant to Intacct shares (a Web Services user's password, an
 * OAuth grant): the company_changed rule, the order of the writes, and leaving no secret of the
 * previous connection behind.
 */
import { Conflict } from '#domain/errors';
import { INTACCT_OBJECTS, type SyncRun } from '#domain/runs';
import type { Connection, IntacctGateway, LinkedCompany } from '#ports/stores';
import type { SyncDeps } from './deps';
import { launchRun, queueRun } from './run-lifecycle';
import { countRunFinished } from './run-metrics';

/** The connection a tenant is about to make. */
export interface NextConnection {
  company: LinkedCompany;
  /** The Web Services user, or the Intacct user who approved the OAuth grant. */
  userId: string;
  gateway: IntacctGateway;
  /** Keeps the new connection's secret and answers where it is (called only once the change is allowed). */
  keepSecret(): Promise<string>;
}

export interface Connected {
  connection: Connection;
  /** The runs unlinking every record, when the connection changed company with `resetLinks`. */
  resetRuns: SyncRun[];
}

const sameCompany = (a: LinkedCompany, b: LinkedCompany): boolean => a.companyId === b.companyId && a.entityId === b.entityId;

/**
 * Connects the tenant as `next` describes:
 * 1. Links made with another company (or entity) would point at the wrong records (RECORDNOs are
 *    per company): without `resetLinks` answer 409 company_changed, having kept nothing; with it,
 *    queue one run per family that unlinks every record (each kept, re-linkable) first.
 * 2. Keep the secret, then the connection (which names it), then the company the links follow.
 * 3. A secret of the previous connection stored elsewhere (the other gateway's) is deleted, and
 *    `retire` is told of it first (an OAuth grant is revoked at Intacct).
 * A reconnect to the same company keeps the last-sync times and every link, whichever gateway:
 * both read the same record keys.
 */
export async function switchConnection(
  deps: SyncDeps,
  tenantId: string,
  next: NextConnection,
  resetLinks: boolean,
  retire: (previous: Connection) => Promise<void> = async () => undefined,
): Promise<Connected> {
  const previous = await deps.connections.get(tenantId);
  const linkedWith =
    (await deps.connections.linkedCompany(tenantId)) ?? (previous ? { companyId: previous.companyId, entityId: previous.entityId } : null);
  const resetRuns: SyncRun[] = [];
  if (linkedWith && !sameCompany(linkedWith, next.company) && (await hasLinks(deps, tenantId))) {
    if (!resetLinks) {
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
    companyId: next.company.companyId,
    userId: next.userId,
    entityId: next.company.entityId,
    gateway: next.gateway,
    secretRef: await next.keepSecret(),
    connectedAt: deps.clock.now().toISOString(),
    lastSync: previous?.lastSync ?? { clients: null, users: null },
  };
  await deps.connections.put(connection);
  await deps.connections.setLinkedCompany(tenantId, next.company);
  if (previous && previous.secretRef !== connection.secretRef) {
    await retire(previous);
    await deps.secrets.delete(previous.secretRef);
  }
  for (const run of resetRuns) await launchRun(deps, run);
  return { connection, resetRuns };
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
