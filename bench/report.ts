/** The run's figures as bench/results/latest.json, the markdown table, and each target met or missed. */
import { cpus, totalmem } from 'node:os';
import { QUERY_MAX_PAGE_SIZE } from '#intacct/query-builder';
import { type BenchSizes, BYTES_PER_MEBIBYTE, type DynamoLatencyModel, type LatencyProfile, MS_PER_SECOND } from './config';
import type { ProxyOverheadResult } from './proxy-overhead';
import type { RateLimitResult } from './rate-limit';
import type { PeerResult, ScenarioName, ScenarioResult, SeedResult } from './scenarios';

/** The issues' targets. */
const TARGETS = {
  /** B2–B4 with latency. */
  floorRatioWithLatency: 1.2,
  /** B1 at latency 0: "at least 50% of the minimum floor's speed" is at most twice its time. */
  importFloorRatioAtZero: 2,
  /** B1 with latency, against its minimum floor. */
  importFloorRatioWithLatency: 1.5,
  peerRatio: 0.5,
  b4PeakRssMb: 512,
  b4OverB2Rss: 1.5,
  /** B5, import and quiet sync, each against its floors. */
  cloudFloorRatio: 1.5,
  cloudCpuMsPerRecord: 0.3,
  cloudPeakRssMb: 512,
} as const;

const DECIMALS_CPU_PER_RECORD = 3;
const DECIMALS_ADDED_MS = 2;
const DECIMALS_OVERHEAD_MS = 3;

/** B5's settings and the latency proxy's own cost (B5's figures are among the scenarios). */
export interface CloudReport {
  profile: LatencyProfile;
  dynamoLatency: DynamoLatencyModel;
  customers: number;
  proxyOverhead: ProxyOverheadResult;
}

const DECIMALS_SECONDS = 2;
const DECIMALS_RATIO = 2;

/** The one number a target is judged on, when there is one, and the limit it is held to. */
interface TargetFigure {
  value: number;
  limit: number;
  unit: '× floor' | '× SDK' | 'MB' | 'ms per record';
}

interface TargetVerdict {
  target: string;
  met: boolean;
  figure?: TargetFigure;
  detail: string;
}

export interface BenchReport {
  generatedAt: string;
  machine: { node: string; cores: number; cpuModel: string; totalMemoryMb: number; platform: string; arch: string };
  quick: boolean;
  sizes: BenchSizes;
  latencyProfiles: readonly LatencyProfile[];
  companyConcurrency: number;
  totalMs: number;
  scenarios: ScenarioResult[];
  peer: PeerResult[];
  b4Seed: SeedResult | null;
  cloud: CloudReport | null;
  rateLimit: RateLimitResult | null;
  targets: TargetVerdict[];
}

export interface ReportInput {
  quick: boolean;
  sizes: BenchSizes;
  profiles: readonly LatencyProfile[];
  companyConcurrency: number;
  totalMs: number;
  scenarios: ScenarioResult[];
  peer: PeerResult[];
  b4Seed: SeedResult | null;
  cloud?: CloudReport | null;
  rateLimit: RateLimitResult | null;
}

const seconds = (ms: number): string => (ms / MS_PER_SECOND).toFixed(DECIMALS_SECONDS);
const ratio = (value: number): string => `${value.toFixed(DECIMALS_RATIO)}×`;
const whole = (value: number): string => Math.round(value).toLocaleString('en-US');

function tableWrites(result: ScenarioResult, table: string): number {
  return result.dynamo.byTable.filter((t) => t.table === table).reduce((sum, t) => sum + t.itemWrites, 0);
}

function queriesFor(result: ScenarioResult, object: string): number {
  return result.intacct.byObject[`query ${object}`] ?? 0;
}

function find(results: ScenarioResult[], scenario: ScenarioName, profile: string): ScenarioResult | undefined {
  return results.find((r) => r.scenario === scenario && r.profile === profile);
}

