/**
 * B1–B5 and the peer listing, each run by one process: warm up on a small company, prepare
 * (untimed, latency 0), set the scenario's latency (B5: DynamoDB's too, through the latency
 * proxy), measure, then measure the floors at the same latencies against the same servers.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueuedWorkers } from '#adapters/queued-workers';
import { forEachBounded } from '#domain/bounded';
import type { PermissionProfile } from '#domain/entities';
import type { RunCounts, SyncRun } from '#domain/runs';
import { newClientFromIntacct } from '#domain/sync-rules';
import type { IntacctLogin } from '#ports/intacct-source';
import type { Link } from '#ports/stores';
import { BATCH_WRITE_MAX_ITEMS, batchPutAll } from '#store/batch';
import { DynamoClientStore } from '#store/client-store';
import { DynamoCompanySlots } from '#store/company-slots';
import { createDynamoClient, documentClientFor } from '#store/dynamo-client';
import type { StoredItem } from '#store/item-fields';
import { DynamoLinkStore } from '#store/link-store';
import type { TableNames } from '#store/tables';
import { editClient } from '#use-cases/edit-client';
import type { SyncDeps } from '#use-cases/engine/deps';
import { intacctForTenant } from '#use-cases/engine/intacct-for-tenant';
import { clientKind } from '#use-cases/engine/kinds';
import { WRITE_CONCURRENCY } from '#use-cases/engine/linked-records';
import { queueClientImport } from '#use-cases/import-clients';
import { queueUserImport, type UserImportRequest } from '#use-cases/import-users';
import { type SyncScope, syncTenant } from '#use-cases/sync-tenant';
import type { LatencyModel } from '../local/emulator';
import {
  B3_PICK_OFFSETS,
  B3_SHARES,
  BYTES_PER_MEBIBYTE,
  type DynamoLatencyModel,
  type LatencyProfile,
  MS_PER_SECOND,
  RSS_SAMPLE_INTERVAL_MS,
} from './config';
import type { DynamoTraffic, TableTraffic } from './dynamo-counter';
import {
  type ImportedRecords,
  type ListedObject,
  measureListingFloor,
  measureWriteFloor,
  minimumLoads,
  NO_WRITES,
  type ScenarioFloor,
  sameWritesLoads,
  type WriteFloor,
  type WriteFloorBasis,
} from './floors';
import type { DynamoTarget, EmulatorTarget } from './infra';
import { deleteCustomers, renameCustomer } from './intacct-edits';
import { IntacctRequestCounter, type IntacctTraffic, setLatency } from './intacct-traffic';
import { PASS_THROUGH, type ProxyStats, proxyStats, setProxyLatency } from './latency-proxy';
import { type ListingTiming, listCustomersWithConnector, listCustomersWithSdk } from './peer';
import { measureProxyOverhead, type ProxyOverheadJob, type ProxyOverheadResult } from './proxy-overhead';
import { type BenchWiring, connectTenant, wireEngine } from './wiring';

export type ScenarioName = 'B1' | 'B2' | 'B3' | 'B4' | 'B5 import' | 'B5 sync';

const NO_LATENCY: LatencyModel = { base: 0, perRecord: 0 };
const KILOBYTES_PER_MEBIBYTE = 1024;
/** The permission profile the bench imports team members with (any profile costs the same). */
const IMPORT_PROFILE: PermissionProfile = 'collaborator';

interface ServersJob {
  emulator: EmulatorTarget;
  /** The small company every process warms up on. */
  warmCompany: IntacctLogin;
  profile: LatencyProfile;
}

/** B5: `dynamo` is the latency proxy in front of dynalite, and the workers get a deployed invocation budget. */
interface CloudSettings {
  dynamoLatency: DynamoLatencyModel;
  /** Time each worker invocation is given (and the nightly's own invocation). */
  invocationMs: number;
}

export interface ScenarioJob extends ServersJob {
  kind: 'scenario';
  scenario: ScenarioName;
  dynamo: DynamoTarget;
  tables: TableNames;
  tenantId: string;
  company: IntacctLogin;
  cloud?: CloudSettings;
}

