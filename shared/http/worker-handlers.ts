/**
 * The handlers of the worker functions (client-import, user-import, daily-sync, tenant-sync):
 * parse the event, call one use case, answer JSON. functions/*.ts build them from the
 * configuration; tests build them over their own deps.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import type { Logger } from '../adapters/logger';
import type { SyncRun } from '../domain/runs';
import type { SyncDeps } from '../use-cases/deps';
import { runClientImport } from '../use-cases/import-clients';
import { runUserImport } from '../use-cases/import-users';
import { requestNightlySyncs } from '../use-cases/request-nightly-syncs';
import { runQueuedSync, syncTenant } from '../use-cases/sync-tenant';
import { detailsOf } from './error-mapping';
import { workerStack } from './middy-stack';
import { presentRun } from './presenters';
import type { RunJson } from './schemas';
import { psaId } from './schemas';

/** A worker event that does not have the documented shape; nothing was written. */
export class InvalidWorkerEvent extends Error {
  override name = 'InvalidWorkerEvent';
}

const tenantId = z.string().trim().min(1).regex(/^[^#\s]+$/, 'must not contain # or white space');
const syncScope = z.enum(['clients', 'users', 'all']);
const TENANT_SYNC_REQUESTED = 'TenantSyncRequested';

/** What the API hands an import worker. */
export const ImportWorkerEvent = z.strictObject({ tenantId, runId: psaId });

/** The nightly fan-out's event, as EventBridge delivers it (the envelope carries more fields). */
export const TenantSyncRequestedEvent = z.object({
  'detail-type': z.literal(TENANT_SYNC_REQUESTED),
  detail: z.object({ tenantId, scope: syncScope.optional() }),
});

/** A manual `aws lambda invoke`, or the API's sync now (with the queued run's id). */
export const ManualTenantSyncEvent = z.strictObject({
  tenantId,
  scope: syncScope,
  dryRun: z.boolean().optional(),
  runId: psaId.optional(),
});

function parseEvent<T extends z.ZodType>(schema: T, event: unknown, what: string): z.output<T> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const problems = detailsOf(result.error).map((detail) => `${detail.field}: ${detail.message}`);
  throw new InvalidWorkerEvent(`Invalid ${what} event (${problems.join('; ')}); no run was started.`);
}

function logFinished(logger: Logger, run: SyncRun): void {
  logger.info('Run finished', { tenantId: run.tenantId, runId: run.id, runType: run.type, status: run.status, counts: run.counts });
}

type ImportRunner = (deps: SyncDeps, tenantId: string, runId: string) => Promise<SyncRun>;

function importWorker(deps: SyncDeps, logger: Logger, what: string, runImport: ImportRunner) {
  return workerStack(async (event: unknown, _context: Context): Promise<RunJson> => {
    const request = parseEvent(ImportWorkerEvent, event, what);
    logger.appendKeys({ tenantId: request.tenantId, runId: request.runId });
    const run = await runImport(deps, request.tenantId, request.runId);
    logFinished(logger, run);
    return presentRun(run);
  }, logger);
}

/** client-import: `{ tenantId, runId }` → executes that queued client import → the run JSON. */
export function createClientImportHandler(deps: SyncDeps, logger: Logger) {
  return importWorker(deps, logger, 'client import', runClientImport);
}

/** user-import: `{ tenantId, runId }` → executes that queued user import → the run JSON. */
export function createUserImportHandler(deps: SyncDeps, logger: Logger) {
  return importWorker(deps, logger, 'user import', runUserImport);
}

/** daily-sync: the schedule's event → one TenantSyncRequested per connected tenant → `{ tenants }`. */
export function createDailySyncHandler(deps: SyncDeps, logger: Logger) {
  return workerStack(async (_event: unknown, _context: Context): Promise<{ tenants: number }> => {
    const answer = await requestNightlySyncs(deps);
    logger.info('Nightly syncs requested', answer);
    return answer;
  }, logger);
}

/**
 * tenant-sync: the nightly TenantSyncRequested event (scope defaults to all), or a manual
 * `{ tenantId, scope, dryRun?, runId? }` (with runId: execute that queued run) → `{ runs }`.
 */
export function createTenantSyncHandler(deps: SyncDeps, logger: Logger) {
  return workerStack(async (event: unknown, _context: Context): Promise<{ runs: RunJson[] }> => {
    const isBusEvent = typeof event === 'object' && event !== null && 'detail-type' in event;
    let runs: SyncRun[];
    if (isBusEvent) {
      const { detail } = parseEvent(TenantSyncRequestedEvent, event, TENANT_SYNC_REQUESTED);
      logger.appendKeys({ tenantId: detail.tenantId });
      runs = await syncTenant(deps, { tenantId: detail.tenantId, scope: detail.scope ?? 'all', trigger: 'schedule' });
    } else {
      const request = parseEvent(ManualTenantSyncEvent, event, 'tenant sync');
      logger.appendKeys({ tenantId: request.tenantId, ...(request.runId ? { runId: request.runId } : {}) });
      runs = request.runId
        ? [await runQueuedSync(deps, request.tenantId, request.runId)]
        : await syncTenant(deps, { tenantId: request.tenantId, scope: request.scope, dryRun: request.dryRun ?? false, trigger: 'manual' });
    }
    runs.forEach((run) => logFinished(logger, run));
    return { runs: runs.map(presentRun) };
  }, logger);
}
