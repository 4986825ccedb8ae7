/**
 * The deployment's settings, read from CDK context (`-c key=value` or cdk.json) once, checked,
 * with the defaults the stages share. Everything stage-specific the stack needs comes from here.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

const STAGES = ['dev', 'prod'] as const;
type StageName = (typeof STAGES)[number];

/** The context keys this app reads; the README documents each. */
const CONTEXT_KEYS = {
  stage: 'stage',
  jwtIssuer: 'jwtIssuer',
  jwtAudience: 'jwtAudience',
  corsAllowedOrigins: 'corsAllowedOrigins',
  nightlySyncSchedule: 'nightlySyncSchedule',
  apiRateLimit: 'apiRateLimit',
  apiBurstLimit: 'apiBurstLimit',
  logRetentionDays: 'logRetentionDays',
  intacctEndpointUrl: 'intacctEndpointUrl',
  intacctRestUrl: 'intacctRestUrl',
  tenantSyncConcurrency: 'tenantSyncConcurrency',
  alarmEmail: 'alarmEmail',
  logLevel: 'logLevel',
  minifyBundles: 'minifyBundles',
  console: 'console',
  consoleAuthDomainPrefix: 'consoleAuthDomainPrefix',
  consoleOidcClientId: 'consoleOidcClientId',
  consoleOidcScope: 'consoleOidcScope',
  consoleOidcBearer: 'consoleOidcBearer',
  consoleOidcLogoutUrl: 'consoleOidcLogoutUrl',
} as const;

/** 02:00 UTC every night: EventBridge cron expressions are always UTC. */
export const DEFAULT_NIGHTLY_SYNC_SCHEDULE = 'cron(0 2 * * ? *)';
const DEFAULT_INTACCT_ENDPOINT_URL = 'https://api.intacct.com/ia/xml/xmlgw.phtml';
/** Sage Intacct's REST API; its OAuth 2.0 endpoints are below it (`<base>/oauth2/authorize`). */
const DEFAULT_INTACCT_REST_URL = 'https://api.intacct.com/ia/api/v1';
/** Steady requests per second over the whole API; a PSA frontend's bursts stay well below. */
const DEFAULT_API_RATE_LIMIT = 50;
const DEFAULT_API_BURST_LIMIT = 100;
/** Tenant syncs running at once: bounds the load on the shared Intacct sender and on DynamoDB. */
const DEFAULT_TENANT_SYNC_CONCURRENCY = 5;
const DEFAULT_LOG_RETENTION_DAYS: Record<StageName, RetentionDays> = {
  dev: RetentionDays.TWO_WEEKS,
  prod: RetentionDays.THREE_MONTHS,
};
const DEFAULT_LOG_LEVEL = 'INFO';
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** What the console asks an external issuer for; `openid` is what makes it OpenID Connect. */
const DEFAULT_CONSOLE_OIDC_SCOPE = 'openid profile email';
/** The token the console sends to the API; an issuer's access token is meant for APIs. */
const CONSOLE_BEARERS = ['access_token', 'id_token'] as const;
type ConsoleBearer = (typeof CONSOLE_BEARERS)[number];
/**
 * A Cognito domain prefix: lowercase letters, digits and inner hyphens, at most 63 characters,
 * and (Cognito's rule) never containing a reserved word.
 */
const COGNITO_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'] as const;

/** The admin console's own client at an external issuer (the operator registers it there). */
interface ConsoleOidcClientSettings {
  clientId: string;
  /** Space-separated; includes `openid`. */
  scope: string;
  bearer: ConsoleBearer;
  /** The issuer's end-session URL when its discovery document names none; null: only the console's session ends. */
  logoutUrl: string | null;
}

/** The admin console (null in StageSettings: `-c console=false`, the stage runs without it). */
interface ConsoleSettings {
  /**
   * With the created user pool: the prefix of its Cognito hosted UI domain; null lets the stack
   * derive one from the stage and the account (domain prefixes are global to a region).
   */
  authDomainPrefix: string | null;
  /** With an external issuer (jwtIssuer): the console's client there; null with the created pool. */
  oidc: ConsoleOidcClientSettings | null;
}

/** Where the API's JWTs come from; null means the stack creates a Cognito user pool. */
interface JwtSettings {
  issuer: string;
  audience: string[];
}

export interface StageSettings {
  stage: StageName;
  /** Prefix of every physical name the stack chooses (functions, secrets). */
  resourcePrefix: string;
  jwt: JwtSettings | null;
  corsAllowedOrigins: string[];
  nightlySyncSchedule: string;
  apiThrottle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  intacctEndpointUrl: string;
  /** The REST API base, without a trailing slash: the functions append `/oauth2/token` and the like. */
  intacctRestUrl: string;
  tenantSyncConcurrency: number;
  alarmEmail: string | null;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Off only in tests, where minifying every bundle would cost seconds and prove nothing. */
  minifyBundles: boolean;
  /** The admin console, or null when the stage runs without it. */
  console: ConsoleSettings | null;
  /** Production keeps data when the stack goes (RETAIN, deletion protection). */
  isProduction: boolean;
}

