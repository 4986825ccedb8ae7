/** Public types of the local runtime. */
import type { ConsoleBuildMode } from './console-build';
import type { FunctionName } from './functions';
import type { ExternalIntacct } from './intacct-target';
import type { RuntimeInfo } from './runtime-files';

export interface LocalRuntimeOptions {
  /** Where state lives (dynalite files, keys, secrets, events.jsonl, runtime.json). */
  dataDir: string;
  /** Default: env PORT, else 3000; 0 = a random free port. */
  port?: number;
  /**
   * Empty dataDir first. Refused (NotADataDirError, nothing touched) when dataDir is a non-empty
   * directory holding none of the runtime's own files: it is someone else's directory.
   */
  reset?: boolean;
  /** Another Intacct gateway; default INTACCT_ENDPOINT_URL/_SENDER_ID/_SENDER_PASSWORD, else the emulator. */
  intacct?: ExternalIntacct;
  /** Nightly cron (5 fields, UTC); default env SYNC_SCHEDULE, else '0 2 * * *'; null = no schedule. */
  schedule?: string | null;
  /** Keep the store in memory instead of under dataDir (throwaway runs such as `npm run invoke`). */
  inMemoryStore?: boolean;
  /** Default: the functions' LOG_LEVEL from env, else INFO. */
  logLevel?: string;
  /** Receives each JSON log line; default stdout. */
  log?: (line: string) => void;
  /**
   * Timeout in seconds of every worker (client-import, user-import, tenant-sync, daily-sync; not
   * api), in (0, 900]. Default: env LOCAL_FUNCTION_TIMEOUT_S, else the stack's timeouts.
   */
  workerTimeoutSeconds?: number;
  /** For tests: the shutdown grace and the bound past it (defaults SHUTDOWN_GRACE_MS, SHUTDOWN_DRAIN_BOUND_MS). */
  shutdown?: { graceMs?: number; drainBoundMs?: number };
  /** The admin console's server, always started on a loopback origin of its own (runtime.json's consoleUrl). */
  console?: ConsoleOptions;
}

interface ConsoleOptions {
  /** The built console it serves; default `<repo>/web/dist`. */
  distDir?: string;
  /**
   * 'if-stale' (what `npm start` uses) builds the console into distDir with Vite before serving it
   * when it is missing or its sources changed since; default 'never', so a test never runs Vite.
   */
  build?: ConsoleBuildMode;
  /** Default: env CONSOLE_PORT, else the API's port + 1 when that is fixed, else 0 (a random free port). */
  port?: number;
}

export interface LocalRuntime {
  apiUrl: string;
  /** The admin console's origin. */
  consoleUrl: string;
  /** The object written to runtime.json. */
  runtimeInfo: RuntimeInfo;
  /** Runs the nightly daily-sync now for every tenant, as the schedule would, and resolves when it has returned. */
  fireNightly(): Promise<void>;
  /** Runs one function in this process with `event` (as a RequestResponse invocation) and answers its result. */
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  /** Resolves once no asynchronous invocation is queued, running or waiting for a retry. */
  whenIdle(): Promise<void>;
  /**
   * Stops like a draining Lambda service: running invocations get a short grace on their clock to
   * hand work on, queued and retrying async invocations are saved for the next start, then
   * everything closes and the data dir is released.
   */
  close(): Promise<void>;
}

export type { RuntimeInfo };
