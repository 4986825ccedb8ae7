/**
 * `npm run bench [-- --quick]`: starts the emulator and dynalite in child processes, runs each
 * scenario (and the peer listing) in a child process of its own, then writes
 * bench/results/latest.json and prints the markdown table.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IntacctLogin } from '#ports/intacct-source';
import type { TableNames } from '#store/tables';
import type { EmulatorCompanySeed } from '../local/emulator';
import {
  type BenchSizes,
  CLOUD_COMPANY,
  CLOUD_DYNAMO_LATENCY,
  CLOUD_INVOCATION_MS,
  CLOUD_PROFILE,
  COMPANY_CONCURRENCY,
  COMPANY_SEEDS,
  type CompanySize,
  FULL_SIZES,
  LARGE_COMPANY,
  LATENCY_PROFILES,
  MAIN_COMPANY,
  QUICK_SIZES,
  WARM_COMPANY,
} from './config';
import { createBenchTables, type DynamoTarget, type EmulatorTarget } from './infra';
import type { InfraReady } from './infra-main';
import type { ProxyOverheadResult } from './proxy-overhead';
import { measureRateLimitWaitOut } from './rate-limit';
import { buildReport, type CloudReport, machineLine, markdownOf, targetLines } from './report';
import type { BenchJob, BenchResult, PeerResult, ScenarioName, ScenarioResult, SeedResult } from './scenarios';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_FILE = join(BENCH_DIR, 'results', 'latest.json');
const MAIN_TENANT = 'bench-main';
const LARGE_TENANT = 'bench-large';
const CLOUD_TENANT = 'bench-cloud';
const CHAINED_SCENARIOS: readonly ScenarioName[] = ['B1', 'B2', 'B3'];

/** Every child runs TypeScript through tsx and without the AWS SDK's Node 22 notice. */
function spawnTs(file: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(BENCH_DIR, file), ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

/** Resolves with the child's first IPC message; rejects if it exits before sending one. */
function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${what} exited with code ${code} before answering`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

interface Infra {
  emulator: EmulatorTarget;
  dynamo: DynamoTarget;
  /** With `withLatencyProxy`: the latency proxy in front of `dynamo`, in dynalite's child. */
  proxy: DynamoTarget | null;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    if (child.connected) child.disconnect();
    else child.kill();
  });
}

function companySeed(login: IntacctLogin, size: CompanySize, seed: number): EmulatorCompanySeed {
  return { ...login, ...size, seed };
}

async function startInfra(company: EmulatorCompanySeed, warmUp: CompanySize, withLatencyProxy = false): Promise<Infra> {
  const companies = [company, companySeed(WARM_COMPANY, warmUp, COMPANY_SEEDS.warmUp)];
  const emulatorChild = spawnTs('infra-main.ts', ['emulator', JSON.stringify(companies)]);
  const dynaliteChild = spawnTs('infra-main.ts', withLatencyProxy ? ['dynalite', 'latency-proxy'] : ['dynalite']);
  const [emulator, dynamo] = await Promise.all([
    firstMessage<InfraReady>(emulatorChild, 'emulator'),
    firstMessage<InfraReady>(dynaliteChild, 'dynalite'),
  ]);
  if (emulator.kind !== 'emulator' || dynamo.kind !== 'dynalite') throw new Error('Infra children answered out of role');
  return {
    emulator: emulator.target,
    dynamo: dynamo.target,
    proxy: dynamo.proxy,
    stop: async () => {
      await Promise.all([stopChild(emulatorChild), stopChild(dynaliteChild)]);
    },
  };
}

async function runInChild<T extends BenchResult>(job: BenchJob, what: string): Promise<T> {
  const started = performance.now();
  const child = spawnTs('worker.ts', [JSON.stringify(job)]);
  const result = await firstMessage<T>(child, what);
  await stopChild(child);
  log(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * B5, the cloud's latencies: a fresh emulator and dynalite, the latency proxy in front of
 * dynalite, its overhead measured first; then the import of every customer and the quiet nightly
 * sync of the same tenant, each in a child of its own (so each has its own peak RSS).
 */
async function runCloud(sizes: BenchSizes): Promise<{ report: CloudReport; scenarios: ScenarioResult[] }> {
  log(`B5: starting emulator (${sizes.cloud.customers} customers), dynalite and the latency proxy`);
  const infra = await startInfra(companySeed(CLOUD_COMPANY, sizes.cloud, COMPANY_SEEDS.cloud), sizes.warmUp, true);
  try {
    const proxy = infra.proxy;
    if (!proxy) throw new Error('dynalite started without its latency proxy');
    const proxyOverhead = await runInChild<ProxyOverheadResult>({ kind: 'proxy-overhead', direct: infra.dynamo, proxy }, 'B5 proxy overhead');
    const tables = await createBenchTables(infra.dynamo, 'bench-cloud');
    const scenarios: ScenarioResult[] = [];
    const parts: { scenario: ScenarioName; invocationMs: number }[] = [
      { scenario: 'B5 import', invocationMs: CLOUD_INVOCATION_MS.import },
      { scenario: 'B5 sync', invocationMs: CLOUD_INVOCATION_MS.sync },
    ];
    for (const { scenario, invocationMs } of parts) {
      const job: BenchJob = {
        kind: 'scenario',
        scenario,
        emulator: infra.emulator,
        warmCompany: WARM_COMPANY,
        profile: CLOUD_PROFILE,
        dynamo: proxy,
        tables,
        tenantId: CLOUD_TENANT,
        company: CLOUD_COMPANY,
        cloud: { dynamoLatency: CLOUD_DYNAMO_LATENCY, invocationMs },
      };
      scenarios.push(await runInChild<ScenarioResult>(job, `${scenario}, ${CLOUD_PROFILE.label}`));
    }
    return { report: { profile: CLOUD_PROFILE, dynamoLatency: CLOUD_DYNAMO_LATENCY, customers: sizes.cloud.customers, proxyOverhead }, scenarios };
  } finally {
    await infra.stop();
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizes: BenchSizes = quick ? QUICK_SIZES : FULL_SIZES;
  const started = performance.now();
  const scenarios: ScenarioResult[] = [];
  const peer: PeerResult[] = [];

  for (const profile of LATENCY_PROFILES) {
    log(`${profile.label}: starting emulator (${sizes.main.customers} customers) and dynalite`);
    const infra = await startInfra(companySeed(MAIN_COMPANY, sizes.main, COMPANY_SEEDS.main), sizes.warmUp);
    try {
      const tables: TableNames = await createBenchTables(infra.dynamo, 'bench');
      const servers = { emulator: infra.emulator, warmCompany: WARM_COMPANY, profile };
      // The peer lists the untouched company, before B3 changes it.
      peer.push(
        await runInChild<PeerResult>({ kind: 'peer', ...servers, company: MAIN_COMPANY, dynamo: infra.dynamo, tables }, `peer, ${profile.label}`),
      );
      for (const scenario of CHAINED_SCENARIOS) {
        const job: BenchJob = { kind: 'scenario', scenario, ...servers, dynamo: infra.dynamo, tables, tenantId: MAIN_TENANT, company: MAIN_COMPANY };
        scenarios.push(await runInChild<ScenarioResult>(job, `${scenario}, ${profile.label}`));
      }
    } finally {
      await infra.stop();
    }
  }

  log(`B4: starting emulator (${sizes.large.customers} customers) and dynalite, seeding links`);
  let b4Seed: SeedResult | null = null;
  const large = await startInfra(companySeed(LARGE_COMPANY, sizes.large, COMPANY_SEEDS.large), sizes.warmUp);
  try {
    const tables = await createBenchTables(large.dynamo, 'bench-large');
    b4Seed = await runInChild<SeedResult>(
      { kind: 'seed', emulator: large.emulator, dynamo: large.dynamo, tables, tenantId: LARGE_TENANT, company: LARGE_COMPANY },
      'B4 seed',
    );
    for (const profile of LATENCY_PROFILES) {
      const job: BenchJob = {
        kind: 'scenario',
        scenario: 'B4',
        emulator: large.emulator,
        warmCompany: WARM_COMPANY,
        profile,
        dynamo: large.dynamo,
        tables,
        tenantId: LARGE_TENANT,
        company: LARGE_COMPANY,
      };
      scenarios.push(await runInChild<ScenarioResult>(job, `B4, ${profile.label}`));
    }
  } finally {
    await large.stop();
  }

  const cloud = await runCloud(sizes);
  scenarios.push(...cloud.scenarios);

  log('R: listing through a 30 s rate limit, without and with Retry-After');
  const rateLimit = await measureRateLimitWaitOut();

  const report = buildReport({
    quick,
    sizes,
    profiles: LATENCY_PROFILES,
    companyConcurrency: COMPANY_CONCURRENCY,
    totalMs: performance.now() - started,
    scenarios,
    peer,
    b4Seed,
    cloud: cloud.report,
    rateLimit,
  });
  const markdown = markdownOf(report);
  await mkdir(dirname(RESULTS_FILE), { recursive: true });
  // Written whole, then renamed, so a reader never sees half a file.
  const partial = `${RESULTS_FILE}.tmp`;
  await writeFile(partial, `${JSON.stringify({ ...report, markdown }, null, 2)}\n`);
  await rename(partial, RESULTS_FILE);
  process.stdout.write(`${markdown}\n\n${machineLine(report)}\n\n${targetLines(report)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
