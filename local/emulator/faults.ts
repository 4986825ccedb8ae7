import { z } from 'zod';
import type { FaultKind, FaultSettings, FaultSpec, LatencyModel } from './types';
import { FAULT_KINDS, RETRY_AFTER_FAULT_KINDS } from './types';

const NO_LATENCY: LatencyModel = { base: 0, perRecord: 0 };
/** The result-level fault kinds whose errorno a fault may choose. */
const ERRORNO_FAULT_KINDS: readonly FaultKind[] = ['xmlError', 'rateLimitResult', 'offlineResult'];

const latencySchema = z.object({ base: z.number().min(0), perRecord: z.number().min(0) }).strict();

const faultSpecSchema = z
  .object({
    kind: z.enum(FAULT_KINDS),
    errorno: z.string().min(1).optional(),
    count: z.number().int().min(1).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((fault) => fault.errorno === undefined || ERRORNO_FAULT_KINDS.includes(fault.kind), {
    message: `errorno applies only to ${ERRORNO_FAULT_KINDS.join(', ')}`,
    path: ['errorno'],
  })
  .refine((fault) => fault.retryAfterSeconds === undefined || (RETRY_AFTER_FAULT_KINDS as readonly FaultKind[]).includes(fault.kind), {
    message: `retryAfterSeconds applies only to ${RETRY_AFTER_FAULT_KINDS.join(', ')}`,
    path: ['retryAfterSeconds'],
  });

/** The JSON body of POST /__emulator/faults. */
export const faultSettingsSchema = z
  .object({
    latencyMs: latencySchema.optional(),
    failNext: z.array(faultSpecSchema).optional(),
    rateLimitForMs: z.number().int().min(0).optional(),
    rateLimitRetryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((settings) => settings.rateLimitRetryAfterSeconds === undefined || settings.rateLimitForMs !== undefined, {
    message: 'rateLimitRetryAfterSeconds needs rateLimitForMs',
    path: ['rateLimitRetryAfterSeconds'],
  });

/** The fault a request meets: one use of a queued fault, or the timed rate limit. */
export interface ActiveFault {
  kind: FaultKind;
  errorno?: string;
  retryAfterSeconds?: number;
}

type QueuedFault = ActiveFault & { remaining: number };

/**
 * Pending faults (consumed in order, one request each), a timed rate limit (every request until
 * it ends, before any queued fault), and the latency model.
 */
export class FaultController {
  private queue: QueuedFault[] = [];
  private latencyModel: LatencyModel;
  private rateLimit: { until: number; retryAfterSeconds?: number } | undefined;

  constructor(
    initialLatency: LatencyModel = NO_LATENCY,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.latencyModel = { ...initialLatency };
  }

  get latency(): LatencyModel {
    return this.latencyModel;
  }

  /** Replaces the latency model, the fault queue and/or the timed rate limit, whichever the settings carry. */
  apply(settings: FaultSettings): void {
    const parsed = faultSettingsSchema.parse(settings);
    if (parsed.latencyMs) this.latencyModel = { ...parsed.latencyMs };
    if (parsed.failNext) {
      this.queue = parsed.failNext.map((fault: FaultSpec) => ({
        kind: fault.kind,
        ...(fault.errorno ? { errorno: fault.errorno } : {}),
        ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }),
        remaining: fault.count ?? 1,
      }));
    }
    if (parsed.rateLimitForMs !== undefined) {
      const { rateLimitRetryAfterSeconds } = parsed;
      this.rateLimit =
        parsed.rateLimitForMs === 0
          ? undefined
          : {
              until: this.now() + parsed.rateLimitForMs,
              ...(rateLimitRetryAfterSeconds === undefined ? {} : { retryAfterSeconds: rateLimitRetryAfterSeconds }),
            };
    }
  }

  clear(): void {
    this.queue = [];
    this.rateLimit = undefined;
    this.latencyModel = { ...NO_LATENCY };
  }

  /** The fault for the request arriving now, if any; consumes one use of a queued fault. */
  take(): ActiveFault | undefined {
    if (this.rateLimit && this.now() < this.rateLimit.until) {
      const { retryAfterSeconds } = this.rateLimit;
      return { kind: 'http429', ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
    }
    this.rateLimit = undefined;
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.queue.shift();
    const { remaining: _remaining, ...fault } = head;
    return fault;
  }

  delayFor(records: number): number {
    return this.latencyModel.base + this.latencyModel.perRecord * records;
  }
}