/** The floor that counts the data model's minimum writes: B1's second floor, B5's import's only one. */
function minimumFloorOf(result: ScenarioResult): { totalMs: number; writes: ScenarioResult['floor']['writes']; ratio: number } | null {
  if (result.floor.minimum) return { ...result.floor.minimum, ratio: result.ratioToMinimumFloor ?? result.wallMs / result.floor.minimum.totalMs };
  if (result.floor.writes.basis === 'minimum') return { totalMs: result.floor.totalMs, writes: result.floor.writes, ratio: result.ratioToFloor };
  return null;
}

/** B1 against both of its floors, for the target lines. */
function importFloorsDetail(b1: ScenarioResult): string {
  const minimum = minimumFloorOf(b1);
  const same = `same-writes floor ${seconds(b1.floor.totalMs)} s (${whole(b1.floor.writes.items)} items ${seconds(b1.floor.writes.ms)} s): ${ratio(b1.ratioToFloor)}`;
  if (!minimum) return `B1 ${seconds(b1.wallMs)} s; no minimum floor measured; ${same}`;
  return (
    `B1 ${seconds(b1.wallMs)} s vs minimum floor ${seconds(minimum.totalMs)} s (listing ${seconds(b1.floor.listing.ms)} s + ` +
    `${whole(minimum.writes.items)} items, one PSA record and one link per record, as BatchWriteItem ${seconds(minimum.writes.ms)} s): ` +
    `${ratio(minimum.ratio)}, ${((100 * minimum.totalMs) / b1.wallMs).toFixed(0)}% of its speed; ${same}`
  );
}

function cloudTargets(scenarios: ScenarioResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const imported = scenarios.find((r) => r.scenario === 'B5 import');
  const synced = scenarios.find((r) => r.scenario === 'B5 sync');
  if (imported) {
    verdicts.push({
      target: `B5 import within ${TARGETS.cloudFloorRatio}× its floor (listing + one PSA record and one link per record, written through the latency proxy)`,
      met: imported.ratioToFloor <= TARGETS.cloudFloorRatio,
      figure: { value: imported.ratioToFloor, limit: TARGETS.cloudFloorRatio, unit: '× floor' },
      detail:
        `${seconds(imported.wallMs)} s vs floor ${seconds(imported.floor.totalMs)} s (listing ${seconds(imported.floor.listing.ms)} s in ` +
        `${imported.floor.listing.requests} requests + ${whole(imported.floor.writes.items)} items ${seconds(imported.floor.writes.ms)} s): ${ratio(imported.ratioToFloor)}`,
    });
  }
  if (synced) {
    verdicts.push({
      target: `B5 quiet sync within ${TARGETS.cloudFloorRatio}× its floor (the listing; no writes)`,
      met: synced.ratioToFloor <= TARGETS.cloudFloorRatio,
      figure: { value: synced.ratioToFloor, limit: TARGETS.cloudFloorRatio, unit: '× floor' },
      detail: `${seconds(synced.wallMs)} s vs listing ${seconds(synced.floor.totalMs)} s in ${synced.floor.listing.requests} requests: ${ratio(synced.ratioToFloor)}`,
    });
  }
  if (imported) {
    verdicts.push({
      target: `B5 import CPU ≤ ${TARGETS.cloudCpuMsPerRecord} ms per imported record`,
      met: imported.cpuMsPerRecord <= TARGETS.cloudCpuMsPerRecord,
      figure: { value: imported.cpuMsPerRecord, limit: TARGETS.cloudCpuMsPerRecord, unit: 'ms per record' },
      detail:
        `${seconds(imported.cpuMs)} s CPU for ${whole(imported.records)} records: ${imported.cpuMsPerRecord.toFixed(DECIMALS_CPU_PER_RECORD)} ms each` +
        (synced
          ? `; quiet sync ${seconds(synced.cpuMs)} s for ${whole(synced.records)}: ${synced.cpuMsPerRecord.toFixed(DECIMALS_CPU_PER_RECORD)} ms each`
          : ''),
    });
  }
  const parts = [imported, synced].filter((r): r is ScenarioResult => r !== undefined);
  if (parts.length > 0) {
    verdicts.push({
      target: `B5 peak RSS < ${TARGETS.cloudPeakRssMb} MB`,
      met: parts.every((r) => r.peakRssMb < TARGETS.cloudPeakRssMb),
      figure: { value: Math.max(...parts.map((r) => r.peakRssMb)), limit: TARGETS.cloudPeakRssMb, unit: 'MB' },
      detail: parts.map((r) => `${r.scenario.replace('B5 ', '')} ${whole(r.peakRssMb)} MB`).join(', '),
    });
  }
  return verdicts;
}