/** A context value that is missing, malformed or contradicts another. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

const SERVICE_PREFIX = 'IntacctPsaSync';

function text(node: Node, key: string): string | null {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

/** A list from context: a JSON array (cdk.json) or a comma-separated string (`-c`). */
function list(node: Node, key: string): string[] {
  const value: unknown = node.tryGetContext(key);
  const items = Array.isArray(value) ? value.map(String) : (text(node, key) ?? '').split(',');
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function positiveInteger(node: Node, key: string, fallback: number): number {
  const raw = text(node, key);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new SettingsError(`Context ${key} must be a positive integer; got ${raw}.`);
  return value;
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SettingsError(`Context ${key} must be one of ${allowed.join(', ')}; got ${value}.`);
  }
  return value as T;
}

function httpsUrl(key: string, value: string): string {
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:') throw new SettingsError(`Context ${key} must be an https URL; got ${value}.`);
  return value;
}

/** `https://host/base/` as `https://host/base`: a base URL that paths are appended to must not end in a slash. */
function withoutTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function jwtSettings(node: Node): JwtSettings | null {
  const issuer = text(node, CONTEXT_KEYS.jwtIssuer);
  const audience = list(node, CONTEXT_KEYS.jwtAudience);
  if (issuer === null && audience.length === 0) return null;
  if (issuer === null || audience.length === 0) {
    throw new SettingsError(`Give both ${CONTEXT_KEYS.jwtIssuer} and ${CONTEXT_KEYS.jwtAudience}, or neither (then a Cognito user pool is created).`);
  }
  return { issuer: httpsUrl(CONTEXT_KEYS.jwtIssuer, issuer), audience };
}

function flag(node: Node, key: string, fallback: boolean): boolean {
  const raw = text(node, key);
  if (raw === null) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new SettingsError(`Context ${key} must be true or false; got ${raw}.`);
  return raw === 'true';
}

/** Context keys that are set, of those given: used to refuse keys that contradict the rest. */
function given(node: Node, keys: readonly string[]): string[] {
  return keys.filter((key) => text(node, key) !== null);
}

function cognitoDomainPrefix(key: string, value: string): string {
  const reserved = COGNITO_RESERVED_WORDS.find((word) => value.includes(word));
  if (!COGNITO_DOMAIN_PREFIX.test(value) || reserved) {
    throw new SettingsError(
      `Context ${key} must be 1 to 63 lowercase letters, digits or inner hyphens, without "aws", "amazon" or "cognito"; got ${value}.`,
    );
  }
  return value;
}

/** The external issuer's client for the console: required there, and consistent with jwtAudience. */
function consoleOidcClient(node: Node, jwt: JwtSettings): ConsoleOidcClientSettings {
  const clientId = text(node, CONTEXT_KEYS.consoleOidcClientId);
  if (clientId === null) {
    throw new SettingsError(
      `Context ${CONTEXT_KEYS.consoleOidcClientId} is required with ${CONTEXT_KEYS.jwtIssuer}: the admin console signs in at that issuer ` +
        `with a client of its own (README, "The admin console"). Or deploy without the console: -c ${CONTEXT_KEYS.console}=false.`,
    );
  }
  const scope = (text(node, CONTEXT_KEYS.consoleOidcScope) ?? DEFAULT_CONSOLE_OIDC_SCOPE).split(/\s+/).join(' ');
  if (!scope.split(' ').includes('openid')) throw new SettingsError(`Context ${CONTEXT_KEYS.consoleOidcScope} must include openid; got ${scope}.`);
  const bearer = oneOf(CONTEXT_KEYS.consoleOidcBearer, text(node, CONTEXT_KEYS.consoleOidcBearer) ?? CONSOLE_BEARERS[0], CONSOLE_BEARERS);
  // An ID token's audience is the client that asked for it, so the API must accept that client.
  if (bearer === 'id_token' && !jwt.audience.includes(clientId)) {
    throw new SettingsError(
      `Context ${CONTEXT_KEYS.consoleOidcBearer}=id_token sends the console's ID tokens, whose aud is ${CONTEXT_KEYS.consoleOidcClientId} (${clientId}): ` +
        `add it to ${CONTEXT_KEYS.jwtAudience}.`,
    );
  }
  const logoutUrl = text(node, CONTEXT_KEYS.consoleOidcLogoutUrl);
  return { clientId, scope, bearer, logoutUrl: logoutUrl === null ? null : httpsUrl(CONTEXT_KEYS.consoleOidcLogoutUrl, logoutUrl) };
}

