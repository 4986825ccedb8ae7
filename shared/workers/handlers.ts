/**
 * The handlers of the worker functions (client-import, user-import, daily-sync, tenant-sync):
 * parse the event, call one use case, answer JSON. functions/*.ts build them from the
 * configuration; tests build them over their own deps.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import type { Logger } from '#adapters/logger';
import type { SyncRun } from '#domain/runs';
import { isTenantId, TENANT_ID_RULE } from '#domain/tenant-id';
import { detailsOf } from '#http/error-mapping';
import { workerStack } from '#http/middy-stack';
import { presentRun } from '#http/presenters';
import type { RunJson } from '#http/schemas';
import { psaId } from '#http/schemas';
import type { Invocation } from '#ports/runtime';
import type { SyncDeps } from '#use-cases/engine/deps';
import { runClientImport } from '#use-cases/import-clients';
import { runUserImport } from '#use-cases/import-users';
import { requestNightlySyncs } from '#use-cases/request-nightly-syncs';
import { runQueuedSync, syncTenant, type TenantSyncResult } from '#use-cases/sync-tenant';

/** A worker event that does not have the documented shape; nothing was written. */
class InvalidWorkerEvent extends Error {
  override name = 'InvalidWorkerEvent';
}

const tenantId = z.string().refine(isTenantId, `must be a tenant id: ${TENANT_ID_RULE}`);
const syncScope = z.enum(['clients', 'users', 'all']);
const TENANT_SYNC_REQUESTED = 'TenantSyncRequested';

/** Left on a run's lease by the invocation that continues the run in a new one. */
const handoff = z.string().min(1).max(100);

/** What the API hands an import worker, or an import continuing itself (with `handoff`). */
const ImportWorkerEvent = z.strictObject({ tenantId, runId: psaId, handoff: handoff.optional() });

/** The nightly fan-out's event, as EventBridge delivers it (the envelope carries more fields). */
const TenantSyncRequestedEvent = z.object({
  'detail-type': z.literal(TENANT_SYNC_REQUESTED),
  detail: z.object({ tenantId, scope: syncScope.optional(), dryRun: z.boolean().optional(), scheduledAt: z.iso.datetime().optional() }),
});

/** A manual `aws lambda invoke`, or the API's sync now / a sync continuing itself (with the run's id). */
const ManualTenantSyncEvent = z.strictObject({
  tenantId,
  scope: syncScope,
  dryRun: z.boolean().optional(),
  runId: psaId.optional(),
  handoff: handoff.optional(),
});

/**
 * This invocation as the engine sees it: its time left, and an id unique to this attempt (Lambda
 * reuses the request id when it retries an event, and a retry must not pass for the attempt it replaces).
 */
function invocationOf(context: Context, handoffToken?: string): Invocation {
  return {
    id: `${context.awsRequestId}:${randomUUID()}`,
    remainingMs: () => context.getRemainingTimeInMillis(),
    ...(handoffToken ? { handoff: handoffToken } : {}),
  };
}

function parseEvent<T extends z.ZodType>(schema: T, event: unknown, what: string): z.output<T> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const problems = detailsOf(result.error).map((detail) => `${detail.field}: ${detail.message}`);
  throw new InvalidWorkerEvent(`Invalid ${what} event (${problems.join('; ')}); no run was started.`);
}

function logFinished(logger: Logger, run: SyncRun): void {
  const message = run.status === 'running' ? 'Run continues in a new invocation' : 'Run finished';
  logger.info(message, { tenantId: run.tenantId, runId: run.id, runType: run.type, status: run.status, counts: run.counts });
}

type ImportRunner = (deps: SyncDeps, tenantId: string, runId: string, invocation: Invocation) => Promise<SyncRun>;

