/**
 * What went wrong, in the terms a caller acts on (reconnect, grant access, wait, retry, fix the
 * request); `timeout` is the caller's own deadline (its AbortSignal) passing before Intacct answered.
 */
export type IntacctErrorKind = 'authentication' | 'permission' | 'rate_limit' | 'transient' | 'protocol' | 'query' | 'timeout';

/** Intacct's own diagnostics, as far as they reached us, plus the HTTP status when one applies. */
export interface IntacctErrorDetails {
  errorno?: string;
  description2?: string;
  correction?: string;
  httpStatus?: number;
  retryable?: boolean;
  cause?: unknown;
}

/** Where an Intacct error answer put its failure status. */
export type IntacctStatusLevel = 'control' | 'authentication' | 'result';

/** Base of every error the connector throws. Carries no credentials: only Intacct's error texts. */
export class IntacctError extends Error {
  readonly kind: IntacctErrorKind;
  errorno?: string;
  description2?: string;
  correction?: string;
  httpStatus?: number;
  retryable: boolean;

  constructor(kind: IntacctErrorKind, message: string, details: IntacctErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'IntacctError';
    this.kind = kind;
    this.retryable = details.retryable ?? false;
    if (details.errorno !== undefined) this.errorno = details.errorno;
    if (details.description2 !== undefined) this.description2 = details.description2;
    if (details.correction !== undefined) this.correction = details.correction;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
  }
}

/** Bad sender or user credentials, an expired session that could not be renewed, or a lost company. Never retried. */
export class IntacctAuthenticationError extends IntacctError {
  constructor(message: string, details: IntacctErrorDetails = {}) {
    super('authentication', message, { ...details, retryable: false });
    this.name = 'IntacctAuthenticationError';
  }
}

/** The Intacct user lacks a permission the call needs. */
export class IntacctPermissionError extends IntacctError {
  constructor(message: string, details: IntacctErrorDetails = {}) {
    super('permission', message, { ...details, retryable: false });
    this.name = 'IntacctPermissionError';
  }
}

/** Intacct refused the call for exceeding the company's request allowance; retry after a pause. */
export class IntacctRateLimitError extends IntacctError {
  constructor(message: string, details: IntacctErrorDetails = {}) {
    super('rate_limit', message, { ...details, retryable: true });
    this.name = 'IntacctRateLimitError';
  }
}

/** Server trouble, timeouts, dropped connections, cut-off or garbled answers; worth another try. */
export class IntacctTransientError extends IntacctError {
  constructor(message: string, details: IntacctErrorDetails = {}) {
    super('transient', message, { ...details, retryable: true });
    this.name = 'IntacctTransientError';
  }
}

/** An answer the connector refuses to process (DOCTYPE, oversize, unexpected shape) or a request Intacct could not read. */
export class IntacctProtocolError extends IntacctError {
  constructor(message: string, details: IntacctErrorDetails = {}) {
    super('protocol', message, { ...details, retryable: false });
    this.name = 'IntacctProtocolError';
  }
}

/** A function (query, readByQuery, ...) failed; Intacct's errorno, description2 and correction say why. */
export class IntacctQueryError extends IntacctError {
  constructor(message: string, details: IntacctErrorDetails = {}) {
    super('query', message, { ...details, retryable: details.retryable ?? false });
    this.name = 'IntacctQueryError';
  }
}

/**
 * The caller's AbortSignal aborted (its deadline passed) before the call finished: the request on
 * the wire, a retry wait or a wait for a company slot was abandoned. Never retried. Unlike a
 * transient timeout (Intacct slower than the per-request limit, retried), the caller gave up.
 */
export class IntacctTimeoutError extends IntacctError {
  constructor(message = 'The call was abandoned: its deadline passed before Intacct answered', details: IntacctErrorDetails = {}) {
    super('timeout', message, { ...details, retryable: false });
    this.name = 'IntacctTimeoutError';
  }
}

