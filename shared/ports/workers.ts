import type { RunType } from '#domain/runs';

/** A run handed to its worker: to start it, or to continue it where `handoff` left it. */
export interface RunLaunch {
  tenantId: string;
  runId: string;
  type: RunType;
  /** The token the previous invocation left on the run's lease when it stopped to continue here. */
  handoff?: string;
}

/**
 * Starts the worker of a run without waiting for it (in the cloud an asynchronous Lambda
 * invocation; Lambda queues it and retries a failed one).
 */
export interface WorkerLauncher {
  start(launch: RunLaunch): Promise<void>;
}
