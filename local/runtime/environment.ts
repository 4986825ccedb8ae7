/**
 * The functions' configuration (the Issue 4 contract), set in process.env before any handler is
 * imported: each function reads it once, at cold start, as on Lambda.
 */
import type { TableNames } from '#store/tables';
import type { FunctionName } from './functions';
import type { IntacctEndpoint, IntacctOAuthTarget } from './intacct-target';

export const LOCAL_EVENT_BUS_NAME = 'psa-intacct-sync-local';
const LOCAL_REGION = 'local';
/**
 * What the SDK needs to sign with. The local AWS endpoints do not rely on it: shared/composition.ts
 * signs every client with a local endpoint as `local`/`local` anyway, so the runtime's secret is in
 * the endpoint URLs instead (see aws-server.ts).
 */
const LOCAL_ACCESS_KEY_ID = 'local';
const LOCAL_SECRET_ACCESS_KEY = 'local';
const DEFAULT_LOG_LEVEL = 'INFO';
const SERVICE_NAME = 'psa-intacct-sync';

/** Function name of each worker the API starts, as the stack names them. */
const WORKER_FUNCTIONS: Record<'CLIENT_IMPORT_FUNCTION' | 'USER_IMPORT_FUNCTION' | 'TENANT_SYNC_FUNCTION', FunctionName> = {
  CLIENT_IMPORT_FUNCTION: 'client-import',
  USER_IMPORT_FUNCTION: 'user-import',
  TENANT_SYNC_FUNCTION: 'tenant-sync',
};

/** Cloud-only settings that would steer a function away from the local endpoints and files. */
const CLOUD_ONLY_VARIABLES = [
  'INTACCT_SENDER_SECRET_ARN',
  'INTACCT_OAUTH_CLIENT_SECRET_ARN',
  'TENANT_SECRET_PREFIX',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
];

/** Connect with Sage Intacct's variables: set only when the runtime has an OAuth client, else removed. */
const OAUTH_VARIABLES = ['INTACCT_REST_URL', 'INTACCT_OAUTH_CLIENT_ID', 'INTACCT_OAUTH_CLIENT_SECRET', 'INTACCT_OAUTH_REDIRECT_URI'] as const;

export interface FunctionEnvironmentInput {
  tableNames: TableNames;
  dynamodbEndpoint: string;
  /** The runtime's AWS endpoint (Lambda Invoke and EventBridge PutEvents), its secret included (aws-server.ts). */
  awsEndpointUrl: string;
  intacct: IntacctEndpoint;
  /** The REST API and OAuth client, with the runtime's callback URL; null: Connect with Sage Intacct is off. */
  oauth: (IntacctOAuthTarget & { redirectUri: string }) | null;
  /** The admin console's origin, where the OAuth callback sends the browser back. */
  consoleUrl: string;
  secretsFile: string;
  secretsKeyFile: string;
  logLevel?: string;
}

/** Every variable the functions read, for the local runtime. */
export function functionEnvironment(input: FunctionEnvironmentInput): Record<string, string> {
  return {
    ENTITIES_TABLE: input.tableNames.entities,
    LINKS_TABLE: input.tableNames.links,
    RUNS_TABLE: input.tableNames.runs,
    DYNAMODB_ENDPOINT: input.dynamodbEndpoint,
    EVENT_BUS_NAME: LOCAL_EVENT_BUS_NAME,
    EVENTBRIDGE_ENDPOINT: input.awsEndpointUrl,
    LAMBDA_ENDPOINT: input.awsEndpointUrl,
    ...WORKER_FUNCTIONS,
    INTACCT_ENDPOINT_URL: input.intacct.endpointUrl,
    INTACCT_SENDER_ID: input.intacct.senderId,
    INTACCT_SENDER_PASSWORD: input.intacct.senderPassword,
    ...oauthVariables(input.oauth),
    CONSOLE_URL: input.consoleUrl,
    SECRETS_BACKEND: 'local-file',
    LOCAL_SECRETS_FILE: input.secretsFile,
    LOCAL_SECRETS_KEY_FILE: input.secretsKeyFile,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
    LOG_LEVEL: input.logLevel ?? DEFAULT_LOG_LEVEL,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    // No X-Ray here: Tracer would switch itself off outside Lambda anyway; this says so outright.
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
}

function oauthVariables(oauth: FunctionEnvironmentInput['oauth']): Partial<Record<(typeof OAUTH_VARIABLES)[number], string>> {
  if (!oauth) return {};
  return {
    INTACCT_REST_URL: oauth.restBaseUrl,
    INTACCT_OAUTH_CLIENT_ID: oauth.clientId,
    INTACCT_OAUTH_CLIENT_SECRET: oauth.clientSecret,
    INTACCT_OAUTH_REDIRECT_URI: oauth.redirectUri,
  };
}

/** Puts `environment` into process.env (dropping cloud-only variables); answers a function that undoes it. */
export function applyEnvironment(environment: Readonly<Record<string, string>>): () => void {
  const removed = [...CLOUD_ONLY_VARIABLES, ...OAUTH_VARIABLES];
  const names = [...Object.keys(environment), ...removed];
  const previous = new Map(names.map((name) => [name, process.env[name]]));
  for (const name of removed) delete process.env[name];
  Object.assign(process.env, environment);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
