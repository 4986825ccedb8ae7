import type { HeldUnlink, RunRecord } from '../domain/runs';
import { needsUnlinkReview } from '../domain/sync-rules';
import type { ListingPage } from '../ports/intacct-source';
import type { Link } from '../ports/stores';
import { forEachBounded } from './bounded';
import type { SyncDeps } from './deps';
import { writeWithVersionCheck } from './entity-writes';
import { entityAcceptsLink, type LinkedEntity, type LinkedKind, type MappedRecord } from './linked-kind';
import { LinkCursor } from './record-merge';
import type { RunJournal } from './run-journal';

/** Entity writes in flight at once within one page. */
export const WRITE_CONCURRENCY = 16;
/** Unlink candidates are checked against their PSA records this many at a time. */
const CANDIDATE_READ_BATCH = 1000;

export const DANGLING_LINK_WARNING =
  'The PSA record behind this link no longer exists; the link was removed and the Intacct record can be imported again.';

export type SyncOutcome = { status: 'succeeded' } | { status: 'needs_review'; held: HeldUnlink[] };

/**
 * The daily sync of one kind of linked record (R3, R4, R6, R7, R10, I2–I5):
 * 1. Stream the Intacct listing (ascending RECORDNO) alongside the link records in the same order.
 * 2. For each Intacct record with a link: re-apply the mapping; write only when something differs.
 * 3. Links whose Intacct record was not listed are unlink candidates; a link whose PSA record is
 *    gone (deleted in the PSA) is removed and never brought back.
 * 4. Only after the whole listing succeeded: unlink the candidates, unless there are too many
 *    (mass-unlink guard), in which case hold them all for an admin to confirm.
 * Intacct records without a link are left alone: a sync never imports.
 */
export async function syncLinkedRecords<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  listing: AsyncIterable<ListingPage>,
  /** Runs before a page's writes, with the page's linked records (users use it to create departments). */
  beforeWrites?: (page: { mapped: M; entity: T | null }[]) => Promise<void>,
): Promise<SyncOutcome> {
  const tenantId = journal.tenantId;
  const cursor = new LinkCursor(deps.links.iterate(tenantId, kind.object));
  const candidates: Link[] = [];
  let stillLinked = 0;
  const totalBefore = journal.run.progress.total;

  for await (const page of listing) {
    journal.setTotal(totalBefore + page.totalCount);
    const matched: { link: Link; mapped: M }[] = [];
    for (const fields of page.records) {
      const mapped = kind.map(fields);
      const { match, passed } = await cursor.advanceTo(mapped.recordNo);
      candidates.push(...passed);
      if (match) matched.push({ link: match, mapped });
    }
    journal.passOver(page.records.length - matched.length);
    await refreshLinkedPage(deps, journal, kind, matched, beforeWrites, async (record) => {
      if (record.outcome === 'updated' || record.outcome === 'unchanged') stillLinked += 1;
      await journal.record(record);
    });
    await journal.flush();
  }
  candidates.push(...(await cursor.rest()));

  const unlinkable = await dropDanglingLinks(deps, journal, kind, candidates);
  const linkedCount = stillLinked + unlinkable.length;
  const held = unlinkable.map(({ link }) => heldUnlinkOf(link));
  if (needsUnlinkReview(unlinkable.length, linkedCount)) {
    for (const link of unlinkable.map((u) => u.link)) {
      await journal.record({
        ...recordOf(link, 'skipped'),
        warnings: ['Not found in Intacct any more; unlink held back until an admin confirms (too many at once).'],
      });
    }
    await journal.flush();
    return { status: 'needs_review', held };
  }
  await forEachBounded(unlinkable, WRITE_CONCURRENCY, async ({ link, entity }) => {
    await journal.record(await unlinkRecord(deps, journal, kind, link, entity));
  });
  await journal.flush();
  return { status: 'succeeded' };
}

/**
 * Brings a page of linked PSA records in line with their Intacct records. A link whose
 * fingerprint equals the current mapping's proves its PSA record already matches (it was written
 * from that mapping and nobody edited it since), so only the others are read and compared:
 * a quiet night reads no PSA record and writes nothing.
 */
export async function refreshLinkedPage<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  matched: { link: Link; mapped: M }[],
  beforeWrites: ((page: { mapped: M; entity: T | null }[]) => Promise<void>) | undefined,
  report: (record: RunRecord, link: Link) => Promise<void>,
): Promise<void> {
  const stale: { link: Link; mapped: M }[] = [];
  for (const entry of matched) {
    if (entry.link.fingerprint === kind.fingerprint(entry.mapped)) {
      await report({ ...recordOf(entry.link, 'unchanged'), warnings: entry.mapped.warnings }, entry.link);
    } else {
      stale.push(entry);
    }
  }
  if (stale.length === 0) return;
  const entities = await kind.store.getMany(journal.tenantId, stale.map(({ link }) => link.psaId));
  if (beforeWrites) {
    await beforeWrites(stale.map(({ link, mapped }) => ({ mapped, entity: entities.get(link.psaId) ?? null })));
  }
  await forEachBounded(stale, WRITE_CONCURRENCY, async ({ link, mapped }) => {
    await report(await refreshLinkedRecord(deps, journal, kind, link, mapped, entities.get(link.psaId) ?? null), link);
  });
}

