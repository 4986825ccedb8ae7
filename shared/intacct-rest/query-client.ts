/**
 * HTTP JSON client of Intacct's REST query service (POST {restBaseUrl}/services/core/query) for one
 * connection: a Bearer access token from the connection's token provider (on a 401, a renewed
 * token and another try, twice at most), the entity header for an entity-level connection, strict parsing of
 * every answer (zod; a body over the size cap is refused unread), retries with full-jitter backoff
 * honouring Retry-After (the XML gateway's retry.ts: a few attempts, or until the caller's signal
 * aborts), and the company's request slots (CompanySlots, as the XML client takes them).
 *
 * Errors are the XML connector's typed IntacctErrors (#intacct/errors), so the source maps them to
 * the same IntacctFailure codes: 401 authentication, 403 permission (an HTML 403 is a front-end
 * block: transient), 429 rate limit, 5xx / network / per-request timeout / an HTML page transient,
 * 400 a refused query, anything else or an answer of the wrong shape a protocol error, the caller's
 * abort a timeout. Access tokens never reach an error's text.
 */
import { z } from 'zod';
import { inSubsegment } from '#adapters/tracing';
import { abandonedError, throwIfAbandoned, untilAbandoned } from '#intacct/abort';
import type { ConnectorSettings, RequestOptions } from '#intacct/client';
import { companyKey, companySemaphore, DEFAULT_COMPANY_CONCURRENCY, processCompanySlots } from '#intacct/company-concurrency';
import {
  capIntacctText,
  IntacctAuthenticationError,
  IntacctError,
  IntacctPermissionError,
  IntacctProtocolError,
  IntacctQueryError,
  IntacctRateLimitError,
  IntacctTransientError,
  redactSecrets,
  withRetryAfter,
} from '#intacct/errors';
import { type HttpAnswer, postOnce } from '#intacct/http-transport';
import { type RetryPolicy, retryPolicyOf, withRetry } from '#intacct/retry';
import type { CompanySlots, SlotRelease } from '#ports/company-slots';
import type { IntacctAccessTokens } from '#ports/intacct-source';
import type { Telemetry } from '#ports/telemetry';

/** One condition of `filters`: `{ [operator]: { [field]: value } }`. */
export type RestFilter = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** A query as the REST gateway sends it (always ordered, always a bounded page). */
export interface RestQuery {
  object: string;
  fields: readonly string[];
  filters?: readonly RestFilter[];
  /** How `filters` combine; default and. */
  filterExpression?: 'and' | 'or';
  orderBy: readonly Readonly<Record<string, 'asc' | 'desc'>>[];
  /** 1-based position of the first record. */
  start: number;
  size: number;
  caseInsensitive?: boolean;
}

/** One answered page: the raw records (the caller reads them through its field table) and the whole count. */
export interface RestQueryPage {
  records: unknown[];
  totalCount: number;
}

/** As the XML client's: a call's signal and retry choice, and a hook for its retryable failures. */
export type RestRequestOptions = RequestOptions;

/** As the XML client's settings (ConnectorSettings), for one connection's company, entity and tokens. */
export interface RestQueryClientOptions extends ConnectorSettings {
  /** e.g. https://api.intacct.com/ia/api/v1 */
  restBaseUrl: string;
  companyId: string;
  /** Read at this entity (X-IA-API-Param-Entity); a top-level connection reads every entity's records (includePrivate). */
  entityId?: string;
  tokens: IntacctAccessTokens;
  /**
   * The endpoint the company's slots are keyed by (with the company id); default restBaseUrl.
   * Give the XML gateway's endpoint URL to share one allowance with XML clients of the same company.
   */
  slotEndpoint?: string;
}