export interface PeerJob extends ServersJob {
  kind: 'peer';
  company: IntacctLogin;
  dynamo: DynamoTarget;
  tables: TableNames;
}

/** Links `tenantId` to every customer of `company` through the store adapters' batch path (B4 set-up). */
interface SeedJob {
  kind: 'seed';
  emulator: EmulatorTarget;
  dynamo: DynamoTarget;
  tables: TableNames;
  tenantId: string;
  company: IntacctLogin;
}

export type BenchJob = ScenarioJob | PeerJob | SeedJob | ProxyOverheadJob;

interface RunSummary {
  type: SyncRun['type'];
  status: SyncRun['status'];
  counts: RunCounts;
  processed: number;
  /** Worker invocations that took the run up (its checkpoint's count): 1 plus its continuations. */
  invocations: number;
}

/** The worker invocations a measurement took, as Lambda would have run them. */
interface InvocationSummary {
  /** Invocations of worker functions: each queued launch and continuation, plus the nightly's own. */
  lambda: number;
  /** Hand-offs of a run to a fresh invocation before its deadline, summed over the runs. */
  continuations: number;
  /** The time each invocation was given. */
  budgetMs: number;
}

interface TableSummary extends Omit<TableTraffic, 'shapes'> {
  table: keyof TableNames | 'other';
  putsByType: Record<string, number>;
}

export interface ScenarioResult {
  kind: 'scenario';
  scenario: ScenarioName;
  profile: string;
  latencyMs: LatencyModel;
  wallMs: number;
  /** Records the runs processed (listed and handled), summed over the scenario's runs. */
  records: number;
  recordsPerSecond: number;
  runs: RunSummary[];
  intacct: IntacctTraffic;
  dynamo: Omit<DynamoTraffic, 'byTable'> & { readItems: number; byTable: TableSummary[] };
  eventsPublished: number;
  /** CPU time (user + system) of this process over the measured part. */
  cpuMs: number;
  cpuMsPerRecord: number;
  invocations: InvocationSummary;
  /** Kernel high-water mark of this process's RSS at the end of the scenario (warm-up included). */
  peakRssMb: number;
  /** Highest RSS sampled while the scenario ran. */
  sampledPeakRssMb: number;
  /** B3 only: what was changed before the sync. */
  changes?: { changedInIntacct: number; editedInPsa: number; deletedInIntacct: number };
  /** B5 only: what the latency proxy in front of dynalite did during the measured part. */
  dynamoLatency?: ProxyStats & { meanAddedMs: number };
  floor: ScenarioFloor;
  ratioToFloor: number;
  /** B1: wall time over the minimum floor's (listing plus one PSA record and one link per record). */
  ratioToMinimumFloor?: number;
}

export interface PeerResult {
  kind: 'peer';
  profile: string;
  latencyMs: LatencyModel;
  sdk: ListingTiming & { intacct: IntacctTraffic };
  ours: ListingTiming & { intacct: IntacctTraffic };
  ratio: number;
  /** Ours again, its request slots shared through DynamoDB as deployed: what sharing them costs. */
  oursSharedSlots: ListingTiming;
}

export interface SeedResult {
  kind: 'seed';
  linked: number;
  ms: number;
}

export type BenchResult = ScenarioResult | PeerResult | SeedResult | ProxyOverheadResult;

interface Prepared {
  changes?: ScenarioResult['changes'];
  employeeIds?: string[];
}

/** What a measurement ran: its runs as they ended, and the worker invocations they took. */
interface Measured {
  runs: SyncRun[];
  invocations: number;
}

interface ScenarioPlan {
  /** What the listing floor lists for this scenario. */
  objects: readonly ListedObject[];
  /** The write floor the scenario's floor counts; B1 measures the minimum one besides. */
  writeFloor: WriteFloorBasis;
  alsoMinimumFloor?: boolean;
  prepare(wiring: BenchWiring, job: ScenarioJob): Promise<Prepared>;
  measure(deps: SyncDeps, job: ScenarioJob, prepared: Prepared): Promise<Measured>;
}

