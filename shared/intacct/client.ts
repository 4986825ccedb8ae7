import { randomUUID } from 'node:crypto';
import { abandonedError, throwIfAbandoned, untilAbandoned } from './abort';
import { companySemaphore, DEFAULT_COMPANY_CONCURRENCY, type Semaphore } from './company-concurrency';
import {
  IntacctAuthenticationError,
  IntacctError,
  IntacctProtocolError,
  IntacctQueryError,
  errorFromHttpStatus,
  redactSecrets,
  type IntacctErrorDetails,
} from './errors';
import { postXml, type HttpAnswer } from './http-transport';
import {
  buildQueryXml,
  buildReadByQueryXml,
  buildReadMoreXml,
  type QueryFilter,
  type QueryRequest,
  type ReadByQueryRequest,
} from './query-builder';
import { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY_MS, sleepMs, withRetry, type RetryPolicy } from './retry';
import { SessionCache } from './session';
import { buildRequestXml, getApiSessionFunctionXml, type RequestAuthentication } from './xml-request';
import {
  parseGatewayResponse,
  readApiSession,
  readListPage,
  type ApiSession,
  type GatewayResult,
  type IntacctRecord,
  type ListPage,
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

/** Connection settings; everything but the endpoint and credentials has a production default. */
export interface IntacctClientOptions {
  endpointUrl: string;
  credentials: IntacctCredentials;
  /** Per request, default 60 000 ms. */
  timeoutMs?: number;
  /** Defaults 6 attempts, 200 ms base, 10 000 ms cap. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Concurrent requests per Intacct company (endpoint + company id), shared by all clients in the process; default 2. */
  concurrency?: number;
  /** Largest answer accepted, default 64 MiB. */
  maxResponseBytes?: number;
  /** Waits between attempts; a call's abort ends the wait either way (the signal is passed for the timer's sake). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Metrics hook, called before every HTTP attempt; it never sees credentials. */
  onRequest?: (info: { function: string; attempt: number }) => void;
}

/** Per-call options: `signal` abandons the call (its request on the wire, its retry waits, its wait for a company slot). */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** One page of a listing; `offset` is the position of its first record in the whole result. */
export interface QueryPage {
  records: IntacctRecord[];
  totalCount: number;
  offset: number;
  numRemaining: number;
}

export type { IntacctRecord, QueryFilter, QueryRequest, ReadByQueryRequest };

export const DEFAULT_TIMEOUT_MS = 60_000;
const MEBIBYTE = 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * MEBIBYTE;

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

/** Turns a raw answer into the function result, or the typed error its status and body call for. */
function interpretAnswer(answer: HttpAnswer): GatewayResult {
  if (isHttpSuccess(answer.status)) return parseGatewayResponse(answer.body);
  // An error status decides the kind; an XML body may still name Intacct's errorno.
  let details: IntacctErrorDetails = {};
  try {
    parseGatewayResponse(answer.body);
  } catch (error) {
    if (error instanceof IntacctError && error.errorno !== undefined) {
      details = { errorno: error.errorno, description2: error.description2, correction: error.correction };
    }
  }
  throw errorFromHttpStatus(answer.status, details);
}

/**
 * Read-only client for the Intacct XML gateway: API sessions (renewed once when one expires),
 * offset-paged `query` and `readByQuery`/`readMore` listings, retries with full-jitter backoff
 * on retryable errors only, and a per-company concurrency limit shared across the process.
 */
export class IntacctClient {
  readonly #credentials: IntacctCredentials;
  readonly #endpoint: URL;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #retryPolicy: RetryPolicy;
  readonly #semaphore: Semaphore;
  readonly #onRequest: ((info: { function: string; attempt: number }) => void) | undefined;
  readonly #sessions: SessionCache;
  readonly #issuedSessionIds = new Set<string>();

  /** Validates the endpoint and joins the company's shared concurrency limit; sends nothing. */
  constructor(options: IntacctClientOptions) {
    this.#credentials = { ...options.credentials };
    this.#endpoint = new URL(options.endpointUrl);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#retryPolicy = {
      maxAttempts: options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
      sleep: options.sleep ?? sleepMs,
      random: options.random ?? Math.random,
    };
    this.#semaphore = companySemaphore(
      this.#endpoint.href,
      this.#credentials.companyId,
      options.concurrency ?? DEFAULT_COMPANY_CONCURRENCY,
    );
    this.#onRequest = options.onRequest;
    this.#sessions = new SessionCache((signal) => this.#openSession(signal));
  }

  /**
   * Lists with `query`, page by page (offset paging) until Intacct reports nothing remaining.
   * Once `options.signal` aborts, the page being fetched rejects with IntacctTimeoutError.
   */
  async *query(request: QueryRequest, options: RequestOptions = {}): AsyncGenerator<QueryPage> {
    const { signal } = options;
    let offset = request.offset ?? 0;
    // Built before the first request so a bad request fails without touching the network.
    let functionXml = buildQueryXml(request, offset);
    for (;;) {
      const result = await this.#callWithSession('query', functionXml, signal);
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

  /** Lists with `readByQuery`, then `readMore` on its result id until nothing remains. */
  async *readByQuery(request: ReadByQueryRequest, options: RequestOptions = {}): AsyncGenerator<QueryPage> {
    const { signal } = options;
    const firstXml = buildReadByQueryXml(request);
    let page: ListPage = readListPage((await this.#callWithSession('readByQuery', firstXml, signal)).data);
    let resultId = page.resultId;
    let delivered = 0;
    for (;;) {
      yield { records: page.records, totalCount: page.totalCount, offset: delivered, numRemaining: page.numRemaining };
      delivered += page.records.length;
      if (page.numRemaining === 0) return;
      if (resultId === undefined) {
        throw new IntacctProtocolError('Intacct reported records remaining but gave no resultId');
      }
      const remainingBefore = page.numRemaining;
      page = readListPage((await this.#callWithSession('readMore', buildReadMoreXml(resultId), signal)).data, delivered);
      resultId = page.resultId ?? resultId;
      // readMore moves a server-side cursor, so a retried call may have skipped a page: refuse to hide that.
      if (page.records.length + page.numRemaining !== remainingBefore || page.records.length === 0) {
        throw new IntacctQueryError('readMore lost its place in the result set; restart the listing');
      }
    }
  }

  /** Opens a fresh API session; throws IntacctAuthenticationError (never retried) for bad credentials. */
  async verifyCredentials(options: RequestOptions = {}): Promise<void> {
    await this.#sessions.renew(options.signal);
  }

  /** `signal` is the session cache's own: it aborts only once every call waiting for this session gave up. */
  async #openSession(signal: AbortSignal): Promise<ApiSession> {
    const { userId, companyId, userPassword, entityId } = this.#credentials;
    const login = { userId, companyId, userPassword, ...(entityId ? { entityId } : {}) };
    const result = await this.#exchange('getAPISession', getApiSessionFunctionXml(), { login }, this.#endpoint.href, signal);
    const session = readApiSession(result.data);
    this.#issuedSessionIds.add(session.sessionId);
    return session;
  }

  /** Calls a function on the current session; one authentication failure renews the session and tries once more. */
  async #callWithSession(functionName: string, functionXml: string, signal: AbortSignal | undefined): Promise<GatewayResult> {
    const session = await this.#sessions.get(signal);
    try {
      return await this.#exchange(functionName, functionXml, { sessionId: session.sessionId }, this.#urlFor(session), signal);
    } catch (error) {
      if (!(error instanceof IntacctAuthenticationError)) throw error;
      await untilAbandoned(this.#sessions.invalidate(session), signal);
      const renewed = await this.#sessions.get(signal);
      return this.#exchange(functionName, functionXml, { sessionId: renewed.sessionId }, this.#urlFor(renewed), signal);
    }
  }

  #urlFor(session: ApiSession): string {
    return sessionEndpoint(this.#endpoint, session.endpoint);
  }

  /**
   * One function over HTTP with retries; each attempt holds a company slot only while on the wire.
   * An abort of `signal` stops the attempt on the wire, a retry wait or the wait for a slot (leaving
   * the queue), and rejects with IntacctTimeoutError; an already-aborted signal sends nothing.
   */
  async #exchange(
    functionName: string,
    functionXml: string,
    authentication: RequestAuthentication,
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<GatewayResult> {
    throwIfAbandoned(signal);
    const requestXml = buildRequestXml({
      sender: { senderId: this.#credentials.senderId, senderPassword: this.#credentials.senderPassword },
      authentication,
      controlId: randomUUID(),
      functionControlId: randomUUID(),
      functionXml,
    });
    const limits = { timeoutMs: this.#timeoutMs, maxResponseBytes: this.#maxResponseBytes };
    try {
      return await withRetry(
        async (attempt) => {
          this.#notify(functionName, attempt);
          const release = await this.#semaphore.acquire(signal).catch((error: unknown) => {
            throw signal?.aborted ? abandonedError() : error;
          });
          let answer: HttpAnswer;
          try {
            answer = await postXml(url, requestXml, limits, signal);
          } finally {
            release();
          }
          return interpretAnswer(answer);
        },
        this.#retryPolicy,
        signal,
      );
    } catch (error) {
      if (error instanceof IntacctError) throw redactSecrets(error, this.#secrets());
      throw error;
    }
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
