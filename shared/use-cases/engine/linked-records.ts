/**
 * Chunks of work on linked records, shared by imports, syncs and confirmations: refresh linked
 * PSA records from their Intacct records (R2, R3, R10), unlink PSA records whose Intacct record is
 * gone (R4). Each chunk stages its events in the run's outbox before writing and publishes them
 * after (see outbox.ts), so a crash anywhere loses no event.
 */

import { forEachBounded } from '#domain/bounded';
import type { FieldChange, HeldUnlink, RunRecord } from '#domain/runs';
import type { Link, OutboxEntry } from '#ports/stores';
import type { SyncDeps } from './deps';
import { writeWithVersionCheck } from './entity-writes';
import type { RunJournal } from './journal';
import { entityAcceptsLink, type LinkedEntity, type LinkedKind, type MappedRecord } from './linked-kind';
import { publishStaged, stageEvents } from './outbox';
import { eventIdOfEntry, recordOf, unlinkedEntry, updatedEntry } from './records';

/** Entity writes in flight at once within one chunk. */
export const WRITE_CONCURRENCY = 16;

const DANGLING_LINK_WARNING = 'The PSA record behind this link no longer exists; the link was removed and the Intacct record can be imported again.';

type ChunkDeps = Pick<SyncDeps, 'links' | 'clock' | 'runs' | 'events'>;

/** What became of one linked record in a refresh. */
export type Refreshed =
  | { kind: 'refreshed'; link: Link; record: RunRecord }
  /** Its PSA record is gone (deleted in the PSA) or linked elsewhere: the link was removed (R6). */
  | { kind: 'dangling'; link: Link };

/** A link whose PSA record must be read: its fingerprint is stale, or a run's claim on it was never completed. */
const needsLook = <M extends MappedRecord>(kind: LinkedKind<LinkedEntity, M>, link: Link, mapped: M): boolean =>
  link.claim !== null || link.fingerprint !== kind.fingerprint(mapped);

/**
 * Brings linked PSA records in line with their Intacct records. A link whose fingerprint equals the
 * current mapping's proves its PSA record already matches (it was written from that mapping and
 * nobody edited it since), so only the others are read and compared: a quiet night reads no PSA
 * record and writes nothing.
 */
export async function refreshLinked<T extends LinkedEntity, M extends MappedRecord>(
  deps: ChunkDeps,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  matched: readonly { link: Link; mapped: M }[],
  /** Runs before the writes with the records about to be written (users use it to create departments). */
  beforeWrites?: (page: { mapped: M; entity: T | null }[]) => Promise<void>,
): Promise<Refreshed[]> {
  const results: Refreshed[] = [];
  const stale: { link: Link; mapped: M }[] = [];
  for (const entry of matched) {
    if (needsLook(kind, entry.link, entry.mapped)) stale.push(entry);
    else results.push({ kind: 'refreshed', link: entry.link, record: { ...recordOf(entry.link, 'unchanged'), warnings: entry.mapped.warnings } });
  }
  if (stale.length === 0) return results;
  const entities = await kind.store.getMany(
    journal.tenantId,
    stale.map(({ link }) => link.psaId),
  );
  if (beforeWrites) await beforeWrites(stale.map(({ link, mapped }) => ({ mapped, entity: entities.get(link.psaId) ?? null })));

  const now = deps.clock.now().toISOString();
  const staged: OutboxEntry[] = [];
  const plans = stale.map(({ link, mapped }) => {
    const entity = entities.get(link.psaId) ?? null;
    const accepts = entity !== null && entityAcceptsLink(kind, entity, link.recordNo);
    const planned = accepts ? kind.apply(entity, mapped, now) : null;
    const entry =
      planned && planned.next !== entity && !journal.dryRun
        ? updatedEntry(kind, link, journal.run.id, kind.fingerprint(mapped), {
            ...recordOf(link, 'updated'),
            changes: planned.changes,
            warnings: mapped.warnings,
          })
        : null;
    if (entry) staged.push(entry);
    return { link, mapped, entity: accepts ? entity : null, entry };
  });
  journal.assertOwned();
  await stageEvents(deps, journal.run, staged);

  const made = new Set<string>();
  await forEachBounded(plans, WRITE_CONCURRENCY, async ({ link, mapped, entity, entry }) => {
    if (entity === null) {
      await dropLink(deps, journal, kind, link);
      results.push({ kind: 'dangling', link });
      return;
    }
    const result = await writeWithVersionCheck(
      kind.store,
      entity,
      (current) => {
        if (!entityAcceptsLink(kind, current, link.recordNo)) return null;
        const applied = kind.apply(current, mapped, now);
        // A fingerprint is recorded only after a version-checked write of the record, so it is ordered
        // after any PSA edit that invalidated it: an unchanged record is written once, unchanged.
        return applied.next === current && !journal.dryRun ? { next: { ...current, version: current.version + 1 }, changes: [] } : applied;
      },
      journal.dryRun,
    );
    if (result.kind === 'gone' || result.kind === 'refused') {
      await dropLink(deps, journal, kind, link);
      results.push({ kind: 'dangling', link });
      return;
    }
    if (!journal.dryRun) await recordMappingApplied(deps, link, journal.run.id, kind.fingerprint(mapped));
    if (result.kind === 'unchanged' || (result.kind === 'written' && result.changes.length === 0)) {
      results.push({ kind: 'refreshed', link, record: { ...recordOf(link, 'unchanged'), warnings: mapped.warnings } });
      return;
    }
    if (entry) made.add(eventIdOfEntry(entry));
    results.push({ kind: 'refreshed', link, record: { ...recordOf(link, 'updated'), changes: result.changes, warnings: mapped.warnings } });
  });
  await publishStaged(deps, journal.run, staged, made);
  return results;
}