const queuedWorkers = (deps: SyncDeps): QueuedWorkers => deps.workers as QueuedWorkers;

/**
 * The nightly sync of a tenant to its end, in one tenant-sync invocation of the workers' budget,
 * continuations included (they queue on the deps' workers).
 */
async function nightly(deps: SyncDeps, tenantId: string, scope: SyncScope): Promise<Measured> {
  const { runs } = await syncTenant(deps, { tenantId, scope, trigger: 'schedule' }, queuedWorkers(deps).invocation());
  const continued = await drain(deps);
  return { runs: await finalRuns(deps, tenantId, runs), invocations: 1 + continued };
}

/** Executes whatever the engine queued for its workers (the worker of an import, continuations); answers how many invocations ran. */
function drain(deps: SyncDeps): Promise<number> {
  return queuedWorkers(deps).drain();
}

async function finalRuns(deps: SyncDeps, tenantId: string, runs: readonly SyncRun[]): Promise<SyncRun[]> {
  return Promise.all(runs.map(async (run) => (await deps.runs.get(tenantId, run.id)) ?? run));
}

async function employeeIdsOf(deps: SyncDeps, tenantId: string): Promise<string[]> {
  const source = await intacctForTenant(deps, tenantId);
  const ids: string[] = [];
  for await (const page of source.listEmployees()) ids.push(...page.records.map((record) => record.EMPLOYEEID ?? ''));
  return ids;
}

/** Imports every customer, and every employee with departments on, as an admin selecting all would. */
async function importAll(deps: SyncDeps, tenantId: string, employeeIds: readonly string[]): Promise<Measured> {
  const runs = [await queueClientImport(deps, tenantId, { all: true }, 'api')];
  let invocations = await drain(deps);
  if (employeeIds.length > 0) {
    const request: UserImportRequest = { employeeIds: [...employeeIds], permissionProfile: IMPORT_PROFILE, assignDepartments: true };
    runs.push(await queueUserImport(deps, tenantId, request, 'api'));
    invocations += await drain(deps);
  }
  return { runs: await finalRuns(deps, tenantId, runs), invocations };
}

async function allLinks(deps: SyncDeps, tenantId: string): Promise<Link[]> {
  const links: Link[] = [];
  for await (const page of deps.links.iterate(tenantId, 'customer')) links.push(...page);
  return links;
}

/** Every `stride`-th element of `values`, starting at `offset`. */
function everyNth<T>(values: readonly T[], share: number, offset: number): T[] {
  const stride = Math.round(1 / share);
  return values.filter((_, index) => index % stride === offset % stride);
}

const SCENARIOS: Record<ScenarioName, ScenarioPlan> = {
  B1: {
    objects: ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'],
    writeFloor: 'same-writes',
    alsoMinimumFloor: true,
    prepare: async ({ deps }, job) => ({ employeeIds: await employeeIdsOf(deps, job.tenantId) }),
    measure: (deps, job, prepared) => importAll(deps, job.tenantId, prepared.employeeIds ?? []),
  },
  B2: {
    objects: ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'],
    writeFloor: 'same-writes',
    prepare: async () => ({}),
    measure: (deps, job) => nightly(deps, job.tenantId, 'all'),
  },
  B3: {
    objects: ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'],
    writeFloor: 'same-writes',
    async prepare({ deps }, job) {
      const links = await allLinks(deps, job.tenantId);
      const changed = everyNth(links, B3_SHARES.changedInIntacct, B3_PICK_OFFSETS.changedInIntacct);
      const edited = everyNth(links, B3_SHARES.editedInPsa, B3_PICK_OFFSETS.editedInPsa);
      const deleted = everyNth(links, B3_SHARES.deletedInIntacct, B3_PICK_OFFSETS.deletedInIntacct);
      for (const link of changed) await renameCustomer(job.emulator, job.company, link.recordNo, `Renamed customer ${link.recordNo}`);
      for (const link of edited) await editClient(deps, job.tenantId, link.psaId, { city: 'Edited in the PSA' });
      await deleteCustomers(
        job.emulator,
        job.company,
        deleted.map((link) => link.recordNo),
      );
      return { changes: { changedInIntacct: changed.length, editedInPsa: edited.length, deletedInIntacct: deleted.length } };
    },
    measure: (deps, job) => nightly(deps, job.tenantId, 'all'),
  },
  B4: {
    objects: ['CUSTOMER'],
    writeFloor: 'same-writes',
    prepare: async () => ({}),
    measure: (deps, job) => nightly(deps, job.tenantId, 'clients'),
  },
  // B5 at the cloud's latencies: the admin's import of every customer, then the night's quiet sync.
  'B5 import': {
    objects: ['CUSTOMER'],
    writeFloor: 'minimum',
    prepare: async () => ({}),
    measure: (deps, job) => importAll(deps, job.tenantId, []),
  },
  'B5 sync': {
    objects: ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'],
    writeFloor: 'none',
    prepare: async () => ({}),
    measure: (deps, job) => nightly(deps, job.tenantId, 'all'),
  },
};

