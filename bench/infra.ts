/**
 * The servers a benchmark runs against: the Intacct emulator and an in-memory dynalite, each
 * startable in this process (smoke test) or in a child of its own (`infra-main.ts`), so the
 * scenario process's peak RSS is the service's alone.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createDynamoClient } from '#store/dynamo-client';
import { createTables, type TableNames } from '#store/tables';
import { type EmulatorCompanySeed, type RunningEmulator, startEmulator } from '../local/emulator';
import { BENCH_SENDER, COMPANY_CONCURRENCY } from './config';

const LOOPBACK = '127.0.0.1';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations: load it with the one signature used here.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

/** Where a scenario finds the emulator. */
export interface EmulatorTarget {
  endpointUrl: string;
  baseUrl: string;
  senderId: string;
  senderPassword: string;
}

/** Where a scenario finds dynalite. */
export interface DynamoTarget {
  endpoint: string;
}

export interface RunningDynalite extends DynamoTarget {
  /** dynalite's own server, for a latency proxy in this process to hand requests to. */
  server: Server;
  close(): Promise<void>;
}

/** Starts the emulator with `companies` at the bench's company concurrency. */
export async function startBenchEmulator(companies: readonly EmulatorCompanySeed[]): Promise<RunningEmulator> {
  return startEmulator({
    ...BENCH_SENDER,
    companies: companies.map((company) => ({ concurrencyLimit: COMPANY_CONCURRENCY, ...company })),
  });
}

/** Starts an in-memory dynalite on a random loopback port; tables are made per scenario with `createBenchTables`. */
export async function startBenchDynalite(): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    server,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Creates the service's three tables under fresh names in the dynalite at `target`. */
export async function createBenchTables(target: DynamoTarget, prefix: string): Promise<TableNames> {
  const client = createDynamoClient({ endpoint: target.endpoint });
  const suffix = randomUUID().slice(0, 8);
  const names: TableNames = {
    entities: `${prefix}-entities-${suffix}`,
    links: `${prefix}-links-${suffix}`,
    runs: `${prefix}-runs-${suffix}`,
  };
  try {
    await createTables(client, names);
  } finally {
    client.destroy();
  }
  return names;
}
