/**
 * Sage Intacct's token endpoint, as a confidential client (HTTP Basic, RFC 6749 §2.3.1): the code
 * exchange (with the PKCE verifier) and the refresh. Answers are parsed strictly and capped in size.
 *
 * Only a 429 is retried (bounded, honouring Retry-After): the server did not act on that request.
 * A 5xx, a timeout or a network failure is not: a refresh the server did act on has rotated the
 * refresh token, and sending the old one again could only be refused; the caller sees
 * `intacct_unavailable` and tries again later from the stored token.
 *
 * No token, code, verifier or client secret is ever put into an error message or logged: the
 * server's own error_description is kept (capped) with any of them that it echoes redacted.
 */
import { z } from 'zod';
import { IntacctFailure } from '#domain/errors';
import { IntacctProtocolError, parseRetryAfter } from '#intacct/errors';
import { networkReason, readCappedBody } from '#intacct/http-transport';
import type { CodeExchange, OAuthTokenEndpoint, OAuthTokens } from '#ports/intacct-oauth';

export interface TokenEndpointConfig {
  /** e.g. https://api.intacct.com/ia/api/v1/oauth2/token */
  tokenUrl: string;
  /** e.g. https://api.intacct.com/ia/api/v1/oauth2/revoke (RFC 7009) */
  revokeUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface TokenClientOptions {
  fetch?: typeof fetch;
  /** One request, body included. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Attempts in all when the endpoint answers 429. */
  maxAttempts?: number;
  /** First backoff after a 429 without Retry-After; doubled each time, full jitter. */
  baseDelayMs?: number;
  /** The longest wait a Retry-After can ask for and get. */
  maxRetryAfterMs?: number;
  /** Epoch milliseconds, for expires_in and an HTTP-date Retry-After. */
  now?: () => number;
  random?: () => number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** A token answer is a few kilobytes at most (a JWT and an opaque token). */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
const MAX_DESCRIPTION_CHARS = 300;
const MS_PER_SECOND = 1000;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR = 500;
const RECONNECT = 'A tenant admin must reconnect to Sage Intacct (Integrations → Connect with Sage Intacct).';

/** RFC 6749 §5.1: the members we use, checked; any other (id_token, vendor fields) ignored, as §5.1 requires of clients. */
const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** RFC 6749 §5.2; extra members (error_uri, vendor fields) are ignored, never shown. */
const errorAnswerSchema = z.object({ error: z.string().min(1).max(100), error_description: z.string().optional() });

type Grant = { kind: 'code'; request: CodeExchange } | { kind: 'refresh'; refreshToken: string };

export class IntacctTokenClient implements OAuthTokenEndpoint {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly config: TokenEndpointConfig,
    options: TokenClientOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async exchangeCode(request: CodeExchange, signal?: AbortSignal): Promise<OAuthTokens> {
    const answer = await this.request({ kind: 'code', request }, signal);
    if (answer.refresh_token === undefined) {
      throw new IntacctFailure('intacct_auth_failed', `Sage Intacct granted no offline access (no refresh token). ${RECONNECT}`);
    }
    return this.tokensOf(answer, answer.refresh_token);
  }

  /** RFC 6749 §6 lets the server keep the refresh token: then the one sent stays the current one. */
  async refresh(refreshToken: string, signal?: AbortSignal): Promise<OAuthTokens> {
    const answer = await this.request({ kind: 'refresh', refreshToken }, signal);
    return this.tokensOf(answer, answer.refresh_token ?? refreshToken);
  }

  /** RFC 7009 §2: revokes the grant; 200 whether or not the token was still valid. */
  async revoke(refreshToken: string, signal?: AbortSignal): Promise<void> {
    const form = new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' });
    const answer = await this.post(this.config.revokeUrl, form, signal);
    if (answer.status >= 200 && answer.status < 300) return;
    if (answer.status === HTTP_TOO_MANY_REQUESTS || answer.status >= HTTP_SERVER_ERROR) {
      throw new IntacctFailure('intacct_unavailable', `Sage Intacct's revocation endpoint failed (HTTP ${answer.status}); try again later.`);
    }
    throw failureOf(answer, [refreshToken, this.config.clientSecret]);
  }

  private tokensOf(answer: z.infer<typeof tokenAnswerSchema>, refreshToken: string): OAuthTokens {
    return { accessToken: answer.access_token, refreshToken, accessTokenExpiresAt: this.now() + answer.expires_in * MS_PER_SECOND };
  }

  private async request(grant: Grant, signal: AbortSignal | undefined): Promise<z.infer<typeof tokenAnswerSchema>> {
    const form =
      grant.kind === 'code'
        ? new URLSearchParams({
            grant_type: 'authorization_code',
            code: grant.request.code,
            redirect_uri: grant.request.redirectUri,
            code_verifier: grant.request.verifier,
          })
        : new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    const secrets =
      grant.kind === 'code' ? [grant.request.code, grant.request.verifier, this.config.clientSecret] : [grant.refreshToken, this.config.clientSecret];
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted) throw abandoned();
      const answer = await this.post(this.config.tokenUrl, form, signal);
      if (answer.status === HTTP_TOO_MANY_REQUESTS) {
        if (attempt >= this.maxAttempts) {
          throw new IntacctFailure(
            'intacct_rate_limited',
            `Sage Intacct's token endpoint is rate limiting (HTTP 429 after ${attempt} attempts); try again later.`,
          );
        }
        await wait(this.retryDelayMs(attempt, answer.retryAfter), signal);
        continue;
      }
      if (answer.status >= HTTP_SERVER_ERROR) {
        throw new IntacctFailure('intacct_unavailable', `Sage Intacct's token endpoint failed (HTTP ${answer.status}); try again later.`);
      }
      if (answer.status >= 200 && answer.status < 300) return parseTokenAnswer(answer.body);
      throw failureOf(answer, secrets);
    }
  }

