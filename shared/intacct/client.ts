import { randomUUID } from 'node:crypto';
import type { CompanySlots, SlotRelease } from '#ports/company-slots';
import type { Telemetry } from '#ports/telemetry';
import { abandonedError, throwIfAbandoned, untilAbandoned } from './abort';
import { companyKey, companySemaphore, DEFAULT_COMPANY_CONCURRENCY, processCompanySlots } from './company-concurrency';
import {
  errorFromHttpStatus,
  type HttpFailureBody,
  IntacctAuthenticationError,
  IntacctError,
  IntacctProtocolError,
  IntacctTransientError,
  redactSecrets,
  withRetryAfter,
} from './errors';
import { type HttpAnswer, postXml } from './http-transport';
import { buildQueryXml, QUERY_MAX_PAGE_SIZE, type QueryFilter, type QueryRequest } from './query-builder';
import { type RetryMode, type RetryPolicy, type RetrySettings, retryPolicyOf, withRetry } from './retry';
import { SessionCache } from './session';
import { buildRequestXml, getApiSessionFunctionXml, type RequestAuthentication } from './xml-request';
import {
  type AnswerLimits,
  type ApiSession,
  type GatewayResult,
  type IntacctRecord,
  isHtmlPage,
  parseGatewayResponse,
  readApiSession,
  readListPage,
} from './xml-response';

/** Sender (web services vendor) and user credentials for one Intacct company. */
export interface IntacctCredentials {
  senderId: string;
  senderPassword: string;
  companyId: string;
  userId: string;
  userPassword: string;
  entityId?: string;
}

/** How a connector talks to an Intacct service (either gateway); every setting has a production default. */
export interface ConnectorSettings {
  /** Per request, default 60 000 ms. */
  timeoutMs?: number;
  /**
   * Without a caller signal: at most `maxAttempts` attempts (default 6), full-jitter waits from
   * `baseDelayMs` (200) up to `maxDelayMs` (10 000) each. With a caller signal (unless
   * `untilAborted` is false or the call opts out): no attempt limit, waits up to
   * `untilAbortedMaxDelayMs` (default the larger of maxDelayMs and 30 000) each, until the signal
   * aborts. Either way a Retry-After is the wait, up to `maxRetryAfterMs` (default 60 000).
   */
  retry?: RetrySettings;
  /** Concurrent requests per Intacct company (endpoint + company id); default 2. */
  concurrency?: number;
  /**
   * Where each attempt takes its company slot (key endpoint + company id, limit `concurrency`).
   * Default: the process-local semaphores (processCompanySlots), shared by all clients in the process.
   */
  slots?: CompanySlots;
  /** Largest answer accepted, default 64 MiB. */
  maxResponseBytes?: number;
  /** Waits between attempts; a call's abort ends the wait either way (the signal is passed for the timer's sake). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Counts requests sent, retries, rate limiting and failures by error kind (IntacctRequests, ...). */
  telemetry?: Telemetry;
}

/** Connection settings of the XML gateway's client. */
export interface IntacctClientOptions extends ConnectorSettings {
  endpointUrl: string;
  credentials: IntacctCredentials;
  /** Metrics hook, called before every HTTP attempt; it never sees credentials. */
  onRequest?: (info: { function: string; attempt: number }) => void;
}

/** Per-call options: `signal` abandons the call (its request on the wire, its retry waits, its wait for a company slot). */
export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * With `signal`: retry retryable failures until it aborts, then fail with the last of them
   * (default true unless the client's retry.untilAborted is false); false: the attempt limit.
   */
  retryUntilAborted?: boolean;
  /** Told of every retryable failure before it is retried (its texts already redacted). */
  onRetry?: (error: IntacctError) => void;
}

/** How one call uses its signal. */
interface CallContext {
  signal: AbortSignal | undefined;
  mode: RetryMode;
  /** For a page of a listing: the page size asked for, so no answer may carry more. */
  maxRecords?: number;
}

/** One page of a listing; `offset` is the position of its first record in the whole result. */
export interface QueryPage {
  records: IntacctRecord[];
  totalCount: number;
  offset: number;
  numRemaining: number;
}

