/**
 * The pipelined keyset listing's guarantee, checked against a model of Intacct's `query` (keyset
 * filter, RECORDNO order, offset, page size, numremaining) with small pages, answers arriving in
 * any order, and records deleted or created at any moment: every record that exists throughout is
 * listed exactly once, ascending; requests stay within the allowance and read-ahead stays bounded.
 * The source over HTTP is covered by source-pipelining.test.ts; this explores many interleavings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KeysetPage, pipelinedKeysetListing } from '#intacct/pipelined-listing';

interface Row {
  RECORDNO: string;
}

type Mutation = { kind: 'delete'; position: number } | { kind: 'create' };

/** What happens around one request: mutations before Intacct reads, ticks until the answer arrives. */
interface RequestScript {
  mutationsBefore: Mutation[];
  answerAfterTicks: number;
}

/** A company's table as `query` sees it; new records get higher RECORDNOs, as in Intacct. */
class ModelTable {
  recordNos: number[];
  #next: number;
  readonly everDeleted = new Set<number>();
  readonly created = new Set<number>();

  constructor(size: number) {
    this.recordNos = Array.from({ length: size }, (_, index) => index + 1);
    this.#next = size + 1;
  }

  apply(mutation: Mutation): void {
    if (mutation.kind === 'create') {
      this.created.add(this.#next);
      this.recordNos.push(this.#next);
      this.#next += 1;
      return;
    }
    if (this.recordNos.length === 0) return;
    const index = Math.floor(mutation.position * this.recordNos.length) % this.recordNos.length;
    const [removed] = this.recordNos.splice(index, 1);
    this.everDeleted.add(removed!);
  }

  page(anchor: string | null, offset: number, pageSize: number): KeysetPage<Row> {
    const matching = anchor === null ? this.recordNos : this.recordNos.filter((recordNo) => recordNo > Number(anchor));
    const records = matching.slice(offset, offset + pageSize).map((recordNo) => ({ RECORDNO: String(recordNo) }));
    return { records, totalCount: matching.length, numRemaining: Math.max(0, matching.length - offset - records.length) };
  }
}

async function ticks(count: number): Promise<void> {
  for (let tick = 0; tick < count; tick += 1) await new Promise((resolve) => setImmediate(resolve));
}

interface Scenario {
  size: number;
  pageSize: number;
  concurrency: number;
  readAheadPages: number;
  scripts: RequestScript[];
  /** Mutations made by the consumer after each page it takes. */
  consumerMutations: Mutation[][];
}

async function run(scenario: Scenario) {
  const table = new ModelTable(scenario.size);
  const initial = [...table.recordNos];
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const listed: number[] = [];
  const listing = pipelinedKeysetListing<Row>({
    pageSize: scenario.pageSize,
    concurrency: scenario.concurrency,
    readAheadPages: scenario.readAheadPages,
    recordNoOf: (row) => row.RECORDNO,
    fetchPage: async (anchor, offset) => {
      // Scripts run out, as changes do in a real company: a listing cannot outrun endless creations.
      const script = scenario.scripts[requests];
      requests += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        for (const mutation of script?.mutationsBefore ?? []) table.apply(mutation);
        const page = table.page(anchor, offset, scenario.pageSize);
        await ticks(script?.answerAfterTicks ?? 0);
        return page;
      } finally {
        inFlight -= 1;
      }
    },
  });
  let pagesTaken = 0;
  for await (const page of listing) {
    listed.push(...page.records.map((row) => Number(row.RECORDNO)));
    for (const mutation of scenario.consumerMutations[pagesTaken] ?? []) table.apply(mutation);
    pagesTaken += 1;
    await ticks(pagesTaken % 3);
  }
  return { table, initial, listed, requests, maxInFlight };
}

/** Pages needed without changes: the first takes P records, every later one P-1 new ones. */
function stableRequestCount(size: number, pageSize: number): number {
  return size <= 1 ? 1 : Math.ceil((size - 1) / (pageSize - 1));
}

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), position: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
  fc.record({ kind: fc.constant('create' as const) }),
);