/** Imports and syncs the small warm-up company under a fresh tenant, so code paths are compiled and pools open. */
async function warmUp(wiring: BenchWiring, job: ServersJob): Promise<void> {
  const tenantId = `warm-${randomUUID().slice(0, 8)}`;
  await connectTenant(wiring.deps, tenantId, job.warmCompany);
  await importAll(wiring.deps, tenantId, await employeeIdsOf(wiring.deps, tenantId));
  await nightly(wiring.deps, tenantId, 'all');
}

function logicalTables(traffic: DynamoTraffic, names: TableNames): TableSummary[] {
  const logicalOf = new Map(Object.entries(names).map(([logical, physical]) => [physical, logical as keyof TableNames]));
  return Object.entries(traffic.byTable).map(([physical, { shapes, ...counted }]) => ({
    table: logicalOf.get(physical) ?? 'other',
    ...counted,
    // How many items of each entity type were put; the samples stay out of the report.
    putsByType: Object.fromEntries(Object.entries(shapes).map(([type, shape]) => [type, shape.count])),
  }));
}

/** Samples RSS while a measurement runs; the kernel's maxRSS covers the whole process life. */
function startRssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, RSS_SAMPLE_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const mebibytes = (bytes: number): number => bytes / BYTES_PER_MEBIBYTE;
const MICROSECONDS_PER_MS = 1_000;

/** Records each import run wrote to the PSA: clients (name-indexed) and the rest. */
function importedBy(runs: readonly SyncRun[]): ImportedRecords {
  const imported: ImportedRecords = { clients: 0, others: 0 };
  for (const run of runs) {
    const written = run.counts.created + run.counts.updated;
    if (run.type === 'client_import') imported.clients += written;
    else if (run.type === 'user_import') imported.others += written;
  }
  return imported;
}

/** The write floor of `basis` for what the measurement wrote. */
function measureWrites(basis: WriteFloorBasis, job: ScenarioJob, traffic: DynamoTraffic, runs: readonly SyncRun[]): Promise<WriteFloor> {
  switch (basis) {
    case 'same-writes':
      return measureWriteFloor(job.dynamo, sameWritesLoads(traffic, job.tables), basis);
    case 'minimum':
      return measureWriteFloor(job.dynamo, minimumLoads(traffic, job.tables, importedBy(runs)), basis);
    case 'none':
      return Promise.resolve(NO_WRITES);
  }
}

