import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { FAMILY_OF_RUN, type RunType } from '#domain/runs';
import type { RunLaunch, WorkerLauncher } from '#ports/workers';

/** Lambda answers an accepted asynchronous invocation with this status. */
const ACCEPTED_STATUS = 202;

/** The worker functions runs are handed to. */
export interface WorkerFunctionNames {
  clientImport: string;
  userImport: string;
  tenantSync: string;
}

class WorkerLaunchError extends Error {
  override name = 'WorkerLaunchError';
}

/**
 * Starts the worker of a run as an asynchronous Lambda invocation (InvocationType `Event`): Lambda
 * queues the event, retries a failed worker and keeps the caller fast. Imports go to their import
 * function, syncs (and confirmations) to tenant-sync with the run's family as scope.
 */
export class LambdaWorkerLauncher implements WorkerLauncher {
  constructor(
    private readonly client: LambdaClient,
    private readonly functions: WorkerFunctionNames,
  ) {}

  start(launch: RunLaunch): Promise<void> {
    const base = { tenantId: launch.tenantId, runId: launch.runId, ...(launch.handoff ? { handoff: launch.handoff } : {}) };
    const targets: Record<RunType, () => Promise<void>> = {
      client_import: () => this.invoke(this.functions.clientImport, base),
      user_import: () => this.invoke(this.functions.userImport, base),
      client_sync: () => this.invoke(this.functions.tenantSync, { ...base, scope: FAMILY_OF_RUN[launch.type] }),
      user_sync: () => this.invoke(this.functions.tenantSync, { ...base, scope: FAMILY_OF_RUN[launch.type] }),
    };
    return targets[launch.type]();
  }

  private async invoke(functionName: string, payload: Record<string, unknown>): Promise<void> {
    const answer = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (answer.StatusCode !== ACCEPTED_STATUS) {
      throw new WorkerLaunchError(`Lambda did not accept the invocation of ${functionName} (status ${answer.StatusCode}).`);
    }
  }
}
