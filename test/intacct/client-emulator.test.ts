import { afterEach, describe, expect, it } from 'vitest';
import { IntacctClient, type IntacctClientOptions, type IntacctCredentials } from '#intacct/client';
import { IntacctAuthenticationError, IntacctProtocolError } from '#intacct/errors';
import type { QueryRequest } from '#intacct/query-builder';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../local/emulator';
import { failureOf } from '../support/async';
import { IntacctAdmin } from '../support/intacct-admin';

const COMPANY = { companyId: 'LAKESIDE-DEMO', userId: 'api_sync', userPassword: 'Lakeside-user-pw-1' };
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };
const CUSTOMER_LISTING: QueryRequest = {
  object: 'CUSTOMER',
  fields: ['RECORDNO', 'CUSTOMERID', 'NAME'],
  orderBy: [{ field: 'RECORDNO' }],
};
const MEBIBYTE = 1024 * 1024;

let emulator: RunningEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(customers: number, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  emulator = await startEmulator({ companies: [{ ...COMPANY, customers, seed: 7 }], ...options });
  return emulator;
}

function credentialsFor(running: RunningEmulator, overrides: Partial<IntacctCredentials> = {}): IntacctCredentials {
  return { senderId: running.senderId, senderPassword: running.senderPassword, ...COMPANY, ...overrides };
}

function clientFor(running: RunningEmulator, options: Partial<IntacctClientOptions> = {}): IntacctClient {
  return new IntacctClient({ endpointUrl: running.endpointUrl, credentials: credentialsFor(running), retry: FAST_RETRY, ...options });
}

async function listRecordNumbers(pages: AsyncIterable<{ records: Record<string, string>[] }>, pageSizes: number[] = []) {
  const recordNumbers: string[] = [];
  for await (const page of pages) {
    pageSizes.push(page.records.length);
    for (const record of page.records) recordNumbers.push(record.RECORDNO ?? '');
  }
  return recordNumbers;
}

function expectEachOnce(recordNumbers: string[], expectedCount: number): void {
  expect(recordNumbers).toHaveLength(expectedCount);
  expect(new Set(recordNumbers).size).toBe(expectedCount);
  expect(recordNumbers.every((recordNumber) => recordNumber !== '')).toBe(true);
}

