/**
 * The whole service in one stack, composed of one construct per concern: data, secrets,
 * functions, HTTP API (with its identity), the admin console, events, monitoring and the
 * operations dashboard.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '#adapters/logger';
import { INTACCT_OAUTH_CALLBACK_PATH } from '#http/public-routes';
import { apiGroupOf } from '#http/route-groups';
import { API_ROUTES } from '#http/routes/index';
import { AdminConsole } from './constructs/admin-console';
import { ApiIdentity } from './constructs/api-identity';
import { DataTables } from './constructs/data-tables';
import { EventRouting } from './constructs/event-routing';
import { Monitoring } from './constructs/monitoring';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { SyncSecrets } from './constructs/secrets';
import { ServiceMetrics } from './constructs/service-metrics';
import { SyncFunctions } from './constructs/sync-functions';
import { type ApiRouteSpec, SyncHttpApi } from './constructs/sync-http-api';
import { API_FUNCTION_IDS, PROJECT_ROOT } from './function-catalog';
import type { StageSettings } from './settings';

export interface SyncServiceStackProps extends StackProps {
  settings: StageSettings;
  /** The api handler's own route table by default, so the API and the router cannot disagree. */
  routes?: readonly ApiRouteSpec[];
  /** The built admin console (`npm run build:web`); web/dist by default. */
  consoleAssetsDir?: string;
}

/** Where `npm run build:web` (web/vite.config.ts) writes the admin console. */
const DEFAULT_CONSOLE_ASSETS_DIR = `${PROJECT_ROOT}/web/dist`;

export class SyncServiceStack extends Stack {
  readonly data: DataTables;
  readonly secrets: SyncSecrets;
  readonly bus: EventBus;
  readonly functions: SyncFunctions;
  readonly identity: ApiIdentity;
  /** Null when the stage runs without the console (`-c console=false`). */
  readonly adminConsole: AdminConsole | null;
  readonly api: SyncHttpApi;
  /** The API's public OAuth callback: the redirect URI the Sage Intacct OAuth client must allow. */
  readonly oauthRedirectUri: string;
  readonly events: EventRouting;
  readonly monitoring: Monitoring;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: SyncServiceStackProps) {
    super(scope, id, { description: `Intacct to PSA sync (${props.settings.stage})`, ...props });
    const { settings } = props;

    this.data = new DataTables(this, 'Data', { isProduction: settings.isProduction });
    this.secrets = new SyncSecrets(this, 'Secrets', { resourcePrefix: settings.resourcePrefix, isProduction: settings.isProduction });
    this.bus = new EventBus(this, 'Bus', { eventBusName: `${settings.resourcePrefix}-events` });
    this.functions = new SyncFunctions(this, 'Functions', { settings, data: this.data, secrets: this.secrets, bus: this.bus });
    const fns = this.functions.functions;

    this.identity = new ApiIdentity(this, 'Identity', { settings });
    // The console's URL comes first: its sign-in client and the API's CORS name it, and its
    // config.json names the API once the API exists.
    this.adminConsole = this.identity.consoleSignInOrigins
      ? new AdminConsole(this, 'Console', {
          assetsDir: props.consoleAssetsDir ?? DEFAULT_CONSOLE_ASSETS_DIR,
          signInOrigins: this.identity.consoleSignInOrigins,
          resourcePrefix: settings.resourcePrefix,
          logRetention: settings.logRetention,
          isProduction: settings.isProduction,
        })
      : null;
    const consoleConnection = this.adminConsole ? this.identity.connectConsole(this.adminConsole.url) : null;
    this.api = new SyncHttpApi(this, 'Http', {
      apiName: `${settings.resourcePrefix}-api`,
      routes: props.routes ?? API_ROUTES,
      functionFor: (route) => fns[API_FUNCTION_IDS[apiGroupOf(route)]],
      jwtIssuer: this.identity.issuer,
      jwtAudience: [...this.identity.audience, ...(consoleConnection?.apiAudience ?? [])],
      corsAllowedOrigins: settings.corsAllowedOrigins,
      appOrigins: this.adminConsole ? [this.adminConsole.url] : [],
      throttle: settings.apiThrottle,
      logRetention: settings.logRetention,
      isProduction: settings.isProduction,
    });
    if (this.adminConsole && consoleConnection) this.adminConsole.publish({ apiUrl: this.api.httpApi.apiEndpoint, signIn: consoleConnection.signIn });
    // The API functions learn where the OAuth flow returns only now: they depend on the API and the
    // console's distribution, which must never depend on them.
    this.oauthRedirectUri = `${this.api.httpApi.apiEndpoint}${INTACCT_OAUTH_CALLBACK_PATH}`;
    this.functions.setOAuthReturnUrls({ redirectUri: this.oauthRedirectUri, consoleUrl: this.adminConsole?.url ?? null });

    this.events = new EventRouting(this, 'Events', {
      bus: this.bus,
      dailySync: fns['daily-sync'],
      tenantSync: fns['tenant-sync'],
      nightlySyncSchedule: settings.nightlySyncSchedule,
    });

    // Every function publishes under the one service name (AppFunction sets it for Powertools).
    const metrics = new ServiceMetrics(SERVICE_NAME);
    const monitored = {
      httpApi: this.api.httpApi,
      functions: { ...fns, ...(this.identity.tokenClaims ? { 'token-claims': this.identity.tokenClaims } : {}) },
      deadLetterQueues: { ...this.functions.failureQueues, 'event-delivery': this.events.deliveryFailures },
      metrics,
    };
    this.monitoring = new Monitoring(this, 'Monitoring', {
      ...monitored,
      bus: this.bus,
      alarmEmail: settings.alarmEmail,
      isProduction: settings.isProduction,
      resourcePrefix: settings.resourcePrefix,
    });
    this.dashboard = new OperationsDashboard(this, 'Operations', {
      ...monitored,
      dashboardName: settings.resourcePrefix,
      tables: Object.fromEntries(Object.entries(this.data.tables).map(([tableId, bound]) => [tableId, bound.table])),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName, description: 'The service event bus (source psa.intacct-sync)' });
    new CfnOutput(this, 'TenantSyncFunctionName', {
      value: fns['tenant-sync'].function.functionName,
      description: 'Invoke by hand: aws lambda invoke --function-name <this> (README)',
    });
    new CfnOutput(this, 'SenderSecretArn', { value: this.secrets.senderSecret.secretArn, description: 'Put the Intacct sender credentials here' });
    new CfnOutput(this, 'IntacctOAuthClientSecretArn', {
      value: this.secrets.oauthClientSecret.secretArn,
      description: 'Put the Sage Intacct OAuth client id and secret here',
    });
    new CfnOutput(this, 'IntacctOAuthRedirectUri', {
      value: this.oauthRedirectUri,
      description: 'Register this redirect URI with the Sage Intacct OAuth client (Connect with Sage Intacct)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Subscribe to receive the alarms and needs_review notes',
    });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName, description: 'The CloudWatch dashboard of this stage' });
    if (this.adminConsole) new CfnOutput(this, 'ConsoleUrl', { value: this.adminConsole.url, description: 'The admin console' });
    if (this.identity.userPool && this.identity.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId, description: 'Cognito user pool the API trusts' });
      new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId, description: 'App client (the JWT audience)' });
    }
  }
}
