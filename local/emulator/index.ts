/**
 * The Sage Intacct XML gateway emulator: the production protocol shape over loopback HTTP, with
 * generated data per company (optionally multi-entity), sessions, paging, faults and a latency
 * model, for tests, benchmarks and the local runtime.
 */
import { startEmulatorServer } from './server';
import type { EmulatorOptions, RunningEmulator } from './types';

export type {
  EmployeeContactFieldMode,
  EmulatedCompanyCredentials,
  EmulatedEntity,
  EmulatorCompanySeed,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  FaultSettings,
  FaultSpec,
  LatencyModel,
  RunningEmulator,
} from './types';
export { EMPLOYEE_CONTACT_FIELD_MODES, FAULT_KINDS, RETRY_AFTER_FAULT_KINDS } from './types';
export { DEFAULT_COMPANIES, DEFAULT_SENDER_ID, DEFAULT_SENDER_PASSWORD, DEFAULT_SESSION_TTL_MS, GATEWAY_PATH } from './server';

/** Starts an emulator on 127.0.0.1 (random port unless options.port) and resolves once it listens. */
export function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  return startEmulatorServer(options);
}