const QUERY_PATH = '/services/core/query';
const ENTITY_HEADER = 'X-IA-API-Param-Entity';
const DEFAULT_TIMEOUT_MS = 60_000;
const MEBIBYTE = 1024 * 1024;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * MEBIBYTE;
const ANSWER_ENVELOPE_BYTES = 64 * 1024;
const MAX_BYTES_PER_RECORD = 32 * 1024;
const HTML_PAGE = /^\s*(?:<!DOCTYPE\s+html\b[^>[]*>|<html[\s>])/i;
const REST_SUBSEGMENT = 'IntacctRest';

/** Token renewals one query may make after 401s (see `query`). */
const MAX_TOKEN_RENEWALS = 2;
const HTTP = { badRequest: 400, unauthorized: 401, forbidden: 403, tooManyRequests: 429, firstServerError: 500, lastServerError: 599 } as const;

const pageSchema = z.object({
  'ia::result': z.array(z.record(z.string(), z.unknown())),
  'ia::meta': z.object({
    totalCount: z.number().int().min(0),
    start: z.number().int().min(1),
    pageSize: z.number().int().min(0),
    next: z.number().int().nullable().optional(),
    previous: z.number().int().nullable().optional(),
  }),
});

const errorSchema = z.object({
  'ia::result': z.object({
    'ia::error': z.object({ code: z.string().optional(), message: z.string().optional(), errorId: z.string().optional() }),
  }),
});

/** The company key of a connection's slots (see companyKey). */
function slotKey(endpoint: string, companyId: string): string {
  return companyKey(new URL(endpoint).href, companyId);
}

export class RestQueryClient {
  readonly #url: string;
  readonly #entityId: string | undefined;
  readonly #tokens: IntacctAccessTokens;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #policy: RetryPolicy;
  readonly #untilAborted: boolean;
  readonly #slots: CompanySlots;
  readonly #telemetry: Telemetry | undefined;
  readonly #company: string;
  readonly #slotLimit: number;

  constructor(options: RestQueryClientOptions) {
    const base = new URL(options.restBaseUrl);
    this.#url = new URL(`${base.pathname.replace(/\/+$/, '')}${QUERY_PATH}`, base).href;
    this.#entityId = options.entityId?.trim() || undefined;
    this.#tokens = options.tokens;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#policy = retryPolicyOf(options.retry, options.sleep, options.random);
    this.#untilAborted = options.retry?.untilAborted ?? true;
    this.#slotLimit = options.concurrency ?? DEFAULT_COMPANY_CONCURRENCY;
    const slotEndpoint = options.slotEndpoint ?? options.restBaseUrl;
    this.#company = slotKey(slotEndpoint, options.companyId);
    this.#slots = options.slots ?? processCompanySlots;
    this.#telemetry = options.telemetry;
    // Joined now, so a smaller limit tightens the company's shared semaphore before any request.
    if (!options.slots) companySemaphore(new URL(slotEndpoint).href, options.companyId, this.#slotLimit);
  }

  /** Requests the company allows at once, as this client takes its slots. */
  get concurrency(): number {
    return this.#slotLimit;
  }

  /** Whether the connection reads at one entity rather than the company's top level. */
  get entityLevel(): boolean {
    return this.#entityId !== undefined;
  }

  /** One page of `query`, retried as the options say; rejects with a typed IntacctError. */
  async query(query: RestQuery, options: RestRequestOptions = {}): Promise<RestQueryPage> {
    const { signal } = options;
    throwIfAbandoned(signal);
    const untilAborted = signal !== undefined && (options.retryUntilAborted ?? this.#untilAborted);
    const body = JSON.stringify(this.#body(query));
    const maxBytes = Math.min(this.#maxResponseBytes, ANSWER_ENVELOPE_BYTES + query.size * MAX_BYTES_PER_RECORD);
    const tokensUsed = new Set<string>();
    // Renewals per call. The first may answer a token another worker got meanwhile, which Intacct
    // may have ended together with ours (it can end access tokens before their time); the second
    // then renews for certain. A 401 after that means the grant itself is gone.
    let renewals = 0;
    try {
      return await withRetry(
        async () => {
          let sent = false;
          const onSent = (): void => {
            sent = true;
            this.#telemetry?.record('intacctRequests', {});
          };
          try {
            let token = await this.#token(() => this.#tokens.accessToken(signal), signal, tokensUsed);
            let answer = await this.#send(token, body, maxBytes, signal, onSent);
            while (answer.status === HTTP.unauthorized && renewals < MAX_TOKEN_RENEWALS && this.#tokens.refreshed) {
              renewals += 1;
              const rejected = token;
              token = await this.#token(() => this.#tokens.refreshed!(rejected, signal), signal, tokensUsed);
              answer = await this.#send(token, body, maxBytes, signal, onSent);
            }
            return readPage(answer, query.size, Date.now());
          } catch (error) {
            if (error instanceof IntacctError) redactSecrets(error, [...tokensUsed]);
            // A slot or a token that could not be had is not a failed request to Intacct.
            if (sent) this.#countFailure(error);
            throw error;
          }
        },
        this.#policy,
        signal,
        {
          untilAborted,
          onRetry: (error) => {
            this.#telemetry?.record('intacctRetries', {});
            options.onRetry?.(error);
          },
        },
      );
    } catch (error) {
      if (error instanceof IntacctError) throw redactSecrets(error, [...tokensUsed]);
      throw error;
    }
  }

  #body(query: RestQuery): Record<string, unknown> {
    const filterParameters = {
      ...(query.caseInsensitive ? { caseSensitiveComparison: false } : {}),
      // A top-level connection reads every entity's records, as the XML gateway's showprivate does.
      ...(this.entityLevel ? {} : { includePrivate: true }),
    };
    return {
      object: query.object,
      fields: query.fields,
      ...(query.filters && query.filters.length > 0 ? { filters: query.filters } : {}),
      ...(query.filterExpression && query.filterExpression !== 'and' ? { filterExpression: query.filterExpression } : {}),
      ...(Object.keys(filterParameters).length > 0 ? { filterParameters } : {}),
      orderBy: query.orderBy,
      start: query.start,
      size: query.size,
    };
  }

  /** A token from the provider, abandoned when the signal aborts; remembered for redaction. */
  async #token(get: () => Promise<string>, signal: AbortSignal | undefined, used: Set<string>): Promise<string> {
    const token = await untilAbandoned(get(), signal);
    if (typeof token !== 'string' || token === '') throw new IntacctAuthenticationError('No Sage Intacct access token is available');
    used.add(token);
    return token;
  }

  /** A request that failed: by its error kind, and as rate limiting when Intacct asked us to slow down (as the XML client counts). */
  #countFailure(error: unknown): void {
    if (!(error instanceof IntacctError)) return;
    this.#telemetry?.record('intacctErrors', { errorKind: error.kind });
    if (error.kind === 'rate_limit') this.#telemetry?.record('intacctThrottled', {});
  }

  /** One POST holding a company slot while on the wire; `onSent` once it goes out. */
  async #send(token: string, body: string, maxBytes: number, signal: AbortSignal | undefined, onSent: () => void): Promise<HttpAnswer> {
    const release = await this.#takeSlot(signal);
    try {
      onSent();
      return await inSubsegment(
        REST_SUBSEGMENT,
        () => this.#exchange(token, body, maxBytes, signal),
        (answer): Record<string, number> => (answer ? { httpStatus: answer.status } : {}),
      );
    } finally {
      await release();
    }
  }

  async #takeSlot(signal: AbortSignal | undefined): Promise<SlotRelease> {
    try {
      return await this.#slots.acquire(this.#company, this.#slotLimit, signal);
    } catch (error) {
      if (signal?.aborted) throw abandonedError();
      if (error instanceof IntacctError) throw error;
      throw new IntacctTransientError('Could not take a request slot for the Intacct company', { cause: error });
    }
  }

  /** One POST with the Bearer token; a redirect would carry the token wherever it points: refused (postOnce). */
  #exchange(token: string, body: string, maxBytes: number, signal: AbortSignal | undefined): Promise<HttpAnswer> {
    const headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      ...(this.#entityId ? { [ENTITY_HEADER]: this.#entityId } : {}),
    };
    return postOnce(this.#url, headers, body, { timeoutMs: this.#timeoutMs, maxResponseBytes: maxBytes }, signal, 'Intacct REST');
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The page an answer carries, or the typed error its status and body call for (with its Retry-After when retryable). */
function readPage(answer: HttpAnswer, size: number, nowMs: number): RestQueryPage {
  return withRetryAfter(
    () => {
      if (answer.status >= 200 && answer.status <= 299) return successPage(answer.body, size);
      throw failureOf(answer);
    },
    answer.retryAfter,
    nowMs,
  );
}

function successPage(body: string, size: number): RestQueryPage {
  if (body.trim() === '') throw new IntacctTransientError('Intacct REST answered with an empty body');
  if (HTML_PAGE.test(body)) throw new IntacctTransientError('Intacct REST answered with an HTML page instead of JSON');
  const json = parseJson(body);
  if (!json.ok) throw new IntacctProtocolError('Intacct REST answered with a body that is not JSON');
  const parsed = pageSchema.safeParse(json.value);
  if (!parsed.success) throw new IntacctProtocolError('Intacct REST answered a query with an unexpected shape');
  const records = parsed.data['ia::result'];
  if (records.length > size) throw new IntacctProtocolError(`Intacct REST answered ${records.length} records for a page of ${size}`);
  return { records, totalCount: parsed.data['ia::meta'].totalCount };
}

/** The typed error of a non-2xx answer: by its status, Intacct's ia::error (code, errorId, message) as the details. */
function failureOf(answer: HttpAnswer): IntacctError {
  const { status } = answer;
  const html = HTML_PAGE.test(answer.body);
  const json = html ? undefined : parseJson(answer.body);
  const described = json?.ok ? errorSchema.safeParse(json.value) : undefined;
  const error = described?.success ? described.data['ia::result']['ia::error'] : undefined;
  const text = error?.message ? capIntacctText(error.message) : undefined;
  const details = {
    httpStatus: status,
    ...(error?.errorId ? { errorno: capIntacctText(error.errorId) } : {}),
    ...(error?.code ? { description: capIntacctText(error.code) } : {}),
    ...(text ? { description2: text } : {}),
  };
  const message = `Intacct REST answered HTTP ${status}${error?.errorId ? `: ${details.errorno}` : ''}${text ? `: ${text}` : ''}`;
  if (status === HTTP.unauthorized) return new IntacctAuthenticationError(message, details);
  if (status === HTTP.tooManyRequests) return new IntacctRateLimitError(message, details);
  if (status >= HTTP.firstServerError && status <= HTTP.lastServerError) return new IntacctTransientError(message, details);
  // An HTML 403 is a front (Cloudflare) blocking or challenging, as the XML gateway treats it: an outage.
  if (status === HTTP.forbidden) return html ? new IntacctTransientError(message, details) : new IntacctPermissionError(message, details);
  if (status === HTTP.badRequest && error) return new IntacctQueryError(message, details);
  return new IntacctProtocolError(message, details);
}
