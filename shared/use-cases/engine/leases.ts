/**
 * The family lease: at most one import or sync of a tenant's clients (or users) at a time, taken
 * atomically when a run is queued, held by its worker with heartbeats, handed from invocation to
 * invocation as the run continues, and free within a minute of its worker dying.
 */
import { Conflict } from '#domain/errors';
import type { RunFamily, SyncRun } from '#domain/runs';
import { FAMILY_OF_RUN, isActiveStatus } from '#domain/runs';
import type { Invocation } from '#ports/runtime';
import type { Lease } from '#ports/stores';
import type { SyncDeps } from './deps';
import type { RunOwnership } from './journal';

/** A lease not renewed for this long is free: a dead worker blocks its family for at most a minute. */
export const LEASE_TTL_MS = 60_000;
/** Renewed well inside its lifetime, so one slow or failed renewal does not lose it. */
const HEARTBEAT_INTERVAL_MS = LEASE_TTL_MS / 3;
/** Compare-and-set attempts when the stored lease changes between read and write. */
const CAS_ATTEMPTS = 3;

type LeaseDeps = Pick<SyncDeps, 'leases' | 'clock'>;
type QueueLeaseDeps = Pick<SyncDeps, 'leases' | 'clock' | 'runs'>;

const untilFrom = (now: Date): string => new Date(now.getTime() + LEASE_TTL_MS).toISOString();

/** Whether a lease still has a live holder at `now`. */
export const isLeaseLive = (lease: Lease, now: Date): boolean => lease.until >= now.toISOString();

/** 409 `run_in_progress`: another import or sync of the family is queued or running. */
function runInProgress(family: RunFamily): Conflict {
  return new Conflict('run_in_progress', `Another ${family} import or sync is already queued or running for this workspace.`);
}

/**
 * Whether `lease` still stands for work: it is live and its run has not finished. A run saves its
 * final status before it gives its lease back, so an admin who sees it finished and starts the
 * next one at once must not be told another is still running.
 */
async function holdsFamily(deps: QueueLeaseDeps, lease: Lease, now: Date, runId: string): Promise<boolean> {
  if (!isLeaseLive(lease, now)) return false;
  // The same run asking again (a confirmation) waits for its own worker to let go.
  if (lease.holder === runId) return true;
  const holder = await deps.runs.get(lease.tenantId, lease.holder);
  return holder === null || isActiveStatus(holder.status);
}

/**
 * Takes the family's lease for a run about to be queued, in one conditional write, so of any number
 * of simultaneous requests exactly one gets it; the others get run_in_progress. Answers the run the
 * lease was taken from (its lease had expired: its worker is gone), if any.
 */
export async function leaseForQueuedRun(deps: QueueLeaseDeps, tenantId: string, family: RunFamily, runId: string): Promise<string | null> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const current = await deps.leases.get(tenantId, family);
    const now = deps.clock.now();
    if (current && (await holdsFamily(deps, current, now, runId))) throw runInProgress(family);
    const next: Lease = { tenantId, family, holder: runId, execution: null, until: untilFrom(now) };
    if (await deps.leases.replace(current, next)) return current && current.holder !== runId ? current.holder : null;
  }
  throw runInProgress(family);
}

export type ExecutionLease = { taken: true; lease: Lease; previousHolder: string | null } | { taken: false; heldByThisRun: boolean };

/**
 * Takes the lease for executing `run` in `invocation`: when it is free or expired, when the run was
 * queued with it, or when the previous invocation handed it on with `invocation.handoff`. Refused
 * while another live invocation executes the run (a duplicate delivery), or another run holds it.
 */
export async function leaseForExecution(deps: LeaseDeps, run: SyncRun, invocation: Invocation): Promise<ExecutionLease> {
  const family = FAMILY_OF_RUN[run.type];
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const current = await deps.leases.get(run.tenantId, family);
    const now = deps.clock.now();
    const free = current === null || !isLeaseLive(current, now);
    const waitingForUs = current !== null && current.holder === run.id && (current.execution === null || current.execution === invocation.handoff);
    if (!free && !waitingForUs) return { taken: false, heldByThisRun: current?.holder === run.id };
    const next: Lease = { tenantId: run.tenantId, family, holder: run.id, execution: invocation.id, until: untilFrom(now) };
    if (await deps.leases.replace(current, next)) {
      return { taken: true, lease: next, previousHolder: current && current.holder !== run.id ? current.holder : null };
    }
  }
  return { taken: false, heldByThisRun: false };
}

/** Thrown (as the signal's reason) when a worker finds its lease taken: it must stop writing. */
export class LeaseLost extends Error {
  override name = 'LeaseLost';
  constructor() {
    super('The run lease was lost to another worker; this one stops.');
  }
}

/**
 * Keeps an execution lease alive while its worker works. `lost` aborts when a renewal finds the lease
 * taken, or when renewals keep failing until it expires.
 */
export class Heartbeat implements RunOwnership {
  readonly lost: AbortSignal;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  #lease: Lease;

  constructor(
    private readonly deps: LeaseDeps,
    lease: Lease,
  ) {
    this.#lease = lease;
    this.lost = this.#controller.signal;
  }

  get until(): string {
    return this.#lease.until;
  }

  start(): void {
    this.#timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Renews once now; answers whether the lease is still ours. */
  async beat(): Promise<boolean> {
    if (this.lost.aborted) return false;
    const now = this.deps.clock.now();
    const until = untilFrom(now);
    try {
      const kept = await this.deps.leases.renew(this.#lease.tenantId, this.#lease.family, this.#lease.holder, this.#lease.execution, until);
      if (kept) this.#lease = { ...this.#lease, until };
      else this.#controller.abort(new LeaseLost());
      return kept;
    } catch {
      // A failed renewal is tried again on the next beat, unless the lease has run out meanwhile.
      if (!isLeaseLive(this.#lease, now)) this.#controller.abort(new LeaseLost());
      return !this.lost.aborted;
    }
  }

  /** Passes the lease to the invocation that will present `token`; answers whether it was still ours. */
  async handOff(token: string): Promise<boolean> {
    this.stop();
    const until = untilFrom(this.deps.clock.now());
    const { tenantId, family, holder, execution } = this.#lease;
    return this.deps.leases.renew(tenantId, family, holder, execution, until, token);
  }

  /** Gives the lease up (the run is finished). */
  async release(): Promise<void> {
    this.stop();
    await this.deps.leases.release(this.#lease.tenantId, this.#lease.family, this.#lease.holder);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
