/**
 * `startLocalRuntime`: the whole product on one machine — dynalite, the Intacct emulator, the
 * functions in this process behind an API Gateway look-alike, a JWT issuer, the event bus with the
 * cloud's routing, the nightly schedule, two connected demo tenants and the admin console on an
 * origin of its own — then runtime.json.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { redirectEmfOutput } from '#adapters/emf-telemetry';
import type { ConsoleConfig } from '#http/console-config';
import { INTACCT_OAUTH_CALLBACK_PATH } from '#http/public-routes';
import type { HttpApiEvent } from './api-gateway';
import { AsyncInvocations } from './async-invocations';
import { newAwsEndpointSecret, startAwsServer } from './aws-server';
import { ensureConsoleBuilt } from './console-build';
import { localConsoleConfig, startConsoleServer } from './console-server';
import { parseCron } from './cron';
import { assertResettable, dataPaths, prepareDataDir } from './data-dir';
import { lockDataDir } from './data-dir-lock';
import { connectDemoTenants, demoTenantsFor, withTokens } from './demo-tenants';
import { startEmbeddedDynamo } from './dynamodb';
import { REPO_ROOT } from './entry-points';
import { applyEnvironment, functionEnvironment, LOCAL_EVENT_BUS_NAME } from './environment';
import { LocalEventBus } from './event-bus';
import { type FunctionName, loadFunctionHandlers } from './functions';
import { externalIntacctFromEnv, startIntacctTarget } from './intacct-target';
import { FunctionHost, functionTimeoutsMs, parseTimeoutOverride, TIMEOUT_OVERRIDE_VARIABLE } from './invocation-host';
import { loadOrCreateSigningKey } from './jwt';
import { createRuntimeLogger, errorMessage, writeToStdout } from './logger';
import { DEFAULT_SYNC_SCHEDULE, scheduledEvent } from './nightly';
import { loadPendingInvocations, removePendingInvocations, savePendingInvocations } from './pending-invocations';
import { type RuntimeInfo, writeRuntimeInfo, writeRuntimeInternal } from './runtime-files';
import { type RunningSchedule, startSchedule } from './scheduler';
import { startRuntimeServer } from './server';
import { fireTenantNightly } from './tenant-nightly';
import type { LocalRuntime, LocalRuntimeOptions } from './types';

const DEFAULT_PORT = 3000;
const MAX_PORT = 65_535;
/**
 * From the moment the runtime starts stopping, every running context reports at most this much
 * time left, counting down, so a worker that re-reads getRemainingTimeInMillis() sees its time run
 * out and hands off: checkpoint, then Invoke itself with InvocationType Event (kept for the next
 * start). 3 s covers the chunk in hand, a checkpoint write and that Invoke against local endpoints
 * (milliseconds to a few hundred each), and keeps Ctrl-C quick.
 */
const SHUTDOWN_GRACE_MS = 3_000;
/**
 * How long past the grace the runtime still waits for running invocations before it abandons them
 * (an abandoned async invocation is handed to the next start as the same attempt). Grace + this =
 * 8 s, under the 10 s most supervisors (docker stop, systemd) allow between SIGTERM and SIGKILL.
 */
const SHUTDOWN_DRAIN_BOUND_MS = 5_000;

const DEFAULT_CONSOLE_DIST_DIR = join(REPO_ROOT, 'web', 'dist');

function checkedPort(port: number, setting: string, given: unknown): number {
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) throw new Error(`${setting} must be a port number, got '${String(given)}'.`);
  return port;
}

function resolvePort(option: number | undefined): number {
  const port = option ?? (process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT);
  return checkedPort(port, 'PORT', option ?? process.env.PORT);
}

/** The console's port: the option, else CONSOLE_PORT, else next to a fixed API port, else random. */
function resolveConsolePort(option: number | undefined, apiPort: number): number {
  if (option !== undefined) return checkedPort(option, 'console.port', option);
  const fromEnv = process.env.CONSOLE_PORT;
  if (fromEnv) return checkedPort(Number(fromEnv), 'CONSOLE_PORT', fromEnv);
  // Beside a fixed API port, so the console's URL is as predictable as the API's (3000 → 3001).
  return apiPort !== 0 && apiPort < MAX_PORT ? apiPort + 1 : 0;
}

function resolveWorkerTimeout(option: number | undefined): number | null {
  if (option === undefined) return parseTimeoutOverride(process.env[TIMEOUT_OVERRIDE_VARIABLE]);
  return parseTimeoutOverride(String(option));
}

function resolveSchedule(option: string | null | undefined): string | null {
  if (option === null) return null;
  return option ?? process.env.SYNC_SCHEDULE ?? DEFAULT_SYNC_SCHEDULE;
}