/** Runs one scenario job in this process and answers its figures. */
export async function runScenarioJob(job: ScenarioJob): Promise<ScenarioResult> {
  const plan = SCENARIOS[job.scenario];
  const wiring = wireEngine(job.emulator, job.dynamo, job.tables);
  if (job.cloud) wiring.workers.invocationMs = job.cloud.invocationMs;
  const intacct = new IntacctRequestCounter(job.emulator);
  try {
    await setLatency(job.emulator, NO_LATENCY);
    if (job.cloud) await setProxyLatency(job.dynamo, PASS_THROUGH);
    await warmUp(wiring, job);
    await connectTenant(wiring.deps, job.tenantId, job.company);
    const prepared = await plan.prepare(wiring, job);
    await setLatency(job.emulator, job.profile.model);
    if (job.cloud) await setProxyLatency(job.dynamo, job.cloud.dynamoLatency);

    wiring.dynamo.reset();
    const eventsBefore = wiring.events.published;
    const statsBefore = await intacct.start();
    const stopSampler = startRssSampler();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const { runs, invocations } = await plan.measure(wiring.deps, job, prepared);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const sampledPeak = stopSampler();
    const maxRssKb = process.resourceUsage().maxRSS;
    const traffic = wiring.dynamo.snapshot();
    const intacctTraffic = await intacct.finish(statsBefore);
    const proxied = job.cloud ? await proxyStats(job.dynamo) : null;

    // The floors at the same latencies (B5's writes through the proxy), against the same servers.
    const listing = await measureListingFloor(job.emulator, job.company, plan.objects);
    const writes = await measureWrites(plan.writeFloor, job, traffic, runs);
    const minimumWrites = plan.alsoMinimumFloor ? await measureWrites('minimum', job, traffic, runs) : null;
    await setLatency(job.emulator, NO_LATENCY);
    if (job.cloud) await setProxyLatency(job.dynamo, PASS_THROUGH);

    const records = runs.reduce((sum, run) => sum + run.progress.processed, 0);
    const cpuMs = (cpu.user + cpu.system) / MICROSECONDS_PER_MS;
    const floorMs = listing.ms + writes.ms;
    const minimum = minimumWrites ? { writes: minimumWrites, totalMs: listing.ms + minimumWrites.ms } : null;
    return {
      kind: 'scenario',
      scenario: job.scenario,
      profile: job.profile.label,
      latencyMs: job.profile.model,
      wallMs,
      records,
      recordsPerSecond: records / (wallMs / MS_PER_SECOND),
      runs: runs.map((run) => ({
        type: run.type,
        status: run.status,
        counts: run.counts,
        processed: run.progress.processed,
        invocations: run.checkpoint?.invocations ?? 0,
      })),
      intacct: intacctTraffic,
      dynamo: {
        readRequests: traffic.readRequests,
        readItems: Object.values(traffic.byTable).reduce((sum, table) => sum + (table.items.GetItem ?? 0) + (table.items.BatchGetItem ?? 0), 0),
        writeRequests: traffic.writeRequests,
        itemWrites: traffic.itemWrites,
        writeUnits: traffic.writeUnits,
        indexWriteUnits: traffic.indexWriteUnits,
        byTable: logicalTables(traffic, job.tables),
      },
      eventsPublished: wiring.events.published - eventsBefore,
      cpuMs,
      cpuMsPerRecord: records === 0 ? 0 : cpuMs / records,
      invocations: {
        lambda: invocations,
        continuations: runs.reduce((sum, run) => sum + Math.max(0, (run.checkpoint?.invocations ?? 1) - 1), 0),
        budgetMs: wiring.workers.invocationMs,
      },
      peakRssMb: maxRssKb / KILOBYTES_PER_MEBIBYTE,
      sampledPeakRssMb: mebibytes(sampledPeak),
      ...(prepared.changes ? { changes: prepared.changes } : {}),
      ...(proxied ? { dynamoLatency: { ...proxied, meanAddedMs: proxied.requests === 0 ? 0 : proxied.addedMs / proxied.requests } } : {}),
      floor: { listing, writes, totalMs: floorMs, ...(minimum ? { minimum } : {}) },
      ratioToFloor: wallMs / floorMs,
      ...(minimum ? { ratioToMinimumFloor: wallMs / minimum.totalMs } : {}),
    };
  } finally {
    intacct.dispose();
    wiring.close();
  }
}

