/**
 * Importing a chunk of Intacct records (R1, R2, I1, I6). Writes go claim first, then the PSA record:
 * 1. A new Intacct record is claimed with a link naming this run and a PSA id decided up front, so a
 *    crash can never leave two PSA records for it, and link-by-hand leaves a claim of a live run
 *    alone. The records of the run's own import step are claimed 25 per request without a
 *    condition — safe because the run holds its family's lease (no other run writes these links)
 *    and link-by-hand yields to a running import — and each claim already carries the fingerprint
 *    of the mapping about to be applied. Their claims are settled by the run's checkpoint, with no
 *    further write (claims.ts). Side imports (departments met by a user run) claim each record
 *    with a conditional write and complete the claim once the record exists.
 * 2. The PSA records of the chunk are created together (fresh ids), or the same-name match is linked.
 * 3. Claims of matches, and of side imports, are completed with the fingerprint now applied.
 * A crash anywhere leaves claims the same run (resumed) or the next one completes: a claim whose PSA
 * record exists is completed; one whose record is missing gets it created, with the same id.
 */

import { allDone, chunksOf, forEachBounded } from '#domain/bounded';
import type { RunRecord } from '#domain/runs';
import { compareRecordNo } from '#domain/sync-rules';
import type { Link, OutboxEntry } from '#ports/stores';
import { ClaimSettlement } from './claims';
import type { SyncDeps } from './deps';
import { writeWithVersionCheck } from './entity-writes';
import type { RunJournal } from './journal';
import { LeaseLost } from './leases';
import { entityAcceptsLink, type LinkedEntity, type LinkedKind, type MappedRecord } from './linked-kind';
import { refreshLinked, WRITE_CONCURRENCY } from './linked-records';
import { publishStaged, stageEvents } from './outbox';
import { eventIdOfEntry, importedEntry, linkedEntry, recordOf } from './records';

export interface ImportPlan<T extends LinkedEntity, M extends MappedRecord> {
  kind: LinkedKind<T, M>;
  /** A new PSA record for an Intacct record nobody imported yet. */
  create(mapped: M, id: string, now: string): T;
  /** An existing unlinked PSA record to link instead of creating one (`linkMatches`), if any. */
  findMatch?(mapped: M): Promise<T | null>;
  /**
   * True for the records of the run's import step: claimed in batches and settled by the run's
   * checkpoint. False for records a run imports on the side (departments), claimed one by one.
   */
  claimsInBatches: boolean;
  /** True when a chunk holds every listed record of its RECORDNO range (a listing of all records). */
  chunksCoverTheirRange: boolean;
}

/** New claims and their PSA records are written this many at a time: one store request's worth. */
const CLAIMS_PER_GROUP = 25;

const BEING_LINKED_BY_HAND_WARNING = 'Being linked by hand right now; left as it is (the next sync brings it in line).';
const TAKEN_MEANWHILE_WARNING = 'Linked to another PSA record by someone else meanwhile; left as it is.';

type ImportDeps = Pick<SyncDeps, 'links' | 'clock' | 'ids' | 'runs' | 'events'>;

/** A claim of this run whose PSA record is still to be created or linked. */
interface Claimed<T, M> {
  link: Link;
  mapped: M;
  /** For `link` claims: the PSA record to link. */
  match: T | null;
  /** Claimed in this chunk with a fresh PSA id: nothing can exist under it yet. */
  fresh: boolean;
  /** A batched claim of this chunk, still to be written (ahead of its PSA record). */
  unwritten: boolean;
}