function importWorker(deps: SyncDeps, logger: Logger, what: string, runImport: ImportRunner) {
  return workerStack(
    async (event: unknown, context: Context): Promise<RunJson> => {
      const request = parseEvent(ImportWorkerEvent, event, what);
      logger.appendKeys({ tenantId: request.tenantId, runId: request.runId });
      const run = await runImport(deps, request.tenantId, request.runId, invocationOf(context, request.handoff));
      logFinished(logger, run);
      return presentRun(run);
    },
    { logger, telemetry: deps.telemetry },
  );
}

/** client-import: `{ tenantId, runId }` → executes that queued client import → the run JSON. */
export function createClientImportHandler(deps: SyncDeps, logger: Logger) {
  return importWorker(deps, logger, 'client import', runClientImport);
}

/** user-import: `{ tenantId, runId }` → executes that queued user import → the run JSON. */
export function createUserImportHandler(deps: SyncDeps, logger: Logger) {
  return importWorker(deps, logger, 'user import', runUserImport);
}

/** daily-sync: the schedule's event → one TenantSyncRequested per connected tenant → `{ tenants, scheduledAt }`. */
export function createDailySyncHandler(deps: SyncDeps, logger: Logger) {
  return workerStack(
    async (event: unknown, _context: Context): Promise<{ tenants: number; scheduledAt: string }> => {
      const firedAt = scheduledTime(event) ?? deps.clock.now();
      const answer = await requestNightlySyncs(deps, firedAt.toISOString());
      logger.info('Nightly syncs requested', answer);
      return answer;
    },
    { logger, telemetry: deps.telemetry },
  );
}

/** The `time` of a scheduled event: when the schedule fired, however late or often it is delivered. */
function scheduledTime(event: unknown): Date | null {
  const time = typeof event === 'object' && event !== null ? (event as { time?: unknown }).time : undefined;
  return typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? new Date(time) : null;
}

/**
 * tenant-sync: the nightly TenantSyncRequested event (scope defaults to all; one sync per tenant and
 * firing of the schedule), or a manual `{ tenantId, scope, dryRun?, runId?, handoff? }` (with runId: execute or
 * continue that queued run) → `{ runs, skipped }`.
 */
export function createTenantSyncHandler(deps: SyncDeps, logger: Logger) {
  return workerStack(
    async (event: unknown, context: Context): Promise<{ runs: RunJson[]; skipped: TenantSyncResult['skipped'] }> => {
      const isBusEvent = typeof event === 'object' && event !== null && 'detail-type' in event;
      let result: TenantSyncResult;
      if (isBusEvent) {
        const { detail } = parseEvent(TenantSyncRequestedEvent, event, TENANT_SYNC_REQUESTED);
        logger.appendKeys({ tenantId: detail.tenantId });
        const request = { tenantId: detail.tenantId, scope: detail.scope ?? 'all', dryRun: detail.dryRun ?? false, trigger: 'schedule' as const };
        result = await syncTenant(deps, { ...request, ...(detail.scheduledAt ? { scheduledAt: detail.scheduledAt } : {}) }, invocationOf(context));
      } else {
        const request = parseEvent(ManualTenantSyncEvent, event, 'tenant sync');
        logger.appendKeys({ tenantId: request.tenantId, ...(request.runId ? { runId: request.runId } : {}) });
        const invocation = invocationOf(context, request.handoff);
        result = request.runId
          ? { runs: [await runQueuedSync(deps, request.tenantId, request.runId, invocation)], skipped: [] }
          : await syncTenant(
              deps,
              { tenantId: request.tenantId, scope: request.scope, dryRun: request.dryRun ?? false, trigger: 'manual' },
              invocation,
            );
      }
      for (const run of result.runs) logFinished(logger, run);
      for (const skipped of result.skipped) logger.info('Sync skipped', { tenantId: result.runs[0]?.tenantId, ...skipped });
      return { runs: result.runs.map(presentRun), skipped: result.skipped };
    },
    { logger, telemetry: deps.telemetry },
  );
}
