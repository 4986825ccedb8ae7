/**
 * Smoke test of the benchmark harness (`npm run bench`): a tiny import and nightly sync, the
 * peer listing and the report, in this process against an in-process emulator and dynalite.
 * It checks the shape and the counters, never the timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '#store/tables';
import { COMPANY_CONCURRENCY, LATENCY_PROFILES, MAIN_COMPANY, QUICK_SIZES, WARM_COMPANY } from '../../bench/config';
import { createBenchTables, type RunningDynalite, startBenchDynalite, startBenchEmulator } from '../../bench/infra';
import { buildReport, markdownOf } from '../../bench/report';
import { runPeerJob, runScenarioJob, type ScenarioJob, type ScenarioResult } from '../../bench/scenarios';
import type { RunningEmulator } from '../../local/emulator';

const CUSTOMERS = 200;
const EMPLOYEES = 20;
const DEPARTMENTS = 4;
const NO_LATENCY = LATENCY_PROFILES[0]!;

let emulator: RunningEmulator;
let dynamo: RunningDynalite;
let tables: TableNames;

beforeAll(async () => {
  emulator = await startBenchEmulator([
    { ...MAIN_COMPANY, customers: CUSTOMERS, employees: EMPLOYEES, departments: DEPARTMENTS, seed: 5 },
    { ...WARM_COMPANY, customers: 10, employees: 3, departments: 2, seed: 6 },
  ]);
  dynamo = await startBenchDynalite();
  tables = await createBenchTables(dynamo, 'smoke');
});
afterAll(async () => {
  await emulator.close();
  await dynamo.close();
});

function job(scenario: ScenarioJob['scenario']): ScenarioJob {
  return {
    kind: 'scenario',
    scenario,
    profile: NO_LATENCY,
    emulator,
    warmCompany: WARM_COMPANY,
    dynamo,
    tables,
    tenantId: 'smoke-tenant',
    company: MAIN_COMPANY,
  };
}

const writesTo = (result: ScenarioResult, table: string) =>
  result.dynamo.byTable.filter((t) => t.table === table).reduce((sum, t) => sum + t.itemWrites, 0);

describe('benchmark harness', () => {
  let b1: ScenarioResult;
  let b2: ScenarioResult;

  it('measures an import: records, Intacct requests by object, DynamoDB writes per table, floors', async () => {
    b1 = await runScenarioJob(job('B1'));

    expect(b1.runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(b1.records).toBe(CUSTOMERS + EMPLOYEES + DEPARTMENTS);
    expect(b1.intacct.byObject['query CUSTOMER']).toBe(1);
    // One session per run at most; a warm process reuses the one it has.
    expect(b1.intacct.byFunction.getAPISession ?? 0).toBeLessThanOrEqual(2);
    expect(b1.intacct.rejectedForConcurrency).toBe(0);
    expect(b1.intacct.maxConcurrent).toBeLessThanOrEqual(COMPANY_CONCURRENCY);
    // Per imported record: the link and the entity, both batched; departments (claimed one by one) are completed too.
    expect(writesTo(b1, 'links')).toBe(CUSTOMERS + EMPLOYEES + 2 * DEPARTMENTS);
    expect(writesTo(b1, 'entities')).toBe(CUSTOMERS + EMPLOYEES + DEPARTMENTS);
    expect(b1.dynamo.writeUnits).toBeGreaterThanOrEqual(b1.dynamo.itemWrites);
    expect(b1.dynamo.indexWriteUnits).toBeGreaterThanOrEqual(CUSTOMERS);
    expect(b1.floor.listing).toMatchObject({ requests: 3, records: CUSTOMERS + EMPLOYEES + DEPARTMENTS });
    expect(b1.floor.writes.items).toBe(b1.dynamo.itemWrites);
    expect(b1.ratioToFloor).toBeGreaterThan(0);
    // The data model's minimum: one PSA record and one link per imported record.
    expect(b1.floor.minimum?.writes.items).toBe(2 * (CUSTOMERS + EMPLOYEES + DEPARTMENTS));
    expect(b1.floor.minimum?.writes.items).toBeLessThan(b1.floor.writes.items);
    expect(b1.ratioToMinimumFloor).toBeGreaterThan(0);
    expect(b1.peakRssMb).toBeGreaterThan(0);
  });

  it('measures a quiet nightly sync: no entity or link writes', async () => {
    b2 = await runScenarioJob(job('B2'));

    expect(b2.runs.map((run) => run.counts.unchanged)).toEqual([CUSTOMERS, EMPLOYEES + DEPARTMENTS]);
    expect(writesTo(b2, 'entities') + writesTo(b2, 'links')).toBe(0);
    expect(b2.dynamo.readRequests).toBeGreaterThan(0);
  });

  it('lists with the official SDK against the loopback emulator, and reports', async () => {
    const peer = await runPeerJob({ kind: 'peer', profile: NO_LATENCY, emulator, warmCompany: WARM_COMPANY, company: MAIN_COMPANY, dynamo, tables });

    expect(peer.sdk.records).toBe(CUSTOMERS);
    expect(peer.ours.records).toBe(CUSTOMERS);
    expect(peer.oursSharedSlots.records).toBe(CUSTOMERS);
    expect(peer.sdk.intacct.byFunction.readByQuery).toBe(1);

    const report = buildReport({
      quick: true,
      sizes: { ...QUICK_SIZES, main: { customers: CUSTOMERS, employees: EMPLOYEES, departments: DEPARTMENTS } },
      profiles: [NO_LATENCY],
      companyConcurrency: COMPANY_CONCURRENCY,
      totalMs: 1,
      scenarios: [b1, b2],
      peer: [peer],
      b4Seed: null,
      rateLimit: {
        rateLimitMs: 30_000,
        customers: CUSTOMERS,
        outcomes: [
          { retryAfterSeconds: null, completed: true, records: CUSTOMERS, wallMs: 31_000, httpRequests: 40, msAfterLimitLifted: 1_000, error: null },
        ],
      },
    });
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.targets.find((t) => t.target.includes('rate limit'))?.met).toBe(true);
    expect(markdownOf(report)).toContain('| no Retry-After | yes | 31.00 | 1.00 | 40 |');
    expect(report.targets.find((t) => t.target.startsWith('B2'))?.met).toBe(true);
    expect(markdownOf(report)).toContain('| B2 | latency 0 |');
  });
});
