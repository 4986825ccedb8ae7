/**
 * `startLocalRuntime`: the whole product on one machine — dynalite, the Intacct emulator, the
 * functions in this process behind an API Gateway look-alike, a JWT issuer, the event bus with the
 * cloud's routing, the nightly schedule and two connected demo tenants — then runtime.json.
 */
import { randomUUID } from 'node:crypto';
import { AsyncInvocations } from './async-invocations';
import { parseCron } from './cron';
import { dataPaths, prepareDataDir } from './data-dir';
import { connectDemoTenants, demoTenantsFor, withTokens } from './demo-tenants';
import { startEmbeddedDynamo } from './dynamodb';
import { applyEnvironment, functionEnvironment, LOCAL_EVENT_BUS_NAME } from './environment';
import { LocalEventBus } from './event-bus';
import { invokeFunction, loadFunctionHandlers, type FunctionHandlers, type FunctionName } from './functions';
import { externalIntacctFromEnv, startIntacctTarget } from './intacct-target';
import { loadOrCreateSigningKey } from './jwt';
import { createRuntimeLogger, errorMessage } from './logger';
import { DEFAULT_SYNC_SCHEDULE, scheduledEvent } from './nightly';
import { writeRuntimeInfo, writeRuntimeInternal, type RuntimeInfo } from './runtime-files';
import { startSchedule, type RunningSchedule } from './scheduler';
import { startRuntimeServer } from './server';
import type { LocalRuntime, LocalRuntimeOptions } from './types';

const DEFAULT_PORT = 3000;
const MAX_PORT = 65_535;

function resolvePort(option: number | undefined): number {
  const port = option ?? (process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) throw new Error(`PORT must be a port number, got '${process.env.PORT}'.`);
  return port;
}

function resolveSchedule(option: string | null | undefined): string | null {
  if (option === null) return null;
  return option ?? process.env.SYNC_SCHEDULE ?? DEFAULT_SYNC_SCHEDULE;
}

/** Starts the local runtime; see LocalRuntimeOptions. Resolves once runtime.json is written. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const logger = createRuntimeLogger(options.log);
  const port = resolvePort(options.port);
  const scheduleExpression = resolveSchedule(options.schedule);
  const schedule = scheduleExpression === null ? null : parseCron(scheduleExpression);
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

  try {
    await prepareDataDir(paths, options.reset ?? false);
    const signingKey = await loadOrCreateSigningKey(paths.jwtKey);
    const dynamo = await startEmbeddedDynamo(options.inMemoryStore ? {} : { path: paths.dynamodb });
    cleanups.push(() => dynamo.close());
    const intacct = await startIntacctTarget(options.intacct ?? externalIntacctFromEnv());
    cleanups.push(() => intacct.close());

    let handlers: FunctionHandlers | null = null;
    let bus: LocalEventBus | null = null;
    const invokeNow = (name: FunctionName, event: unknown, requestId: string): Promise<unknown> => {
      if (!handlers) throw new Error('The functions are not loaded yet.');
      return invokeFunction(handlers, name, event, requestId);
    };
    const invocations = new AsyncInvocations(invokeNow, logger);
    const enqueue = (name: FunctionName, event: unknown): string => invocations.enqueue(name, event);
    const queueNightly = (): string => enqueue('daily-sync', scheduledEvent(new Date()));

    const server = await startRuntimeServer(port, {
      api: () => (handlers ? { signingKey, invokeApi: (event, requestId) => invokeNow('api', event, requestId), logger } : null),
      lambda: () => (handlers ? { invokeNow, enqueue, logger } : null),
      bus: () => bus,
      signingKey,
      queueNightly,
      logger,
    });
    cleanups.push(() => server.close());

    const environment = functionEnvironment({
      tableNames: dynamo.tableNames,
      dynamodbEndpoint: dynamo.endpoint,
      runtimeUrl: server.url,
      intacct,
      secretsFile: paths.secretsFile,
      secretsKeyFile: paths.secretsKeyFile,
      logLevel: options.logLevel ?? process.env.LOG_LEVEL,
    });
    cleanups.push(applyEnvironment(environment));
    handlers = await loadFunctionHandlers(environment);
    bus = new LocalEventBus({ busName: LOCAL_EVENT_BUS_NAME, eventsLogPath: paths.eventsLog, enqueue, logger });
    const eventBus = bus;
    cleanups.push(() => eventBus.flushed());
    // Running invocations finish (they call back into the server and the bus) before those stop.
    cleanups.push(() => invocations.close());

    const tenants = withTokens(demoTenantsFor(intacct.companies), signingKey);
    await connectDemoTenants(tenants, (event) => invokeNow('api', event, event.requestContext.requestId), signingKey, logger);

    let running: RunningSchedule | null = null;
    if (schedule) {
      const nightly = startSchedule(schedule, (scheduledAt) => enqueue('daily-sync', scheduledEvent(scheduledAt)));
      running = nightly;
      cleanups.push(() => nightly.stop());
    }

    const runtimeInfo: RuntimeInfo = {
      apiUrl: server.url,
      dynamodbEndpoint: dynamo.endpoint,
      intacct: { endpointUrl: intacct.endpointUrl, senderId: intacct.senderId, senderPassword: intacct.senderPassword },
      tenants,
    };
    await writeRuntimeInfo(paths.runtimeInfo, runtimeInfo);
    await writeRuntimeInternal(paths.runtimeInternal, { pid: process.pid, startedAt: new Date().toISOString(), environment });
    logger.info('local runtime ready', {
      apiUrl: server.url,
      dynamodbEndpoint: dynamo.endpoint,
      intacctEndpointUrl: intacct.endpointUrl,
      intacctEmulated: intacct.emulated,
      dataDir: paths.root,
      storeOnDisk: !options.inMemoryStore,
      schedule: scheduleExpression,
      nextNightlyAt: running ? running.nextFireAt().toISOString() : null,
      tenants: tenants.map((tenant) => tenant.tenantId).join(','),
    });

    let closing: Promise<void> | null = null;
    return {
      apiUrl: server.url,
      runtimeInfo,
      async fireNightly() {
        await invokeNow('daily-sync', scheduledEvent(new Date()), randomUUID());
      },
      invoke: (name, event) => invokeNow(name, event, randomUUID()),
      whenIdle: () => invocations.whenIdle(),
      close() {
        closing ??= closeAll().then(() => logger.info('local runtime stopped'));
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
