/**
 * The functions of functions/ as the stack deploys them (function-catalog.ts): the api handler once
 * per route group, every other handler once; each with the one environment shared/config.ts reads
 * and only the grants its routes or use cases need. The workers the API starts asynchronously
 * retry and send what still fails to a dead-letter queue.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_ROUTE_GROUP_VARIABLE, type ApiRouteGroup } from '#http/route-groups';
import {
  API_FUNCTION_IDS,
  DEPLOYED_FUNCTION_IDS,
  type DeployedFunctionId,
  FUNCTION_TIMEOUT_SECONDS,
  functionEntry,
  functionName,
  handlerOf,
  type WorkerFunctionId,
} from '../function-catalog';
import type { StageSettings } from '../settings';
import { AppFunction, type TableAccess } from './app-function';
import type { DataTables, TableId } from './data-tables';
import { deadLetterQueue } from './dead-letter-queue';
import type { SyncSecrets, TenantSecretAccess } from './secrets';

/** Lambda's own default, stated: a run is idempotent (re-running completes it), so retries are safe. */
const ASYNC_RETRY_ATTEMPTS = 2;
/** Past this an event is stale: the next night's run starts over anyway. */
const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

/** The functions the API starts asynchronously (InvocationType 'Event'). */
const API_INVOKED_WORKERS = ['client-import', 'user-import', 'tenant-sync'] as const satisfies readonly WorkerFunctionId[];
/** Functions invoked asynchronously by Lambda or EventBridge; each gets a failure queue. */
const ASYNC_FUNCTIONS = ['client-import', 'user-import', 'tenant-sync', 'daily-sync'] as const satisfies readonly WorkerFunctionId[];
type AsyncFunctionId = (typeof ASYNC_FUNCTIONS)[number];

/**
 * What each function may touch: per table read/write/none, tenant secrets, the sender, the bus.
 * `senderSecret` marks the functions that call Intacct: they get the REST gateway's OAuth client too.
 * Timeouts are not here: they live in function-catalog.ts, which the local runtime enforces too.
 */
interface FunctionAccess {
  description: string;
  tables: Record<TableId, TableAccess | 'none'>;
  tenantSecrets: TenantSecretAccess | 'none';
  senderSecret: boolean;
  publishesEvents: boolean;
  /** Starts the API_INVOKED_WORKERS (imports, sync now, confirmed unlinks). */
  invokesWorkers: boolean;
}

const READ_WRITE_ALL: Record<TableId, TableAccess> = { entities: 'write', links: 'write', runs: 'write' };

const WORKER_ACCESS = {
  tables: READ_WRITE_ALL,
  // Reads the company logins and OAuth grants, and saves the grants it refreshes.
  tenantSecrets: 'refresh',
  senderSecret: true,
  publishesEvents: true,
  // A run continues itself in a new invocation of its own function (granted below, by name).
  invokesWorkers: false,
} as const;

export const FUNCTION_ACCESS: Readonly<Record<DeployedFunctionId, FunctionAccess>> = {
  'api-read': {
    description: "The HTTP API's read routes (clients, users, departments, permission profiles, connection status, OpenAPI)",
    // Records and the connection live in entities; the connection's last-sync times in runs.
    tables: { entities: 'read', links: 'none', runs: 'read' },
    tenantSecrets: 'none',
    senderSecret: false,
    publishesEvents: false,
    invokesWorkers: false,
  },
  'api-admin': {
    description: "The HTTP API's other routes: writes, imports, syncs, the Intacct connection, run history",
    tables: READ_WRITE_ALL,
    tenantSecrets: 'manage',
    senderSecret: true,
    publishesEvents: true,
    invokesWorkers: true,
  },
  'client-import': { ...WORKER_ACCESS, description: 'Client import worker: { tenantId, runId } from the API' },
  'user-import': { ...WORKER_ACCESS, description: 'User import worker: { tenantId, runId } from the API' },
  'tenant-sync': { ...WORKER_ACCESS, description: "One tenant's sync: TenantSyncRequested, the API's sync now, or a manual invoke" },
  'daily-sync': {
    description: 'Nightly fan-out: one TenantSyncRequested per connected tenant',
    // It only walks the connected-tenants index; config still wants every table name.
    tables: { entities: 'read', links: 'none', runs: 'none' },
    tenantSecrets: 'none',
    senderSecret: false,
    publishesEvents: true,
    invokesWorkers: false,
  },
};

/** Where the OAuth flow of the api handler returns, known once the API and the console exist. */
export interface OAuthReturnUrls {
  /** The API's public callback: the redirect URI the api handler sends to Sage Intacct. */
  redirectUri: string;
  /** The admin console's origin, where the callback sends the browser on; null without a console. */
  consoleUrl: string | null;
}

export interface SyncFunctionsProps {
  settings: StageSettings;
  data: DataTables;
  secrets: SyncSecrets;
  bus: EventBus;
}

export class SyncFunctions extends Construct {
  readonly functions: Readonly<Record<DeployedFunctionId, AppFunction>>;
  /** Where an asynchronous invocation lands after its last retry. */
  readonly failureQueues: Readonly<Record<AsyncFunctionId, Queue>>;