/** Imports one chunk of listed Intacct records; answers nothing, reports every record to the journal. */
export async function importChunk<T extends LinkedEntity, M extends MappedRecord>(
  deps: ImportDeps,
  journal: RunJournal,
  plan: ImportPlan<T, M>,
  chunk: readonly M[],
): Promise<void> {
  const { kind } = plan;
  const runId = journal.run.id;
  const stored = await linksOfChunk(deps, journal.tenantId, plan, chunk);
  const links = new Map((await new ClaimSettlement(deps, journal.tenantId).settle(stored)).map((link) => [link.recordNo, link]));
  const linked: { link: Link; mapped: M }[] = [];
  const claimed: Claimed<T, M>[] = [];
  const toImport: M[] = [];
  for (const mapped of chunk) {
    const link = links.get(mapped.recordNo);
    if (!link) toImport.push(mapped);
    else if (link.claim === null && link.fingerprint === null) {
      // A link by hand under way (written, its PSA record not yet): it may yet stand back for this
      // import and be taken back, so the import must not adopt it. A sync completes one left behind.
      await journal.record({ ...recordOf(link, 'skipped'), warnings: [BEING_LINKED_BY_HAND_WARNING] });
    } else if (link.claim === null) linked.push({ link, mapped });
    else if (link.claim.runId === runId || (!journal.dryRun && (await deps.links.takeOverClaim(link, runId)))) {
      // Our own claim from before a crash, or one a stopped run left (we hold the family lease).
      claimed.push({ link: { ...link, claim: { ...link.claim, runId } }, mapped, match: null, fresh: false, unwritten: false });
    } else if (journal.dryRun) {
      linked.push({ link, mapped });
    } else {
      await journal.record({ ...recordOf(link, 'skipped'), warnings: [TAKEN_MEANWHILE_WARNING] });
    }
  }

  // Already linked: refresh (R2). A link whose PSA record is gone was removed: import afresh.
  for (const result of await refreshLinked(deps, journal, kind, linked)) {
    if (result.kind === 'refreshed') await journal.record(result.record);
    else toImport.push(linked.find(({ link }) => link.recordNo === result.link.recordNo)!.mapped);
  }

  const usedMatches = new Set<string>();
  const proposed: Claimed<T, M>[] = [];
  await forEachBounded(toImport, WRITE_CONCURRENCY, async (mapped) => {
    const match = plan.findMatch ? await plan.findMatch(mapped) : null;
    const useMatch = match !== null && !usedMatches.has(match.id);
    if (useMatch) usedMatches.add(match.id);
    const psaId = useMatch ? match.id : deps.ids.newId();
    // A batched claim of a new record carries the mapping's fingerprint at once: it is settled (and
    // trusted) only after the record is written; a match's is recorded once the match is updated.
    const fingerprint = plan.claimsInBatches && !useMatch ? kind.fingerprint(mapped) : null;
    const link = newLink(journal, kind, mapped, psaId, useMatch ? 'link' : 'create', fingerprint, deps.clock.now().toISOString());
    if (journal.dryRun) {
      await journal.record({ ...recordOf(link, useMatch ? 'linked' : 'created'), psaId: useMatch ? link.psaId : null, warnings: mapped.warnings });
      return;
    }
    proposed.push({ link, mapped, match: useMatch ? match : null, fresh: !useMatch, unwritten: plan.claimsInBatches });
  });
  if (plan.claimsInBatches) {
    // Written by completeClaims, each ahead of its PSA record.
    claimed.push(...proposed);
  } else {
    await forEachBounded(proposed, WRITE_CONCURRENCY, async (claim) => {
      if (await deps.links.createIfAbsent(claim.link)) claimed.push(claim);
      else await journal.record({ ...recordOf(claim.link, 'skipped'), psaId: null, warnings: [TAKEN_MEANWHILE_WARNING] });
    });
  }
  if (claimed.length > 0) await completeClaims(deps, journal, plan, claimed);
}

/**
 * The stored links of the chunk's records. A chunk of a whole listing holds every record of its
 * RECORDNO range, so one range query reads its links (usually none, on a first import) where reading
 * them by key would take a request per hundred records.
 */
async function linksOfChunk<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links'>,
  tenantId: string,
  plan: ImportPlan<T, M>,
  chunk: readonly M[],
): Promise<Link[]> {
  const recordNos = chunk.map((mapped) => mapped.recordNo);
  if (!plan.chunksCoverTheirRange || recordNos.length === 0) return [...(await deps.links.getMany(tenantId, plan.kind.object, recordNos)).values()];
  const sorted = [...recordNos].sort(compareRecordNo);
  const wanted = new Set(recordNos);
  const inRange = await deps.links.inRange(tenantId, plan.kind.object, sorted[0] as string, sorted.at(-1) as string);
  return inRange.filter((link) => wanted.has(link.recordNo));
}

