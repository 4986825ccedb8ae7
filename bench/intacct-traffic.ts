/**
 * The Intacct side of a measurement: the emulator's own request statistics (by function), its
 * latency model, and a per-object count of the requests this process sends, read from the
 * request bodies on their way out through fetch (the connector's transport).
 */
import type { EmulatorStats, LatencyModel } from '../local/emulator';
import type { EmulatorTarget } from './infra';

const CONTROL_PATH = '/__emulator/';
const FUNCTION_PATTERN = /<function\b[^>]*>\s*<(\w+)/;
const OBJECT_PATTERN = /<object>\s*([^<\s]+)\s*<\/object>/;

/** What the emulator served during a measured window. */
export interface IntacctTraffic {
  httpRequests: number;
  byFunction: Record<string, number>;
  /** `function object` (e.g. `query CUSTOMER`) → requests this process sent. */
  byObject: Record<string, number>;
  rejectedForConcurrency: number;
  /** Highest in-flight count for one company since the emulator started. */
  maxConcurrent: number;
}

async function control(target: EmulatorTarget, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.baseUrl}${CONTROL_PATH}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`Emulator control ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Sets the emulator's latency model for every following request. */
export async function setLatency(target: EmulatorTarget, latencyMs: LatencyModel): Promise<void> {
  await control(target, 'faults', { latencyMs });
}

async function emulatorStats(target: EmulatorTarget): Promise<EmulatorStats> {
  return (await control(target, 'stats')) as EmulatorStats;
}

/** Counts requests to the gateway at `target` by function and object, from this process. */
export class IntacctRequestCounter {
  private counts: Record<string, number> = {};
  private readonly originalFetch = globalThis.fetch;

  constructor(private readonly target: EmulatorTarget) {
    const original = this.originalFetch;
    const counts = (): Record<string, number> => this.counts;
    globalThis.fetch = (input, init) => {
      if (String(input) === target.endpointUrl && typeof init?.body === 'string') {
        const functionName = FUNCTION_PATTERN.exec(init.body)?.[1] ?? 'unknown';
        const object = OBJECT_PATTERN.exec(init.body)?.[1];
        const key = object ? `${functionName} ${object.toUpperCase()}` : functionName;
        counts()[key] = (counts()[key] ?? 0) + 1;
      }
      return original(input, init);
    };
  }

  /** Puts the fetch this counter wrapped back in place. */
  dispose(): void {
    globalThis.fetch = this.originalFetch;
  }

  /** Starts a measured window: remembers the emulator's counters and clears this process's. */
  async start(): Promise<EmulatorStats> {
    this.counts = {};
    return emulatorStats(this.target);
  }

  /** Ends a window started with `before`: what the emulator served in it. */
  async finish(before: EmulatorStats): Promise<IntacctTraffic> {
    const after = await emulatorStats(this.target);
    const byFunction: Record<string, number> = {};
    for (const [name, count] of Object.entries(after.byFunction)) {
      const delta = count - (before.byFunction[name] ?? 0);
      if (delta > 0) byFunction[name] = delta;
    }
    return {
      httpRequests: after.httpRequests - before.httpRequests,
      byFunction,
      byObject: { ...this.counts },
      rejectedForConcurrency: after.rejectedForConcurrency - before.rejectedForConcurrency,
      maxConcurrent: after.maxConcurrent,
    };
  }
}