  constructor(scope: Construct, id: string, props: SyncFunctionsProps) {
    super(scope, id);
    const { settings, data, secrets, bus } = props;
    type ByFunction<T> = Record<DeployedFunctionId, T>;
    const names = Object.fromEntries(DEPLOYED_FUNCTION_IDS.map((fid) => [fid, functionName(settings.resourcePrefix, fid)])) as ByFunction<string>;
    // Every function gets the configuration shared/config.ts requires at every cold start; the
    // optional OAuth part goes only where it is used (below, and setOAuthReturnUrls).
    const environment: Record<string, string> = {
      EVENT_BUS_NAME: bus.eventBusName,
      CLIENT_IMPORT_FUNCTION: names['client-import'],
      USER_IMPORT_FUNCTION: names['user-import'],
      TENANT_SYNC_FUNCTION: names['tenant-sync'],
      INTACCT_ENDPOINT_URL: settings.intacctEndpointUrl,
      INTACCT_SENDER_SECRET_ARN: secrets.senderSecret.secretArn,
      SECRETS_BACKEND: 'secrets-manager',
      TENANT_SECRET_PREFIX: secrets.tenantSecretPrefix,
      LOG_LEVEL: settings.logLevel,
    };
    // Only the functions that call Intacct: with these set, shared/config.ts turns the REST
    // gateway's OAuth on and expects the client's secret to be readable.
    const intacctOAuthEnvironment: Record<string, string> = {
      INTACCT_REST_URL: settings.intacctRestUrl,
      INTACCT_OAUTH_CLIENT_SECRET_ARN: secrets.oauthClientSecret.secretArn,
    };

    // Each deployment of the api handler is told its route group: its router then knows only the
    // routes API Gateway sends it (functions/api.ts; unset locally, where one function serves all).
    const groupOf = Object.fromEntries(Object.entries(API_FUNCTION_IDS).map(([group, fid]) => [fid, group])) as Partial<ByFunction<ApiRouteGroup>>;

    const build = (fid: DeployedFunctionId): AppFunction => {
      const access = FUNCTION_ACCESS[fid];
      const group = groupOf[fid];
      const fn = new AppFunction(this, fid, {
        entry: functionEntry(handlerOf(fid)),
        functionName: names[fid],
        description: access.description,
        timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS[handlerOf(fid)]),
        environment: group === undefined ? environment : { ...environment, [API_ROUTE_GROUP_VARIABLE]: group },
        logRetention: settings.logRetention,
        removalPolicy: settings.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        minify: settings.minifyBundles,
        reservedConcurrentExecutions: fid === 'tenant-sync' ? settings.tenantSyncConcurrency : undefined,
      });
      for (const tableId of Object.keys(access.tables) as TableId[]) {
        const tableAccess = access.tables[tableId];
        if (tableAccess === 'none') fn.nameTable(data.tables[tableId]);
        else fn.bindTable(data.tables[tableId], tableAccess);
      }
      if (access.tenantSecrets !== 'none') secrets.grantTenantSecrets(fn, access.tenantSecrets);
      if (access.senderSecret) {
        secrets.grantSenderSecret(fn);
        // They refresh tenants' access tokens (and the API exchanges codes and revokes grants).
        secrets.grantOAuthClientSecret(fn);
        fn.addEnvironment(intacctOAuthEnvironment);
      }
      if (access.publishesEvents) fn.allow(['events:PutEvents'], [bus.eventBusArn]);
      return fn;
    };
    this.functions = Object.fromEntries(DEPLOYED_FUNCTION_IDS.map((fid) => [fid, build(fid)])) as ByFunction<AppFunction>;

    const failureQueue = (fid: AsyncFunctionId): Queue => {
      const queue = deadLetterQueue(this, `${fid}-failures`, `asynchronous invocations of ${names[fid]} that failed every retry`);
      this.functions[fid].function.configureAsyncInvoke({
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
        onFailure: new SqsDestination(queue),
      });
      return queue;
    };
    this.failureQueues = Object.fromEntries(ASYNC_FUNCTIONS.map((fid) => [fid, failureQueue(fid)])) as Record<AsyncFunctionId, Queue>;

    // Unqualified ARNs only: the API invokes $LATEST by name, never a version or alias.
    const workerArns = API_INVOKED_WORKERS.map((fid) => this.functions[fid].function.functionArn);
    for (const fid of DEPLOYED_FUNCTION_IDS) {
      if (FUNCTION_ACCESS[fid].invokesWorkers) this.functions[fid].allow(['lambda:InvokeFunction'], workerArns);
    }
    // A run that needs more than one invocation continues itself in a new invocation of its own
    // function. The ARN is spelled from the known name: referring to the function's own ARN from its
    // role would make a dependency cycle.
    for (const fid of API_INVOKED_WORKERS) {
      const ownArn = Stack.of(this).formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: names[fid],
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      this.functions[fid].allow(['lambda:InvokeFunction'], [ownArn]);
    }
  }

  /**
   * Tells every deployment of the api handler where the OAuth flow returns. Only the API and the
   * console know these URLs, and both are built after the functions: the functions then depend on
   * the API and the distribution, neither of which may depend on a function (the routes and their
   * integrations hang off the API, not the other way round).
   */
  setOAuthReturnUrls(urls: OAuthReturnUrls): void {
    for (const fid of Object.values(API_FUNCTION_IDS)) {
      this.functions[fid].addEnvironment({
        INTACCT_OAUTH_REDIRECT_URI: urls.redirectUri,
        ...(urls.consoleUrl === null ? {} : { CONSOLE_URL: urls.consoleUrl }),
      });
    }
  }
}
