import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { WorkerLauncher, WorkerFunctionNames } from '../http/worker-launcher';

/** Lambda answers an accepted asynchronous invocation with this status. */
const ACCEPTED_STATUS = 202;

export class WorkerLaunchError extends Error {
  override name = 'WorkerLaunchError';
}

/**
 * Starts the workers the API hands runs to, as asynchronous Lambda invocations (InvocationType
 * `Event`): Lambda queues the event, retries a failed worker and keeps the API answer fast.
 */
export class LambdaWorkerLauncher implements WorkerLauncher {
  constructor(
    private readonly client: LambdaClient,
    private readonly functions: WorkerFunctionNames,
  ) {}

  startClientImport(request: { tenantId: string; runId: string }): Promise<void> {
    return this.invoke(this.functions.clientImport, request);
  }

  startUserImport(request: { tenantId: string; runId: string }): Promise<void> {
    return this.invoke(this.functions.userImport, request);
  }

  startSync(request: { tenantId: string; scope: 'clients' | 'users' | 'all'; runId: string }): Promise<void> {
    return this.invoke(this.functions.tenantSync, request);
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