function newLink<T extends LinkedEntity, M extends MappedRecord>(
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  mapped: M,
  psaId: string,
  intent: 'create' | 'link',
  fingerprint: string | null,
  now: string,
): Link {
  return {
    tenantId: journal.tenantId,
    object: kind.object,
    recordNo: mapped.recordNo,
    intacctId: mapped.intacctId,
    psaId,
    createdAt: now,
    fingerprint,
    claim: { runId: journal.run.id, intent },
  };
}

/**
 * Creates or links the PSA records behind this run's claims, then completes the claims. A `link`
 * claim whose PSA record no longer accepts it (deleted, or linked elsewhere meanwhile) is given up
 * and the Intacct record is imported as a new PSA record instead.
 */
async function completeClaims<T extends LinkedEntity, M extends MappedRecord>(
  deps: ImportDeps,
  journal: RunJournal,
  plan: ImportPlan<T, M>,
  claimed: Claimed<T, M>[],
): Promise<void> {
  const { kind } = plan;
  const now = deps.clock.now().toISOString();
  // Nothing can exist under the fresh ids of this chunk's new claims: only the others are looked up.
  const existing = await kind.store.getMany(
    journal.tenantId,
    claimed.filter(({ fresh }) => !fresh).map(({ link }) => link.psaId),
  );
  const creations: { link: Link; mapped: M; entity: T | null; unwritten: boolean }[] = [];
  const linkings: { link: Link; mapped: M; entity: T; unwritten: boolean }[] = [];
  for (const { link, mapped, match, unwritten } of claimed) {
    const entity = existing.get(link.psaId) ?? match;
    if (link.claim?.intent === 'link' && entity) linkings.push({ link, mapped, entity, unwritten });
    else if (link.claim?.intent === 'link') creations.push(...(await reclaimForCreation(deps, journal, link, mapped)));
    else creations.push({ link, mapped, entity: existing.get(link.psaId) ?? null, unwritten });
  }

  const record = (link: Link, mapped: M, outcome: RunRecord['outcome']): RunRecord => ({ ...recordOf(link, outcome), warnings: mapped.warnings });
  const staged: OutboxEntry[] = [
    ...creations.map(({ link, mapped }) => importedEntry(kind, link, record(link, mapped, 'created'))),
    ...linkings.map(({ link, mapped }) => linkedEntry(kind, link, record(link, mapped, 'linked'))),
  ].filter((entry): entry is OutboxEntry => entry !== null);
  journal.assertOwned();
  const staging = stageEvents(deps, journal.run, staged);
  const unwritten = (claim: { unwritten: boolean }): boolean => claim.unwritten;
  const writeClaims = async (links: readonly Link[]): Promise<void> => {
    if (links.length === 0) return;
    journal.assertOwnedForUnconditionalWrites();
    await deps.links.putClaims(links);
  };
  const toCreate = creations.filter(({ entity }) => entity === null);
  const createFor = (group: readonly { link: Link; mapped: M }[]): T[] => group.map(({ link, mapped }) => plan.create(mapped, link.psaId, now));
  // Every PSA record waits for the staged events, a new one also for its own claim. Claims and
  // records go a request's worth at a time, side by side, so the store always has both to do. The
  // claims are all new this chunk: none is a link reclaimed above.
  await allDone([
    staging,
    forEachBounded(chunksOf(toCreate.filter(unwritten), CLAIMS_PER_GROUP), WRITE_CONCURRENCY, async (group) => {
      await writeClaims(group.map(({ link }) => link));
      await staging;
      await kind.store.createNew(createFor(group));
    }),
    staging.then(async () => {
      const claimedBefore = toCreate.filter((creation) => !unwritten(creation));
      if (claimedBefore.length > 0) await kind.store.createNew(createFor(claimedBefore));
    }),
    writeClaims(linkings.filter(unwritten).map(({ link }) => link)),
  ]);
  const entryOf = new Map(staged.map((entry) => [String(entry.record?.recordNo), entry]));
  const made = new Set<string>();
  const outcomes: RunRecord[] = [];
  await forEachBounded(creations, WRITE_CONCURRENCY, async ({ link, mapped }) => {
    // A batched claim (written in this chunk, or by an earlier attempt of this run that stopped
    // before its checkpoint passed it) carries its fingerprint and is settled by this run's
    // checkpoint, saved with this outcome. Completing it now would end the claim before its outcome
    // is saved: an attempt stopping before its next checkpoint would leave the record looking
    // imported by nobody, and the attempt after it would count it unchanged instead of created.
    // Any other claim (a side import's, one without its fingerprint) is completed now.
    if (!(plan.claimsInBatches && link.fingerprint !== null)) await complete(deps, journal, kind, link, kind.fingerprint(mapped), true);
    const entry = entryOf.get(link.recordNo);
    if (entry) made.add(eventIdOfEntry(entry));
    outcomes.push(record(link, mapped, 'created'));
  });
  await forEachBounded(linkings, WRITE_CONCURRENCY, async ({ link, mapped, entity }) => {
    const result = await writeWithVersionCheck(
      kind.store,
      entity,
      (current) => (entityAcceptsLink(kind, current, link.recordNo) ? kind.apply(current, mapped, now) : null),
      false,
    );
    if (result.kind === 'gone' || result.kind === 'refused') {
      // The match was deleted or linked elsewhere meanwhile: import the record as a new PSA record.
      const [fresh] = await reclaimForCreation(deps, journal, link, mapped);
      if (!fresh) return;
      const created = importedEntry(kind, fresh.link, record(fresh.link, mapped, 'created'));
      const entries = created ? [created] : [];
      await stageEvents(deps, journal.run, entries);
      await kind.store.create(plan.create(mapped, fresh.link.psaId, now));
      await complete(deps, journal, kind, fresh.link, kind.fingerprint(mapped), true);
      await publishStaged(deps, journal.run, entries, new Set(entries.map(eventIdOfEntry)));
      outcomes.push(record(fresh.link, mapped, 'created'));
      return;
    }
    await complete(deps, journal, kind, link, kind.fingerprint(mapped), false);
    const entry = entryOf.get(link.recordNo);
    if (entry) made.add(eventIdOfEntry(entry));
    outcomes.push({ ...record(link, mapped, 'linked'), changes: result.kind === 'written' ? result.changes : [] });
  });
  await allDone([
    publishStaged(deps, journal.run, staged, made),
    (async () => {
      for (const outcome of outcomes) await journal.record(outcome);
    })(),
  ]);
}

