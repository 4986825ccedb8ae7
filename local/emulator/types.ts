/** Public types of the Intacct emulator; re-exported by index.ts, which is the only module others import. */

export interface EmulatorCompanySeed {
  companyId: string;
  userId: string;
  userPassword: string;
  /** Generated records; default 0 each. */
  customers?: number;
  employees?: number;
  departments?: number;
  /** PRNG seed: the same seed and counts always give the same data. */
  seed?: number;
  /** Concurrent gateway requests allowed for this company (default 2); excess -> HTTP 429 GW-0010. */
  concurrencyLimit?: number;
}

export interface LatencyModel {
  base: number;
  perRecord: number;
}

export interface EmulatorOptions {
  /** Default 0 (random); always binds 127.0.0.1. */
  port?: number;
  senderId?: string;
  senderPassword?: string;
  /** Default: two demo companies. */
  companies?: EmulatorCompanySeed[];
  /** Default 30 minutes; each call extends the session. */
  sessionTtlMs?: number;
  /** Initial latency model, default 0/0. */
  latencyMs?: LatencyModel;
}

export interface EmulatorStats {
  /** Every POST to the gateway, faulted ones included. */
  httpRequests: number;
  /** Functions seen in parsed requests, by name (getAPISession, query, readByQuery, readMore, create, ...). */
  byFunction: Record<string, number>;
  sessionsIssued: number;
  /** Highest number of concurrent in-flight gateway requests seen for any one company. */
  maxConcurrent: number;
  rejectedForConcurrency: number;
}

export const FAULT_KINDS = [
  'http500',
  'http429',
  'timeout',
  'reset',
  'truncated',
  'malformed',
  'xmlError',
  'doctype',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** Only for xmlError; default XL03000009. */
  errorno?: string;
  /** How many consecutive requests this fault applies to; default 1. */
  count?: number;
}

export interface FaultSettings {
  /** Replaces the latency model when given. */
  latencyMs?: LatencyModel;
  /** Replaces the queue of pending faults when given; consumed in order, one request each. */
  failNext?: FaultSpec[];
}

export interface EmulatedCompanyCredentials {
  companyId: string;
  userId: string;
  userPassword: string;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT/ia/xml/xmlgw.phtml */
  endpointUrl: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  senderId: string;
  senderPassword: string;
  companies: EmulatedCompanyCredentials[];
  stats(): EmulatorStats;
  resetStats(): void;
  /** Same as POST /__emulator/faults. */
  setFaults(f: FaultSettings): void;
  /** Same as POST /__emulator/reset: clears faults and latency. */
  clearFaults(): void;
  /** Every issued session becomes expired. */
  expireSessions(): void;
  close(): Promise<void>;
}