/** Lists the company's customers with the SDK and with our connector, each after a warm-up listing. */
export async function runPeerJob(job: PeerJob): Promise<PeerResult> {
  const intacct = new IntacctRequestCounter(job.emulator);
  try {
    await setLatency(job.emulator, NO_LATENCY);
    await listCustomersWithSdk(job.emulator, job.warmCompany);
    await listCustomersWithConnector(job.emulator, job.warmCompany);
    await setLatency(job.emulator, job.profile.model);
    const sdkBefore = await intacct.start();
    const sdk = await listCustomersWithSdk(job.emulator, job.company);
    const sdkTraffic = await intacct.finish(sdkBefore);
    const oursBefore = await intacct.start();
    const ours = await listCustomersWithConnector(job.emulator, job.company);
    const oursTraffic = await intacct.finish(oursBefore);
    const raw = createDynamoClient({ endpoint: job.dynamo.endpoint });
    const oursSharedSlots = await listCustomersWithConnector(
      job.emulator,
      job.company,
      new DynamoCompanySlots(documentClientFor(raw), job.tables.runs),
    ).finally(() => raw.destroy());
    return {
      kind: 'peer',
      profile: job.profile.label,
      latencyMs: job.profile.model,
      sdk: { ...sdk, intacct: sdkTraffic },
      ours: { ...ours, intacct: oursTraffic },
      ratio: ours.ms / sdk.ms,
      oursSharedSlots,
    };
  } finally {
    intacct.dispose();
    await setLatency(job.emulator, NO_LATENCY);
  }
}

/** A document client stand-in that keeps the items an adapter would put, so seeding uses the adapters' own item shapes. */
function capturingDocument(): { doc: DynamoDBDocumentClient; items: StoredItem[] } {
  const items: StoredItem[] = [];
  const doc = {
    send: async (command: { input: { Item?: StoredItem } }) => {
      if (command.input.Item) items.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, items };
}

async function putInBatches(doc: DynamoDBDocumentClient, tableName: string, items: readonly StoredItem[]): Promise<void> {
  const chunks: StoredItem[][] = [];
  for (let start = 0; start < items.length; start += BATCH_WRITE_MAX_ITEMS) chunks.push(items.slice(start, start + BATCH_WRITE_MAX_ITEMS));
  await forEachBounded(chunks, WRITE_CONCURRENCY, (chunk) => batchPutAll(doc, tableName, chunk));
}

/**
 * B4 set-up: links every customer of the company to a new PSA client, as an import would leave
 * them, but written 25 at a time through BatchWriteItem instead of one conditional put each.
 */
async function runSeedJob(job: SeedJob): Promise<SeedResult> {
  const wiring = wireEngine(job.emulator, job.dynamo, job.tables);
  try {
    await setLatency(job.emulator, NO_LATENCY);
    const started = performance.now();
    await connectTenant(wiring.deps, job.tenantId, job.company);
    const source = await intacctForTenant(wiring.deps, job.tenantId);
    const kind = clientKind(wiring.deps);
    let linked = 0;
    for await (const page of source.listCustomers()) {
      const clients = capturingDocument();
      const links = capturingDocument();
      const clientStore = new DynamoClientStore(clients.doc, job.tables.entities);
      const linkStore = new DynamoLinkStore(links.doc, job.tables.links);
      const now = wiring.deps.clock.now().toISOString();
      for (const fields of page.records) {
        const mapped = kind.map(fields);
        const id = wiring.deps.ids.newId();
        await clientStore.create(newClientFromIntacct({ id, tenantId: job.tenantId, mapped, now }));
        await linkStore.createIfAbsent({
          tenantId: job.tenantId,
          object: 'customer',
          recordNo: mapped.recordNo,
          intacctId: mapped.intacctId,
          psaId: id,
          createdAt: now,
          fingerprint: kind.fingerprint(mapped),
          claim: null,
        });
      }
      await putInBatches(wiring.doc, job.tables.entities, clients.items);
      await putInBatches(wiring.doc, job.tables.links, links.items);
      linked += page.records.length;
    }
    return { kind: 'seed', linked, ms: performance.now() - started };
  } finally {
    wiring.close();
  }
}

/** Runs any job in this process. */
export function runJob(job: BenchJob): Promise<BenchResult> {
  switch (job.kind) {
    case 'scenario':
      return runScenarioJob(job);
    case 'peer':
      return runPeerJob(job);
    case 'seed':
      return runSeedJob(job);
    case 'proxy-overhead':
      return measureProxyOverhead(job);
  }
}