/** Judges every target of the issue against the measured figures, one verdict per target and latency. */
function judgeTargets(input: ReportInput): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const { main, large } = input.sizes;
  const objectSizes = { CUSTOMER: main.customers, EMPLOYEE: main.employees, DEPARTMENT: main.departments };
  for (const profile of input.profiles) {
    const b2 = find(input.scenarios, 'B2', profile.label);
    if (b2) {
      const entityAndLinkWrites = tableWrites(b2, 'entities') + tableWrites(b2, 'links');
      const perObject = Object.entries(objectSizes).map(([object, size]) => {
        const allowed = Math.ceil(size / QUERY_MAX_PAGE_SIZE) + 1;
        return { object, made: queriesFor(b2, object), allowed };
      });
      const sessions = b2.intacct.byFunction.getAPISession ?? 0;
      const listingOk = perObject.every((o) => o.made <= o.allowed);
      // Each run (clients, users) opens its own API session; one session call per run.
      const sessionsOk = sessions <= b2.runs.length;
      verdicts.push({
        target: `B2 (${profile.label}): zero entity/link writes, ≤ ceil(N/2000)+1 listing requests per object plus the session call`,
        met: entityAndLinkWrites === 0 && listingOk && sessionsOk,
        detail:
          `${entityAndLinkWrites} entity/link item writes; ` +
          perObject.map((o) => `${o.object} ${o.made} queries (≤ ${o.allowed})`).join(', ') +
          `; ${sessions} getAPISession for ${b2.runs.length} runs`,
      });
    }
    const b3 = find(input.scenarios, 'B3', profile.label);
    if (b3?.changes) {
      const { changedInIntacct, editedInPsa, deletedInIntacct } = b3.changes;
      const expectedEntityWrites = changedInIntacct + editedInPsa + deletedInIntacct;
      const entityWrites = tableWrites(b3, 'entities');
      const linkWrites = tableWrites(b3, 'links');
      // Each changed or edited record's link takes its new fingerprint; each deleted one's link goes.
      const expectedLinkWrites = changedInIntacct + editedInPsa + deletedInIntacct;
      verdicts.push({
        target: `B3 (${profile.label}): writes exactly the changed records`,
        met: entityWrites === expectedEntityWrites && linkWrites === expectedLinkWrites,
        detail:
          `${entityWrites} entity writes for ${changedInIntacct} changed + ${editedInPsa} PSA-edited + ${deletedInIntacct} deleted ` +
          `(expected ${expectedEntityWrites}); ${linkWrites} link writes, one per changed record (expected ${expectedLinkWrites})`,
      });
    }
    const withLatency = profile.model.base > 0 || profile.model.perRecord > 0;
    const b1 = find(input.scenarios, 'B1', profile.label);
    const b1Minimum = b1 ? minimumFloorOf(b1) : null;
    if (withLatency) {
      if (b1) {
        verdicts.push({
          target: `B1 with latency ≤ ${TARGETS.importFloorRatioWithLatency}× its minimum floor (${profile.label})`,
          met: b1Minimum !== null && b1Minimum.ratio <= TARGETS.importFloorRatioWithLatency,
          ...(b1Minimum ? { figure: { value: b1Minimum.ratio, limit: TARGETS.importFloorRatioWithLatency, unit: '× floor' as const } } : {}),
          detail: importFloorsDetail(b1),
        });
      }
      const scenarios = input.scenarios.filter((r) => r.profile === profile.label && r.scenario !== 'B1');
      const worst = Math.max(...scenarios.map((r) => r.ratioToFloor));
      verdicts.push({
        target: `B2–B4 each within ${TARGETS.floorRatioWithLatency}× its floor (${profile.label})`,
        met: scenarios.length > 0 && worst <= TARGETS.floorRatioWithLatency,
        ...(scenarios.length > 0 ? { figure: { value: worst, limit: TARGETS.floorRatioWithLatency, unit: '× floor' as const } } : {}),
        detail: scenarios.map((r) => `${r.scenario} ${ratio(r.ratioToFloor)}`).join(', '),
      });
    } else if (b1) {
      verdicts.push({
        target: `B1 at latency 0 at least 50% of the minimum floor's speed (≤ ${TARGETS.importFloorRatioAtZero}× its time)`,
        met: b1Minimum !== null && b1Minimum.ratio <= TARGETS.importFloorRatioAtZero,
        ...(b1Minimum ? { figure: { value: b1Minimum.ratio, limit: TARGETS.importFloorRatioAtZero, unit: '× floor' as const } } : {}),
        detail: importFloorsDetail(b1),
      });
    }
    const peer = input.peer.find((p) => p.profile === profile.label);
    if (peer) {
      verdicts.push({
        target: `Our listing ≤ ${TARGETS.peerRatio}× the SDK's time (${profile.label})`,
        met: peer.ratio <= TARGETS.peerRatio,
        figure: { value: peer.ratio, limit: TARGETS.peerRatio, unit: '× SDK' },
        detail: `ours ${seconds(peer.ours.ms)} s vs SDK ${seconds(peer.sdk.ms)} s for ${whole(peer.sdk.records)} customers: ${ratio(peer.ratio)}`,
      });
    }
    const b4 = find(input.scenarios, 'B4', profile.label);
    if (b4 && b2) {
      const overB2 = b4.peakRssMb / b2.peakRssMb;
      verdicts.push({
        target: `B4 peak RSS < ${TARGETS.b4PeakRssMb} MB and ≤ ${TARGETS.b4OverB2Rss}× B2's (${profile.label})`,
        met: b4.peakRssMb < TARGETS.b4PeakRssMb && overB2 <= TARGETS.b4OverB2Rss,
        detail: `B4 (${whole(large.customers)} customers) ${whole(b4.peakRssMb)} MB, B2 ${whole(b2.peakRssMb)} MB: ${ratio(overB2)}`,
      });
    }
  }
  verdicts.push(...cloudTargets(input.scenarios));
  if (input.rateLimit) {
    const { rateLimitMs, customers, outcomes } = input.rateLimit;
    verdicts.push({
      target: `A listing facing a rate limit that lasts ${seconds(rateLimitMs)} s completes`,
      met: outcomes.length > 0 && outcomes.every((o) => o.completed),
      detail: outcomes
        .map(
          (o) =>
            `${o.retryAfterSeconds === null ? 'no Retry-After' : `Retry-After ${o.retryAfterSeconds} s`}: ${whole(o.records)} of ${whole(customers)} customers, done ${seconds(o.msAfterLimitLifted)} s after the limit lifted`,
        )
        .join('; '),
    });
  }
  return verdicts;
}

