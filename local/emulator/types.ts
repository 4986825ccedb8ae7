/** Public types of the Intacct emulator; re-exported by index.ts, which is the only module others import. */

/**
 * How `query` names an employee's contact fields. Intacct's own `query` documentation for EMPLOYEE
 * filters on the relationship (`CONTACT.FIRSTNAME`, `CONTACT.LASTNAME`), while readByQuery answers
 * and public connectors name the owned contact `PERSONALINFO.*`; which one a company's `query`
 * accepts cannot be told from outside, so the emulator serves either.
 */
export const EMPLOYEE_CONTACT_FIELD_MODES = ['contact', 'personalinfo'] as const;
export type EmployeeContactFieldMode = (typeof EMPLOYEE_CONTACT_FIELD_MODES)[number];

export interface EmulatorCompanySeed {
  companyId: string;
  userId: string;
  userPassword: string;
  /** Generated records; default 0 each. */
  customers?: number;
  employees?: number;
  departments?: number;
  /** PRNG seed: the same seed and counts always give the same data. */
  seed?: number;
  /** Concurrent gateway requests allowed for this company (default 2); excess -> HTTP 429 GW-0010. */
  concurrencyLimit?: number;
  /**
   * Entities of a multi-entity company (default 0: a plain company, no MEGAENTITYID values).
   * Generated records are spread over them (E100 "Northwind East", E200, ...), some kept shared.
   */
  entities?: number;
  /** Overrides EmulatorOptions.employeeContactFields for this company. */
  employeeContactFields?: EmployeeContactFieldMode;
}

export interface LatencyModel {
  base: number;
  perRecord: number;
}

export interface EmulatorOptions {
  /** Default 0 (random); always binds 127.0.0.1. */
  port?: number;
  senderId?: string;
  senderPassword?: string;
  /** Default: two demo companies. */
  companies?: EmulatorCompanySeed[];
  /** Default 12 hours; each call extends the session by this much from now. */
  sessionTtlMs?: number;
  /** Initial latency model, default 0/0. */
  latencyMs?: LatencyModel;
  /** How `query` names EMPLOYEE contact fields, for every company that does not say; default 'contact'. */
  employeeContactFields?: EmployeeContactFieldMode;
  /** The REST face's OAuth 2.0 authorization server (rest/). */
  oauth?: OAuthOptions;
}

/** An application registered in the (emulated) Sage App Registry. */
export interface OAuthClientRegistration {
  clientId: string;
  clientSecret: string;
  /** Compared exactly with each request's redirect_uri. */
  redirectUris: string[];
}

export interface OAuthOptions {
  /** Default: one client, DEFAULT_OAUTH_CLIENT in rest/rest-face.ts. */
  clients?: OAuthClientRegistration[];
  /** How long an authorization code can be exchanged; default 10 minutes. */
  authorizationCodeTtlMs?: number;
  /** How long an access token is accepted (expires_in); default 1 hour. */
  accessTokenTtlMs?: number;
}

export interface EmulatorStats {
  /** Every POST to the gateway, faulted ones included. */
  httpRequests: number;
  /** Functions seen in parsed requests, by name (getAPISession, query, readByQuery, readMore, create, ...). */
  byFunction: Record<string, number>;
  sessionsIssued: number;
  /** Highest number of concurrent in-flight gateway requests seen for any one company. */
  maxConcurrent: number;
  rejectedForConcurrency: number;
}

export const FAULT_KINDS = [
  'http500',
  'http429',
  'http503',
  'timeout',
  'reset',
  'truncated',
  'malformed',
  'xmlError',
  'doctype',
  'rateLimitResult',
  'offlineResult',
  'cloudflare403',
  'cloudflare200',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** The fault kinds that may carry a Retry-After header. */
export const RETRY_AFTER_FAULT_KINDS = ['http429', 'http503'] as const satisfies readonly FaultKind[];

export interface FaultSpec {
  kind: FaultKind;
  /**
   * For xmlError (default XL03000009, which always follows a cause error, as production sends it),
   * rateLimitResult and offlineResult (default BL01001973, the text telling which): the errorno of
   * the result-level error.
   */
  errorno?: string;
  /** How many consecutive requests this fault applies to; default 1. */
  count?: number;
  /** Only for http429 and http503: sends `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
}

export interface FaultSettings {
  /** Replaces the latency model when given. */
  latencyMs?: LatencyModel;
  /** Replaces the queue of pending faults when given; consumed in order, one request each. */
  failNext?: FaultSpec[];
  /**
   * Answers every gateway request with HTTP 429 GW-0010 for this long from now (0 ends it early),
   * before any failNext fault: a rate limit that lasts, as a company's throttle does.
   */
  rateLimitForMs?: number;
  /** With rateLimitForMs: sends `Retry-After: <seconds>` on those 429s. */
  rateLimitRetryAfterSeconds?: number;
}

export interface EmulatedEntity {
  entityId: string;
  name: string;
}

export interface EmulatedCompanyCredentials {
  companyId: string;
  userId: string;
  userPassword: string;
  /** Present only for a multi-entity company: the location ids an entity-level login may use. */
  entities?: EmulatedEntity[];
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT/ia/xml/xmlgw.phtml */
  endpointUrl: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  senderId: string;
  senderPassword: string;
  companies: EmulatedCompanyCredentials[];
  stats(): EmulatorStats;
  resetStats(): void;
  /** Same as POST /__emulator/faults. */
  setFaults(f: FaultSettings): void;
  /** Same as POST /__emulator/reset: clears faults, the timed rate limit and latency (of the XML, REST and token faces). */
  clearFaults(): void;
  /** Every issued session becomes expired. */
  expireSessions(): void;
  /** http://127.0.0.1:PORT/ia/api/v1: the REST face (POST {restBaseUrl}/services/core/query). */
  restBaseUrl: string;
  /** The OAuth 2.0 endpoints and the first registered client. */
  oauth: OAuthEndpoints;
  /** Same as POST /__emulator/oauth/clients: registers (or replaces) a client. */
  registerOAuthClient(client: OAuthClientRegistration): void;
  /** Same as POST /__emulator/oauth/revoke-company: the company revokes every grant it gave. */
  revokeOAuthGrants(companyId: string): void;
  /** Same as POST /__emulator/oauth/expire-access-tokens: every issued access token expires. */
  expireAccessTokens(): void;
  /** Same as POST /__emulator/oauth/advance-clock: moves the OAuth clock (codes, access tokens) forward. */
  advanceOAuthClock(ms: number): void;
  /** Same as POST /__emulator/oauth/faults: faults of POST /oauth2/token (http429, http500, http503, timeout, reset). */
  setTokenFaults(f: FaultSettings): void;
  /** Same as POST /__emulator/rest/faults: faults and latency of the REST API (not the XML kinds). */
  setRestFaults(f: FaultSettings): void;
  close(): Promise<void>;
}

export interface OAuthEndpoints {
  /** {restBaseUrl}/oauth2/authorize */
  authorizeUrl: string;
  /** {restBaseUrl}/oauth2/token */
  tokenUrl: string;
  /** {restBaseUrl}/oauth2/revoke */
  revokeUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}
