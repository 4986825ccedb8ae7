/**
 * A whole local runtime for end-to-end tests: temp data directory, random ports, real HTTP, and
 * the admin console served from a small fixture build (never a Vite build).
 * Each start reloads the function modules (vi.resetModules) so they read this runtime's
 * configuration at their cold start, as a fresh Lambda container would.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { type LocalRuntime, type LocalRuntimeOptions, type RuntimeInfo, type RuntimeInternalInfo, startLocalRuntime } from '../../local/runtime';

export type TestRuntime = LocalRuntime & { info: RuntimeInfo; dataDir: string };

export interface TestRuntimeOptions extends Partial<Omit<LocalRuntimeOptions, 'dataDir'>> {
  /** Reuse a directory (a restart); it is then left in place on close. Default: a new temp directory, removed on close. */
  dataDir?: string;
  /** Receives every runtime log line; default: only warnings and errors, on stderr. */
  log?: (line: string) => void;
}

const QUIET_LEVELS = new Set(['INFO', 'DEBUG']);

/** A tiny stand-in for web/dist: index.html, a hashed script and images. */
export const CONSOLE_FIXTURE_DIST = fileURLToPath(new URL('../local/fixtures/console-dist/', import.meta.url));

/** Prints warnings and errors; the functions' metrics (EMF lines, which have no level) stay quiet too. */
function warningsOnly(line: string): void {
  const parsed = JSON.parse(line) as { level?: string; _aws?: unknown };
  if (parsed._aws === undefined && !QUIET_LEVELS.has(parsed.level ?? '')) process.stderr.write(`${line}\n`);
}

/** A fresh temp directory for a runtime's data. */
export function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'psa-local-runtime-'));
}

/** Starts a runtime on 127.0.0.1, ports 0, with the emulator, the two demo tenants and the fixture console. */
export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeDataDir());
  vi.resetModules();
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      port: 0,
      logLevel: process.env.LOG_LEVEL ?? 'WARN',
      log: warningsOnly,
      ...options,
      console: { distDir: CONSOLE_FIXTURE_DIST, port: 0, ...options.console },
      dataDir,
    });
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...runtime,
    info: runtime.runtimeInfo,
    dataDir,
    async close() {
      await runtime.close();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** runtime.json as written to disk. */
export async function readRuntimeJson(dataDir: string): Promise<unknown> {
  return JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')) as unknown;
}

/** runtime-internal.json as written to disk (what `npm run invoke` reads). */
export async function readRuntimeInternal(dataDir: string): Promise<RuntimeInternalInfo> {
  return JSON.parse(await readFile(join(dataDir, 'runtime-internal.json'), 'utf8')) as RuntimeInternalInfo;
}

/** The runtime's local AWS endpoint (Lambda Invoke, EventBridge PutEvents), its secret included. */
export async function awsEndpointOf(runtime: { dataDir: string }): Promise<string> {
  return (await readRuntimeInternal(runtime.dataDir)).awsEndpointUrl;
}
