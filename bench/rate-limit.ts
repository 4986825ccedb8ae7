/**
 * A listing that meets a rate limit lasting 30 s: the emulator refuses every request of the
 * company (Intacct's rate-limit answer) from just before the listing starts until 30 s later,
 * once without Retry-After and once with it. The listing, given a caller's deadline as the
 * engine's runs give one, must wait it out and deliver every customer; measured here rather than
 * in a test because it takes real time.
 */

import { XmlGatewaySourceFactory } from '#intacct/source';
import { startEmulator } from '../local/emulator';

export interface RateLimitResult {
  rateLimitMs: number;
  customers: number;
  outcomes: RateLimitOutcome[];
}

interface RateLimitOutcome {
  /** The Retry-After the rate-limit answers carried, when any. */
  retryAfterSeconds: number | null;
  completed: boolean;
  records: number;
  wallMs: number;
  /** Gateway requests the listing sent, the refused ones included. */
  httpRequests: number;
  /** How long past the end of the rate limit the listing took to finish. */
  msAfterLimitLifted: number;
  error: string | null;
}

const RATE_LIMIT_MS = 30_000;
const CUSTOMERS = 5_000;
/** The caller's deadline: a run gives a listing its remaining invocation time, far more than this. */
const DEADLINE_MS = 120_000;
const COMPANY = { companyId: 'BENCH-LIMITED', userId: 'bench_reader', userPassword: 'bench-limited-pass' };

export async function measureRateLimitWaitOut(): Promise<RateLimitResult> {
  const emulator = await startEmulator({ companies: [{ ...COMPANY, customers: CUSTOMERS, employees: 0, departments: 1, seed: 77 }] });
  try {
    const factory = new XmlGatewaySourceFactory({
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
    });
    const outcomes: RateLimitOutcome[] = [];
    for (const retryAfterSeconds of [null, 5]) {
      emulator.clearFaults();
      emulator.resetStats();
      emulator.setFaults({ rateLimitForMs: RATE_LIMIT_MS, ...(retryAfterSeconds === null ? {} : { rateLimitRetryAfterSeconds: retryAfterSeconds }) });
      const started = performance.now();
      let records = 0;
      let error: string | null = null;
      try {
        for await (const page of factory.forLogin(COMPANY).listCustomers({ signal: AbortSignal.timeout(DEADLINE_MS) }))
          records += page.records.length;
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      const wallMs = performance.now() - started;
      outcomes.push({
        retryAfterSeconds,
        completed: error === null && records === CUSTOMERS,
        records,
        wallMs,
        httpRequests: emulator.stats().httpRequests,
        msAfterLimitLifted: Math.max(0, wallMs - RATE_LIMIT_MS),
        error,
      });
    }
    return { rateLimitMs: RATE_LIMIT_MS, customers: CUSTOMERS, outcomes };
  } finally {
    await emulator.close();
  }
}
