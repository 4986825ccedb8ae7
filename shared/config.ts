/**
 * Configuration of every Lambda function and the local runtime, read once at cold start from the
 * environment. A missing or malformed value fails loudly, naming the variable: no silent defaults
 * on the cloud path. Every function reads the same variables, so one environment fits them all;
 * only Connect with Sage Intacct's (INTACCT_REST_URL and what it asks for) are set where used.
 */
import type { TableNames } from '#store/tables';

export const SECRETS_BACKENDS = ['secrets-manager', 'local-file'] as const;
export type SecretsBackend = (typeof SECRETS_BACKENDS)[number];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
const DEFAULT_LOG_LEVEL: LogLevelName = 'INFO';

/** How the service signs in to Intacct as the web services sender. */
export type SenderCredentialsConfig = { source: 'secret'; secretArn: string } | { source: 'environment'; senderId: string; senderPassword: string };

/** The service's Sage Intacct OAuth client: its id and secret, from a secret (cloud) or the environment (local). */
export type OAuthClientConfig = { source: 'secret'; secretArn: string } | { source: 'environment'; clientId: string; clientSecret: string };

/** Connect with Sage Intacct (the REST API with OAuth 2.0); absent (null) when INTACCT_REST_URL is unset. */
export interface IntacctOAuthConfig {
  /** The REST API's base, e.g. https://api.intacct.com/ia/api/v1; the OAuth endpoints are its `/oauth2/…`. */
  restBaseUrl: string;
  client: OAuthClientConfig;
  /** The API's public callback URL, registered with the client; null in a function that only refreshes tokens (a worker). */
  redirectUri: string | null;
}

export type SecretsConfig = { backend: 'secrets-manager'; tenantSecretPrefix: string } | { backend: 'local-file'; file: string; keyFile: string };

export interface AppConfig {
  tables: TableNames;
  /** Local only (dynalite); null in the cloud. */
  dynamodbEndpoint: string | null;
  eventBusName: string;
  /** Local only (the local bus speaks PutEvents); null in the cloud. */
  eventBridgeEndpoint: string | null;
  /** Local only (the local runtime speaks Lambda Invoke); null in the cloud. */
  lambdaEndpoint: string | null;
  functions: { clientImport: string; userImport: string; tenantSync: string };
  intacct: { endpointUrl: string; sender: SenderCredentialsConfig; oauth: IntacctOAuthConfig | null };
  /** The admin console's origin, where the OAuth callback sends a browser back; null: none. */
  consoleUrl: string | null;
  secrets: SecretsConfig;
  region: string;
  logLevel: LogLevelName;
}

/** A configuration problem found at cold start; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const WEB_PROTOCOLS = ['http:', 'https:'];

type Env = Readonly<Record<string, string | undefined>>;

function optional(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function required(env: Env, name: string, why = ''): string {
  const value = optional(env, name);
  if (value === null) throw new ConfigError(`Missing environment variable ${name}${why}.`);
  return value;
}

function url(name: string, value: string | null): string | null {
  if (value === null) return null;
  if (!URL.canParse(value) || !WEB_PROTOCOLS.includes(new URL(value).protocol)) {
    throw new ConfigError(`Environment variable ${name} must be an http(s) URL; got ${value}.`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`Environment variable ${name} must be one of ${allowed.join(', ')}; got ${value}.`);
  }
  return value as T;
}

function senderCredentials(env: Env): SenderCredentialsConfig {
  const secretArn = optional(env, 'INTACCT_SENDER_SECRET_ARN');
  if (secretArn) return { source: 'secret', secretArn };
  const why = ' (or set INTACCT_SENDER_SECRET_ARN)';
  return {
    source: 'environment',
    senderId: required(env, 'INTACCT_SENDER_ID', why),
    senderPassword: required(env, 'INTACCT_SENDER_PASSWORD', why),
  };
}

function oauthClient(env: Env): OAuthClientConfig {
  const secretArn = optional(env, 'INTACCT_OAUTH_CLIENT_SECRET_ARN');
  if (secretArn) return { source: 'secret', secretArn };
  const why = ' (INTACCT_REST_URL is set; or set INTACCT_OAUTH_CLIENT_SECRET_ARN)';
  return {
    source: 'environment',
    clientId: required(env, 'INTACCT_OAUTH_CLIENT_ID', why),
    clientSecret: required(env, 'INTACCT_OAUTH_CLIENT_SECRET', why),
  };
}

function intacctOAuth(env: Env): IntacctOAuthConfig | null {
  const restBaseUrl = url('INTACCT_REST_URL', optional(env, 'INTACCT_REST_URL'));
  if (restBaseUrl === null) return null;
  return {
    restBaseUrl,
    client: oauthClient(env),
    redirectUri: url('INTACCT_OAUTH_REDIRECT_URI', optional(env, 'INTACCT_OAUTH_REDIRECT_URI')),
  };
}

function secrets(env: Env): SecretsConfig {
  const backend = oneOf('SECRETS_BACKEND', required(env, 'SECRETS_BACKEND'), SECRETS_BACKENDS);
  if (backend === 'secrets-manager') {
    return { backend, tenantSecretPrefix: required(env, 'TENANT_SECRET_PREFIX', ' (SECRETS_BACKEND=secrets-manager)') };
  }
  return {
    backend,
    file: required(env, 'LOCAL_SECRETS_FILE', ' (SECRETS_BACKEND=local-file)'),
    keyFile: required(env, 'LOCAL_SECRETS_KEY_FILE', ' (SECRETS_BACKEND=local-file)'),
  };
}

/**
 * Reads and checks the whole configuration. Throws ConfigError naming the first missing or
 * malformed variable.
 */
export function loadConfig(env: Env): AppConfig {
  return {
    tables: {
      entities: required(env, 'ENTITIES_TABLE'),
      links: required(env, 'LINKS_TABLE'),
      runs: required(env, 'RUNS_TABLE'),
    },
    dynamodbEndpoint: url('DYNAMODB_ENDPOINT', optional(env, 'DYNAMODB_ENDPOINT')),
    eventBusName: required(env, 'EVENT_BUS_NAME'),
    eventBridgeEndpoint: url('EVENTBRIDGE_ENDPOINT', optional(env, 'EVENTBRIDGE_ENDPOINT')),
    lambdaEndpoint: url('LAMBDA_ENDPOINT', optional(env, 'LAMBDA_ENDPOINT')),
    functions: {
      clientImport: required(env, 'CLIENT_IMPORT_FUNCTION'),
      userImport: required(env, 'USER_IMPORT_FUNCTION'),
      tenantSync: required(env, 'TENANT_SYNC_FUNCTION'),
    },
    intacct: {
      endpointUrl: url('INTACCT_ENDPOINT_URL', required(env, 'INTACCT_ENDPOINT_URL')) as string,
      sender: senderCredentials(env),
      oauth: intacctOAuth(env),
    },
    consoleUrl: url('CONSOLE_URL', optional(env, 'CONSOLE_URL'))?.replace(/\/+$/, '') ?? null,
    secrets: secrets(env),
    region: required(env, 'AWS_REGION'),
    logLevel: oneOf('LOG_LEVEL', (optional(env, 'LOG_LEVEL') ?? DEFAULT_LOG_LEVEL).toUpperCase(), LOG_LEVELS),
  };
}