  private retryDelayMs(attempt: number, retryAfter: string | null): number {
    const asked = parseRetryAfter(retryAfter, this.now());
    if (asked !== undefined) return Math.min(asked, this.maxRetryAfterMs);
    return Math.floor(this.random() * this.baseDelayMs * 2 ** (attempt - 1));
  }

  private async post(
    url: string,
    form: URLSearchParams,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; body: string; retryAfter: string | null }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: basicAuthorization(this.config.clientId, this.config.clientSecret),
        },
        body: form.toString(),
        signal: controller.signal,
        // A redirect would carry the client credentials and the grant wherever it points.
        redirect: 'manual',
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw new IntacctFailure(
          'intacct_protocol_error',
          `Sage Intacct's token endpoint answered with a redirect (HTTP ${response.status}); refused.`,
        );
      }
      const body = await readCappedBody(response, this.maxResponseBytes);
      return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      if (error instanceof IntacctFailure) throw error;
      if (signal?.aborted) throw abandoned();
      if (error instanceof IntacctProtocolError) {
        throw new IntacctFailure('intacct_protocol_error', `Sage Intacct's token answer exceeds ${this.maxResponseBytes} bytes; refused.`);
      }
      if (timedOut) throw new IntacctFailure('intacct_unavailable', `Sage Intacct's token endpoint did not answer within ${this.timeoutMs} ms.`);
      // The error's own text (a socket error) carries nothing of the request.
      throw new IntacctFailure('intacct_unavailable', `Sage Intacct's token endpoint could not be reached (${networkReason(error)}).`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }
}

/** RFC 6749 §2.3.1: id and secret each form-urlencoded, then joined by a colon and base64-encoded. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function parseTokenAnswer(body: string): z.infer<typeof tokenAnswerSchema> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new IntacctFailure('intacct_protocol_error', "Sage Intacct's token answer is not JSON.");
  }
  const parsed = tokenAnswerSchema.safeParse(json);
  // The issues name paths and expectations only, never the values (which are tokens).
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
    throw new IntacctFailure('intacct_protocol_error', `Sage Intacct's token answer has an unexpected shape (${paths}).`);
  }
  return parsed.data;
}

function failureOf(answer: { status: number; body: string }, secrets: readonly string[]): IntacctFailure {
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  const parsed = errorAnswerSchema.safeParse(json);
  if (!parsed.success)
    return new IntacctFailure('intacct_protocol_error', `Sage Intacct's token endpoint refused with HTTP ${answer.status} and no OAuth error.`);
  const { error } = parsed.data;
  const description = parsed.data.error_description ? ` (${redact(parsed.data.error_description, secrets)})` : '';
  if (error === 'invalid_grant') {
    return new IntacctFailure('intacct_auth_failed', `Sage Intacct no longer accepts this connection's grant${description}. ${RECONNECT}`, error);
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return new IntacctFailure(
      'intacct_auth_failed',
      `Sage Intacct refused this service's OAuth client (${error}); check its client id and secret.`,
      error,
    );
  }
  return new IntacctFailure(
    'intacct_protocol_error',
    `Sage Intacct's token endpoint refused the request: ${redact(error, secrets)}${description}.`,
    error,
  );
}

/** Cuts the server's text and blanks any secret the request carried, should the server echo one. */
function redact(text: string, secrets: readonly string[]): string {
  let safe = text;
  for (const secret of secrets) if (secret !== '') safe = safe.split(secret).join('[redacted]');
  return safe.length > MAX_DESCRIPTION_CHARS ? `${safe.slice(0, MAX_DESCRIPTION_CHARS)}…` : safe;
}

function abandoned(): IntacctFailure {
  return new IntacctFailure('intacct_timeout', 'The Sage Intacct token request was abandoned: its deadline passed.');
}

/** Waits, or rejects with the timeout failure as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abandoned());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abandoned());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
