/**
 * What went wrong, in the terms a caller acts on (reconnect, grant access, wait, retry, fix the
 * request); `timeout` is the caller's own deadline (its AbortSignal) passing before Intacct answered.
 */
export type IntacctErrorKind = 'authentication' | 'permission' | 'rate_limit' | 'transient' | 'protocol' | 'query' | 'timeout';

/** Intacct's own diagnostics, as far as they reached us, plus the HTTP status when one applies. */
export interface IntacctErrorDetails {
  errorno?: string;
  description?: string;
  description2?: string;
  correction?: string;
  httpStatus?: number;
  retryable?: boolean;
  /** How long the gateway asked us to wait before the next attempt (its Retry-After), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** Where an Intacct error answer put its failure status. */
export type IntacctStatusLevel = 'control' | 'authentication' | 'result';

/** Base of every error the connector throws. Carries no credentials: only Intacct's error texts. */
export class IntacctError extends Error {
  readonly kind: IntacctErrorKind;
  errorno?: string;
  description?: string;
  description2?: string;
  correction?: string;
  httpStatus?: number;
  retryable: boolean;
  retryAfterMs?: number;

  constructor(kind: IntacctErrorKind, message: string, details: IntacctErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'IntacctError';
    this.kind = kind;
    this.retryable = details.retryable ?? false;
    if (details.errorno !== undefined) this.errorno = details.errorno;
    if (details.description !== undefined) this.description = details.description;
    if (details.description2 !== undefined) this.description2 = details.description2;
    if (details.correction !== undefined) this.correction = details.correction;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** Intacct's own explanation: description2 when it sent one, else description (already capped). */
  get intacctText(): string | undefined {
    return this.description2 || this.description || undefined;
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
const INTACCT_ERRORNO = {
  xmlParseError: 'XL03000003',
  badCredentials: 'XL03000006',
  transactionRolledBack: 'XL03000009',
  noPermission: 'PL04000005',
  companyExpired: 'PL04000055',
  gatewayRateLimit: 'GW-0010',
  gatewayInvalidRequest: 'GW-0011',
  /** The gateway's "Sign-in information is incorrect" (seen with HTTP 401, text in `description` only). */
  gatewaySignInIncorrect: 'XMLGW_JPP0002',
  /** Control-level "Invalid Request", answered for a company id the gateway does not know. */
  invalidRequest: 'invalidRequest',
} as const;

/** One `<error>` entry of an Intacct `<errormessage>`. */
export interface IntacctErrorEntry {
  errorno: string;
  description: string;
  description2: string;
  correction: string;
}

/** The most of Intacct's own text (one field, or a whole explanation) that reaches an error message. */
export const MAX_INTACCT_TEXT_BYTES = 1024;
const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `maxBytes` bytes of UTF-8 (an ellipsis included), never inside a
 * character: an answer can put anything in its error texts, and they end up in messages and logs.
 */
export function capIntacctText(text: string, maxBytes = MAX_INTACCT_TEXT_BYTES): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let used = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (used + size > budget) break;
    used += size;
    end += character.length;
  }
  return text.slice(0, end) + ELLIPSIS;
}

/** Rate limiting reported in an answer's text rather than by GW-0010 or HTTP 429 (seen inside HTTP 200 answers). */
const RATE_LIMIT_TEXT = /rate limit exceeded|too many (?:api )?(?:requests|operations)/i;
/** An outage reported in an answer's text ("The service is temporarily off-line"). */
const OFFLINE_TEXT = /temporarily off-?line/i;

function entryText(entry: IntacctErrorEntry): string {
  return [entry.description, entry.description2, entry.correction].join(' ');
}

/** The details an error keeps of Intacct's first error entry, each text capped. */
function detailsOf(entry: IntacctErrorEntry | undefined): IntacctErrorDetails {
  if (!entry) return {};
  return {
    errorno: capIntacctText(entry.errorno),
    description: capIntacctText(entry.description),
    description2: capIntacctText(entry.description2),
    correction: capIntacctText(entry.correction),
  };
}

/** Every entry as `errorno: description: description2`, capped as a whole. */
function explanationOf(entries: IntacctErrorEntry[]): string {
  const explanation = entries
    .map((entry) => [entry.errorno, entry.description, entry.description2].filter((part) => part !== '').join(': '))
    .filter((text) => text !== '')
    .join('; ');
  return capIntacctText(explanation);
}

/**
 * Turns the first error of a failed status level into the typed error a caller can act on.
 * Text that says "rate limit exceeded" or "temporarily off-line" decides first (Intacct reports
 * both with various numbers, inside HTTP 200 answers too); then the errorno; then the level.
 */
export function errorFromIntacctStatus(level: IntacctStatusLevel, entries: IntacctErrorEntry[]): IntacctError {
  const first = entries[0];
  const details = detailsOf(first);
  const explanation = explanationOf(entries);
  const message = `Intacct ${level} failure${explanation === '' ? '' : `: ${explanation}`}`;

  if (entries.some((entry) => RATE_LIMIT_TEXT.test(entryText(entry)))) return new IntacctRateLimitError(message, details);
  if (entries.some((entry) => OFFLINE_TEXT.test(entryText(entry)))) return new IntacctTransientError(message, details);

  switch (first?.errorno) {
    case INTACCT_ERRORNO.badCredentials:
    case INTACCT_ERRORNO.companyExpired:
    case INTACCT_ERRORNO.gatewaySignInIncorrect:
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
    case INTACCT_ERRORNO.invalidRequest:
      // Before any login is read, "Invalid Request" means the gateway refused whom we sign in as (a wrong company id).
      if (level === 'control') return new IntacctAuthenticationError(message, details);
      break;
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

const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_FIRST_SERVER_ERROR = 500;
const HTTP_LAST_SERVER_ERROR = 599;

/** What a non-2xx answer's body told us, when it could be read. */
export interface HttpFailureBody {
  /** The body is an HTML page (Cloudflare, a load balancer), not the gateway's XML. */
  html?: boolean;
  /** The typed error the body's XML describes, with Intacct's errorno and texts. */
  described?: IntacctError;
}

/**
 * Classifies a non-2xx HTTP answer: by its status first (401 sign-in refused, 429 rate limit,
 * 5xx outage), then by what its body says: an HTML page at 403 is a Cloudflare block or challenge
 * (an outage, retried); GW-0011 at 400 is the gateway refusing our credentials; another failure
 * the XML names (authentication, permission, rate limit, outage) is taken as named.
 */
export function errorFromHttpStatus(status: number, details: IntacctErrorDetails = {}, body: HttpFailureBody = {}): IntacctError {
  const described = body.described;
  const fromBody: IntacctErrorDetails = described
    ? {
        ...(described.errorno === undefined ? {} : { errorno: described.errorno }),
        ...(described.description === undefined ? {} : { description: described.description }),
        ...(described.description2 === undefined ? {} : { description2: described.description2 }),
        ...(described.correction === undefined ? {} : { correction: described.correction }),
      }
    : {};
  const intacctText = described?.intacctText;
  const message = `Intacct gateway answered HTTP ${status}${
    described?.errorno ? `: ${described.errorno}` : ''
  }${intacctText ? `: ${capIntacctText(intacctText)}` : ''}`;
  const withStatus = { ...fromBody, ...details, httpStatus: status };

  if (status === HTTP_UNAUTHORIZED) return new IntacctAuthenticationError(message, withStatus);
  if (status === HTTP_TOO_MANY_REQUESTS) return new IntacctRateLimitError(message, withStatus);
  if (status >= HTTP_FIRST_SERVER_ERROR && status <= HTTP_LAST_SERVER_ERROR) {
    return new IntacctTransientError(message, withStatus);
  }
  if (body.html && status === HTTP_FORBIDDEN) return new IntacctTransientError(message, withStatus);
  if (described) {
    if (status === HTTP_BAD_REQUEST && described.errorno === INTACCT_ERRORNO.gatewayInvalidRequest) {
      return new IntacctAuthenticationError(message, withStatus);
    }
    switch (described.kind) {
      case 'authentication':
        return new IntacctAuthenticationError(message, withStatus);
      case 'permission':
        return new IntacctPermissionError(message, withStatus);
      case 'rate_limit':
        return new IntacctRateLimitError(message, withStatus);
      case 'transient':
        return new IntacctTransientError(message, withStatus);
      default:
        break;
    }
  }
  return new IntacctProtocolError(message, withStatus);
}

const MILLISECONDS_PER_SECOND = 1000;
const DELAY_SECONDS = /^\d+$/;
/** An HTTP date names a day or month and a time of day (Date.parse alone takes "-5" for a year). */
const HTTP_DATE = /^(?=.*[A-Za-z]{3})(?=.*\d{1,2}:\d{2}:\d{2}).*$/;

/**
 * The wait a Retry-After header asks for, in ms: delay-seconds or an HTTP date (relative to
 * `nowMs`); undefined when absent or unreadable, 0 for a date already past.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (DELAY_SECONDS.test(value)) return Number(value) * MILLISECONDS_PER_SECOND;
  if (!HTTP_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * `read()`'s answer, or its error; a retryable IntacctError carries the wait the answer's
 * Retry-After asked for (both gateways read their answers so).
 */
export function withRetryAfter<T>(read: () => T, retryAfter: string | null | undefined, nowMs: number): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof IntacctError && error.retryable) {
      const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
      if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
    }
    throw error;
  }
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
  if (error.description !== undefined) error.description = scrub(error.description);
  if (error.description2 !== undefined) error.description2 = scrub(error.description2);
  if (error.correction !== undefined) error.correction = scrub(error.correction);
  return error;
}
