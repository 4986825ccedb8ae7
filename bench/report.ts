/** The run's figures as bench/results/latest.json, the markdown table, and each target met or missed. */
import { cpus, totalmem } from 'node:os';
import { QUERY_MAX_PAGE_SIZE } from '#intacct/query-builder';
import { type BenchSizes, BYTES_PER_MEBIBYTE, type LatencyProfile, MS_PER_SECOND } from './config';
import type { RateLimitResult } from './rate-limit';
import type { PeerResult, ScenarioName, ScenarioResult, SeedResult } from './scenarios';

/** The issue's targets. */
const TARGETS = {
  floorRatioWithLatency: 1.2,
  /** "At least 50% of the floor's speed" is at most twice its time. */
  importFloorRatioAtZero: 2,
  peerRatio: 0.5,
  b4PeakRssMb: 512,
  b4OverB2Rss: 1.5,
} as const;

const DECIMALS_SECONDS = 2;
const DECIMALS_RATIO = 2;

interface TargetVerdict {
  target: string;
  met: boolean;
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
    if (withLatency) {
      const scenarios = input.scenarios.filter((r) => r.profile === profile.label);
      const worst = Math.max(...scenarios.map((r) => r.ratioToFloor));
      verdicts.push({
        target: `Every scenario within ${TARGETS.floorRatioWithLatency}× its floor (${profile.label})`,
        met: scenarios.length > 0 && worst <= TARGETS.floorRatioWithLatency,
        detail: scenarios.map((r) => `${r.scenario} ${ratio(r.ratioToFloor)}`).join(', '),
      });
    } else {
      const b1 = find(input.scenarios, 'B1', profile.label);
      if (b1) {
        verdicts.push({
          target: `Import at latency 0 at least 50% of the floor's speed (≤ ${TARGETS.importFloorRatioAtZero}× its time)`,
          met: b1.ratioToFloor <= TARGETS.importFloorRatioAtZero,
          detail:
            `B1 ${seconds(b1.wallMs)} s vs floor ${seconds(b1.floor.totalMs)} s (listing ${seconds(b1.floor.listing.ms)} s + ` +
            `${whole(b1.floor.writes.items)} items as BatchWriteItem ${seconds(b1.floor.writes.ms)} s): ` +
            `${((100 * b1.floor.totalMs) / b1.wallMs).toFixed(0)}% of floor speed`,
        });
      }
    }
    const peer = input.peer.find((p) => p.profile === profile.label);
    if (peer) {
      verdicts.push({
        target: `Our listing ≤ ${TARGETS.peerRatio}× the SDK's time (${profile.label})`,
        met: peer.ratio <= TARGETS.peerRatio,
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

/** The markdown tables for stdout and the README. */
export function markdownOf(report: BenchReport): string {
  const lines = [
    '| Scenario | Latency | Wall (s) | Records/s | Intacct requests | DynamoDB reads (req) | DynamoDB writes (req / items / WCU) | Peak RSS (MB) | Floor (s): list + write | × floor |',
    '|---|---|--:|--:|---|--:|---|--:|---|--:|',
  ];
  for (const r of report.scenarios) {
    lines.push(
      `| ${r.scenario} | ${r.profile} | ${seconds(r.wallMs)} | ${whole(r.recordsPerSecond)} | ${requestsCell(r)} | ${whole(r.dynamo.readRequests)} | ` +
        `${whole(r.dynamo.writeRequests)} / ${whole(r.dynamo.itemWrites)} / ${whole(r.dynamo.writeUnits + r.dynamo.indexWriteUnits)} | ` +
        `${whole(r.peakRssMb)} | ${seconds(r.floor.totalMs)}: ${seconds(r.floor.listing.ms)} (${r.floor.listing.requests} req) + ${seconds(r.floor.writes.ms)} | ${ratio(r.ratioToFloor)} |`,
    );
  }
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
    rateLimit: input.rateLimit,
    targets: judgeTargets(input),
  };
}

export function targetLines(report: BenchReport): string {
  return report.targets.map((t) => `- ${t.met ? 'Met' : 'Missed'}: ${t.target}: ${t.detail}.`).join('\n');
}
