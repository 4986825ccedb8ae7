/**
 * How the API hands a queued run to a worker. The cloud starts a Lambda asynchronously; tests
 * record the calls. (A port in all but location: shared/ports belongs to the engine.)
 */
export interface WorkerLauncher {
  startClientImport(request: { tenantId: string; runId: string }): Promise<void>;
  startUserImport(request: { tenantId: string; runId: string }): Promise<void>;
  /** Starts tenant-sync on one queued sync run (`runId`). */
  startSync(request: { tenantId: string; scope: 'clients' | 'users' | 'all'; runId: string }): Promise<void>;
}

/** The worker functions the API invokes. */
export interface WorkerFunctionNames {
  clientImport: string;
  userImport: string;
  tenantSync: string;
}
