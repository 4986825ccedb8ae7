/**
 * The source's pipelined keyset listing against the emulator over HTTP: every record exactly once
 * and ascending at and around page boundaries, within the company's two requests in flight and
 * ceil(N/2000)+1 requests, with requests overlapping, and without skipping or repeating a record
 * that exists throughout while others are deleted or created mid-listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { ListingPage } from '#ports/intacct-source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { collect } from '../support/async';
import { IntacctAdmin } from '../support/intacct-admin';

const PAGE_SIZE = 2_000;
const COMPANY_ALLOWANCE = 2;
const BOUNDARY_SIZES = [0, 1, 1_999, 2_000, 2_001, 3_998, 3_999, 4_000, 10_000] as const;
const LARGE = 10_000;
const EMULATED_LATENCY = { base: 200, perRecord: 0 };
const GENEROUS_WAIT_MS = 10_000;
const ADMIN_ATTEMPTS = 50;

const companyOf = (size: number) => ({ companyId: `SIZE-${size}`, userId: 'reader', userPassword: `pass-${size}` });
const MUTATED = { companyId: 'MUTATED', userId: 'reader', userPassword: 'mutated-pass' };

let emulator: RunningEmulator;
let factory: XmlGatewaySourceFactory;

beforeAll(async () => {
  emulator = await startEmulator({
    companies: [
      ...BOUNDARY_SIZES.map((customers, index) => ({ ...companyOf(customers), customers, seed: index + 1 })),
      // Enough mutations run against this one that every test restarts from the same seed's records.
      { ...MUTATED, customers: LARGE, seed: 99 },
    ],
  });
  factory = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
}, 60_000);
afterAll(async () => emulator.close());

function recordNosOf(pages: ListingPage[]): string[] {
  return pages.flatMap((page) => page.records.map((record) => record.RECORDNO!));
}

function expectStrictlyAscending(recordNos: readonly string[]): void {
  const numbers = recordNos.map(Number);
  for (let i = 1; i < numbers.length; i += 1) expect(numbers[i]!).toBeGreaterThan(numbers[i - 1]!);
}

/** Records present from start to end appear exactly once; the rest at most once; all ascending. */
function expectNoneSkippedNorRepeated(listed: readonly string[], throughout: ReadonlySet<string>, changed: ReadonlySet<string>): void {
  expectStrictlyAscending(listed);
  expect(new Set(listed).size).toBe(listed.length);
  const listedSet = new Set(listed);
  const missing = [...throughout].filter((recordNo) => !listedSet.has(recordNo));
  expect(missing).toEqual([]);
  const unexpected = listed.filter((recordNo) => !throughout.has(recordNo) && !changed.has(recordNo));
  expect(unexpected).toEqual([]);
}

describe('pipelined customer listing', () => {
  it.each(BOUNDARY_SIZES)('lists %i customers each exactly once, ascending, within 2 in flight and ceil(N/2000)+1 requests', async (size) => {
    const source = factory.forLogin(companyOf(size));
    await source.verifyCredentials();
    emulator.resetStats();

    const pages = await collect(source.listCustomers());

    const recordNos = recordNosOf(pages);
    expect(recordNos).toHaveLength(size);
    expect(new Set(recordNos).size).toBe(size);
    expectStrictlyAscending(recordNos);
    for (const page of pages) expect(page.totalCount).toBe(size);
    const stats = emulator.stats();
    expect(stats.maxConcurrent).toBeLessThanOrEqual(COMPANY_ALLOWANCE);
    expect(stats.byFunction.query).toBeLessThanOrEqual(Math.ceil(size / PAGE_SIZE) + 1);
    expect(stats.rejectedForConcurrency).toBe(0);
  });

  it('keeps two requests in flight while listing 10,000 customers at 200 ms per request', async () => {
    const source = factory.forLogin(companyOf(LARGE));
    await source.verifyCredentials();
    emulator.setFaults({ latencyMs: EMULATED_LATENCY });
    emulator.resetStats();
    try {
      const recordNos = recordNosOf(await collect(source.listCustomers()));

      expect(recordNos).toHaveLength(LARGE);
      const stats = emulator.stats();
      // Two at once is what makes the listing take clearly less than one request time per page.
      expect(stats.maxConcurrent).toBe(COMPANY_ALLOWANCE);
      expect(stats.byFunction.query).toBeLessThanOrEqual(Math.ceil(LARGE / PAGE_SIZE) + 1);
      expect(stats.rejectedForConcurrency).toBe(0);
    } finally {
      emulator.clearFaults();
    }
  });

  it('fetches ahead while the consumer works on a page, but only a few pages ahead', async () => {
    const source = factory.forLogin(companyOf(LARGE));
    await source.verifyCredentials();
    emulator.resetStats();
    const pages = source.listCustomers()[Symbol.asyncIterator]();

    await pages.next();
    // The consumer is busy with the first page; read-ahead runs meanwhile, bounded.
    await waitUntil(() => (emulator.stats().byFunction.query ?? 0) >= 3);
    await settle();
    const aheadWhileBusy = emulator.stats().byFunction.query ?? 0;
    await pages.return?.();

    expect(aheadWhileBusy).toBeGreaterThanOrEqual(3);
    // First page, then at most two in flight plus two held for the consumer.
    expect(aheadWhileBusy).toBeLessThanOrEqual(1 + 2 * COMPANY_ALLOWANCE);
  });
});

