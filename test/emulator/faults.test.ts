import { XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FaultSettings, RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { parseAnswer, queryXml, requestXml, TestGateway } from './gateway-client';

const customers = queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'NAME'], pagesize: 10 });
const LATENCY_BASE_MS = 300;
const LATENCY_PER_RECORD_MS = 20;
const HOLD_MS = 2000;

describe('faults, latency, concurrency and stats', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  async function control(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${emulator.baseUrl}/__emulator/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, json: await response.json() };
  }

  async function expectHealthy(): Promise<void> {
    const result = await gateway.result(customers);
    expect(result.status).toBe('success');
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [
        { companyId: 'F1', userId: 'u', userPassword: 'p', customers: 30, seed: 1 },
        { companyId: 'F2', userId: 'u', userPassword: 'p', customers: 5, seed: 2 },
        { companyId: 'SOLO', userId: 'u', userPassword: 'p', customers: 5, seed: 3, concurrencyLimit: 1 },
      ],
    });
    gateway = new TestGateway(emulator);
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    vi.useRealTimers();
    emulator.clearFaults();
  });

  /** Posts one query and answers the HTTP status, the Retry-After header and the body. */
  async function postRaw(): Promise<{ status: number; retryAfter: string | null; contentType: string; text: string }> {
    const response = await fetch(emulator.endpointUrl, { method: 'POST', body: requestXml(emulator, gateway.login, [{ xml: customers }]) });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  }

  it('http500: answers a Cloudflare-style HTML page, then recovers', async () => {
    await control('faults', { failNext: [{ kind: 'http500', count: 1 }] });

    const answer = await gateway.post([{ xml: customers }]);

    expect(answer.status).toBe(500);
    expect(answer.contentType).toMatch(/text\/html/);
    expect(answer.text).toMatch(/<html/);
    expect(answer.text).not.toMatch(/<response>/);
    await expectHealthy();
  });

  it('http429: answers a GW-0010 rate-limit error', async () => {
    emulator.setFaults({ failNext: [{ kind: 'http429', count: 1 }] });

    const answer = await gateway.post([{ xml: customers }]);

    expect(answer.status).toBe(429);
    expect(parseAnswer(answer.text).response.errormessage.error[0].errorno).toBe('GW-0010');
  });

  it('http429 and http503: send Retry-After only when the fault gives retryAfterSeconds', async () => {
    emulator.setFaults({
      failNext: [{ kind: 'http429', retryAfterSeconds: 7 }, { kind: 'http429' }, { kind: 'http503', retryAfterSeconds: 120 }, { kind: 'http503' }],
    });

    const answers = [await postRaw(), await postRaw(), await postRaw(), await postRaw()];

    expect(answers.map((answer) => [answer.status, answer.retryAfter])).toEqual([
      [429, '7'],
      [429, null],
      [503, '120'],
      [503, null],
    ]);
    expect(parseAnswer(answers[0]!.text).response.errormessage.error[0].errorno).toBe('GW-0010');
    expect(answers[2]!.contentType).toMatch(/text\/html/);
    await expectHealthy();
  });

  it('rateLimitResult: HTTP 200 with a result-level "API rate limit exceeded" (BL01001973 unless errorno says)', async () => {
    emulator.setFaults({ failNext: [{ kind: 'rateLimitResult' }, { kind: 'rateLimitResult', errorno: 'GW-0010' }] });

    const first = await postRaw();
    const second = await gateway.result(customers);

    const result = parseAnswer(first.text).response.operation.result[0];
    expect(first.status).toBe(200);
    expect(parseAnswer(first.text).response.control.status).toBe('success');
    expect(result.status).toBe('failure');
    expect(result.errormessage.error[0]).toMatchObject({ errorno: 'BL01001973', description: 'API rate limit exceeded' });
    expect(result.errormessage.error[0].description2).toMatch(/^API rate limit exceeded\. \[Support ID: /);
    expect(second.errormessage.error[0]).toMatchObject({ errorno: 'GW-0010', description: 'API rate limit exceeded' });
    await expectHealthy();
  });

  it('offlineResult: a result-level "temporarily off-line" error in an HTTP 200 answer', async () => {
    emulator.setFaults({ failNext: [{ kind: 'offlineResult' }] });

    const answer = await postRaw();

    const result = parseAnswer(answer.text).response.operation.result[0];
    expect(answer.status).toBe(200);
    expect(result.status).toBe('failure');
    expect(result.errormessage.error[0]).toMatchObject({ errorno: 'BL01001973', description: 'The service is temporarily off-line' });
    expect(result.errormessage.error[0].description2).toMatch(/temporarily off-line/);
  });

  it.each([
    ['cloudflare403', 403],
    ['cloudflare200', 200],
  ] as const)('%s: a Cloudflare HTML page at HTTP %i, not XML', async (kind, status) => {
    emulator.setFaults({ failNext: [{ kind }] });

    const answer = await postRaw();

    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/text\/html/);
    expect(answer.text).toMatch(/^<!DOCTYPE html>/);
    expect(answer.text).toMatch(/Cloudflare Ray ID/);
    expect(answer.text).not.toContain('<response>');
    await expectHealthy();
  });

  it('rateLimitForMs: answers every request with 429 until the time has passed, then the queued faults', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    await control('faults', { rateLimitForMs: 30_000, rateLimitRetryAfterSeconds: 30, failNext: [{ kind: 'http500' }] });

    const during = [await postRaw(), await postRaw()];
    vi.setSystemTime(start + 29_999);
    const late = await postRaw();
    vi.setSystemTime(start + 30_000);
    const after = await postRaw();
    const healthy = await postRaw();

    expect(during.map((answer) => [answer.status, answer.retryAfter])).toEqual([
      [429, '30'],
      [429, '30'],
    ]);
    expect(parseAnswer(during[0]!.text).response.errormessage.error[0].errorno).toBe('GW-0010');
    expect(late.status).toBe(429);
    expect(after.status).toBe(500);
    expect(healthy.status).toBe(200);
  });

  it('rateLimitForMs 0 ends a timed rate limit early; reset ends it too', async () => {
    emulator.setFaults({ rateLimitForMs: 60_000 });
    const limited = await postRaw();
    emulator.setFaults({ rateLimitForMs: 0 });
    const ended = await postRaw();
    await control('faults', { rateLimitForMs: 60_000 });
    await control('reset');

    expect([limited.status, limited.retryAfter, ended.status]).toEqual([429, null, 200]);
    await expectHealthy();
  });

  it('timeout: never answers until the client gives up', async () => {
    emulator.setFaults({ failNext: [{ kind: 'timeout', count: 1 }] });

    const pending = fetch(emulator.endpointUrl, { method: 'POST', body: '<x/>', signal: AbortSignal.timeout(LATENCY_BASE_MS) });

    await expect(pending).rejects.toThrow();
    await expectHealthy();
  });

  it('reset: destroys the connection without an answer', async () => {
    emulator.setFaults({ failNext: [{ kind: 'reset', count: 1 }] });

    await expect(gateway.post([{ xml: customers }])).rejects.toThrow();
    await expectHealthy();
  });

  it('truncated: a real answer cut part-way', async () => {
    emulator.setFaults({ failNext: [{ kind: 'truncated', count: 1 }] });

    const answer = await gateway.post([{ xml: customers }]);

    expect(answer.status).toBe(200);
    expect(answer.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(answer.text).toContain('<CUSTOMER>');
    expect(answer.text).not.toContain('</response>');
    expect(XMLValidator.validate(answer.text)).not.toBe(true);
  });

  it('malformed: mismatched tags', async () => {
    emulator.setFaults({ failNext: [{ kind: 'malformed', count: 1 }] });

    const answer = await gateway.post([{ xml: customers }]);

    const validation = XMLValidator.validate(answer.text);
    expect(answer.status).toBe(200);
    expect(validation === true ? '' : validation.err.code).toBe('InvalidTag');
  });

  it('xmlError: XL03000009 only after its cause, in an aborted result; another errorno alone', async () => {
    emulator.setFaults({
      failNext: [
        { kind: 'xmlError', count: 1 },
        { kind: 'xmlError', errorno: 'XL03000009', count: 1 },
        { kind: 'xmlError', errorno: 'PL04000005', count: 1 },
      ],
    });

    const byDefault = await gateway.result(customers);
    const named = await gateway.result(customers);
    const other = await gateway.result(customers);

    for (const result of [byDefault, named]) {
      expect(result.status).toBe('aborted');
      expect(result.errormessage.error.map((error: { errorno: string }) => error.errorno)).toEqual(['BL01001973', 'XL03000009']);
      expect(result.errormessage.error[1].description2).toMatch(/rolled back/);
    }
    expect([other.status, other.errormessage.error.map((error: { errorno: string }) => error.errorno)]).toEqual(['failure', ['PL04000005']]);
    await expectHealthy();
  });

  it('doctype: an answer carrying a billion-laughs DOCTYPE', async () => {
    emulator.setFaults({ failNext: [{ kind: 'doctype', count: 1 }] });

    const answer = await gateway.post([{ xml: customers }]);

    expect(answer.text).toMatch(/^<\?xml[^>]*>\s*<!DOCTYPE response \[/);
    expect(answer.text).toContain('<!ENTITY lol9');
    expect(answer.text).toContain('&lol9;');
  });

  it('consumes failNext entries in order, count times each', async () => {
    emulator.setFaults({
      failNext: [
        { kind: 'http500', count: 2 },
        { kind: 'http429', count: 1 },
      ],
    });

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await gateway.post([{ xml: customers }])).status);

    expect(statuses).toEqual([500, 500, 429, 200]);
  });

  it('clears pending faults on POST /__emulator/reset', async () => {
    emulator.setFaults({ failNext: [{ kind: 'http500', count: 3 }] });

    const reset = await control('reset');

    expect(reset).toEqual({ status: 200, json: { ok: true } });
    await expectHealthy();
  });

  it.each([
    ['not JSON', '{nope'],
    ['an unknown kind', { failNext: [{ kind: 'explode', count: 1 }] }],
    ['a zero count', { failNext: [{ kind: 'http500', count: 0 }] }],
    ['a negative latency', { latencyMs: { base: -1, perRecord: 0 } }],
    ['an unknown key', { failLater: [] }],
    ['retryAfterSeconds on a kind that sends no Retry-After', { failNext: [{ kind: 'xmlError', retryAfterSeconds: 3 }] }],
    ['errorno on an HTTP-level kind', { failNext: [{ kind: 'http500', errorno: 'X' }] }],
    ['a negative retryAfterSeconds', { failNext: [{ kind: 'http429', retryAfterSeconds: -1 }] }],
    ['a negative rateLimitForMs', { rateLimitForMs: -5 }],
    ['rateLimitRetryAfterSeconds without rateLimitForMs', { rateLimitRetryAfterSeconds: 10 }],
  ])('refuses fault settings that are %s with a 400 JSON error', async (_label, body) => {
    const answer = await control('faults', body);

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: expect.any(String) });
  });

  it('answers 404 JSON for unknown control routes', async () => {
    const answer = await control('nothing-here');

    expect(answer.status).toBe(404);
  });

  it('applies base latency to every answer', async () => {
    emulator.setFaults({ latencyMs: { base: LATENCY_BASE_MS, perRecord: 0 } } satisfies FaultSettings);

    const started = performance.now();
    await expectHealthy();

    expect(performance.now() - started).toBeGreaterThanOrEqual(LATENCY_BASE_MS - 5);
  });

  it('applies per-record latency for the records in the answer', async () => {
    const { status } = await control('faults', { latencyMs: { base: 0, perRecord: LATENCY_PER_RECORD_MS } });

    const started = performance.now();
    await expectHealthy();

    expect(status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(10 * LATENCY_PER_RECORD_MS - 5);
  });

  it('answers 429 GW-0010 beyond the concurrency limit of a company, and no other company is held back', async () => {
    emulator.resetStats();
    emulator.setFaults({ latencyMs: { base: HOLD_MS, perRecord: 0 } });
    const held = [gateway.post([{ xml: customers }]), gateway.post([{ xml: customers }])];
    while (emulator.stats().maxConcurrent < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    const rejected = await gateway.post([{ xml: customers }]);
    const otherCompany = new TestGateway(emulator, 1).post([{ xml: customers }]);

    expect(rejected.status).toBe(429);
    expect(parseAnswer(rejected.text).response.errormessage.error[0].errorno).toBe('GW-0010');
    expect((await otherCompany).status).toBe(200);
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([200, 200]);
    expect(emulator.stats()).toMatchObject({ maxConcurrent: 2, rejectedForConcurrency: 1 });
  });

  it('honours a per-company concurrency limit', async () => {
    emulator.resetStats();
    emulator.setFaults({ latencyMs: { base: HOLD_MS, perRecord: 0 } });
    const solo = new TestGateway(emulator, 2);
    const held = solo.post([{ xml: customers }]);
    while (emulator.stats().maxConcurrent < 1) await new Promise((resolve) => setTimeout(resolve, 10));

    const rejected = await solo.post([{ xml: customers }]);

    expect(rejected.status).toBe(429);
    expect(emulator.stats().rejectedForConcurrency).toBe(1);
    expect((await held).status).toBe(200);
  });

  it('counts requests, functions and sessions, over HTTP and programmatically', async () => {
    emulator.resetStats();
    emulator.setFaults({ failNext: [{ kind: 'http500', count: 1 }] });

    await gateway.post([{ xml: customers }]);
    await gateway.results([{ xml: '<getAPISession/>' }, { xml: customers }, { xml: customers }]);
    await gateway.result('<readByQuery><object>customer</object><fields>*</fields><query></query></readByQuery>');
    const overHttp = await control('stats', undefined, 'GET');

    const expected = {
      httpRequests: 3,
      byFunction: { getAPISession: 1, query: 2, readByQuery: 1 },
      sessionsIssued: 1,
      maxConcurrent: 1,
      rejectedForConcurrency: 0,
    };
    expect(emulator.stats()).toEqual(expected);
    expect(overHttp).toEqual({ status: 200, json: expected });
  });
});