export type { IntacctRecord, QueryFilter, QueryRequest };

const DEFAULT_TIMEOUT_MS = 60_000;
const MEBIBYTE = 1024 * 1024;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * MEBIBYTE;
/** Room for the envelope (control, authentication, result) around a page's records. */
const ANSWER_ENVELOPE_BYTES = 64 * 1024;
/** Far more than any record we select (a few dozen short fields), so an honest page always fits. */
const MAX_BYTES_PER_RECORD = 32 * 1024;

/** A page's answer may be as large as the records asked for could be, and never over the client's cap. */
function answerByteLimit(maxResponseBytes: number, maxRecords: number | undefined): number {
  if (maxRecords === undefined) return maxResponseBytes;
  return Math.min(maxResponseBytes, ANSWER_ENVELOPE_BYTES + maxRecords * MAX_BYTES_PER_RECORD);
}

const HTTP_SUCCESS_MIN = 200;
const HTTP_SUCCESS_MAX = 299;
const INTACCT_DOMAIN_SUFFIX = '.intacct.com';

/**
 * Accepts the endpoint getAPISession names only when it cannot send the session somewhere the
 * configured endpoint would not: the same origin, or another Intacct host when we already talk to Intacct.
 */
function sessionEndpoint(configured: URL, announced: string): string {
  if (announced === '') return configured.href;
  let candidate: URL;
  try {
    candidate = new URL(announced);
  } catch {
    return configured.href;
  }
  if (candidate.origin === configured.origin) return candidate.href;
  const isIntacct = (url: URL) => url.protocol === 'https:' && url.hostname.endsWith(INTACCT_DOMAIN_SUFFIX);
  return isIntacct(configured) && isIntacct(candidate) ? candidate.href : configured.href;
}

function isHttpSuccess(status: number): boolean {
  return status >= HTTP_SUCCESS_MIN && status <= HTTP_SUCCESS_MAX;
}

/** Turns a raw answer into the function result, or the typed error its status and body call for (with its Retry-After). */
function interpretAnswer(answer: HttpAnswer, nowMs: number, limits: AnswerLimits): GatewayResult {
  return withRetryAfter(() => readAnswer(answer, limits), answer.retryAfter, nowMs);
}

function readAnswer(answer: HttpAnswer, limits: AnswerLimits): GatewayResult {
  if (isHttpSuccess(answer.status)) return parseGatewayResponse(answer.body, limits);
  // An error status decides the kind first; the body may still say more (an HTML page, Intacct's errorno and texts).
  const body: HttpFailureBody = {};
  if (isHtmlPage(answer.body)) {
    body.html = true;
  } else {
    try {
      parseGatewayResponse(answer.body);
    } catch (error) {
      if (error instanceof IntacctError && error.errorno !== undefined) body.described = error;
    }
  }
  throw errorFromHttpStatus(answer.status, {}, body);
}

/**
 * Read-only client for the Intacct XML gateway: API sessions (renewed once when one expires),
 * offset-paged `query` listings, retries with full-jitter backoff
 * on retryable errors only (a few attempts, or until the caller's signal aborts; a Retry-After is
 * honoured), and a per-company concurrency limit (process-local, or the CompanySlots given).
 */
export class IntacctClient {
  readonly #credentials: IntacctCredentials;
  readonly #endpoint: URL;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #retryPolicy: RetryPolicy;
  readonly #untilAborted: boolean;
  readonly #slots: CompanySlots;
  readonly #company: string;
  readonly #slotLimit: number;
  readonly #onRequest: ((info: { function: string; attempt: number }) => void) | undefined;
  readonly #telemetry: Telemetry | undefined;
  readonly #sessions: SessionCache;
  readonly #issuedSessionIds = new Set<string>();