/**
 * Completes this run's claim on `link`. The claim can only have been taken by someone who judged
 * this run dead (its lease expired): then this run must stop, and a PSA record it created for the
 * claim is removed again, so no Intacct record ends up with two PSA records (I1).
 */
async function complete<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'links' | 'clock'>,
  journal: RunJournal,
  kind: LinkedKind<T, M>,
  link: Link,
  fingerprint: string,
  createdHere: boolean,
): Promise<void> {
  if (await deps.links.completeClaim(link, journal.run.id, fingerprint)) return;
  if (createdHere) await withdrawCreated(deps, kind, link);
  throw new LeaseLost();
}

/** Deletes a PSA record this run created for a claim it lost; one somebody edited since is unlinked instead. */
async function withdrawCreated<T extends LinkedEntity, M extends MappedRecord>(
  deps: Pick<SyncDeps, 'clock'>,
  kind: LinkedKind<T, M>,
  link: Link,
): Promise<void> {
  const entity = await kind.store.get(link.tenantId, link.psaId);
  if (!entity) return;
  if (await kind.store.deleteIfVersion(link.tenantId, link.psaId, entity.version)) return;
  const now = deps.clock.now().toISOString();
  await writeWithVersionCheck(kind.store, entity, (current) => ({ next: kind.unlink(current, now), changes: [] }), false);
}

/** Gives up a `link` claim and claims the Intacct record again for a new PSA record. */
async function reclaimForCreation<M extends MappedRecord>(
  deps: ImportDeps,
  journal: RunJournal,
  link: Link,
  mapped: M,
): Promise<{ link: Link; mapped: M; entity: null; unwritten: false }[]> {
  await deps.links.deleteIfPointsTo(link.tenantId, link.object, link.recordNo, link.psaId);
  const fresh: Link = {
    ...link,
    psaId: deps.ids.newId(),
    createdAt: deps.clock.now().toISOString(),
    claim: { runId: journal.run.id, intent: 'create' },
  };
  if (await deps.links.createIfAbsent(fresh)) return [{ link: fresh, mapped, entity: null, unwritten: false }];
  await journal.record({ ...recordOf(link, 'skipped'), psaId: null, warnings: [TAKEN_MEANWHILE_WARNING] });
  return [];
}
