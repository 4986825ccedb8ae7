/** What the benchmark measures and at which sizes; every number the harness uses is named here. */
import { FUNCTION_TIMEOUT_SECONDS } from '../infra/function-catalog';
import type { LatencyModel } from '../local/emulator';

export interface CompanySize {
  customers: number;
  employees: number;
  departments: number;
}

export interface LatencyProfile {
  /** Short label used in tables and JSON keys. */
  label: string;
  model: LatencyModel;
}

export interface BenchSizes {
  /** B1–B3 company. */
  main: CompanySize;
  /** B4: linked customers only. */
  large: CompanySize;
  /** B5: customers only, imported and then synced at the cloud's latencies. */
  cloud: CompanySize;
  /** Small company every child process imports and syncs first, so the measured run is warm. */
  warmUp: CompanySize;
}

/** Sizes the issue names. */
export const FULL_SIZES: BenchSizes = {
  main: { customers: 20_000, employees: 2_000, departments: 20 },
  large: { customers: 200_000, employees: 0, departments: 0 },
  cloud: { customers: 200_000, employees: 0, departments: 0 },
  warmUp: { customers: 300, employees: 30, departments: 5 },
};

/** `--quick`: a tenth of the size, to check the harness end to end in about three minutes. */
export const QUICK_SIZES: BenchSizes = {
  main: { customers: 2_000, employees: 200, departments: 20 },
  large: { customers: 20_000, employees: 0, departments: 0 },
  cloud: { customers: 20_000, employees: 0, departments: 0 },
  warmUp: { customers: 100, employees: 10, departments: 3 },
};

/** Intacct-like latency: 300 ms per request plus 0.05 ms per record answered. */
const INTACCT_LATENCY: LatencyModel = { base: 300, perRecord: 0.05 };

/** Latency 0, and Intacct-like latency. */
export const LATENCY_PROFILES: readonly LatencyProfile[] = [
  { label: 'latency 0', model: { base: 0, perRecord: 0 } },
  { label: 'latency 300+0.05/rec', model: INTACCT_LATENCY },
];

/**
 * DynamoDB's latency as B5 models it (bench/latency-proxy.ts): every request (one API call) is held
 * for a delay drawn uniformly from [minMs, maxMs] by a mulberry32 stream seeded with `seed`, on top
 * of dynalite's own time: DynamoDB's single-digit milliseconds per call, as a Lambda function in
 * the same region sees them.
 */
export interface DynamoLatencyModel {
  minMs: number;
  maxMs: number;
  seed: number;
}

export const CLOUD_DYNAMO_LATENCY: DynamoLatencyModel = { minMs: 5, maxMs: 10, seed: 65 };

/** B5's Intacct side: the same latency as the other scenarios' second profile. */
export const CLOUD_PROFILE: LatencyProfile = { label: 'cloud: DynamoDB 5–10 ms, Intacct 300+0.05/rec', model: INTACCT_LATENCY };

/**
 * The time one worker invocation is given in B5, and the nightly's tenant-sync invocation: the
 * deployed Lambda timeouts (infra/function-catalog.ts; all of them 900 s, Lambda's maximum). A run
 * that needs longer saves its checkpoint and continues in a fresh invocation, as on Lambda.
 */
export const CLOUD_INVOCATION_MS = {
  import: FUNCTION_TIMEOUT_SECONDS['client-import'] * 1_000,
  sync: FUNCTION_TIMEOUT_SECONDS['tenant-sync'] * 1_000,
} as const;

/**
 * The proxy's own cost, measured at 0 ms added against dynalite directly: this many GetItem calls
 * one at a time (the added time per request), then this many BatchWriteItem calls of 25 items with
 * WRITE_CONCURRENCY in flight (the cost under load); each way `rounds` times, alternating which
 * goes first, the best kept.
 */
export const PROXY_PROBE = { sequentialGets: 2_000, batchWrites: 400, rounds: 2 } as const;

/** Concurrent gateway requests the emulator allows per company (Intacct's default tier). */
export const COMPANY_CONCURRENCY = 2;

/** B3: shares of the company's customers changed in Intacct, edited in the PSA, deleted in Intacct. */
export const B3_SHARES = { changedInIntacct: 0.01, editedInPsa: 0.01, deletedInIntacct: 0.005 } as const;
/** Where each B3 set starts within its stride (100, 100, 200): distinct modulo 100, so the sets never overlap. */
export const B3_PICK_OFFSETS = { changedInIntacct: 0, editedInPsa: 50, deletedInIntacct: 25 } as const;

/** Intacct's largest `query` page, the one the listing floor uses. */
export const FLOOR_PAGE_SIZE = 2_000;

/** DynamoDB's BatchWriteItem limit, the unit the write floor uses. */
export const FLOOR_BATCH_SIZE = 25;

/** Bytes per DynamoDB write unit. */
export const WRITE_UNIT_BYTES = 1_024;

/** How often the scenario process samples its RSS besides reading the kernel's peak. */
export const RSS_SAMPLE_INTERVAL_MS = 50;

/** Sender and company credentials the bench's emulator uses (loopback only, not secrets). */
export const BENCH_SENDER = { senderId: 'benchSender', senderPassword: 'bench-sender-pass' } as const;
export const MAIN_COMPANY = { companyId: 'BENCH-MAIN', userId: 'bench_user', userPassword: 'bench-main-pass' } as const;
export const LARGE_COMPANY = { companyId: 'BENCH-LARGE', userId: 'bench_user', userPassword: 'bench-large-pass' } as const;
export const WARM_COMPANY = { companyId: 'BENCH-WARM', userId: 'bench_user', userPassword: 'bench-warm-pass' } as const;
export const CLOUD_COMPANY = { companyId: 'BENCH-CLOUD', userId: 'bench_user', userPassword: 'bench-cloud-pass' } as const;

/** PRNG seeds of the generated companies, so every run lists the same data. */
export const COMPANY_SEEDS = { main: 61, large: 62, warmUp: 63, cloud: 64 } as const;

export const BYTES_PER_MEBIBYTE = 1024 * 1024;
export const MS_PER_SECOND = 1_000;