/**
 * Brings one linked PSA record back in line with its Intacct record (R2, R3, R10), or removes
 * the link when its PSA record is gone (R6). Shared by the sync, imports and re-linking.
 */
export async function refreshLinkedRecord<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  link: Link,
  mapped: M,
  entity: T | null,
): Promise<RunRecord> {
  const now = deps.clock.now().toISOString();
  if (!entity || !entityAcceptsLink(kind, entity, link.recordNo)) {
    if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, kind.object, link.recordNo, link.psaId);
    return { ...recordOf(link, 'skipped'), warnings: [DANGLING_LINK_WARNING] };
  }
  const result = await writeWithVersionCheck(
    kind.store,
    entity,
    (current) => (entityAcceptsLink(kind, current, link.recordNo) ? kind.apply(current, mapped, now) : null),
    journal.dryRun,
  );
  if (result.kind === 'gone' || result.kind === 'refused') {
    if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, kind.object, link.recordNo, link.psaId);
    return { ...recordOf(link, 'skipped'), warnings: [DANGLING_LINK_WARNING] };
  }
  if (!journal.dryRun) {
    const fingerprint = kind.fingerprint(mapped);
    if (link.fingerprint !== fingerprint) await deps.links.setFingerprint(link, fingerprint);
  }
  if (result.kind === 'unchanged') {
    return { ...recordOf(link, 'unchanged'), warnings: mapped.warnings };
  }
  if (kind.events.updated) {
    journal.emit({
      type: kind.events.updated,
      detail: eventDetail(kind, link, { fields: result.changes.map((c) => c.field) }),
    });
  }
  return { ...recordOf(link, 'updated'), changes: result.changes, warnings: mapped.warnings };
}

/** Marks the PSA record unlinked, keeping all its data (R4), then removes the link record. */
export async function unlinkRecord<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  link: Link,
  entity: T,
): Promise<RunRecord> {
  const now = deps.clock.now().toISOString();
  const result = await writeWithVersionCheck(
    kind.store,
    entity,
    (current) => {
      const own = kind.linkOf(current);
      if (!own || own.recordNo !== link.recordNo) return null;
      if (own.status === 'unlinked') return { next: current, changes: [] };
      return { next: kind.unlink(current, now), changes: [{ field: 'integrations.intacct.status', from: 'linked', to: 'unlinked' }] };
    },
    journal.dryRun,
  );
  if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, kind.object, link.recordNo, link.psaId);
  if (result.kind === 'written' && kind.events.unlinked) {
    journal.emit({ type: kind.events.unlinked, detail: eventDetail(kind, link, {}) });
  }
  if (result.kind === 'written' || result.kind === 'unchanged') {
    return { ...recordOf(link, 'unlinked'), changes: result.kind === 'written' ? result.changes : [] };
  }
  return { ...recordOf(link, 'skipped'), warnings: [DANGLING_LINK_WARNING] };
}

/** Splits unlink candidates into real ones and dangling links (PSA record deleted), removing the latter. */
async function dropDanglingLinks<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  candidates: Link[],
): Promise<{ link: Link; entity: T }[]> {
  const unlinkable: { link: Link; entity: T }[] = [];
  for (let start = 0; start < candidates.length; start += CANDIDATE_READ_BATCH) {
    const batch = candidates.slice(start, start + CANDIDATE_READ_BATCH);
    const entities = await kind.store.getMany(journal.tenantId, batch.map((link) => link.psaId));
    for (const link of batch) {
      const entity = entities.get(link.psaId);
      const own = entity ? kind.linkOf(entity) : undefined;
      if (entity && own && own.recordNo === link.recordNo) {
        unlinkable.push({ link, entity });
      } else {
        if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, kind.object, link.recordNo, link.psaId);
        await journal.record({ ...recordOf(link, 'skipped'), warnings: [DANGLING_LINK_WARNING] });
      }
    }
  }
  return unlinkable;
}

export function heldUnlinkOf(link: Link): HeldUnlink {
  return { object: link.object, recordNo: link.recordNo, intacctId: link.intacctId, psaId: link.psaId };
}

export function recordOf(link: Pick<Link, 'object' | 'intacctId' | 'recordNo' | 'psaId'>, outcome: RunRecord['outcome']): RunRecord {
  return {
    object: link.object,
    intacctId: link.intacctId,
    recordNo: link.recordNo,
    psaId: link.psaId,
    outcome,
    changes: [],
    warnings: [],
    error: null,
  };
}

export function eventDetail<T extends LinkedEntity, M extends MappedRecord>(
  kind: LinkedKind<T, M>,
  link: Pick<Link, 'tenantId' | 'intacctId' | 'recordNo' | 'psaId'>,
  extra: Record<string, unknown>,
): { tenantId: string } & Record<string, unknown> {
  return {
    tenantId: link.tenantId,
    [kind.eventIdKey]: link.psaId,
    [kind.eventIntacctIdKey]: link.intacctId,
    recordNo: link.recordNo,
    ...extra,
  };
}
