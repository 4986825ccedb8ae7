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
import { SecretsManagerSecretStore } from '#adapters/secrets-manager-secret-store';
import { SenderSecretSourceFactory } from '#adapters/sender-secret-source-factory';
import { systemClock } from '#adapters/system-clock';
import { TimeOrderedIds } from '#adapters/time-ordered-ids';
import { traced } from '#adapters/tracing';
import type { AppConfig } from '#config';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { CompanySlots } from '#ports/company-slots';
import type { IntacctSourceFactory } from '#ports/intacct-source';
import type { SecretStore } from '#ports/secrets';
import type { Telemetry } from '#ports/telemetry';
import { DynamoCompanySlots } from '#store/company-slots';
import { createDynamoClient, createStores, documentClientFor } from '#store/dynamo-client';
import { countThrottles } from '#store/throttle-metrics';
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
 * The Intacct sources. A company's request slots are shared through DynamoDB, so the imports and
 * syncs of every Lambda calling one company together stay within its allowance.
 */
function intacctSources(
  config: AppConfig,
  secretsManager: () => SecretsManagerClient,
  slots: CompanySlots,
  telemetry: Telemetry,
): IntacctSourceFactory {
  const { endpointUrl, sender } = config.intacct;
  if (sender.source === 'environment') {
    return new XmlGatewaySourceFactory({ endpointUrl, senderId: sender.senderId, senderPassword: sender.senderPassword, slots, telemetry });
  }
  return new SenderSecretSourceFactory(secretsManager(), sender.secretArn, { endpointUrl, slots, telemetry });
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
  return {
    ...createStores(doc, config.tables),
    secrets: secretStore(config, secretsManager),
    intacct: intacctSources(config, secretsManager, new DynamoCompanySlots(doc, config.tables.runs), telemetry),
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