/** Error numbers whose meaning does not depend on the level that reported them. */
export const INTACCT_ERRORNO = {
  xmlParseError: 'XL03000003',
  badCredentials: 'XL03000006',
  transactionRolledBack: 'XL03000009',
  noPermission: 'PL04000005',
  companyExpired: 'PL04000055',
  gatewayRateLimit: 'GW-0010',
  gatewayInvalidRequest: 'GW-0011',
} as const;

/** One `<error>` entry of an Intacct `<errormessage>`. */
export interface IntacctErrorEntry {
  errorno: string;
  description: string;
  description2: string;
  correction: string;
}

/**
 * Turns the first error of a failed status level into the typed error a caller can act on.
 * The errorno decides first; the level decides for numbers we do not know.
 */
export function errorFromIntacctStatus(level: IntacctStatusLevel, entries: IntacctErrorEntry[]): IntacctError {
  const first = entries[0];
  const details: IntacctErrorDetails = first
    ? { errorno: first.errorno, description2: first.description2, correction: first.correction }
    : {};
  const explanation = entries
    .map((entry) => [entry.errorno, entry.description, entry.description2].filter((part) => part !== '').join(': '))
    .filter((text) => text !== '')
    .join('; ');
  const message = `Intacct ${level} failure${explanation === '' ? '' : `: ${explanation}`}`;

  switch (first?.errorno) {
    case INTACCT_ERRORNO.badCredentials:
    case INTACCT_ERRORNO.companyExpired:
      return new IntacctAuthenticationError(message, details);
    case INTACCT_ERRORNO.noPermission:
      return new IntacctPermissionError(message, details);
    case INTACCT_ERRORNO.gatewayRateLimit:
      return new IntacctRateLimitError(message, details);
    case INTACCT_ERRORNO.xmlParseError:
    case INTACCT_ERRORNO.gatewayInvalidRequest:
      return new IntacctProtocolError(message, details);
    case INTACCT_ERRORNO.transactionRolledBack:
      return new IntacctQueryError(message, { ...details, retryable: true });
  }
  switch (level) {
    case 'authentication':
      return new IntacctAuthenticationError(message, details);
    case 'control':
      return new IntacctProtocolError(message, details);
    case 'result':
      return new IntacctQueryError(message, details);
  }
}

const HTTP_UNAUTHORIZED = 401;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_FIRST_SERVER_ERROR = 500;
const HTTP_LAST_SERVER_ERROR = 599;

/** Classifies a non-2xx HTTP answer by its status alone (Cloudflare pages carry nothing better). */
export function errorFromHttpStatus(status: number, details: IntacctErrorDetails = {}): IntacctError {
  const message = `Intacct gateway answered HTTP ${status}`;
  const withStatus = { ...details, httpStatus: status };
  if (status === HTTP_UNAUTHORIZED) return new IntacctAuthenticationError(message, withStatus);
  if (status === HTTP_TOO_MANY_REQUESTS) return new IntacctRateLimitError(message, withStatus);
  if (status >= HTTP_FIRST_SERVER_ERROR && status <= HTTP_LAST_SERVER_ERROR) {
    return new IntacctTransientError(message, withStatus);
  }
  return new IntacctProtocolError(message, withStatus);
}

const REDACTED = '[redacted]';

/**
 * Removes every occurrence of the given secrets from an error's texts, in place, so that nothing
 * an Intacct answer echoed (or a lower layer put in a message) can carry a password or session id out.
 */
export function redactSecrets<E extends IntacctError>(error: E, secrets: readonly string[]): E {
  const present = secrets.filter((secret) => secret !== '');
  const scrub = (text: string): string => present.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
  error.message = scrub(error.message);
  if (error.description2 !== undefined) error.description2 = scrub(error.description2);
  if (error.correction !== undefined) error.correction = scrub(error.correction);
  return error;
}