/**
 * Records on the link that its PSA record matches the mapping fingerprinted `fingerprint`. A link
 * still claimed by a run that stopped before completing it is completed here (its PSA record exists).
 */
async function recordMappingApplied(deps: Pick<SyncDeps, 'links'>, link: Link, runId: string, fingerprint: string): Promise<void> {
  if (link.claim !== null) {
    const claimed = link.claim.runId === runId || (await deps.links.takeOverClaim(link, runId));
    if (claimed) await deps.links.completeClaim(link, runId, fingerprint);
    return;
  }
  if (link.fingerprint !== fingerprint) await deps.links.setFingerprint(link, fingerprint);
}

async function dropLink<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  link: Link,
): Promise<void> {
  if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, kind.object, link.recordNo, link.psaId);
}

/** The record of a dangling link removed by a sync. */
export const danglingRecord = (link: Pick<Link, 'object' | 'intacctId' | 'recordNo' | 'psaId'>): RunRecord => ({
  ...recordOf(link, 'skipped'),
  warnings: [DANGLING_LINK_WARNING],
});

/** A link as an unlink candidate (a HeldUnlink item), and back. */
export const candidateOf = (link: Link): HeldUnlink => ({
  object: link.object,
  recordNo: link.recordNo,
  intacctId: link.intacctId,
  psaId: link.psaId,
  createdAt: link.createdAt,
});

const linkOfCandidate = (tenantId: string, candidate: HeldUnlink): Link => ({
  tenantId,
  ...candidate,
  fingerprint: null,
  claim: null,
});

const UNLINKED_CHANGE: FieldChange = { field: 'integrations.intacct.status', from: 'linked', to: 'unlinked' };

/**
 * Unlinks PSA records whose Intacct record is gone, keeping all their data (R4): each PSA record is
 * marked unlinked, then its link is removed. A candidate whose PSA record is gone or linked to
 * another record is only reported (its link is dangling and removed).
 */
export async function unlinkMany<T extends LinkedEntity, M extends MappedRecord>(
  deps: ChunkDeps,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  candidates: readonly HeldUnlink[],
): Promise<RunRecord[]> {
  if (candidates.length === 0) return [];
  const now = deps.clock.now().toISOString();
  const entities = await kind.store.getMany(
    journal.tenantId,
    candidates.map((candidate) => candidate.psaId),
  );
  const plans = candidates.map((candidate) => {
    const link = linkOfCandidate(journal.tenantId, candidate);
    const entity = entities.get(candidate.psaId);
    const own = entity ? kind.linkOf(entity) : undefined;
    const linkedHere = entity !== undefined && own !== undefined && own.recordNo === candidate.recordNo;
    const entry =
      linkedHere && own.status === 'linked' && !journal.dryRun
        ? unlinkedEntry(kind, link, { ...recordOf(link, 'unlinked'), changes: [UNLINKED_CHANGE] })
        : null;
    return { link, entity: linkedHere ? entity : null, entry };
  });
  const staged = plans.flatMap((plan) => (plan.entry ? [plan.entry] : []));
  journal.assertOwned();
  await stageEvents(deps, journal.run, staged);

  const made = new Set<string>();
  const records: RunRecord[] = [];
  await forEachBounded(plans, WRITE_CONCURRENCY, async ({ link, entity, entry }) => {
    if (entity === null) {
      await dropLink(deps, journal, kind, link);
      records.push(danglingRecord(link));
      return;
    }
    const result = await writeWithVersionCheck(
      kind.store,
      entity,
      (current) => {
        const own = kind.linkOf(current);
        if (!own || own.recordNo !== link.recordNo) return null;
        if (own.status === 'unlinked') return { next: current, changes: [] };
        return { next: kind.unlink(current, now), changes: [UNLINKED_CHANGE] };
      },
      journal.dryRun,
    );
    await dropLink(deps, journal, kind, link);
    if (result.kind === 'gone' || result.kind === 'refused') {
      records.push(danglingRecord(link));
      return;
    }
    if (result.kind === 'written' && entry) made.add(eventIdOfEntry(entry));
    records.push({ ...recordOf(link, 'unlinked'), changes: result.kind === 'written' ? result.changes : [] });
  });
  await publishStaged(deps, journal.run, staged, made);
  return records;
}