const scenarioArbitrary = (mutations: boolean): fc.Arbitrary<Scenario> =>
  fc.record({
    size: fc.integer({ min: 0, max: 60 }),
    pageSize: fc.integer({ min: 2, max: 7 }),
    concurrency: fc.integer({ min: 1, max: 3 }),
    readAheadPages: fc.integer({ min: 0, max: 3 }),
    scripts: fc.array(
      fc.record({
        mutationsBefore: mutations ? fc.array(mutationArbitrary, { maxLength: 2 }) : fc.constant([]),
        answerAfterTicks: fc.integer({ min: 0, max: 4 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    consumerMutations: mutations ? fc.array(fc.array(mutationArbitrary, { maxLength: 3 }), { maxLength: 12 }) : fc.constant([]),
  });

describe('pipelinedKeysetListing', () => {
  it('without changes lists every record once, ascending, in the fewest overlapping requests, within the allowance', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(false), async (scenario) => {
        const { initial, listed, requests, maxInFlight } = await run(scenario);

        expect(listed).toEqual(initial);
        expect(requests).toBe(stableRequestCount(scenario.size, scenario.pageSize));
        expect(maxInFlight).toBeLessThanOrEqual(scenario.concurrency);
      }),
      { numRuns: 300 },
    );
  });

  it('never skips nor repeats a record that exists throughout, whatever is deleted or created meanwhile', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(true), async (scenario) => {
        const { table, initial, listed, maxInFlight } = await run(scenario);

        for (let i = 1; i < listed.length; i += 1) expect(listed[i]!).toBeGreaterThan(listed[i - 1]!);
        const listedSet = new Set(listed);
        const skipped = initial.filter((recordNo) => !table.everDeleted.has(recordNo) && !listedSet.has(recordNo));
        expect(skipped).toEqual([]);
        const invented = listed.filter((recordNo) => !initial.includes(recordNo) && !table.created.has(recordNo));
        expect(invented).toEqual([]);
        expect(maxInFlight).toBeLessThanOrEqual(scenario.concurrency);
      }),
      { numRuns: 500 },
    );
  });

  it('holds at most the allowance in flight plus the read-ahead pages while the consumer is busy', async () => {
    const pageSize = 10;
    const concurrency = 2;
    const readAheadPages = 2;
    const table = new ModelTable(1_000);
    let requests = 0;
    const pages = pipelinedKeysetListing<Row>({
      pageSize,
      concurrency,
      readAheadPages,
      recordNoOf: (row) => row.RECORDNO,
      fetchPage: async (anchor, offset) => {
        requests += 1;
        await ticks(1);
        return table.page(anchor, offset, pageSize);
      },
    })[Symbol.asyncIterator]();

    await pages.next();
    await ticks(50);

    expect(requests).toBe(1 + concurrency + readAheadPages);
    await pages.return?.();
    await ticks(50);
    expect(requests).toBe(1 + concurrency + readAheadPages);
  });

  it('hands out the pages before a failed request, then its error', async () => {
    const pageSize = 5;
    const table = new ModelTable(30);
    const failure = new Error('Intacct is down');
    const pages = pipelinedKeysetListing<Row>({
      pageSize,
      concurrency: 2,
      readAheadPages: 1,
      recordNoOf: (row) => row.RECORDNO,
      fetchPage: async (anchor, offset) => {
        if (offset >= 2 * (pageSize - 1)) throw failure;
        await ticks(2);
        return table.page(anchor, offset, pageSize);
      },
    });
    const listed: string[] = [];

    const outcome = await (async () => {
      for await (const page of pages) listed.push(...page.records.map((row) => row.RECORDNO));
    })().catch((error: unknown) => error);

    expect(outcome).toBe(failure);
    expect(listed).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('ignores the failure of a speculative request that a restart dropped', async () => {
    const pageSize = 5;
    const table = new ModelTable(30);
    let requests = 0;
    const pages = pipelinedKeysetListing<Row>({
      pageSize,
      concurrency: 2,
      readAheadPages: 0,
      recordNoOf: (row) => row.RECORDNO,
      fetchPage: async (anchor, offset) => {
        requests += 1;
        // Page 1 is asked after a deletion shifted it; page 2 fails before page 1 is checked.
        if (anchor === null && offset === pageSize - 1) {
          table.apply({ kind: 'delete', position: 0 });
          await ticks(3);
        }
        if (anchor === null && offset === 2 * (pageSize - 1)) throw new Error('dropped anyway');
        return table.page(anchor, offset, pageSize);
      },
    });
    const listed: number[] = [];

    for await (const page of pages) listed.push(...page.records.map((row) => Number(row.RECORDNO)));

    expect(listed).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    expect(requests).toBeGreaterThan(stableRequestCount(30, pageSize));
  });
});