  /** Validates the endpoint and joins the company's shared concurrency limit; sends nothing. */
  constructor(options: IntacctClientOptions) {
    this.#credentials = { ...options.credentials };
    this.#endpoint = new URL(options.endpointUrl);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#retryPolicy = retryPolicyOf(options.retry, options.sleep, options.random);
    this.#untilAborted = options.retry?.untilAborted ?? true;
    this.#company = companyKey(this.#endpoint.href, this.#credentials.companyId);
    this.#slotLimit = options.concurrency ?? DEFAULT_COMPANY_CONCURRENCY;
    this.#slots = options.slots ?? processCompanySlots;
    // Joined now, so a smaller limit tightens the company's shared semaphore before any request.
    if (!options.slots) companySemaphore(this.#endpoint.href, this.#credentials.companyId, this.#slotLimit);
    this.#onRequest = options.onRequest;
    this.#telemetry = options.telemetry;
    this.#sessions = new SessionCache((signal) => this.#openSession(signal));
  }

  /** The Intacct company this client reads (endpoint + company id): the key of its slots and per-company facts. */
  get company(): string {
    return this.#company;
  }

  /** Whether the login names an entity (an entity-level session) rather than the company's top level. */
  get entityLevel(): boolean {
    return Boolean(this.#credentials.entityId);
  }

  /**
   * Lists with `query`, page by page (offset paging) until Intacct reports nothing remaining.
   * Once `options.signal` aborts, the page being fetched rejects with IntacctTimeoutError, or with
   * the retryable failure it was retrying (options.retryUntilAborted, the default with a signal).
   */
  async *query(request: QueryRequest, options: RequestOptions = {}): AsyncGenerator<QueryPage> {
    const call = { ...this.#callContext(options), maxRecords: request.pageSize ?? QUERY_MAX_PAGE_SIZE };
    let offset = request.offset ?? 0;
    // Built before the first request so a bad request fails without touching the network.
    let functionXml = buildQueryXml(request, offset);
    for (;;) {
      const result = await this.#callWithSession('query', functionXml, call);
      const page = readListPage(result.data, offset);
      yield { records: page.records, totalCount: page.totalCount, offset, numRemaining: page.numRemaining };
      if (page.numRemaining === 0) return;
      if (page.records.length === 0) {
        throw new IntacctProtocolError('Intacct returned an empty page while reporting records remaining');
      }
      offset += page.records.length;
      functionXml = buildQueryXml(request, offset);
    }
  }

  /** Opens a fresh API session; throws IntacctAuthenticationError (never retried) for bad credentials. */
  async verifyCredentials(options: RequestOptions = {}): Promise<void> {
    const call = this.#callContext(options);
    await this.#patiently(call, () => this.#sessions.renew(call.signal));
  }

  #callContext(options: RequestOptions): CallContext {
    const { signal } = options;
    const untilAborted = signal !== undefined && (options.retryUntilAborted ?? this.#untilAborted);
    return { signal, mode: { untilAborted, ...(options.onRetry ? { onRetry: options.onRetry } : {}) } };
  }

  /**
   * Runs `step` once, or, when the call retries until its signal aborts, again after each retryable
   * failure. Used around session openings, which retry only within their own bounded attempts:
   * their signal is the session cache's and may never abort.
   */
  #patiently<T>(call: CallContext, step: () => Promise<T>): Promise<T> {
    if (!call.mode.untilAborted) return step();
    return withRetry(step, this.#retryPolicy, call.signal, this.#countingRetries(call.mode));
  }

  /** `signal` is the session cache's own: it aborts only once every call waiting for this session gave up. */
  async #openSession(signal: AbortSignal): Promise<ApiSession> {
    const { userId, companyId, userPassword, entityId } = this.#credentials;
    const login = { userId, companyId, userPassword, ...(entityId ? { entityId } : {}) };
    // The cache's own signal: bounded retries only (it never aborts while a call without a signal waits).
    const result = await this.#exchange('getAPISession', getApiSessionFunctionXml(), { login }, this.#endpoint.href, {
      signal,
      mode: {},
    });
    const session = readApiSession(result.data);
    this.#issuedSessionIds.add(session.sessionId);
    return session;
  }

  /** Calls a function on the current session; one authentication failure renews the session and tries once more. */
  async #callWithSession(functionName: string, functionXml: string, call: CallContext): Promise<GatewayResult> {
    const { signal } = call;
    const session = await this.#patiently(call, () => this.#sessions.get(signal));
    try {
      return await this.#exchange(functionName, functionXml, { sessionId: session.sessionId }, this.#urlFor(session), call);
    } catch (error) {
      if (!(error instanceof IntacctAuthenticationError)) throw error;
      await untilAbandoned(this.#sessions.invalidate(session), signal);
      const renewed = await this.#patiently(call, () => this.#sessions.get(signal));
      return this.#exchange(functionName, functionXml, { sessionId: renewed.sessionId }, this.#urlFor(renewed), call);
    }
  }

