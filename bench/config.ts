/** What the benchmark measures and at which sizes; every number the harness uses is named here. */
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
  /** Small company every child process imports and syncs first, so the measured run is warm. */
  warmUp: CompanySize;
}

/** Sizes the issue names. */
export const FULL_SIZES: BenchSizes = {
  main: { customers: 20_000, employees: 2_000, departments: 20 },
  large: { customers: 200_000, employees: 0, departments: 0 },
  warmUp: { customers: 300, employees: 30, departments: 5 },
};

/** `--quick`: a tenth of the size, to check the harness end to end in about a minute. */
export const QUICK_SIZES: BenchSizes = {
  main: { customers: 2_000, employees: 200, departments: 20 },
  large: { customers: 20_000, employees: 0, departments: 0 },
  warmUp: { customers: 100, employees: 10, departments: 3 },
};

/** Latency 0, and Intacct-like latency: 300 ms per request plus 0.05 ms per record answered. */
export const LATENCY_PROFILES: readonly LatencyProfile[] = [
  { label: 'latency 0', model: { base: 0, perRecord: 0 } },
  { label: 'latency 300+0.05/rec', model: { base: 300, perRecord: 0.05 } },
];

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

/** PRNG seeds of the generated companies, so every run lists the same data. */
export const COMPANY_SEEDS = { main: 61, large: 62, warmUp: 63 } as const;

export const BYTES_PER_MEBIBYTE = 1024 * 1024;
export const MS_PER_SECOND = 1_000;
