/**
 * Events at least once, none invented: a chunk's events are written to the run's outbox before the
 * chunk's changes, published after them, then removed. Whoever finds entries left by an attempt that
 * stopped (its own resumed run, or the closer of a run whose worker died) publishes exactly those
 * whose change is visible in the PSA — the proof — and drops the rest, which a re-run makes again.
 */

import type { IntacctObject } from '#domain/entities';
import type { DomainEvent } from '#domain/events';
import type { RunRecord, SyncRun } from '#domain/runs';
import type { EntityStore, OutboxEntry } from '#ports/stores';
import type { SyncDeps } from './deps';

type OutboxDeps = Pick<SyncDeps, 'runs' | 'events' | 'clients' | 'users' | 'departments'>;

function storeOf(deps: OutboxDeps, object: IntacctObject): EntityStore<{ id: string; tenantId: string; version: number }> {
  switch (object) {
    case 'customer':
      return deps.clients;
    case 'employee':
      return deps.users;
    case 'department':
      return deps.departments;
  }
}

/** The value at a dotted path (`integrations.intacct.status`) of a plain object. */
function valueAt(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value);
}

/** Whether `entity` exists and shows every expected value. */
function entityShows(entity: object | undefined, expect: Record<string, unknown>): boolean {
  if (entity === undefined) return false;
  return Object.entries(expect).every(([path, expected]) => JSON.stringify(valueAt(entity, path) ?? null) === JSON.stringify(expected ?? null));
}

/** Writes entries before the changes they announce. */
export async function stageEvents(deps: Pick<SyncDeps, 'runs'>, run: SyncRun, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length > 0) await deps.runs.putOutbox(run.tenantId, run.id, entries);
}

/** Publishes the events of the staged entries whose change was made, then removes every staged entry. */
export async function publishStaged(
  deps: Pick<SyncDeps, 'runs' | 'events'>,
  run: SyncRun,
  staged: readonly OutboxEntry[],
  made: ReadonlySet<string>,
): Promise<void> {
  await publishAndRemove(deps, run, [staged], made);
}

/** Publishes the events of `made` among `packs`, then removes each pack (as staged together). */
async function publishAndRemove(
  deps: Pick<SyncDeps, 'runs' | 'events'>,
  run: SyncRun,
  packs: readonly (readonly OutboxEntry[])[],
  made: ReadonlySet<string>,
): Promise<void> {
  const staged = packs.flat();
  if (staged.length === 0) return;
  const events: DomainEvent[] = staged.filter((entry) => made.has(entry.event.detail.eventId)).map((entry) => entry.event);
  if (events.length > 0) await deps.events.publish(events);
  for (const pack of packs) {
    await deps.runs.deleteOutbox(
      run.tenantId,
      run.id,
      pack.map((entry) => entry.event.detail.eventId),
    );
  }
}

/**
 * Settles what an earlier attempt of `run` left in its outbox: publishes each event whose proof
 * holds, removes every entry, and answers the outcomes of the changes that were made.
 */
export async function settleOutbox(deps: OutboxDeps, run: SyncRun): Promise<RunRecord[]> {
  const packs = await deps.runs.listOutbox(run.tenantId, run.id);
  const entries = packs.flat();
  if (entries.length === 0) return [];
  const proven = new Set<string>();
  const byObject = new Map<IntacctObject, OutboxEntry[]>();
  let stored: SyncRun | null | undefined;
  for (const entry of entries) {
    const proof = entry.proof;
    if (proof.of === 'run') {
      stored ??= await deps.runs.get(run.tenantId, run.id);
      if (stored?.status === proof.status) proven.add(entry.event.detail.eventId);
    } else {
      byObject.set(proof.object, [...(byObject.get(proof.object) ?? []), entry]);
    }
  }
  for (const [object, group] of byObject) {
    const ids = group.map((entry) => (entry.proof.of === 'entity' ? entry.proof.psaId : ''));
    const entities = await storeOf(deps, object).getMany(run.tenantId, ids);
    for (const entry of group) {
      if (entry.proof.of === 'entity' && entityShows(entities.get(entry.proof.psaId), entry.proof.expect)) {
        proven.add(entry.event.detail.eventId);
      }
    }
  }
  await publishAndRemove(deps, run, packs, proven);
  return entries.filter((entry) => proven.has(entry.event.detail.eventId) && entry.record !== null).map((entry) => entry.record as RunRecord);
}