describe('IntacctClient against the emulator', () => {
  it('lists 20,000 customers in pages of 2000, each RECORDNO once, with 10 queries and 1 session', async () => {
    const running = await start(20_000);
    const pageSizes: number[] = [];

    const recordNumbers = await listRecordNumbers(clientFor(running).query(CUSTOMER_LISTING), pageSizes);

    expectEachOnce(recordNumbers, 20_000);
    expect(pageSizes).toEqual(Array.from({ length: 10 }, () => 2000));
    const stats = running.stats();
    expect(stats.byFunction.query).toBe(Math.ceil(20_000 / 2000));
    expect(stats.byFunction.getAPISession).toBe(1);
  });

  it('completes a listing through 500, 500, 429, reset and truncated answers, each record once', async () => {
    const running = await start(3000);
    const client = clientFor(running);
    await client.verifyCredentials();
    running.resetStats();
    running.setFaults({
      failNext: [
        { kind: 'http500', count: 2 },
        { kind: 'http429', count: 1 },
        { kind: 'reset', count: 1 },
        { kind: 'truncated', count: 1 },
      ],
    });

    const recordNumbers = await listRecordNumbers(client.query({ ...CUSTOMER_LISTING, pageSize: 1000 }));

    expectEachOnce(recordNumbers, 3000);
    // Faulted requests never reach the emulator's function counter, so count HTTP requests: 3 pages + 5 faults.
    expect(running.stats().httpRequests).toBe(3 + 5);
    expect(running.stats().byFunction.getAPISession).toBeUndefined();
  });

  it.each([
    // The gateway refuses a wrong login itself (HTTP 401, XMLGW_JPP0002); a wrong sender is XL03000006.
    ['user password', { userPassword: 'not-the-password' }, 'XMLGW_JPP0002'],
    ['sender password', { senderPassword: 'not-the-sender-password' }, 'XL03000006'],
  ])('fails at once with an authentication error on a bad %s, after exactly one request', async (_label, badCredential, errorno) => {
    const running = await start(10);
    const client = new IntacctClient({
      endpointUrl: running.endpointUrl,
      credentials: credentialsFor(running, badCredential),
      retry: FAST_RETRY,
    });

    const error = await failureOf(listRecordNumbers(client.query(CUSTOMER_LISTING)));

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(error).toMatchObject({ errorno, retryable: false });
    expect(JSON.stringify(error) + String(error)).not.toContain(Object.values(badCredential)[0]);
    expect(running.stats().httpRequests).toBe(1);
  });

  it('refuses a billion-laughs DOCTYPE answer quickly, without retrying or growing the heap', async () => {
    const running = await start(10);
    running.setFaults({ failNext: [{ kind: 'doctype', count: 1 }] });
    const heapBefore = process.memoryUsage().heapUsed;
    const startedAt = performance.now();

    const error = await failureOf(clientFor(running).verifyCredentials());

    const elapsedMs = performance.now() - startedAt;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(error).toBeInstanceOf(IntacctProtocolError);
    expect(elapsedMs).toBeLessThan(1000);
    expect(heapGrowth).toBeLessThan(50 * MEBIBYTE);
    expect(running.stats().httpRequests).toBe(1);
  });

  describe('filter values with quotes, ampersands, angle brackets and non-ASCII', () => {
    const trickyName = `Ünïcødé "Quoted" & <Angled> O'Brien — 東京 Ltd`;

    it('reach the emulator intact through a query filter', async () => {
      const running = await start(50);
      await new IntacctAdmin({ ...running, company: COMPANY }).create('CUSTOMER', {
        CUSTOMERID: 'CUST-TRICKY',
        NAME: trickyName,
        'DISPLAYCONTACT.MAILADDRESS.CITY': 'Tromsø',
      });

      const records = [];
      for await (const page of clientFor(running).query({
        object: 'CUSTOMER',
        fields: ['RECORDNO', 'CUSTOMERID', 'NAME'],
        filter: { field: 'NAME', op: 'equalto', value: trickyName },
      })) {
        records.push(...page.records);
      }

      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ CUSTOMERID: 'CUST-TRICKY', NAME: trickyName });
    });
  });

  it('renews an expired session with exactly one extra getAPISession and keeps paging', async () => {
    const running = await start(3000);
    const recordNumbers: string[] = [];
    let pagesSeen = 0;

    for await (const page of clientFor(running).query({ ...CUSTOMER_LISTING, pageSize: 1000 })) {
      recordNumbers.push(...page.records.map((record) => record.RECORDNO ?? ''));
      pagesSeen += 1;
      if (pagesSeen === 1) running.expireSessions();
    }

    expectEachOnce(recordNumbers, 3000);
    expect(running.stats().byFunction.getAPISession).toBe(2);
  });

  it('retries a request that times out and completes the listing', async () => {
    const running = await start(1500);
    const client = clientFor(running, { timeoutMs: 300 });
    await client.verifyCredentials();
    running.resetStats();
    running.setFaults({ failNext: [{ kind: 'timeout', count: 1 }] });

    const recordNumbers = await listRecordNumbers(client.query({ ...CUSTOMER_LISTING, pageSize: 1000 }));

    expectEachOnce(recordNumbers, 1500);
    expect(running.stats().httpRequests).toBe(2 + 1);
  });

  it('keeps two clients of one company within 2 requests in flight', async () => {
    const running = await start(2000, { latencyMs: { base: 15, perRecord: 0 } });
    const clients = [clientFor(running, { concurrency: 2 }), clientFor(running, { concurrency: 2 })];
    const listing = { ...CUSTOMER_LISTING, pageSize: 250 };

    // Two listings per client, four streams in all, so an unlimited client would exceed the allowance.
    const results = await Promise.all(
      clients.flatMap((client) => [listRecordNumbers(client.query(listing)), listRecordNumbers(client.query(listing))]),
    );

    for (const recordNumbers of results) expectEachOnce(recordNumbers, 2000);
    const stats = running.stats();
    expect(stats.maxConcurrent).toBeLessThanOrEqual(2);
    expect(stats.rejectedForConcurrency).toBe(0);
  });
});