function requestsCell(result: ScenarioResult): string {
  const parts = Object.entries(result.intacct.byFunction).map(([name, count]) => `${count} ${name}`);
  return `${result.intacct.httpRequests} (${parts.join(', ')})`;
}

const NOT_MEASURED = '—';

/** The same-writes floor (or B5's sync's listing-only one): listing + writes, and the ratio. */
function floorCells(r: ScenarioResult): string {
  if (r.floor.writes.basis === 'minimum') return `${NOT_MEASURED} | ${NOT_MEASURED}`;
  return `${seconds(r.floor.totalMs)}: ${seconds(r.floor.listing.ms)} (${r.floor.listing.requests} req) + ${seconds(r.floor.writes.ms)} | ${ratio(r.ratioToFloor)}`;
}

/** The minimum floor (B1, B5's import): listing + one PSA record and one link per record, and the ratio. */
function minimumFloorCells(r: ScenarioResult): string {
  const minimum = minimumFloorOf(r);
  if (!minimum) return `${NOT_MEASURED} | ${NOT_MEASURED}`;
  return `${seconds(minimum.totalMs)}: ${seconds(r.floor.listing.ms)} (${r.floor.listing.requests} req) + ${seconds(minimum.writes.ms)} (${whole(minimum.writes.items)} items) | ${ratio(minimum.ratio)}`;
}

