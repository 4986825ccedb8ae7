import type { SyncRun } from '../../domain/runs';
import type { ApiServices, RouteAnswer } from '../route';

const ACCEPTED = 202;

/**
 * Hands a queued run to its worker and answers `202 { runId }`. When the worker cannot be
 * started the run is closed as failed, so it does not sit queued forever, and the error goes on
 * to the caller.
 */
export async function launchQueuedRun(services: ApiServices, run: SyncRun, launch: () => Promise<void>): Promise<RouteAnswer> {
  try {
    await launch();
  } catch (error) {
    const failed: SyncRun = {
      ...run,
      status: 'failed',
      finishedAt: services.deps.clock.now().toISOString(),
      error: { code: 'worker_not_started', message: 'The run could not be started; it is safe to ask again.' },
    };
    await services.deps.runs.save(failed).catch(() => undefined);
    throw error;
  }
  services.logger.info('Run queued', { tenantId: run.tenantId, runId: run.id, runType: run.type });
  return { status: ACCEPTED, body: { runId: run.id } };
}
