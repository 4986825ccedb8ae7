/**
 * Resumable listings and deadlines of the Intacct source, against the emulator over HTTP:
 * `afterRecordNo` and `pageSize` for listings and by-id listings, and a caller's AbortSignal
 * ending a slow request, a retry wait, a wait for a company slot, a session opening and a
 * pipelined listing, each promptly with IntacctFailure `intacct_timeout` and its slots given back.
 *
 * Timing checks are loose on purpose (seconds, against 5-second answers): they prove "promptly",
 * not a figure. Each abort test uses its own company, because the emulator keeps counting an
 * abandoned request against the company's allowance until its latency has passed, as Intacct may.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import { companySemaphore, type Semaphore } from '#intacct/company-concurrency';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { IntacctSource, ListingPage } from '#ports/intacct-source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { collect } from '../support/async';

const SLOW = { latencyMs: { base: 5_000, perRecord: 0 } };
/** Loose bound for "promptly": the requests it abandons would take 5 s. */
const PROMPTLY_MS = 3_000;
const DEADLINE_MS = 300;

const login = (companyId: string) => ({ companyId, userId: 'reader', userPassword: `${companyId.toLowerCase()}-pass` });
const RESUME = login('RESUME-CO');
const COMPANIES = ['TIMEOUT-CO', 'SESSION-CO', 'SHARED-SESSION-CO', 'BACKOFF-CO', 'SLOTS-CO', 'PIPELINE-CO', 'ABORTED-CO'] as const;

let emulator: RunningEmulator;
let factory: XmlGatewaySourceFactory;

beforeAll(async () => {
  emulator = await startEmulator({
    companies: [
      { ...RESUME, customers: 120, employees: 30, seed: 11 },
      ...COMPANIES.map((companyId, index) => ({ ...login(companyId), customers: companyId === 'PIPELINE-CO' ? 300 : 10, seed: 20 + index })),
    ],
  });
  factory = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    // Enough patience for two calls to share the company's allowance with one abandoned request.
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
  });
}, 60_000);
afterEach(() => emulator.clearFaults());
afterAll(async () => emulator.close());

function semaphoreOf(companyId: string): Semaphore {
  return companySemaphore(emulator.endpointUrl, companyId);
}

const recordNosOf = (pages: ListingPage[]) => pages.flatMap((page) => page.records.map((record) => record.RECORDNO!));

/** The failure a call rejects with, and how long it took to. */
async function timedFailure(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const startedAt = performance.now();
  try {
    await call();
  } catch (error) {
    return { error, elapsedMs: performance.now() - startedAt };
  }
  throw new Error('expected the call to fail');
}

function expectTimeoutFailure(error: unknown): void {
  expect(error).toBeInstanceOf(IntacctFailure);
  expect(error).toMatchObject({ code: 'intacct_timeout', message: 'Sage Intacct did not answer in time; try again shortly.' });
}

