import type { RunRecord } from '../domain/runs';
import type { ListingPage } from '../ports/intacct-source';
import type { Link } from '../ports/stores';
import { forEachBounded } from './bounded';
import type { SyncDeps } from './deps';
import { writeWithVersionCheck } from './entity-writes';
import { entityAcceptsLink, type LinkedEntity, type LinkedKind, type MappedRecord } from './linked-kind';
import type { RunJournal } from './run-journal';
import { DANGLING_LINK_WARNING, eventDetail, recordOf, refreshLinkedPage, WRITE_CONCURRENCY } from './sync-linked-records';

export interface ImportPlan<T extends LinkedEntity, M extends MappedRecord> {
  kind: LinkedKind<T, M>;
  /** A new PSA record for an Intacct record nobody imported yet. */
  create(mapped: M, id: string, now: string): T;
  /** An existing unlinked PSA record to link instead of creating one (`linkMatches`), if any. */
  findMatch?(mapped: M): Promise<T | null>;
}

/**
 * Imports a selection of Intacct records (R1, R2, I1, I6):
 * 1. For each listed record, look up its link and the PSA record behind it.
 * 2. Linked already: refresh the mapped fields, create nothing (R2).
 * 3. Otherwise (a dangling link is removed first): link a same-name unlinked PSA record when
 *    asked to, else create a new PSA record.
 * Writes go link first, then the PSA record, each single-item and conditional: a crash between
 * them leaves a dangling link that the re-run removes before creating, so nothing duplicates.
 */
export async function importLinkedRecords<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock' | 'ids'>,
  journal: RunJournal,
  plan: ImportPlan<T, M>,
  listing: AsyncIterable<ListingPage>,
): Promise<Set<string>> {
  const { kind } = plan;
  const tenantId = journal.tenantId;
  const seenIntacctIds = new Set<string>();
  const claimedMatches = new Set<string>();
  const totalBefore = journal.run.progress.total;

  for await (const page of listing) {
    journal.setTotal(totalBefore + page.totalCount);
    const mappedPage = page.records.map((fields) => kind.map(fields));
    mappedPage.forEach((mapped) => seenIntacctIds.add(mapped.intacctId));
    const links = await deps.links.getMany(tenantId, kind.object, mappedPage.map((m) => m.recordNo));
    const mappedByRecordNo = new Map(mappedPage.map((mapped) => [mapped.recordNo, mapped]));
    const toImport = mappedPage.filter((mapped) => !links.has(mapped.recordNo));
    const linked = [...links.values()].map((link) => ({ link, mapped: mappedByRecordNo.get(link.recordNo) as M }));
    // Already linked: refresh (R2). A link whose PSA record is gone was removed; import afresh.
    await refreshLinkedPage(deps, journal, kind, linked, undefined, async (record, link) => {
      if (record.outcome === 'skipped' && record.warnings.includes(DANGLING_LINK_WARNING)) {
        toImport.push(mappedByRecordNo.get(link.recordNo) as M);
      } else {
        await journal.record(record);
      }
    });
    const creations: Creation<T, M>[] = [];
    await forEachBounded(toImport, WRITE_CONCURRENCY, async (mapped) => {
      const outcome = await claimOrLink(deps, journal, plan, mapped, claimedMatches);
      if ('record' in outcome) await journal.record(outcome.record);
      else creations.push(outcome);
    });
    await createClaimed(deps, journal, plan, creations);
    await journal.flush();
  }
  return seenIntacctIds;
}

/** A new PSA record whose link is written and which is about to be created. */
interface Creation<T extends LinkedEntity, M extends MappedRecord> {
  link: Link;
  mapped: M;
  entity: T;
}

/**
 * First step for an Intacct record nobody imported: link a same-name match when asked, or claim
 * the Intacct record with a link to a new PSA id (conditional, so two writers never both win).
 */
async function claimOrLink<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock' | 'ids'>,
  journal: RunJournal,
  plan: ImportPlan<T, M>,
  mapped: M,
  claimedMatches: Set<string>,
): Promise<{ record: RunRecord } | Creation<T, M>> {
  const { kind } = plan;
  const now = deps.clock.now().toISOString();
  const match = plan.findMatch ? await plan.findMatch(mapped) : null;
  if (match && !claimedMatches.has(match.id)) {
    claimedMatches.add(match.id);
    const linked = await linkExisting(deps, journal, kind, mapped, match, now);
    if (linked) return { record: linked };
  }

  const id = deps.ids.newId();
  const link = linkFor(journal.tenantId, kind, mapped, journal.dryRun ? null : id, now);
  if (journal.dryRun) {
    return { record: { ...recordOf(link, 'created'), psaId: null, warnings: mapped.warnings } };
  }
  if (!(await deps.links.createIfAbsent(link))) {
    return {
      record: {
        ...recordOf(link, 'skipped'),
        psaId: null,
        warnings: ['Imported at the same time by another run; left to that run.'],
      },
    };
  }
  return { link, mapped, entity: plan.create(mapped, id, now) };
}

/**
 * Second step: the claimed PSA records are created together (their ids are new, so a batch
 * needs no conditions), then each link records the mapping it now matches. A crash before the
 * fingerprints leaves links a re-run checks and completes.
 */
async function createClaimed<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links'>,
  journal: RunJournal,
  plan: ImportPlan<T, M>,
  creations: Creation<T, M>[],
): Promise<void> {
  if (creations.length === 0) return;
  const { kind } = plan;
  await kind.store.createNew(creations.map(({ entity }) => entity));
  await forEachBounded(creations, WRITE_CONCURRENCY, async ({ link, mapped }) => {
    await deps.links.setFingerprint(link, kind.fingerprint(mapped));
    if (kind.events.imported) journal.emit({ type: kind.events.imported, detail: eventDetail(kind, link, {}) });
    await journal.record({ ...recordOf(link, 'created'), warnings: mapped.warnings });
  });
}

/** Links an existing PSA record (a same-name match) instead of creating a new one. */
async function linkExisting<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  mapped: M,
  match: T,
  now: string,
): Promise<RunRecord | null> {
  const link = linkFor(journal.tenantId, kind, mapped, match.id, now);
  if (!journal.dryRun && !(await deps.links.createIfAbsent(link))) return null;
  const result = await writeWithVersionCheck(
    kind.store,
    match,
    (current) => (entityAcceptsLink(kind, current, mapped.recordNo) ? kind.apply(current, mapped, now) : null),
    journal.dryRun,
  );
  if (result.kind === 'gone' || result.kind === 'refused') {
    if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, kind.object, link.recordNo, link.psaId);
    return null;
  }
  if (!journal.dryRun) await deps.links.setFingerprint(link, kind.fingerprint(mapped));
  if (kind.events.linked) journal.emit({ type: kind.events.linked, detail: eventDetail(kind, link, {}) });
  return { ...recordOf(link, 'linked'), changes: result.kind === 'written' ? result.changes : [], warnings: mapped.warnings };
}

export function linkFor<T extends LinkedEntity, M extends MappedRecord>(
  tenantId: string,
  kind: LinkedKind<T, M>,
  mapped: M,
  psaId: string | null,
  now: string,
): Link {
  return {
    tenantId,
    object: kind.object,
    recordNo: mapped.recordNo,
    intacctId: mapped.intacctId,
    psaId: psaId ?? '',
    createdAt: now,
    // Unknown until the PSA record is written: a crash in between must not look up to date.
    fingerprint: null,
  };
}