  #urlFor(session: ApiSession): string {
    return sessionEndpoint(this.#endpoint, session.endpoint);
  }

  /**
   * One function over HTTP with retries; each attempt holds a company slot only while on the wire.
   * An abort of the call's signal stops the attempt on the wire, a retry wait or the wait for a slot
   * (leaving the queue), and rejects with IntacctTimeoutError, or, when the call retries until its
   * signal aborts, with the last retryable failure seen; an already-aborted signal sends nothing.
   */
  async #exchange(
    functionName: string,
    functionXml: string,
    authentication: RequestAuthentication,
    url: string,
    call: CallContext,
  ): Promise<GatewayResult> {
    const { signal } = call;
    throwIfAbandoned(signal);
    const requestXml = buildRequestXml({
      sender: { senderId: this.#credentials.senderId, senderPassword: this.#credentials.senderPassword },
      authentication,
      controlId: randomUUID(),
      functionControlId: randomUUID(),
      functionXml,
    });
    const limits = { timeoutMs: this.#timeoutMs, maxResponseBytes: answerByteLimit(this.#maxResponseBytes, call.maxRecords) };
    try {
      return await withRetry(
        async (attempt) => {
          this.#notify(functionName, attempt);
          let sent = false;
          try {
            const release = await this.#takeSlot(signal);
            let answer: HttpAnswer;
            try {
              sent = true;
              this.#telemetry?.record('intacctRequests', {});
              answer = await postXml(url, requestXml, limits, signal, functionName);
            } finally {
              await release();
            }
            return interpretAnswer(answer, Date.now(), { ...(call.maxRecords === undefined ? {} : { maxRecords: call.maxRecords }) });
          } catch (error) {
            // Redacted before anyone (a retry hook included) can see it.
            if (error instanceof IntacctError) redactSecrets(error, this.#secrets());
            // A slot that could not be taken is our store's trouble, not a failed request to Intacct.
            if (sent) this.#countFailure(error);
            throw error;
          }
        },
        this.#retryPolicy,
        signal,
        this.#countingRetries(call.mode),
      );
    } catch (error) {
      if (error instanceof IntacctError) throw redactSecrets(error, this.#secrets());
      throw error;
    }
  }

  /** One of the company's slots; leaving its queue when `signal` aborts. A failing slot store is an outage, retried. */
  async #takeSlot(signal: AbortSignal | undefined): Promise<SlotRelease> {
    try {
      return await this.#slots.acquire(this.#company, this.#slotLimit, signal);
    } catch (error) {
      if (signal?.aborted) throw abandonedError();
      if (error instanceof IntacctError) throw error;
      throw new IntacctTransientError('Could not take a request slot for the Intacct company', { cause: error });
    }
  }

  /** A request that failed: by its error kind, and as rate limiting when Intacct asked us to slow down. */
  #countFailure(error: unknown): void {
    if (!(error instanceof IntacctError)) return;
    this.#telemetry?.record('intacctErrors', { errorKind: error.kind });
    if (error.kind === 'rate_limit') this.#telemetry?.record('intacctThrottled', {});
  }

  /** `mode` with each retry counted before the caller's own hook hears of it. */
  #countingRetries(mode: RetryMode): RetryMode {
    const telemetry = this.#telemetry;
    if (!telemetry) return mode;
    return {
      ...mode,
      onRetry: (error) => {
        telemetry.record('intacctRetries', {});
        mode.onRetry?.(error);
      },
    };
  }

  #notify(functionName: string, attempt: number): void {
    try {
      this.#onRequest?.({ function: functionName, attempt });
    } catch {
      // A failing metrics hook must not fail the sync.
    }
  }

  #secrets(): string[] {
    return [this.#credentials.senderPassword, this.#credentials.userPassword, ...this.#issuedSessionIds];
  }
}
