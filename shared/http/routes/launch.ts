import type { SyncRun } from '#domain/runs';
import type { ApiServices, RouteAnswer } from '../route';

const ACCEPTED = 202;

/** `202 { runId }` for a run handed to its worker. */
export function accepted(services: ApiServices, run: SyncRun): RouteAnswer {
  services.logger.info('Run queued', { tenantId: run.tenantId, runId: run.id, runType: run.type });
  return { status: ACCEPTED, body: { runId: run.id } };
}
