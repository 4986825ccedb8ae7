/**
 * How long the connector keeps trying. Without a signal from the caller: a few attempts (the
 * retry policy's maxAttempts). With one (a run's time budget, a route's deadline): retryable
 * failures are retried with capped full-jitter backoff until that signal aborts, and the call then
 * fails with the last real failure, not a timeout. A scripted company is rate limited for 30 s of
 * a fake clock that only the connector's waits move, so no test waits for real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import { type GatewaySettings, XmlGatewaySourceFactory } from '#intacct/source';
import { failureOf, recordNos } from '../support/async';
import { customers, type ParsedRequest, type ScriptedCompany, startScriptedCompany } from './support/scripted-company';
import type { ScriptedAnswer } from './support/scripted-gateway';

const LOGIN = { companyId: 'BUDGET-CO', userId: 'api_sync', userPassword: 'budget-pass' };
const RATE_LIMIT_LASTS_MS = 30_000;
const RECORDS = 25;
const PAGE_SIZE = 10;

const RATE_LIMITED: ScriptedAnswer = {
  status: 429,
  body: '<?xml version="1.0" encoding="UTF-8"?><response><control><status>failure</status></control><errormessage><error><errorno>GW-0010</errorno><description>Too many requests</description></error></errormessage></response>',
};
const UNAVAILABLE: ScriptedAnswer = { status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' };

let company: ScriptedCompany | undefined;
afterEach(async () => {
  await company?.close();
  company = undefined;
});

/** A fake clock moved only by the connector's waits, and a company whose answers may depend on it. */
async function setUp(fault: (request: ParsedRequest, nowMs: number) => ScriptedAnswer | undefined, settings: Partial<GatewaySettings> = {}) {
  const clock = { nowMs: 0, waits: 0, waitsMs: [] as number[] };
  company = await startScriptedCompany({
    records: { CUSTOMER: customers(RECORDS) },
    intercept: (request) => fault(request, clock.nowMs),
  });
  const factory = new XmlGatewaySourceFactory({
    endpointUrl: company.endpointUrl,
    senderId: 'psaVendor',
    senderPassword: 'sender-pass',
    sleep: async (ms) => {
      clock.nowMs += ms;
      clock.waits += 1;
      clock.waitsMs.push(ms);
    },
    ...settings,
  });
  return { clock, company, source: factory.forLogin(LOGIN) };
}

const everyRecordNo = Array.from({ length: RECORDS }, (_, index) => String(index + 1));
const queriesRateLimited = (request: ParsedRequest, nowMs: number) =>
  request.functionName === 'query' && nowMs < RATE_LIMIT_LASTS_MS ? RATE_LIMITED : undefined;

describe('a listing facing a rate limit that lasts 30 s', () => {
  it('completes when the caller passes a signal (its time budget), however many attempts it takes', async () => {
    const { clock, company: server, source } = await setUp(queriesRateLimited);
    const budget = new AbortController();

    const listed = await recordNos(source.listCustomers({ pageSize: PAGE_SIZE, signal: budget.signal }));

    expect(listed).toEqual(everyRecordNo);
    expect(clock.nowMs).toBeGreaterThanOrEqual(RATE_LIMIT_LASTS_MS);
    // Far more than the 6 attempts a call without a signal gets.
    expect(clock.waits).toBeGreaterThan(6);
    expect(server.queries().length).toBeGreaterThan(6);
  });

  it('fails after the attempt limit (about 6 s of waiting) without a caller signal', async () => {
    const { clock, company: server, source } = await setUp(queriesRateLimited);

    const error = await failureOf(recordNos(source.listCustomers({ pageSize: PAGE_SIZE })));

    expect(error).toBeInstanceOf(IntacctFailure);
    expect(error).toMatchObject({ code: 'intacct_rate_limited' });
    expect(server.queries()).toHaveLength(6);
    expect(clock.nowMs).toBeLessThan(RATE_LIMIT_LASTS_MS);
  });

  it('fails after the attempt limit with a signal when the caller opts out (retryUntilAborted: false)', async () => {
    const { company: server, source } = await setUp(queriesRateLimited);

    const error = await failureOf(
      recordNos(source.listCustomers({ pageSize: PAGE_SIZE, signal: new AbortController().signal, retryUntilAborted: false })),
    );

    expect(error).toMatchObject({ code: 'intacct_rate_limited' });
    expect(server.queries()).toHaveLength(6);
  });

  it('waits at most the capped backoff between attempts', async () => {
    const { clock, source } = await setUp(queriesRateLimited, { retry: { untilAbortedMaxDelayMs: 4_000 }, random: () => 0.999 });

    const listed = await recordNos(source.listCustomers({ pageSize: PAGE_SIZE, signal: new AbortController().signal }));

    expect(listed).toEqual(everyRecordNo);
    expect(Math.max(...clock.waitsMs)).toBeLessThan(4_000);
    expect(Math.max(...clock.waitsMs)).toBeGreaterThan(3_900);
  });
});