describe('records deleted or created during a listing', () => {
  const admin = () => new IntacctAdmin({ ...emulator, company: MUTATED });

  it('never skips nor repeats a record that exists throughout when records before and after the cursor are deleted', async () => {
    const source = factory.forLogin(MUTATED);
    const before = recordNosOf(await collect(source.listCustomers()));
    emulator.resetStats();
    const pages = source.listCustomers()[Symbol.asyncIterator]();
    const first = await pages.next();
    if (first.done) throw new Error('the listing ended before its first page');
    const listedSoFar = first.value.records.map((record) => record.RECORDNO!);
    const lastListed = Number(listedSoFar.at(-1));
    const notYetListed = before.filter((recordNo) => Number(recordNo) > lastListed);
    // Already listed, at the coming page boundaries (offset 1999, 3998, ...), and deep in unlisted pages.
    const deleted = [
      listedSoFar[0]!,
      listedSoFar[10]!,
      notYetListed[0]!,
      notYetListed[PAGE_SIZE - 2]!,
      notYetListed[PAGE_SIZE - 1]!,
      notYetListed[2 * PAGE_SIZE]!,
      notYetListed[3 * PAGE_SIZE + 7]!,
      notYetListed.at(-2)!,
    ];
    await withAllowance(() => admin().delete('CUSTOMER', deleted));

    const rest: string[] = [];
    for (let next = await pages.next(); !next.done; next = await pages.next()) rest.push(...next.value.records.map((r) => r.RECORDNO!));

    const deletedSet = new Set(deleted);
    const throughout = new Set(before.filter((recordNo) => !deletedSet.has(recordNo)));
    expectNoneSkippedNorRepeated([...listedSoFar, ...rest], throughout, deletedSet);
    // The deletions shifted the offsets of the pages asked for afterwards: a restart had to notice.
    expect(emulator.stats().byFunction.query).toBeGreaterThan(Math.ceil((before.length - 1) / (PAGE_SIZE - 1)));
    expect(emulator.stats().maxConcurrent).toBeLessThanOrEqual(COMPANY_ALLOWANCE);
  });

  it('never skips nor repeats one when records are created and deleted between every page', async () => {
    const source = factory.forLogin(MUTATED);
    const before = recordNosOf(await collect(source.listCustomers()));
    const changed = new Set<string>();
    const deleted = new Set<string>();
    const listed: string[] = [];
    let round = 0;

    for await (const page of source.listCustomers()) {
      listed.push(...page.records.map((record) => record.RECORDNO!));
      round += 1;
      const lastListed = Number(listed.at(-1));
      const ahead = before.filter((recordNo) => Number(recordNo) > lastListed && !deleted.has(recordNo));
      const behind = listed.filter((recordNo) => !deleted.has(recordNo));
      const victims = [behind.at(-1), ahead[0], ahead[PAGE_SIZE - 2], ahead[Math.floor(ahead.length / 2)]].filter(
        (recordNo): recordNo is string => recordNo !== undefined && !deleted.has(recordNo),
      );
      if (victims.length > 0) await withAllowance(() => admin().delete('CUSTOMER', [...new Set(victims)]));
      for (const victim of victims) {
        deleted.add(victim);
        changed.add(victim);
      }
      const created = await withAllowance(() => admin().create('CUSTOMER', { CUSTOMERID: `C-NEW-${round}`, NAME: `Created during round ${round}` }));
      changed.add(created);
    }

    const throughout = new Set(before.filter((recordNo) => !deleted.has(recordNo)));
    expectNoneSkippedNorRepeated(listed, throughout, changed);
  });
});

/** Resolves once `condition` holds, or after a generous deadline so a missing feature fails an assertion rather than hangs. */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + GENEROUS_WAIT_MS;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * Admin writes share the company's two-request allowance with the listing's read-ahead, so the
 * emulator may refuse one (GW-0010) before doing anything; trying again is then safe.
 */
async function withAllowance<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= ADMIN_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt));
    }
  }
}

/** Lets requests already answered be handled, so read-ahead reaches its bound before we look. */
async function settle(): Promise<void> {
  const TURNS = 50;
  for (let turn = 0; turn < TURNS; turn += 1) await new Promise((resolve) => setTimeout(resolve, 2));
}
