/**
 * Where `npm run invoke` runs a handler: against the running local runtime found through
 * runtime.json (its store, emulator, secrets and bus), else against an embedded throwaway one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redirectEmfOutput } from '#adapters/emf-telemetry';
import type { TableNames } from '#store/tables';
import { dataPaths } from './data-dir';
import { applyEnvironment } from './environment';
import { type FunctionName, loadFunctionHandlers } from './functions';
import { rememberOwnIntacctEndpoint } from './intacct-target';
import { FunctionHost, functionTimeoutsMs, parseTimeoutOverride, TIMEOUT_OVERRIDE_VARIABLE } from './invocation-host';
import { startLocalRuntime } from './local-runtime';
import { createRuntimeLogger } from './logger';
import { type RuntimeInfo, type RuntimeInternalInfo, readJsonFile } from './runtime-files';
import { HEALTH_PATH } from './server';

const HEALTH_TIMEOUT_MS = 1_000;
const HTTP_OK = 200;

export interface InvokeTarget {
  /** 'running' when a local runtime answered, 'embedded' when this process started its own. */
  kind: 'running' | 'embedded';
  dynamodbEndpoint: string;
  tableNames: TableNames;
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  /** Lets work the invocation queued (embedded: async invocations, events) finish, then stops. */
  close(): Promise<void>;
}

async function answers(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(new URL(HEALTH_PATH, apiUrl), { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    return response.status === HTTP_OK;
  } catch {
    return false;
  }
}

function tableNamesOf(environment: Record<string, string>): TableNames {
  return {
    entities: environment.ENTITIES_TABLE ?? '',
    links: environment.LINKS_TABLE ?? '',
    runs: environment.RUNS_TABLE ?? '',
  };
}

async function runningTarget(dataDir: string, logLevel: string, log: (line: string) => void): Promise<InvokeTarget | null> {
  const paths = dataPaths(dataDir);
  const info = await readJsonFile<RuntimeInfo>(paths.runtimeInfo);
  const internal = await readJsonFile<RuntimeInternalInfo>(paths.runtimeInternal);
  if (!info || !internal || !(await answers(info.apiUrl))) return null;
  const environment = { ...internal.environment, LOG_LEVEL: logLevel };
  applyEnvironment(environment);
  // The handler's metrics go with the runtime's log lines (to stderr), never into the result on stdout.
  redirectEmfOutput(log);
  rememberOwnIntacctEndpoint(info.intacct.endpointUrl);
  // The same timeouts as the runtime's own invocations: `aws lambda invoke` would time out too.
  const timeoutsMs = functionTimeoutsMs(parseTimeoutOverride(process.env[TIMEOUT_OVERRIDE_VARIABLE]));
  const host = new FunctionHost(await loadFunctionHandlers(environment), timeoutsMs, createRuntimeLogger(log));
  return {
    kind: 'running',
    dynamodbEndpoint: info.dynamodbEndpoint,
    tableNames: tableNamesOf(environment),
    invoke: (name, event) => host.invoke(name, event, randomUUID()),
    close: () => Promise.resolve(),
  };
}

async function embeddedTarget(logLevel: string, log: (line: string) => void): Promise<InvokeTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'psa-invoke-'));
  try {
    const runtime = await startLocalRuntime({ dataDir, port: 0, inMemoryStore: true, schedule: null, logLevel, log });
    const internal = await readJsonFile<RuntimeInternalInfo>(dataPaths(dataDir).runtimeInternal);
    return {
      kind: 'embedded',
      dynamodbEndpoint: runtime.runtimeInfo.dynamodbEndpoint,
      tableNames: tableNamesOf(internal?.environment ?? {}),
      invoke: (name, event) => runtime.invoke(name, event),
      async close() {
        await runtime.whenIdle();
        await runtime.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The running runtime under `dataDir` when it answers, otherwise an embedded one (in-memory store, emulator, demo tenants). */
export async function openInvokeTarget(dataDir: string, options: { logLevel: string; log: (line: string) => void }): Promise<InvokeTarget> {
  return (await runningTarget(dataDir, options.logLevel, options.log)) ?? embeddedTarget(options.logLevel, options.log);
}
