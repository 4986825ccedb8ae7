/**
 * The error answers production Intacct gives besides the classic three status levels, each from a
 * fixture of our own in the documented or recorded shape, through the client (retried or not,
 * which IntacctError kind) and through the source (which domain code, which message):
 *
 * - control-level `invalidRequest` "Invalid Request" (a wrong company id)        → authentication
 * - HTTP 400 with GW-0011 "Invalid Request [Request ID: ...]" (developer docs)  → authentication
 * - HTTP 401 with control-level XMLGW_JPP0002, text in `description` only       → authentication
 * - HTTP 200 whose result says "API rate limit exceeded"                        → rate_limit, retried
 * - result-level "The service is temporarily off-line"                          → transient, retried
 * - Cloudflare HTML pages at 403 (blocked) and 200 (challenge)                   → transient, retried
 * - Retry-After (seconds or HTTP date) is the wait before the next attempt, bounded
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import { IntacctClient, type IntacctClientOptions } from '#intacct/client';
import {
  IntacctAuthenticationError,
  type IntacctError,
  IntacctQueryError,
  IntacctRateLimitError,
  IntacctTransientError,
  MAX_INTACCT_TEXT_BYTES,
  parseRetryAfter,
} from '#intacct/errors';
import { sleepMs } from '#intacct/retry';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { collect, failureOf } from '../support/async';
import { listAnswer, type ScriptedAnswer, type ScriptedGateway, sessionAnswer, startScriptedGateway } from './support/scripted-gateway';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/intacct/${name}`, import.meta.url), 'utf8');
}

const XML = 'text/xml; encoding="UTF-8";charset=UTF-8';
const HTML = 'text/html; charset=UTF-8';
const answer = (name: string, status = 200, headers?: Record<string, string>): ScriptedAnswer => ({
  status,
  body: fixture(name),
  contentType: name.endsWith('.html') ? HTML : XML,
  ...(headers ? { headers } : {}),
});
const LOGIN = { companyId: 'LAKESIDE-DEMO', userId: 'api_sync', userPassword: 'user-Pa55-word' };
const QUERY = { object: 'CUSTOMER', fields: ['RECORDNO', 'NAME'], orderBy: [{ field: 'RECORDNO' }] };
const MAX_ATTEMPTS = 3;

let gateway: ScriptedGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

interface Harness {
  gateway: ScriptedGateway;
  client: IntacctClient;
  factory: XmlGatewaySourceFactory;
  slept: number[];
}

async function harness(script: ScriptedAnswer[], options: Partial<IntacctClientOptions> = {}): Promise<Harness> {
  gateway = await startScriptedGateway(script);
  const slept: number[] = [];
  const settings = {
    endpointUrl: gateway.endpointUrl,
    retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 2 },
    sleep: async (ms: number) => {
      slept.push(ms);
    },
    ...options,
  };
  const client = new IntacctClient({ ...settings, credentials: { senderId: 'psaVendor', senderPassword: 'sender-Pa55-word', ...LOGIN } });
  const factory = new XmlGatewaySourceFactory({ ...settings, senderId: 'psaVendor', senderPassword: 'sender-Pa55-word' });
  return { gateway, client, factory, slept };
}

describe('credentials refused, never retried', () => {
  it.each([
    [
      'a control-level invalidRequest (wrong company id) at HTTP 200',
      answer('error-control-invalid-request.xml'),
      'invalidRequest',
      'Invalid Request',
    ],
    ['a control-level invalidRequest at HTTP 400', answer('error-control-invalid-request.xml', 400), 'invalidRequest', 'Invalid Request'],
    ['GW-0011 at HTTP 400', answer('error-gateway-invalid-request.xml', 400), 'GW-0011', 'Invalid Request [Request ID: 0A1B2C3D:4E5F_6A7B8C9D.12]'],
    [
      'XMLGW_JPP0002 at HTTP 401',
      answer('error-gateway-sign-in.xml', 401),
      'XMLGW_JPP0002',
      'Sign-in information is incorrect. Please check your request.',
    ],
  ])('%s is an authentication error after one request', async (_label, refusal, errorno, description) => {
    const { client, gateway: server } = await harness([refusal, sessionAnswer('never-used')]);

    const error = await failureOf(client.verifyCredentials());

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(error).toMatchObject({ kind: 'authentication', retryable: false, errorno, description });
    expect((error as Error).message).toContain(description);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['error-control-invalid-request.xml', 200, 'Invalid Request'],
    ['error-gateway-invalid-request.xml', 400, 'Invalid Request [Request ID: 0A1B2C3D:4E5F_6A7B8C9D.12]'],
    ['error-gateway-sign-in.xml', 401, 'Sign-in information is incorrect. Please check your request'],
  ])("the source answers %s (HTTP %i) with intacct_auth_failed and Intacct's description", async (name, status, text) => {
    const { factory, gateway: server } = await harness([answer(name, status)]);
    const source = factory.forLogin(LOGIN);

    const error = await failureOf(source.verifyCredentials({ signal: new AbortController().signal }));

    expect(error).toBeInstanceOf(IntacctFailure);
    expect(error).toMatchObject({ code: 'intacct_auth_failed' });
    expect((error as Error).message).toBe(`Sage Intacct refused the sign-in: ${text}. Check the company id, user id and password.`);
    // Not retried even when the caller would wait for a retry until its signal aborts.
    expect(server.requests).toHaveLength(1);
  });
});

describe('rate limits and outages answered in the body, retried', () => {
  it.each([
    ['"API rate limit exceeded" in an HTTP 200 result', answer('error-result-rate-limit.xml'), IntacctRateLimitError, 'rate_limit'],
    ['a result-level "temporarily off-line"', answer('error-result-offline.xml'), IntacctTransientError, 'transient'],
    ['a Cloudflare block page at HTTP 403', answer('cloudflare-403.html', 403), IntacctTransientError, 'transient'],
    ['a Cloudflare challenge page at HTTP 200', answer('cloudflare-challenge.html'), IntacctTransientError, 'transient'],
  ])('%s is retried and the listing completes', async (_label, failure, _type, _kind) => {
    const {
      client,
      gateway: server,
      slept,
    } = await harness([sessionAnswer('s-1'), failure, listAnswer('query', ['Only One'], { totalcount: 1, offset: 0, numremaining: 0 })]);

    const pages = await collect(client.query(QUERY));

    expect(pages.flatMap((page) => page.records.map((record) => record.NAME))).toEqual(['Only One']);
    expect(server.requests).toHaveLength(3);
    expect(slept).toHaveLength(1);
  });

  it.each([
    ['"API rate limit exceeded" in an HTTP 200 result', answer('error-result-rate-limit.xml'), IntacctRateLimitError, 'intacct_rate_limited'],
    ['a result-level "temporarily off-line"', answer('error-result-offline.xml'), IntacctTransientError, 'intacct_unavailable'],
    ['a Cloudflare block page at HTTP 403', answer('cloudflare-403.html', 403), IntacctTransientError, 'intacct_unavailable'],
    ['a Cloudflare challenge page at HTTP 200', answer('cloudflare-challenge.html'), IntacctTransientError, 'intacct_unavailable'],
  ])('%s that lasts fails after the attempt limit as %o, and the source says %s', async (_label, failure, type, code) => {
    const script = [sessionAnswer('s-1'), ...Array.from({ length: MAX_ATTEMPTS }, () => failure)];
    const { client } = await harness(script);

    const error = await failureOf(collect(client.query(QUERY)));
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ retryable: true });

    await gateway!.close();
    const { factory, gateway: server } = await harness(script);
    const sourceError = await failureOf(factory.forLogin(LOGIN).browseCustomers({ limit: 5 }));
    expect(sourceError).toMatchObject({ code });
    expect(server.requests).toHaveLength(1 + MAX_ATTEMPTS);
  });
});

describe('Intacct text in messages', () => {
  it('uses description when an error has no description2', async () => {
    const { factory } = await harness([sessionAnswer('s-1'), answer('error-result-description-only.xml')]);

    const error = await failureOf(factory.forLogin(LOGIN).browseCustomers({ limit: 5 }));

    expect(error).toMatchObject({ code: 'intacct_query_failed' });
    expect((error as Error).message).toBe('Sage Intacct could not answer the request: Unknown object in the select list.');
  });

  it('prefers description2 when there is one', async () => {
    const { factory } = await harness([sessionAnswer('s-1'), answer('error-result-query.xml')]);

    const error = await failureOf(factory.forLogin(LOGIN).browseCustomers({ limit: 5 }));

    expect((error as Error).message).toContain('Invalid field: CUSTNAME on object CUSTOMER');
  });

  it('caps the Intacct text that reaches an error or a message at 1 KB', async () => {
    const huge = `Invalid field: ${'Ø'.repeat(4_000)}`;
    const body = fixture('error-result-query.xml').replace(/<description2>[^<]*<\/description2>/, `<description2>${huge}</description2>`);
    const { client } = await harness([sessionAnswer('s-1'), { body }, sessionAnswer('s-2'), { body }]);

    const error = (await failureOf(collect(client.query(QUERY)))) as IntacctError;
    expect(error).toBeInstanceOf(IntacctQueryError);
    expect(Buffer.byteLength(error.description2!, 'utf8')).toBeLessThanOrEqual(MAX_INTACCT_TEXT_BYTES);
    expect(error.description2!.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(error.message, 'utf8')).toBeLessThan(MAX_INTACCT_TEXT_BYTES + 100);

    await gateway!.close();
    const { factory } = await harness([sessionAnswer('s-1'), { body }]);
    const failure = (await failureOf(factory.forLogin(LOGIN).browseCustomers({ limit: 5 }))) as Error;
    expect(Buffer.byteLength(failure.message, 'utf8')).toBeLessThan(MAX_INTACCT_TEXT_BYTES + 100);
  });
});

describe('Retry-After', () => {
  const RATE_LIMITED = (retryAfter: string): ScriptedAnswer => ({
    status: 429,
    body: '<?xml version="1.0" encoding="UTF-8"?><response><control><status>failure</status></control><errormessage><error><errorno>GW-0010</errorno><description>Too many requests</description></error></errormessage></response>',
    headers: { 'Retry-After': retryAfter },
  });
  const DONE = listAnswer('query', ['A'], { totalcount: 1, offset: 0, numremaining: 0 });

  it('in seconds is the wait before the next attempt', async () => {
    const { client, slept } = await harness([sessionAnswer('s-1'), RATE_LIMITED('7'), DONE]);

    await collect(client.query(QUERY));

    expect(slept).toEqual([7_000]);
  });

  it('as an HTTP date is the wait until then', async () => {
    const inTwentySeconds = new Date(Date.now() + 20_000).toUTCString();
    const { client, slept } = await harness([sessionAnswer('s-1'), RATE_LIMITED(inTwentySeconds), DONE]);

    await collect(client.query(QUERY));

    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(15_000);
    expect(slept[0]).toBeLessThanOrEqual(20_000);
  });

  it('is bounded by retry.maxRetryAfterMs', async () => {
    const { client, slept } = await harness([sessionAnswer('s-1'), RATE_LIMITED('86400'), DONE], {
      retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 45_000 },
    });

    await collect(client.query(QUERY));

    expect(slept).toEqual([45_000]);
  });

  it("never waits past the caller's signal: the call ends with the rate limit when the signal aborts", async () => {
    // Real waits: an hour asked for, and honoured up to an hour, but the caller gives up first.
    // The real sleep, which also tells when the client has read the rate limit and starts waiting it out.
    let waiting: () => void = () => {};
    const waitingOut = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const { factory, gateway: server } = await harness([sessionAnswer('s-1'), RATE_LIMITED('3600'), DONE], {
      retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 3_600_000 },
      sleep: (ms, signal) => {
        waiting();
        return sleepMs(ms, signal);
      },
    });
    const source = factory.forLogin(LOGIN);
    const controller = new AbortController();
    const browsing = failureOf(source.browseCustomers({ limit: 5 }, { signal: controller.signal }));
    await waitingOut;

    controller.abort();

    expect(await browsing).toMatchObject({ code: 'intacct_rate_limited' });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['120', 0, 120_000],
    [' 0 ', 0, 0],
    ['Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:30 GMT'), 30_000],
    ['Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 08:00:00 GMT'), 0],
    ['soon', 0, undefined],
    ['-5', 0, undefined],
    [undefined, 0, undefined],
  ])('parseRetryAfter(%j) at %i is %s', (header, now, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