/** Starts the local runtime; see LocalRuntimeOptions. Resolves once runtime.json is written. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const logger = createRuntimeLogger(options.log);
  const port = resolvePort(options.port);
  const consolePort = resolveConsolePort(options.console?.port, port);
  const consoleDistDir = options.console?.distDir ?? DEFAULT_CONSOLE_DIST_DIR;
  const scheduleExpression = resolveSchedule(options.schedule);
  const schedule = scheduleExpression === null ? null : parseCron(scheduleExpression);
  const timeoutsMs = functionTimeoutsMs(resolveWorkerTimeout(options.workerTimeoutSeconds));
  const graceMs = options.shutdown?.graceMs ?? SHUTDOWN_GRACE_MS;
  const drainBoundMs = options.shutdown?.drainBoundMs ?? SHUTDOWN_DRAIN_BOUND_MS;
  const paths = dataPaths(options.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn('shutdown step failed', { error: errorMessage(error) });
      }
    }
  };

  let host: FunctionHost | null = null;
  /** Used when the start fails half-way: nothing gets a grace, nothing is waited for. */
  const abandonAll = (): void => {
    host?.beginShutdown(0);
    host?.abandonRunning();
  };

  try {
    // Before the lock, which would leave a file in a directory --reset must not touch at all.
    if (options.reset) await assertResettable(paths);
    // First, before anything under the directory is read or written (--reset included).
    const lock = await lockDataDir(paths.root, paths.lock, (pid) =>
      logger.warn('data dir lock taken over from a runtime that is gone', { dataDir: paths.root, stalePid: pid }),
    );
    cleanups.push(() => lock.release());
    await prepareDataDir(paths, options.reset ?? false);
    // Runs while the store, the emulator and the functions start; awaited before runtime.json.
    const consoleBuild = ensureConsoleBuilt({ repoRoot: REPO_ROOT, distDir: consoleDistDir, mode: options.console?.build ?? 'never', logger });
    // A start that fails half-way still lets Vite finish writing, rather than leave half a build.
    cleanups.push(() => consoleBuild.then(() => undefined));
    const signingKey = await loadOrCreateSigningKey(paths.jwtKey);
    const dynamo = await startEmbeddedDynamo(options.inMemoryStore ? {} : { path: paths.dynamodb });
    cleanups.push(() => dynamo.close());
    const intacct = await startIntacctTarget(options.intacct ?? externalIntacctFromEnv());
    cleanups.push(() => intacct.close());

    let bus: LocalEventBus | null = null;
    const invokeNow = (name: FunctionName, event: unknown, requestId: string): Promise<unknown> => {
      if (!host) throw new Error('The functions are not loaded yet.');
      return host.invoke(name, event, requestId);
    };
    const invocations = new AsyncInvocations(invokeNow, logger);
    const enqueue = (name: FunctionName, event: unknown): string => invocations.enqueue(name, event);
    // Registered before the server, so it runs after the server has closed: nothing can enqueue
    // any more, and what is left (queued, retries due, continuations) is saved for the next start.
    cleanups.push(async () => {
      await bus?.flushed();
      const pending = await invocations.close();
      await savePendingInvocations(paths.pendingInvocations, pending);
      if (pending.length > 0) {
        logger.info('pending invocations saved for the next start', { count: pending.length, file: paths.pendingInvocations });
      }
    });

    const invokeApi = (event: HttpApiEvent, requestId: string): Promise<unknown> => invokeNow('api', event, requestId);
    // Known once the console listens; until then no origin is allowed.
    let consoleOrigin: string | null = null;
    const server = await startRuntimeServer(port, {
      api: () => (host ? { signingKey, invokeApi, logger, corsOrigin: consoleOrigin } : null),
      signingKey,
      fireTenantNightly: () => {
        const loadedBus = bus;
        if (!host || !loadedBus) return null;
        const deps = {
          invokeApi: (event: HttpApiEvent) => invokeApi(event, event.requestContext.requestId),
          bus: loadedBus,
          busName: LOCAL_EVENT_BUS_NAME,
        };
        return (claims) => fireTenantNightly(claims, deps);
      },
      corsOrigin: () => consoleOrigin,
      logger,
    });
    cleanups.push(() => server.close());
    let consoleConfig: ConsoleConfig | null = null;
    let consoleBuildFailure: string | null = null;
    const consoleServer = await startConsoleServer(consolePort, {
      distDir: consoleDistDir,
      apiUrl: server.url,
      config: () => consoleConfig,
      buildFailure: () => consoleBuildFailure,
      logger,
    });
    cleanups.push(() => consoleServer.close());
    consoleOrigin = new URL(consoleServer.url).origin;
    // The functions' Lambda and EventBridge endpoints, apart from the API and behind this start's secret.
    const awsServer = await startAwsServer({
      secret: newAwsEndpointSecret(),
      lambda: () => (host ? { invokeNow, enqueue, logger } : null),
      bus: () => bus,
      logger,
    });
    cleanups.push(() => awsServer.close());

    // Sage Intacct sends the admin's browser back to this runtime's API after Connect with Sage Intacct.
    const oauthRedirectUri = `${server.url}${INTACCT_OAUTH_CALLBACK_PATH}`;
    if (intacct.oauth) intacct.allowRedirect(oauthRedirectUri);
    const environment = functionEnvironment({
      tableNames: dynamo.tableNames,
      dynamodbEndpoint: dynamo.endpoint,
      awsEndpointUrl: awsServer.endpointUrl,
      intacct,
      oauth: intacct.oauth ? { ...intacct.oauth, redirectUri: oauthRedirectUri } : null,
      consoleUrl: consoleServer.url.replace(/\/+$/, ''),
      secretsFile: paths.secretsFile,
      secretsKeyFile: paths.secretsKeyFile,
      logLevel: options.logLevel ?? process.env.LOG_LEVEL,
    });
    cleanups.push(applyEnvironment(environment));
    // The functions' metrics join the runtime's log, as Lambda's stdout joins CloudWatch Logs.
    cleanups.push(redirectEmfOutput(options.log ?? writeToStdout));
    const functionHost = new FunctionHost(await loadFunctionHandlers(environment), timeoutsMs, logger);
    bus = new LocalEventBus({ busName: LOCAL_EVENT_BUS_NAME, eventsLogPath: paths.eventsLog, enqueue, logger });
    host = functionHost;

    const tenants = withTokens(demoTenantsFor(intacct.companies), signingKey);
    await connectDemoTenants(tenants, (event) => invokeNow('api', event, event.requestContext.requestId), signingKey, logger);
    consoleConfig = localConsoleConfig(server.url, tenants);

    // What the previous runtime handed back at its stop runs now, before anything new is scheduled.
    const restored = await loadPendingInvocations(paths.pendingInvocations, logger);
    invocations.restore(restored);
    await removePendingInvocations(paths.pendingInvocations);
    if (restored.length > 0) logger.info('pending invocations restored', { count: restored.length });

    let running: RunningSchedule | null = null;
    if (schedule) running = startSchedule(schedule, (scheduledAt) => enqueue('daily-sync', scheduledEvent(scheduledAt)));
    const nightly = running;
    cleanups.push(() => nightly?.stop());

    const built = await consoleBuild;
    if (built.kind === 'failed') consoleBuildFailure = built.error;

    const runtimeInfo: RuntimeInfo = {
      apiUrl: server.url,
      consoleUrl: consoleServer.url,
      dynamodbEndpoint: dynamo.endpoint,
      intacct: { endpointUrl: intacct.endpointUrl, senderId: intacct.senderId, senderPassword: intacct.senderPassword },
      tenants,
    };
    await writeRuntimeInfo(paths.runtimeInfo, runtimeInfo);
    await writeRuntimeInternal(paths.runtimeInternal, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      awsEndpointUrl: awsServer.endpointUrl,
      environment,
    });
    logger.info('local runtime ready', {
      apiUrl: server.url,
      consoleUrl: consoleServer.url,
      consoleDistDir,
      consoleBuild: built.kind,
      awsEndpointPort: awsServer.port,
      dynamodbEndpoint: dynamo.endpoint,
      intacctEndpointUrl: intacct.endpointUrl,
      intacctEmulated: intacct.emulated,
      dataDir: paths.root,
      storeOnDisk: !options.inMemoryStore,
      schedule: scheduleExpression,
      nextNightlyAt: running ? running.nextFireAt().toISOString() : null,
      tenants: tenants.map((tenant) => tenant.tenantId).join(','),
    });

    /**
     * Stopping, in Lambda's terms: no new work starts, running invocations see a short grace on
     * their clock and may hand work on through the still-open AWS endpoint (Invoke Event, PutEvents),
     * then whatever still runs after grace + bound is abandoned; the rest of the cleanups close
     * the server, save what is pending and release the data dir.
     */
    const drain = async (): Promise<void> => {
      nightly?.stop();
      invocations.beginDrain();
      functionHost.beginShutdown(graceMs);
      if (functionHost.runningCount > 0) {
        logger.info('local runtime stopping; running invocations get a grace', { running: functionHost.runningCount, graceMs });
      }
      if (!(await functionHost.whenIdle(graceMs + drainBoundMs))) functionHost.abandonRunning();
    };

    let closing: Promise<void> | null = null;
    return {
      apiUrl: server.url,
      consoleUrl: consoleServer.url,
      runtimeInfo,
      async fireNightly() {
        await invokeNow('daily-sync', scheduledEvent(new Date(), true), randomUUID());
      },
      invoke: (name, event) => invokeNow(name, event, randomUUID()),
      whenIdle: () => invocations.whenIdle(),
      close() {
        closing ??= drain()
          .catch((error: unknown) => logger.warn('shutdown step failed', { error: errorMessage(error) }))
          .then(closeAll)
          .then(() => logger.info('local runtime stopped'));
        return closing;
      },
    };
  } catch (error) {
    abandonAll();
    await closeAll();
    throw error;
  }
}