describe('resumable listings', () => {
  let source: IntacctSource;
  let all: string[];

  beforeAll(async () => {
    source = factory.forLogin(RESUME);
    all = recordNosOf(await collect(source.listCustomers()));
  });

  it('listCustomers after a RECORDNO returns exactly the records after it, ascending, in pages of the given size', async () => {
    const anchor = all[36]!;
    emulator.resetStats();

    const pages = await collect(source.listCustomers({ afterRecordNo: anchor, pageSize: 10 }));

    const expected = all.slice(37);
    expect(recordNosOf(pages)).toEqual(expected);
    expect(pages.every((page) => page.records.length <= 10)).toBe(true);
    expect(pages.every((page) => page.totalCount === expected.length)).toBe(true);
    // Pages of 10 overlapping by one: ceil((N - 1) / 9) requests, and no session beyond the first.
    const stats = emulator.stats();
    expect(stats.byFunction.query).toBe(Math.ceil((expected.length - 1) / 9));
    expect(stats.byFunction.getAPISession).toBeUndefined();
  });

  it('listCustomers after the last RECORDNO is empty, after one request', async () => {
    emulator.resetStats();

    const pages = await collect(source.listCustomers({ afterRecordNo: all.at(-1)!, pageSize: 50 }));

    expect(recordNosOf(pages)).toEqual([]);
    expect(emulator.stats().byFunction.query).toBe(1);
  });

  it('listCustomers after a RECORDNO that no longer exists continues after it', async () => {
    const between = String(Number(all[59]!) + 1);
    const expected = all.filter((recordNo) => Number(recordNo) > Number(between));

    expect(recordNosOf(await collect(source.listCustomers({ afterRecordNo: between })))).toEqual(expected);
  });

  it('customersById after a RECORDNO returns exactly those of the ids after it, ascending', async () => {
    const byRecordNo = new Map<string, string>();
    for (const page of await collect(source.listCustomers())) {
      for (const record of page.records) byRecordNo.set(record.RECORDNO!, record.CUSTOMERID!);
    }
    const chosen = all.filter((_recordNo, index) => index % 4 === 1);
    const anchor = chosen[10]!;
    // Asked in another order than RECORDNO's, with a repeat.
    const ids = [...chosen].reverse().map((recordNo) => byRecordNo.get(recordNo)!);
    ids.push(ids[0]!);
    emulator.resetStats();

    const pages = await collect(source.customersById(ids, { afterRecordNo: anchor, pageSize: 4 }));

    const expected = chosen.slice(11);
    expect(recordNosOf(pages)).toEqual(expected);
    expect(emulator.stats().byFunction.query).toBe(Math.ceil((expected.length - 1) / 3));
  });

  it('customersById over several chunks of ids stays ascending throughout, so resuming after any RECORDNO skips nothing', async () => {
    const idOf = new Map<string, string>();
    for (const page of await collect(source.listCustomers())) {
      for (const record of page.records) idOf.set(record.RECORDNO!, record.CUSTOMERID!);
    }
    // 1,200 ids (three requests' worth) with the real ones spread over every chunk, highest RECORDNOs first.
    const ids = Array.from({ length: 1_080 }, (_, index) => `C-MISSING-${index}`);
    for (const [index, recordNo] of [...all].reverse().entries()) ids.splice(index * 10, 0, idOf.get(recordNo)!);

    const everything = recordNosOf(await collect(source.customersById(ids, { pageSize: 25 })));
    const resumed = await collect(source.customersById(ids, { afterRecordNo: all[59]!, pageSize: 25 }));

    expect(everything).toEqual(all);
    expect(recordNosOf(resumed)).toEqual(all.slice(60));
    expect(resumed.every((page) => page.records.length <= 25 && page.totalCount === 60)).toBe(true);
  });

  it('employeesById takes the same options', async () => {
    const employees = await collect(source.listEmployees());
    const records = employees.flatMap((page) => page.records);
    const anchor = records[9]!.RECORDNO!;

    const pages = await collect(
      source.employeesById(
        records.map((record) => record.EMPLOYEEID!),
        { afterRecordNo: anchor, pageSize: 2 },
      ),
    );

    expect(recordNosOf(pages)).toEqual(records.slice(10).map((record) => record.RECORDNO!));
  });

  it.each([1, 2_001, 2.5])('refuses a page size of %s', (pageSize) => {
    expect(() => source.listCustomers({ pageSize })).toThrow(RangeError);
  });

  it('refuses an anchor that is not a RECORDNO', () => {
    expect(() => source.listCustomers({ afterRecordNo: '12 or 1=1' })).toThrow(RangeError);
  });
});

