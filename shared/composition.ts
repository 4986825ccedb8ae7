/**
 * The composition root: turns the configuration into the adapters the use cases and handlers
 * need. Function files call these at module scope, once per container.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EmfTelemetry } from '#adapters/emf-telemetry';
import { EncryptedFileSecretStore } from '#adapters/encrypted-file-secret-store';
import { EventBridgePublisher } from '#adapters/eventbridge-publisher';
import { LambdaWorkerLauncher } from '#adapters/lambda-worker-launcher';
import { createLogger, type Logger } from '#adapters/logger';
import { readOAuthClientSecret } from '#adapters/oauth-client-secret';
import { SecretsManagerSecretStore } from '#adapters/secrets-manager-secret-store';
import { SenderSecretSourceFactory } from '#adapters/sender-secret-source-factory';
import { systemClock } from '#adapters/system-clock';
import { TimeOrderedIds } from '#adapters/time-ordered-ids';
import { traced } from '#adapters/tracing';
import type { AppConfig, IntacctOAuthConfig } from '#config';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { bothGateways } from '#intacct-rest/gateway-sources';
import { IntacctOAuthClient } from '#intacct-rest/oauth/intacct-oauth-client';
import { RestGatewaySourceFactory } from '#intacct-rest/source';
import type { CompanySlots } from '#ports/company-slots';
import type { IntacctSourceFactory } from '#ports/intacct-source';
import type { SecretStore } from '#ports/secrets';
import type { Telemetry } from '#ports/telemetry';
import { DynamoCompanySlots } from '#store/company-slots';
import { createDynamoClient, createStores, documentClientFor } from '#store/dynamo-client';
import { DynamoOAuthStateStore } from '#store/oauth-state-store';
import { countThrottles } from '#store/throttle-metrics';
import { DynamoTokenRefreshLock } from '#store/token-refresh-lock';
import type { SyncDeps } from '#use-cases/engine/deps';

/** Local endpoints (dynalite, the local bus and runtime) check that requests are signed, not by whom. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Client settings for an AWS service: the local endpoint and fixed credentials when one is set. */
function awsClientSettings(config: AppConfig, endpoint: string | null) {
  return endpoint ? { region: config.region, endpoint, credentials: LOCAL_CREDENTIALS } : { region: config.region };
}

function secretStore(config: AppConfig, secretsManager: () => SecretsManagerClient): SecretStore {
  if (config.secrets.backend === 'local-file') {
    return new EncryptedFileSecretStore({ file: config.secrets.file, keyFile: config.secrets.keyFile });
  }
  return new SecretsManagerSecretStore(secretsManager(), config.secrets.tenantSecretPrefix);
}

/**
 * The Intacct sources of both gateways. A company's request slots are shared through DynamoDB, and
 * both gateways count against the same slots (keyed by the XML endpoint), so the imports and syncs
 * of every Lambda calling one company together stay within its allowance.
 */
function intacctSources(
  config: AppConfig,
  secretsManager: () => SecretsManagerClient,
  slots: CompanySlots,
  telemetry: Telemetry,
  oauth: IntacctOAuthClient | null,
): IntacctSourceFactory {
  const { endpointUrl, sender } = config.intacct;
  const xml =
    sender.source === 'environment'
      ? new XmlGatewaySourceFactory({ endpointUrl, senderId: sender.senderId, senderPassword: sender.senderPassword, slots, telemetry })
      : new SenderSecretSourceFactory(secretsManager(), sender.secretArn, { endpointUrl, slots, telemetry });
  if (!oauth || !config.intacct.oauth) return xml;
  const rest = new RestGatewaySourceFactory({ restBaseUrl: config.intacct.oauth.restBaseUrl, slots, slotEndpoint: endpointUrl, telemetry });
  return bothGateways(xml, rest, oauth);
}

/** The service's Sage Intacct OAuth client, when the configuration has one. */
function intacctOAuthClient(
  oauth: IntacctOAuthConfig | null,
  secretsManager: () => SecretsManagerClient,
  doc: ReturnType<typeof documentClientFor>,
  runsTable: string,
  secrets: SecretStore,
): IntacctOAuthClient | null {
  if (!oauth) return null;
  const { client } = oauth;
  return new IntacctOAuthClient({
    restBaseUrl: oauth.restBaseUrl,
    redirectUri: oauth.redirectUri,
    credentials:
      client.source === 'environment'
        ? async () => ({ clientId: client.clientId, clientSecret: client.clientSecret })
        : () => readOAuthClientSecret(secretsManager(), client.secretArn),
    states: new DynamoOAuthStateStore(doc, runsTable),
    lock: new DynamoTokenRefreshLock(doc, runsTable),
    secrets,
  });
}

/**
 * Every port the use cases need, wired to DynamoDB, EventBridge, the secret store and Intacct;
 * every AWS client traced (X-Ray, on Lambda only), DynamoDB's throttles counted.
 */
export function buildDeps(config: AppConfig): SyncDeps {
  const telemetry = new EmfTelemetry();
  let secretsManagerClient: SecretsManagerClient | null = null;
  const secretsManager = (): SecretsManagerClient => (secretsManagerClient ??= traced(new SecretsManagerClient({ region: config.region })));
  const dynamo = traced(createDynamoClient({ ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}), region: config.region }));
  countThrottles(dynamo, config.tables, telemetry);
  const doc = documentClientFor(dynamo);
  const eventBridge = traced(new EventBridgeClient(awsClientSettings(config, config.eventBridgeEndpoint)));
  const secrets = secretStore(config, secretsManager);
  const oauth = intacctOAuthClient(config.intacct.oauth, secretsManager, doc, config.tables.runs, secrets);
  return {
    ...createStores(doc, config.tables),
    secrets,
    intacct: intacctSources(config, secretsManager, new DynamoCompanySlots(doc, config.tables.runs), telemetry, oauth),
    ...(oauth ? { intacctAuthorization: oauth } : {}),
    events: new EventBridgePublisher(eventBridge, config.eventBusName),
    // Workers start (and continue themselves) as asynchronous Lambda invocations.
    workers: new LambdaWorkerLauncher(traced(new LambdaClient(awsClientSettings(config, config.lambdaEndpoint))), config.functions),
    clock: systemClock,
    ids: new TimeOrderedIds(),
    telemetry,
  };
}

/** The JSON logger at the configured level. */
export function buildLogger(config: AppConfig): Logger {
  return createLogger(config.logLevel);
}
