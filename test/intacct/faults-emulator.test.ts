/**
 * The emulator's production-shaped faults through the source over HTTP: a rate limit or an outage
 * reported inside an HTTP 200 result, Cloudflare pages at 403 and 200, HTTP 503 with Retry-After,
 * and a rate limit that lasts (rateLimitForMs, injected short). Each is retried; one that outlasts
 * the attempt limit fails with its domain code; a caller's signal makes the source wait it out.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { type FaultKind, type RunningEmulator, startEmulator } from '../../local/emulator';
import { failureOf, recordNos } from '../support/async';

const COMPANY = { companyId: 'FAULTY-CO', userId: 'reader', userPassword: 'faulty-pass' };
const CUSTOMERS = 30;
const MAX_ATTEMPTS = 3;

let emulator: RunningEmulator;
const waits: number[] = [];
let factory: XmlGatewaySourceFactory;

beforeAll(async () => {
  emulator = await startEmulator({ companies: [{ ...COMPANY, customers: CUSTOMERS, seed: 4 }] });
  factory = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 20, maxDelayMs: 40, untilAbortedMaxDelayMs: 200 },
    sleep: (ms, signal) => {
      waits.push(ms);
      // Short real waits: a Retry-After is recorded as asked, then waited a tenth of.
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(ms, 200) / 10);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  });
  await factory.forLogin(COMPANY).verifyCredentials();
}, 60_000);
afterEach(() => {
  emulator.clearFaults();
  waits.length = 0;
});
afterAll(async () => emulator.close());

const FAULTS: [FaultKind, string][] = [
  ['rateLimitResult', 'intacct_rate_limited'],
  ['offlineResult', 'intacct_unavailable'],
  ['cloudflare403', 'intacct_unavailable'],
  ['cloudflare200', 'intacct_unavailable'],
  ['http503', 'intacct_unavailable'],
];

describe.each(FAULTS)('the %s fault', (kind, code) => {
  it('is retried: a listing meeting it twice completes, each record once', async () => {
    const source = factory.forLogin(COMPANY);
    emulator.resetStats();
    emulator.setFaults({ failNext: [{ kind, count: 2 }] });

    const listed = await recordNos(source.listCustomers({ pageSize: 10 }));

    expect(listed).toHaveLength(CUSTOMERS);
    expect(new Set(listed).size).toBe(CUSTOMERS);
    expect(waits).toHaveLength(2);
  });

  it(`that outlasts the attempt limit fails with ${code}`, async () => {
    const source = factory.forLogin(COMPANY);
    emulator.resetStats();
    emulator.setFaults({ failNext: [{ kind, count: 10 }] });

    const error = await failureOf(source.browseCustomers({ limit: 5 }));

    expect(error).toBeInstanceOf(IntacctFailure);
    expect(error).toMatchObject({ code });
    expect(emulator.stats().httpRequests).toBe(MAX_ATTEMPTS);
  });
});

describe('Retry-After from the emulator', () => {
  it.each<[FaultKind]>([['http429'], ['http503']])('on %s is the wait before the next attempt', async (kind) => {
    emulator.setFaults({ failNext: [{ kind, count: 1, retryAfterSeconds: 7 }] });

    await expect(factory.forLogin(COMPANY).browseCustomers({ limit: 2 })).resolves.toHaveLength(2);

    expect(waits).toEqual([7_000]);
  });
});

describe('a rate limit that lasts (rateLimitForMs)', () => {
  it('is waited out by a listing whose caller passes a signal', async () => {
    const source = factory.forLogin(COMPANY);
    emulator.setFaults({ rateLimitForMs: 600 });

    const listed = await recordNos(source.listCustomers({ pageSize: 10, signal: new AbortController().signal }));

    expect(listed).toHaveLength(CUSTOMERS);
    expect(waits.length).toBeGreaterThan(MAX_ATTEMPTS);
  });

  it('fails a call without a signal after the attempt limit', async () => {
    emulator.setFaults({ rateLimitForMs: 60_000 });

    const error = await failureOf(factory.forLogin(COMPANY).browseCustomers({ limit: 2 }));

    expect(error).toMatchObject({ code: 'intacct_rate_limited' });
    expect(waits).toHaveLength(MAX_ATTEMPTS - 1);
  });

  it("ends with intacct_rate_limited, not a timeout, when the caller's signal aborts first", async () => {
    emulator.setFaults({ rateLimitForMs: 60_000 });
    const controller = new AbortController();
    const listing = failureOf(recordNos(factory.forLogin(COMPANY).listCustomers({ signal: controller.signal })));
    while (waits.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));

    controller.abort();

    expect(await listing).toMatchObject({ code: 'intacct_rate_limited' });
  });
});