const CONSOLE_OIDC_KEYS = [
  CONTEXT_KEYS.consoleOidcClientId,
  CONTEXT_KEYS.consoleOidcScope,
  CONTEXT_KEYS.consoleOidcBearer,
  CONTEXT_KEYS.consoleOidcLogoutUrl,
] as const;

/**
 * The console's settings, or null when `console=false`. The keys of the other sign-in case are
 * refused rather than ignored: they say the operator expects a setup this stage does not have.
 */
function consoleSettings(node: Node, jwt: JwtSettings | null): ConsoleSettings | null {
  if (!flag(node, CONTEXT_KEYS.console, true)) return null;
  if (jwt === null) {
    const misplaced = given(node, CONSOLE_OIDC_KEYS);
    if (misplaced.length > 0) {
      throw new SettingsError(
        `Context ${misplaced.join(', ')} applies only with ${CONTEXT_KEYS.jwtIssuer}; without it the stack creates the user pool and the console's client itself.`,
      );
    }
    const prefix = text(node, CONTEXT_KEYS.consoleAuthDomainPrefix);
    return { authDomainPrefix: prefix === null ? null : cognitoDomainPrefix(CONTEXT_KEYS.consoleAuthDomainPrefix, prefix), oidc: null };
  }
  if (given(node, [CONTEXT_KEYS.consoleAuthDomainPrefix]).length > 0) {
    throw new SettingsError(
      `Context ${CONTEXT_KEYS.consoleAuthDomainPrefix} applies only without ${CONTEXT_KEYS.jwtIssuer}: with it, people sign in at that issuer.`,
    );
  }
  return { authDomainPrefix: null, oidc: consoleOidcClient(node, jwt) };
}

function logRetention(node: Node, stage: StageName): RetentionDays {
  const days = positiveInteger(node, CONTEXT_KEYS.logRetentionDays, DEFAULT_LOG_RETENTION_DAYS[stage]);
  const allowed = Object.values(RetentionDays).filter((value): value is RetentionDays => typeof value === 'number');
  if (!allowed.includes(days)) throw new SettingsError(`Context ${CONTEXT_KEYS.logRetentionDays} must be one of ${allowed.join(', ')}; got ${days}.`);
  return days;
}

/** Reads and checks every setting from `node`'s context; throws SettingsError naming the key. */
export function readStageSettings(node: Node): StageSettings {
  const stage = oneOf(CONTEXT_KEYS.stage, text(node, CONTEXT_KEYS.stage) ?? 'dev', STAGES);
  const rateLimit = positiveInteger(node, CONTEXT_KEYS.apiRateLimit, DEFAULT_API_RATE_LIMIT);
  const burstLimit = positiveInteger(node, CONTEXT_KEYS.apiBurstLimit, DEFAULT_API_BURST_LIMIT);
  const jwt = jwtSettings(node);
  return {
    stage,
    resourcePrefix: `${SERVICE_PREFIX}-${stage}`,
    jwt,
    corsAllowedOrigins: list(node, CONTEXT_KEYS.corsAllowedOrigins).map((origin) => (origin === '*' ? origin : originOf(origin))),
    nightlySyncSchedule: text(node, CONTEXT_KEYS.nightlySyncSchedule) ?? DEFAULT_NIGHTLY_SYNC_SCHEDULE,
    apiThrottle: { rateLimit, burstLimit },
    logRetention: logRetention(node, stage),
    intacctEndpointUrl: httpsUrl(CONTEXT_KEYS.intacctEndpointUrl, text(node, CONTEXT_KEYS.intacctEndpointUrl) ?? DEFAULT_INTACCT_ENDPOINT_URL),
    intacctRestUrl: withoutTrailingSlash(httpsUrl(CONTEXT_KEYS.intacctRestUrl, text(node, CONTEXT_KEYS.intacctRestUrl) ?? DEFAULT_INTACCT_REST_URL)),
    tenantSyncConcurrency: positiveInteger(node, CONTEXT_KEYS.tenantSyncConcurrency, DEFAULT_TENANT_SYNC_CONCURRENCY),
    alarmEmail: text(node, CONTEXT_KEYS.alarmEmail),
    logLevel: oneOf(CONTEXT_KEYS.logLevel, (text(node, CONTEXT_KEYS.logLevel) ?? DEFAULT_LOG_LEVEL).toUpperCase(), LOG_LEVELS),
    minifyBundles: text(node, CONTEXT_KEYS.minifyBundles) !== 'false',
    console: consoleSettings(node, jwt),
    isProduction: stage === 'prod',
  };
}

/** The origin part of a URL (`https://app.example.com`), as browsers send it. */
function originOf(origin: string): string {
  if (!URL.canParse(origin)) throw new SettingsError(`Context ${CONTEXT_KEYS.corsAllowedOrigins} holds a malformed origin: ${origin}.`);
  return new URL(origin).origin;
}