describe('deadlines', () => {
  it('abandons a slow request at the deadline with intacct_timeout, frees its slot, and later calls succeed', async () => {
    const company = login('TIMEOUT-CO');
    const source = factory.forLogin(company);
    await source.verifyCredentials();
    emulator.setFaults(SLOW);

    const { error, elapsedMs } = await timedFailure(() => collect(source.listCustomers({ signal: AbortSignal.timeout(DEADLINE_MS) })));

    expectTimeoutFailure(error);
    expect(elapsedMs).toBeLessThan(PROMPTLY_MS);
    expect(String(error) + JSON.stringify(error)).not.toContain(company.userPassword);
    expect(String(error) + JSON.stringify(error)).not.toContain(emulator.senderPassword);
    expect(semaphoreOf(company.companyId)).toMatchObject({ inFlight: 0, waiting: 0 });

    emulator.clearFaults();
    const [pages, browsed] = await Promise.all([collect(source.listCustomers()), source.browseCustomers({ limit: 5 })]);

    expect(recordNosOf(pages)).toHaveLength(10);
    expect(browsed).toHaveLength(5);
    expect(semaphoreOf(company.companyId)).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('rejects at once, sending nothing, when the signal has already aborted', async () => {
    const source = factory.forLogin(login('ABORTED-CO'));
    emulator.resetStats();
    const aborted = AbortSignal.abort();

    for (const call of [
      () => collect(source.listCustomers({ signal: aborted })),
      () => collect(source.customersById(['C-1'], { signal: aborted })),
      () => source.existingRecordNos('customer', ['1'], { signal: aborted }),
      () => source.browseEmployees({ limit: 5 }, { signal: aborted }),
      () => source.verifyCredentials({ signal: aborted }),
    ]) {
      expectTimeoutFailure((await timedFailure(call)).error);
    }
    expect(emulator.stats().httpRequests).toBe(0);
  });

  it('abandons a session being opened without breaking the session for later calls', async () => {
    const company = login('SESSION-CO');
    const source = factory.forLogin(company);
    emulator.resetStats();
    emulator.setFaults(SLOW);

    const { error, elapsedMs } = await timedFailure(() => source.browseCustomers({ limit: 3 }, { signal: AbortSignal.timeout(DEADLINE_MS) }));

    expectTimeoutFailure(error);
    expect(elapsedMs).toBeLessThan(PROMPTLY_MS);
    expect(semaphoreOf(company.companyId).inFlight).toBe(0);
    emulator.clearFaults();

    await expect(source.browseCustomers({ limit: 3 })).resolves.toHaveLength(3);
    await expect(collect(source.listCustomers())).resolves.toBeDefined();
    // The abandoned opening, then one fresh session for both later calls.
    expect(emulator.stats().byFunction.getAPISession).toBe(2);
  });

  it("keeps a session opening going for a call without a deadline when another call's deadline passes", async () => {
    const company = login('SHARED-SESSION-CO');
    const source = factory.forLogin(company);
    emulator.resetStats();
    emulator.setFaults({ latencyMs: { base: 1_000, perRecord: 0 } });

    const impatient = timedFailure(() => source.browseCustomers({ limit: 2 }, { signal: AbortSignal.timeout(DEADLINE_MS) }));
    const patient = source.browseCustomers({ limit: 2 });

    const { error, elapsedMs } = await impatient;
    expectTimeoutFailure(error);
    expect(elapsedMs).toBeLessThan(1_000);
    await expect(patient).resolves.toHaveLength(2);
    expect(emulator.stats().byFunction.getAPISession).toBe(1);
  });

  it('ends a retry backoff at the deadline, starts no further attempt, and reports the failure it was waiting out', async () => {
    const company = login('BACKOFF-CO');
    const patientFactory = new XmlGatewaySourceFactory({
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
      // Every backoff wait is about 20 s: only the deadline can end it in time.
      retry: { baseDelayMs: 20_000, maxDelayMs: 20_000 },
      random: () => 0.99,
    });
    const source = patientFactory.forLogin(company);
    await source.verifyCredentials();
    emulator.resetStats();
    emulator.setFaults({ failNext: [{ kind: 'http500', count: 5 }] });

    const { error, elapsedMs } = await timedFailure(() => source.browseCustomers({ limit: 3 }, { signal: AbortSignal.timeout(DEADLINE_MS) }));

    // A caller's signal makes the connector retry until it aborts; it then fails with the last real
    // failure (Intacct's HTTP 500), not a timeout. Opting out keeps the timeout.
    expect(error).toBeInstanceOf(IntacctFailure);
    expect(error).toMatchObject({ code: 'intacct_unavailable' });
    expect(elapsedMs).toBeLessThan(PROMPTLY_MS);
    expect(emulator.stats().httpRequests).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS));
    expect(emulator.stats().httpRequests).toBe(1);
    expect(semaphoreOf(company.companyId)).toMatchObject({ inFlight: 0, waiting: 0 });

    emulator.resetStats();
    emulator.setFaults({ failNext: [{ kind: 'http500', count: 5 }] });
    const bounded = await timedFailure(() =>
      source.browseCustomers({ limit: 3 }, { signal: AbortSignal.timeout(DEADLINE_MS), retryUntilAborted: false }),
    );
    expectTimeoutFailure(bounded.error);
    expect(bounded.elapsedMs).toBeLessThan(PROMPTLY_MS);
    expect(emulator.stats().httpRequests).toBe(1);
  });

  it('gives up waiting for a company slot at the deadline, sending nothing, and never takes a slot later', async () => {
    const company = login('SLOTS-CO');
    const source = factory.forLogin(company);
    await source.verifyCredentials();
    const semaphore = semaphoreOf(company.companyId);
    emulator.resetStats();
    emulator.setFaults({ latencyMs: { base: 1_500, perRecord: 0 } });

    // Two slow calls hold the company's two slots.
    const slow = [source.browseCustomers({ limit: 1 }), source.browseEmployees({ limit: 1 })];
    await vi.waitFor(() => expect(semaphore.inFlight).toBe(2));

    const { error, elapsedMs } = await timedFailure(() => source.browseCustomers({ limit: 2 }, { signal: AbortSignal.timeout(DEADLINE_MS) }));

    expectTimeoutFailure(error);
    expect(elapsedMs).toBeLessThan(1_500);
    expect(semaphore).toMatchObject({ inFlight: 2, waiting: 0 });
    expect(emulator.stats().httpRequests).toBe(2);

    // The next caller queues right after the abort and gets the first slot given back.
    emulator.clearFaults();
    const next = source.browseCustomers({ limit: 4 });
    await vi.waitFor(() => expect(semaphore.waiting).toBe(1));
    await Promise.all(slow);
    await expect(next).resolves.toHaveLength(4);
    expect(semaphore).toMatchObject({ inFlight: 0, waiting: 0 });
    expect(emulator.stats().httpRequests).toBe(3);
  });

  it('stops a pipelined listing mid-way: its page requests end, their slots come back, and the pending next() rejects', async () => {
    const company = login('PIPELINE-CO');
    const source = factory.forLogin(company);
    const semaphore = semaphoreOf(company.companyId);
    const controller = new AbortController();
    const pages = source.listCustomers({ pageSize: 10, signal: controller.signal })[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.done).toBe(false);
    emulator.setFaults(SLOW);

    // Take what was fetched ahead until a next() waits on slow requests.
    let pending: Promise<IteratorResult<ListingPage>> | undefined;
    for (let taken = 0; taken < 10 && pending === undefined; taken += 1) {
      const next = pages.next();
      const soon = await Promise.race([next.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 200))]);
      if (!soon) pending = next;
    }
    expect(pending).toBeDefined();
    expect(semaphore.inFlight).toBe(2);
    const requestsBeforeAbort = emulator.stats().httpRequests;
    const startedAt = performance.now();

    controller.abort();

    const error = await pending!.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expectTimeoutFailure(error);
    expect(performance.now() - startedAt).toBeLessThan(PROMPTLY_MS);
    await vi.waitFor(() => expect(semaphore).toMatchObject({ inFlight: 0, waiting: 0 }), { timeout: 1_000 });
    await expect(pages.next()).resolves.toMatchObject({ done: true });
    expect(emulator.stats().httpRequests).toBe(requestsBeforeAbort);
  });
});
