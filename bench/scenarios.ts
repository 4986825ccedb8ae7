/**
 * B1–B4 and the peer listing, each run by one process: warm up on a small company, prepare
 * (untimed, latency 0), set the scenario's latency, measure, then measure the floors at the same
 * latency against the same servers.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueuedWorkers } from '#adapters/queued-workers';
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
import { forEachBounded } from '#use-cases/engine/bounded';
import type { SyncDeps } from '#use-cases/engine/deps';
import { intacctForTenant } from '#use-cases/engine/intacct-for-tenant';
import { clientKind } from '#use-cases/engine/kinds';
import { WRITE_CONCURRENCY } from '#use-cases/engine/linked-records';
import { queueClientImport } from '#use-cases/import-clients';
import { queueUserImport, type UserImportRequest } from '#use-cases/import-users';
import { type SyncScope, syncTenant } from '#use-cases/sync-tenant';
import type { LatencyModel } from '../local/emulator';
import { B3_PICK_OFFSETS, B3_SHARES, BYTES_PER_MEBIBYTE, type LatencyProfile, MS_PER_SECOND, RSS_SAMPLE_INTERVAL_MS } from './config';
import type { DynamoTraffic, TableTraffic } from './dynamo-counter';
import { type ListedObject, measureListingFloor, measureWriteFloor, type ScenarioFloor } from './floors';
import type { DynamoTarget, EmulatorTarget } from './infra';
import { deleteCustomers, renameCustomer } from './intacct-edits';
import { IntacctRequestCounter, type IntacctTraffic, setLatency } from './intacct-traffic';
import { type ListingTiming, listCustomersWithConnector, listCustomersWithSdk } from './peer';
import { type BenchWiring, connectTenant, wireEngine } from './wiring';

export type ScenarioName = 'B1' | 'B2' | 'B3' | 'B4';

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

export interface ScenarioJob extends ServersJob {
  kind: 'scenario';
  scenario: ScenarioName;
  dynamo: DynamoTarget;
  tables: TableNames;
  tenantId: string;
  company: IntacctLogin;
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

export type BenchJob = ScenarioJob | PeerJob | SeedJob;

interface RunSummary {
  type: SyncRun['type'];
  status: SyncRun['status'];
  counts: RunCounts;
  processed: number;
}

interface TableSummary extends TableTraffic {
  table: keyof TableNames | 'other';
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
  /** Kernel high-water mark of this process's RSS at the end of the scenario (warm-up included). */
  peakRssMb: number;
  /** Highest RSS sampled while the scenario ran. */
  sampledPeakRssMb: number;
  /** B3 only: what was changed before the sync. */
  changes?: { changedInIntacct: number; editedInPsa: number; deletedInIntacct: number };
  floor: ScenarioFloor;
  ratioToFloor: number;
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

export type BenchResult = ScenarioResult | PeerResult | SeedResult;

interface Prepared {
  changes?: ScenarioResult['changes'];
  employeeIds?: string[];
}

interface ScenarioPlan {
  /** What the listing floor lists for this scenario. */
  objects: readonly ListedObject[];
  prepare(wiring: BenchWiring, job: ScenarioJob): Promise<Prepared>;
  measure(deps: SyncDeps, job: ScenarioJob, prepared: Prepared): Promise<SyncRun[]>;
}

/** The nightly sync of a tenant to its end, continuations included (they queue on the deps' workers). */
async function nightly(deps: SyncDeps, tenantId: string, scope: SyncScope): Promise<SyncRun[]> {
  const { runs } = await syncTenant(deps, { tenantId, scope, trigger: 'schedule' });
  await drain(deps);
  return finalRuns(deps, tenantId, runs);
}

/** Executes whatever the engine queued for its workers (the worker of an import, continuations). */
async function drain(deps: SyncDeps): Promise<void> {
  await (deps.workers as QueuedWorkers).drain();
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
async function importAll(deps: SyncDeps, tenantId: string, employeeIds: readonly string[]): Promise<SyncRun[]> {
  const runs = [await queueClientImport(deps, tenantId, { all: true }, 'api')];
  await drain(deps);
  if (employeeIds.length > 0) {
    const request: UserImportRequest = { employeeIds: [...employeeIds], permissionProfile: IMPORT_PROFILE, assignDepartments: true };
    runs.push(await queueUserImport(deps, tenantId, request, 'api'));
    await drain(deps);
  }
  return finalRuns(deps, tenantId, runs);
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
    prepare: async ({ deps }, job) => ({ employeeIds: await employeeIdsOf(deps, job.tenantId) }),
    measure: (deps, job, prepared) => importAll(deps, job.tenantId, prepared.employeeIds ?? []),
  },
  B2: {
    objects: ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'],
    prepare: async () => ({}),
    measure: (deps, job) => nightly(deps, job.tenantId, 'all'),
  },
  B3: {
    objects: ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'],
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
    prepare: async () => ({}),
    measure: (deps, job) => nightly(deps, job.tenantId, 'clients'),
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
  return Object.entries(traffic.byTable).map(([physical, counted]) => ({ table: logicalOf.get(physical) ?? 'other', ...counted }));
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

/** Runs one scenario job in this process and answers its figures. */
export async function runScenarioJob(job: ScenarioJob): Promise<ScenarioResult> {
  const plan = SCENARIOS[job.scenario];
  const wiring = wireEngine(job.emulator, job.dynamo, job.tables);
  const intacct = new IntacctRequestCounter(job.emulator);
  try {
    await setLatency(job.emulator, NO_LATENCY);
    await warmUp(wiring, job);
    await connectTenant(wiring.deps, job.tenantId, job.company);
    const prepared = await plan.prepare(wiring, job);
    await setLatency(job.emulator, job.profile.model);

    wiring.dynamo.reset();
    const eventsBefore = wiring.events.published;
    const statsBefore = await intacct.start();
    const stopSampler = startRssSampler();
    const started = performance.now();
    const runs = await plan.measure(wiring.deps, job, prepared);
    const wallMs = performance.now() - started;
    const sampledPeak = stopSampler();
    const maxRssKb = process.resourceUsage().maxRSS;
    const traffic = wiring.dynamo.snapshot();
    const intacctTraffic = await intacct.finish(statsBefore);

    const listing = await measureListingFloor(job.emulator, job.company, plan.objects);
    const writes = await measureWriteFloor(job.dynamo, traffic, job.tables);
    await setLatency(job.emulator, NO_LATENCY);

    const records = runs.reduce((sum, run) => sum + run.progress.processed, 0);
    const floorMs = listing.ms + writes.ms;
    return {
      kind: 'scenario',
      scenario: job.scenario,
      profile: job.profile.label,
      latencyMs: job.profile.model,
      wallMs,
      records,
      recordsPerSecond: records / (wallMs / MS_PER_SECOND),
      runs: runs.map((run) => ({ type: run.type, status: run.status, counts: run.counts, processed: run.progress.processed })),
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
      peakRssMb: maxRssKb / KILOBYTES_PER_MEBIBYTE,
      sampledPeakRssMb: mebibytes(sampledPeak),
      ...(prepared.changes ? { changes: prepared.changes } : {}),
      floor: { listing, writes, totalMs: floorMs },
      ratioToFloor: wallMs / floorMs,
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
  }
}