function invocationsCell(r: ScenarioResult): string {
  return `${r.invocations.lambda} (${r.invocations.continuations}), ${seconds(r.invocations.budgetMs)} s each`;
}

/** B5's own table: CPU, invocations and DynamoDB latency, and the latency proxy's own cost. */
function cloudLines(report: BenchReport): string[] {
  const cloud = report.cloud;
  const parts = report.scenarios.filter((r) => r.scenario === 'B5 import' || r.scenario === 'B5 sync');
  if (!cloud || parts.length === 0) return [];
  const { minMs, maxMs, seed } = cloud.dynamoLatency;
  const lines = [
    '',
    `| B5: ${whole(cloud.customers)} customers at the cloud's latencies | Wall (s) | CPU (s) | CPU per record (ms) | Peak RSS (MB) | Worker invocations (continuations), budget | DynamoDB requests (mean ms added) | Floor (s) | × floor |`,
    '|---|--:|--:|--:|--:|---|--:|--:|--:|',
  ];
  for (const r of parts) {
    const proxied = r.dynamoLatency ? `${whole(r.dynamoLatency.requests)} (${r.dynamoLatency.meanAddedMs.toFixed(DECIMALS_ADDED_MS)})` : NOT_MEASURED;
    lines.push(
      `| ${r.scenario === 'B5 import' ? 'Import of every customer' : 'Quiet nightly sync'} | ${seconds(r.wallMs)} | ${seconds(r.cpuMs)} | ` +
        `${r.cpuMsPerRecord.toFixed(DECIMALS_CPU_PER_RECORD)} | ${whole(r.peakRssMb)} | ${invocationsCell(r)} | ${proxied} | ${seconds(r.floor.totalMs)} | ${ratio(r.ratioToFloor)} |`,
    );
  }
  const { sequentialGets: gets, batchWrites: writes } = cloud.proxyOverhead;
  lines.push(
    '',
    `B5's DynamoDB is dynalite behind a proxy adding ${minMs}–${maxMs} ms per request (uniform, seed ${seed}); Intacct ${cloud.profile.model.base} ms + ` +
      `${cloud.profile.model.perRecord} ms per record. The proxy itself, adding 0 ms, against dynalite directly: ` +
      `+${gets.addedMsPerRequest.toFixed(DECIMALS_OVERHEAD_MS)} ms per request one at a time (${whole(gets.requests)} GetItem: ${seconds(gets.proxiedMs)} s vs ${seconds(gets.directMs)} s); ` +
      `${whole(writes.calls)} BatchWriteItem of 25 with ${writes.inFlight} in flight: ${seconds(writes.proxiedMs)} s vs ${seconds(writes.directMs)} s (${ratio(writes.ratio)}).`,
  );
  return lines;
}