describe("when the caller's signal aborts during the retries", () => {
  const alwaysUnavailable = (request: ParsedRequest) => (request.functionName === 'query' ? UNAVAILABLE : undefined);

  it('a listing fails with the last real failure (intacct_unavailable), not intacct_timeout', async () => {
    const budget = new AbortController();
    const { clock, source } = await setUp(alwaysUnavailable, {
      sleep: async (ms) => {
        clock.nowMs += ms;
        if (clock.nowMs > 60_000) budget.abort();
      },
    });

    const error = await failureOf(recordNos(source.listCustomers({ pageSize: PAGE_SIZE, signal: budget.signal })));

    expect(error).toBeInstanceOf(IntacctFailure);
    expect(error).toMatchObject({ code: 'intacct_unavailable' });
  });

  it.each([
    [
      'browseCustomers',
      (source: ReturnType<XmlGatewaySourceFactory['forLogin']>, signal: AbortSignal) => source.browseCustomers({ limit: 3 }, { signal }),
    ],
    [
      'existingRecordNos',
      (source: ReturnType<XmlGatewaySourceFactory['forLogin']>, signal: AbortSignal) => source.existingRecordNos('customer', ['1', '2'], { signal }),
    ],
    [
      'customersById',
      (source: ReturnType<XmlGatewaySourceFactory['forLogin']>, signal: AbortSignal) => recordNos(source.customersById(['C-001'], { signal })),
    ],
  ])('%s fails with the last real failure too', async (_name, call) => {
    const budget = new AbortController();
    let waited = 0;
    const { source } = await setUp(alwaysUnavailable, {
      sleep: async () => {
        waited += 1;
        if (waited === 12) budget.abort();
      },
    });

    expect(await failureOf(call(source, budget.signal))).toMatchObject({ code: 'intacct_unavailable' });
  });

  it('a call aborted before anything went wrong still fails with intacct_timeout', async () => {
    const { source } = await setUp(() => undefined);

    expect(await failureOf(source.browseCustomers({ limit: 3 }, { signal: AbortSignal.abort() }))).toMatchObject({ code: 'intacct_timeout' });
  });
});

describe('session openings', () => {
  const sessionsRateLimited = (request: ParsedRequest, nowMs: number) =>
    request.functionName === 'getAPISession' && nowMs < RATE_LIMIT_LASTS_MS ? RATE_LIMITED : undefined;

  it("retry only a few times on their own: the session cache's signal does not make a call without a signal wait longer", async () => {
    const { company: server, source } = await setUp(sessionsRateLimited);

    const error = await failureOf(source.browseCustomers({ limit: 3 }));

    expect(error).toMatchObject({ code: 'intacct_rate_limited' });
    expect(server.parsed.filter((request) => request.functionName === 'getAPISession')).toHaveLength(6);
  });

  it('are tried again, after a backoff, for a call that waits until its signal aborts', async () => {
    const { clock, company: server, source } = await setUp(sessionsRateLimited);

    const browsed = await source.browseCustomers({ limit: 3 }, { signal: new AbortController().signal });

    expect(browsed.map((record) => record.RECORDNO)).toEqual(['1', '2', '3']);
    expect(clock.nowMs).toBeGreaterThanOrEqual(RATE_LIMIT_LASTS_MS);
    expect(server.parsed.filter((request) => request.functionName === 'getAPISession').length).toBeGreaterThan(6);
  });

  it('verifyCredentials with a signal waits out a rate limit too, but not a refusal', async () => {
    const { source } = await setUp(sessionsRateLimited);

    await expect(source.verifyCredentials({ signal: new AbortController().signal })).resolves.toBeUndefined();
  });
});
