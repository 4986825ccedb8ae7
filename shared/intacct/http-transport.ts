import { inSubsegment } from '#adapters/tracing';
import { abandonedError } from './abort';
import { IntacctProtocolError, IntacctTransientError } from './errors';

/** A gateway answer as raw text, before any XML is looked at. */
export interface HttpAnswer {
  status: number;
  body: string;
  /** The Retry-After header as sent, when there was one. */
  retryAfter?: string;
}

/** Limits for one POST. */
export interface PostLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

function tooLarge(maxResponseBytes: number): IntacctProtocolError {
  return new IntacctProtocolError(`Intacct answer exceeds the ${maxResponseBytes}-byte limit; refused`);
}

/**
 * Reads a body up to `maxResponseBytes`, cancelling the stream as soon as it goes over; throws an
 * IntacctProtocolError when it does (every gateway client reads its answers so).
 */
export async function readCappedBody(response: Response, maxResponseBytes: number): Promise<string> {
  const declaredLength = Number(response.headers.get('content-length'));
  if (Number.isFinite(declaredLength) && declaredLength > maxResponseBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(maxResponseBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxResponseBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxResponseBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, received).toString('utf8');
}

/** The X-Ray subsegment of each request to the gateway. */
export const INTACCT_SUBSEGMENT = 'Intacct';

/**
 * POSTs an XML request and returns the status and body. The timeout covers the whole exchange,
 * body included; timeouts and network failures become transient errors. An abort of the caller's
 * `signal` stops the exchange at any point (nothing is sent when it aborted already) and rejects
 * with IntacctTimeoutError. A redirect is refused, never followed. No part of the request (which holds credentials) is ever copied into an error.
 *
 * Traced as an `Intacct` subsegment annotated with `intacctFunction` (the function the request
 * calls, e.g. `query`) and the answer's `httpStatus`: never the URL's query, the body, a session
 * id or a credential.
 */
export function postXml(url: string, requestXml: string, limits: PostLimits, signal?: AbortSignal, intacctFunction?: string): Promise<HttpAnswer> {
  return inSubsegment(
    INTACCT_SUBSEGMENT,
    () => exchange(url, requestXml, limits, signal),
    (answer) => ({ ...(intacctFunction ? { intacctFunction } : {}), ...(answer ? { httpStatus: answer.status } : {}) }),
  );
}

function exchange(url: string, requestXml: string, limits: PostLimits, signal: AbortSignal | undefined): Promise<HttpAnswer> {
  return postOnce(url, { 'Content-Type': 'application/xml' }, requestXml, limits, signal, 'Intacct');
}

/**
 * One POST to an Intacct service (the XML gateway, the REST API), as postXml describes: the timeout
 * covers the whole exchange, the caller's `signal` stops it at any point (IntacctTimeoutError), a
 * redirect is refused, the body is capped, and timeouts and network failures are transient errors
 * named after `service`. Nothing of the request (headers, body: credentials, tokens) reaches an error.
 */
export async function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string,
  limits: PostLimits,
  signal: AbortSignal | undefined,
  service: string,
): Promise<HttpAnswer> {
  if (signal?.aborted) throw abandonedError();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  // Linked by hand rather than with AbortSignal.any: a run-long signal then holds nothing per request.
  const onCallerAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: controller.signal,
      // A redirect would re-send the request, credentials and all, wherever it points (307/308), or
      // fetch any URL (301/302/303). No Intacct service has business redirecting a POST: refuse it.
      redirect: 'manual',
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new IntacctProtocolError(`${service} answered with a redirect (HTTP ${response.status}); redirects are refused`, {
        httpStatus: response.status,
      });
    }
    const text = await readCappedBody(response, limits.maxResponseBytes);
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, body: text, ...(retryAfter === null ? {} : { retryAfter }) };
  } catch (error) {
    if (signal?.aborted) throw abandonedError();
    if (error instanceof IntacctProtocolError) throw error;
    if (timedOut) throw new IntacctTransientError(`${service} did not answer within ${limits.timeoutMs} ms`);
    throw new IntacctTransientError(`${service} request failed: ${networkReason(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** A short, credential-free reason for a network failure (undici puts the socket error in `cause`). */
export function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
    return code ? `${error.message} (${code})` : error.message;
  }
  return 'unknown network error';
}