/** The markdown tables for stdout and the README. */
export function markdownOf(report: BenchReport): string {
  const lines = [
    '| Scenario | Latency | Wall (s) | Records/s | Intacct requests | DynamoDB reads (req) | DynamoDB writes (req / items / WCU) | Peak RSS (MB) | Floor (s): list + same writes | × floor | Minimum floor (s): list + 1 record & 1 link each | × min. floor |',
    '|---|---|--:|--:|---|--:|---|--:|---|--:|---|--:|',
  ];
  for (const r of report.scenarios) {
    lines.push(
      `| ${r.scenario} | ${r.profile} | ${seconds(r.wallMs)} | ${whole(r.recordsPerSecond)} | ${requestsCell(r)} | ${whole(r.dynamo.readRequests)} | ` +
        `${whole(r.dynamo.writeRequests)} / ${whole(r.dynamo.itemWrites)} / ${whole(r.dynamo.writeUnits + r.dynamo.indexWriteUnits)} | ` +
        `${whole(r.peakRssMb)} | ${floorCells(r)} | ${minimumFloorCells(r)} |`,
    );
  }
  lines.push(...cloudLines(report));
  lines.push(
    '',
    '| Peer: list customers | Latency | SDK ReadByQuery/ReadMore (s, requests) | Ours, query (s, requests) | Ours ÷ SDK | Ours, slots in DynamoDB (s) | Shared slots ÷ process slots |',
    '|---|---|--:|--:|--:|--:|--:|',
  );
  for (const p of report.peer) {
    lines.push(
      `| ${whole(p.sdk.records)} customers | ${p.profile} | ${seconds(p.sdk.ms)} (${p.sdk.intacct.httpRequests}) | ${seconds(p.ours.ms)} (${p.ours.intacct.httpRequests}) | ${ratio(p.ratio)} | ` +
        `${seconds(p.oursSharedSlots.ms)} | ${ratio(p.oursSharedSlots.ms / p.ours.ms)} |`,
    );
  }
  if (report.rateLimit) {
    lines.push(
      '',
      `| Rate limit of ${seconds(report.rateLimit.rateLimitMs)} s: list ${whole(report.rateLimit.customers)} customers | Completed | Wall (s) | Done after the limit lifted (s) | Intacct requests |`,
      '|---|---|--:|--:|--:|',
    );
    for (const o of report.rateLimit.outcomes) {
      lines.push(
        `| ${o.retryAfterSeconds === null ? 'no Retry-After' : `Retry-After ${o.retryAfterSeconds} s`} | ${o.completed ? 'yes' : `no: ${o.error ?? `${o.records} records`}`} | ${seconds(o.wallMs)} | ${seconds(o.msAfterLimitLifted)} | ${whole(o.httpRequests)} |`,
      );
    }
  }
  return lines.join('\n');
}

export function machineLine(report: BenchReport): string {
  const m = report.machine;
  return `Machine: ${m.cpuModel}, ${m.cores} cores, ${whole(m.totalMemoryMb)} MB RAM, Node ${m.node}, ${m.platform}/${m.arch}; run ${report.generatedAt}${report.quick ? ' (--quick)' : ''}, ${seconds(report.totalMs)} s in all.`;
}

/** Assembles the report with the machine's facts. */
export function buildReport(input: ReportInput): BenchReport {
  const processors = cpus();
  return {
    generatedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      cores: processors.length,
      cpuModel: processors[0]?.model.trim() ?? 'unknown',
      totalMemoryMb: Math.round(totalmem() / BYTES_PER_MEBIBYTE),
      platform: process.platform,
      arch: process.arch,
    },
    quick: input.quick,
    sizes: input.sizes,
    latencyProfiles: input.profiles,
    companyConcurrency: input.companyConcurrency,
    totalMs: input.totalMs,
    scenarios: input.scenarios,
    peer: input.peer,
    b4Seed: input.b4Seed,
    cloud: input.cloud ?? null,
    rateLimit: input.rateLimit,
    targets: judgeTargets(input),
  };
}

export function targetLines(report: BenchReport): string {
  return report.targets.map((t) => `- ${t.met ? 'Met' : 'Missed'}: ${t.target}: ${t.detail}.`).join('\n');
}
