/**
 * The Sage Intacct XML gateway emulator: the production protocol shape over loopback HTTP, with
 * generated data per company (optionally multi-entity), sessions, paging, faults and a latency
 * model, for tests, benchmarks and the local runtime.
 */
import { startEmulatorServer } from './server';
import type { EmulatorOptions, RunningEmulator } from './types';

export { DEFAULT_SESSION_TTL_MS } from './server';
export type {
  EmulatorCompanySeed,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  FaultSettings,
  LatencyModel,
  RunningEmulator,
} from './types';

/** Starts an emulator on 127.0.0.1 (random port unless options.port) and resolves once it listens. */
export function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  return startEmulatorServer(options);
}
