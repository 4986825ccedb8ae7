/**
 * The company's request allowance holds across processes: three workers in separate processes
 * listing one emulated company never have more than 2 requests in flight at once (the emulator
 * counts it, its own limit raised so it would not refuse), where process-local slots let them
 * exceed it; and a worker killed while holding slots frees them within the slots' lifetime.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyKey } from '#intacct/company-concurrency';
import { DynamoCompanySlots } from '#store/company-slots';
import { ENTITY_TYPE_ATTRIBUTE } from '#store/keys';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { type RunningDynalite, startDynalite } from '../support/dynalite';

const CUSTOMERS = 1500;
const WORKER = fileURLToPath(new URL('../support/slot-worker.ts', import.meta.url));

let emulator: RunningEmulator;
let dynamo: RunningDynalite;

beforeAll(async () => {
  emulator = await startEmulator({
    companies: [
      {
        companyId: 'SHARED-CO',
        userId: 'sync_user',
        userPassword: 'pass!',
        customers: CUSTOMERS,
        employees: 0,
        departments: 1,
        seed: 3,
        concurrencyLimit: 20,
      },
    ],
  });
  dynamo = await startDynalite();
});
afterAll(async () => {
  await emulator.close();
  await dynamo.close();
});

function worker(settings: Record<string, unknown>): {
  done: Promise<{ code: number | null; output: string }>;
  kill: () => void;
  firstLine: Promise<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      SLOT_WORKER: JSON.stringify({
        dynamodbEndpoint: dynamo.endpoint,
        runsTable: dynamo.names.runs,
        endpointUrl: emulator.endpointUrl,
        senderId: emulator.senderId,
        senderPassword: emulator.senderPassword,
        company: emulator.companies[0],
        ...settings,
      }),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let resolveLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (resolveLine = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('\n')) resolveLine(output.split('\n')[0]!);
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return { done, kill: () => child.kill('SIGKILL'), firstLine };
}

async function threeListings(slots: 'dynamodb' | 'process'): Promise<number> {
  emulator.resetStats();
  // Each request waits a second, so the three workers' requests overlap even when one process
  // starts late on a busy machine (starting one takes a few hundred milliseconds there).
  emulator.setFaults({ latencyMs: { base: 1000, perRecord: 0 } });
  try {
    const results = await Promise.all([1, 2, 3].map(() => worker({ mode: 'list', slots }).done));
    for (const result of results) {
      expect(result.code, result.output).toBe(0);
      expect(JSON.parse(result.output.split('\n')[0]!)).toEqual({ records: CUSTOMERS });
    }
    return emulator.stats().maxConcurrent;
  } finally {
    emulator.clearFaults();
  }
}

describe("a company's request slots shared across processes", () => {
  it('keep three workers in separate processes within 2 requests in flight (process-local slots do not)', async () => {
    expect(await threeListings('process')).toBeGreaterThan(2);
    expect(await threeListings('dynamodb')).toBeLessThanOrEqual(2);
  }, 180_000);

  it('are all given back by workers that exit right after their last request', async () => {
    await threeListings('dynamodb');

    const held = await dynamo.doc.send(
      new ScanCommand({
        TableName: dynamo.names.runs,
        FilterExpression: '#type = :slot',
        ExpressionAttributeNames: { '#type': ENTITY_TYPE_ATTRIBUTE },
        ExpressionAttributeValues: { ':slot': 'CompanySlot' },
      }),
    );
    expect(held.Items ?? []).toEqual([]);
  }, 180_000);

  it('are freed within their lifetime when the worker holding them is killed', async () => {
    const holder = worker({ mode: 'hold', slots: 'dynamodb', slotTtlMs: 2_000 });
    expect(JSON.parse(await holder.firstLine)).toEqual({ holding: 2 });
    holder.kill();
    await holder.done;
    const slots = new DynamoCompanySlots(dynamo.doc, dynamo.names.runs);
    const key = companyKey(new URL(emulator.endpointUrl).href, emulator.companies[0]!.companyId);

    const release = await slots.acquire(key, 2, AbortSignal.timeout(10_000));

    expect(typeof release).toBe('function');
  }, 60_000);
});
