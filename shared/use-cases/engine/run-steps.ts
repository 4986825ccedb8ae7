/**
 * What each run does, step by step (domain/runs `stepsOf`), in chunks: after every chunk the
 * checkpoint says exactly what is done, so an invocation can stop at any chunk boundary and the
 * next one continue from there.
 */
import type { Client, IntacctObject, User } from '#domain/entities';
import { DEFAULT_PAGE_SIZE, type RunCheckpoint, type RunRecord, type RunRequest, type RunStep, type SyncRun, stepsOf } from '#domain/runs';
import { needsUnlinkReview, newClientFromIntacct, newUserFromIntacct } from '#domain/sync-rules';
import type { IntacctSource, ListingOptions, ListingPage } from '#ports/intacct-source';
import type { Link } from '#ports/stores';
import type { TimeBudget } from './budget';
import { ClaimSettlement } from './claims';
import { findUnlinkedClientNamed } from './client-matches';
import { DepartmentDirectory } from './department-directory';
import type { SyncDeps } from './deps';
import { type ImportPlan, importChunk } from './import-records';
import type { RunJournal } from './journal';
import { type CustomerRecord, clientKind, departmentKind, type EmployeeRecord, userKind } from './kinds';
import { LinkCursor } from './link-cursor';
import type { LinkedEntity, LinkedKind, MappedRecord } from './linked-kind';
import { candidateOf, danglingRecord, refreshLinked, unlinkMany } from './linked-records';
import { recordOf } from './records';

/** Intacct records processed between two checkpoints. */
const RECORDS_PER_CHUNK = 500;
/** Unlink candidates read, unlinked or confirmed per chunk. */
const CANDIDATES_PER_CHUNK = 200;

const HELD_UNLINK_WARNING = 'Not found in Intacct any more; unlink held back until an admin confirms (too many at once).';
const BACK_IN_INTACCT_WARNING = 'The Intacct record exists again; left linked.';

export interface StepContext {
  deps: SyncDeps;
  journal: RunJournal;
  budget: TimeBudget;
  /** The tenant's Intacct company, signed in once per invocation. */
  source(): Promise<IntacctSource>;
}

/** How a run's steps ended in this invocation. */
export type StepsOutcome = 'succeeded' | 'needs_review' | 'yield';
type StepResult = 'done' | 'review' | 'yield';

const checkpointOf = (run: SyncRun): RunCheckpoint => run.checkpoint as RunCheckpoint;

/** Runs the run's steps from its checkpoint until they are done, wait for review, or time is up. */
export async function runSteps(ctx: StepContext): Promise<StepsOutcome> {
  const run = ctx.journal.run;
  const steps = stepsOf(run.request);
  const checkpoint = checkpointOf(run);
  while (checkpoint.step < steps.length) {
    const result = await runStep(ctx, steps[checkpoint.step] as RunStep);
    if (result === 'yield') return 'yield';
    if (result === 'review') return 'needs_review';
    const next = steps[checkpoint.step + 1];
    Object.assign(checkpoint, {
      step: checkpoint.step + 1,
      afterRecordNo: null,
      unlinkMode: null,
      candidateCursor: null,
      // A merge's counts are what the unlink step after it decides on; a new merge starts afresh.
      ...(next?.do === 'merge' ? { stillLinked: 0, candidates: 0 } : {}),
    });
    await ctx.journal.checkpoint(true);
  }
  return 'succeeded';
}

function runStep(ctx: StepContext, step: RunStep): Promise<StepResult> {
  switch (step.do) {
    case 'import':
      return importStep(ctx);
    case 'report_missing':
      return reportMissingStep(ctx, step.object);
    case 'merge':
      return mergeStep(ctx, step.object);
    case 'unlink':
      return unlinkStep(ctx, step.object);
    case 'confirm':
      return confirmStep(ctx);
    case 'unlink_all':
      return unlinkAllStep(ctx, step.object);
  }
}

/**
 * Works through `items` in chunks sized to the invocation's time left (at most `most` each), saving
 * the checkpoint `advance` moves after each; answers false when the invocation must hand the run on.
 */
async function inChunks<T>(ctx: StepContext, items: readonly T[], most: number, work: (chunk: T[]) => Promise<void>): Promise<boolean> {
  for (let offset = 0; offset < items.length; ) {
    const size = ctx.budget.chunkSize(most);
    if (size === 0) return false;
    const chunk = items.slice(offset, offset + size);
    await timed(ctx, chunk.length, () => work(chunk));
    offset += chunk.length;
  }
  return true;
}

/** Does one chunk of `records` records, learns its time per record, and saves the checkpoint. */
async function timed(ctx: StepContext, records: number, work: () => Promise<void>): Promise<void> {
  ctx.budget.startChunk();
  await work();
  ctx.budget.endChunk(records);
  checkpointOf(ctx.journal.run).msPerRecord = ctx.budget.msPerRecord;
  await ctx.journal.checkpoint();
}

/** A batch of `most` at the most, or null when the invocation has no room left for one. */
const batchSize = (ctx: StepContext, most: number): number | null => {
  const size = ctx.budget.chunkSize(most);
  return size === 0 ? null : size;
};

/**
 * Options of a step's Intacct listing: from the checkpoint on, in the checkpoint's page size, stopped
 * at the invocation's deadline or when `stop` aborts (the step is left with pages still in flight:
 * they must not hold the company's request slots while the next invocation starts).
 */
function listingOptions(ctx: StepContext, stop: AbortSignal): ListingOptions {
  const checkpoint = checkpointOf(ctx.journal.run);
  return {
    signal: AbortSignal.any([ctx.budget.signal, stop]),
    pageSize: checkpoint.pageSize || DEFAULT_PAGE_SIZE,
    ...(checkpoint.afterRecordNo === null ? {} : { afterRecordNo: checkpoint.afterRecordNo }),
  };
}

/** The Intacct listing an import of `request` reads. */
function importListing(source: IntacctSource, request: RunRequest, options: ListingOptions): AsyncIterable<ListingPage> {
  switch (request.type) {
    case 'client_import':
      return request.customerIds === null ? source.listCustomers(options) : source.customersById(request.customerIds, options);
    case 'user_import':
      return source.employeesById(request.employeeIds, options);
    default:
      throw new Error(`A ${request.type} run does not import.`);
  }
}

/** Import the selected (or all) records, R1, R2, R8. */
async function importStep(ctx: StepContext): Promise<StepResult> {
  const request = ctx.journal.run.request;
  const source = await ctx.source();
  const stop = new AbortController();
  const listing = importListing(source, request, listingOptions(ctx, stop.signal));
  try {
    return await importWith(ctx, request, source, listing);
  } finally {
    stop.abort();
  }
}

async function importWith(ctx: StepContext, request: RunRequest, source: IntacctSource, listing: AsyncIterable<ListingPage>): Promise<StepResult> {
  const { deps, journal } = ctx;
  const tenantId = journal.tenantId;
  if (request.type === 'client_import') {
    const plan: ImportPlan<Client, CustomerRecord> = {
      kind: clientKind(deps),
      create: (mapped, id, now) => newClientFromIntacct({ id, tenantId, mapped, now }),
      claimsInBatches: true,
      chunksCoverTheirRange: request.customerIds === null,
      ...(request.linkMatches ? { findMatch: (mapped) => findUnlinkedClientNamed(deps, tenantId, mapped.fields.name) } : {}),
    };
    return importAll(ctx, plan, listing, null, request.customerIds === null ? null : new Set(request.customerIds));
  }
  if (request.type !== 'user_import') throw new Error(`A ${request.type} run has no import step.`);
  const directory = request.assignDepartments ? await DepartmentDirectory.load(deps, journal, source, { signal: ctx.budget.signal }) : null;
  const departmentFor = (departmentIntacctId: string | null) => directory?.psaIdFor(departmentIntacctId) ?? null;
  const plan: ImportPlan<User, EmployeeRecord> = {
    kind: userKind(deps, departmentFor),
    create: (mapped, id, now) =>
      newUserFromIntacct({
        id,
        tenantId,
        mapped,
        permissionProfile: request.permissionProfile,
        assignDepartment: request.assignDepartments,
        departmentPsaId: departmentFor(mapped.departmentIntacctId),
        now,
      }),
    claimsInBatches: true,
    chunksCoverTheirRange: false,
  };
  return importAll(ctx, plan, listing, directory, new Set(request.employeeIds));
}

async function importAll<T extends LinkedEntity, M extends MappedRecord>(
  ctx: StepContext,
  plan: ImportPlan<T, M>,
  listing: AsyncIterable<ListingPage>,
  directory: DepartmentDirectory | null,
  /** The ids an admin selected (null: all): Intacct's answer is trusted only for these. */
  selected: ReadonlySet<string> | null,
): Promise<StepResult> {
  const { deps, journal } = ctx;
  const checkpoint = checkpointOf(journal.run);
  const base = journal.run.progress.processed;
  for await (const page of listing) {
    journal.setTotal(base + page.totalCount);
    const mapped = page.records
      .map((fields) => ({ fields, record: plan.kind.map(fields) }))
      .filter(({ record }) => selected === null || selected.has(record.intacctId));
    // With department assignment on, each employee's Intacct department gets its PSA department first.
    if (directory) await directory.ensure(mapped.map(({ fields }) => fields.DEPARTMENTID ?? '').filter((id) => id !== ''));
    const finished = await inChunks(
      ctx,
      mapped.map(({ record }) => record),
      RECORDS_PER_CHUNK,
      async (chunk) => {
        await importChunk(deps, journal, plan, chunk);
        checkpoint.afterRecordNo = chunk.at(-1)?.recordNo ?? checkpoint.afterRecordNo;
      },
    );
    if (!finished) return 'yield';
  }
  return 'done';
}

/** Selected ids the listing did not return are reported as skipped. */
async function reportMissingStep(ctx: StepContext, object: IntacctObject): Promise<StepResult> {
  const { deps, journal } = ctx;
  const run = journal.run;
  const selected =
    run.request.type === 'client_import' ? (run.request.customerIds ?? []) : run.request.type === 'user_import' ? run.request.employeeIds : [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await deps.runs.listRecords(run.tenantId, run.id, { limit: 1000, cursor });
    for (const record of page.items) if (record.object === object && record.error?.code !== 'not_found') seen.add(record.intacctId);
    cursor = page.nextCursor;
  } while (cursor);
  for (const intacctId of new Set(selected)) {
    if (seen.has(intacctId)) continue;
    await journal.record({
      object,
      intacctId,
      recordNo: '',
      psaId: null,
      outcome: 'skipped',
      changes: [],
      warnings: [],
      error: { code: 'not_found', message: `Intacct has no ${object} with id ${intacctId}.` },
    });
  }
  return 'done';
}

function syncListing(source: IntacctSource, object: IntacctObject, options: ListingOptions): AsyncIterable<ListingPage> {
  switch (object) {
    case 'customer':
      return source.listCustomers(options);
    case 'employee':
      return source.listEmployees(options);
    case 'department':
      return source.listDepartments(options);
  }
}

/** Any kind, as the steps that only unlink need it (unlinking needs no department lookup). */
function kindOf(deps: SyncDeps, object: IntacctObject): LinkedKind<LinkedEntity, MappedRecord> {
  const kinds = { customer: clientKind(deps), employee: userKind(deps, () => null), department: departmentKind(deps) };
  return kinds[object] as unknown as LinkedKind<LinkedEntity, MappedRecord>;
}

/**
 * Merge one object's Intacct listing (ascending RECORDNO) with its links stored in the same order
 * (R3, R6, R7, R10): each linked record is refreshed; each link the listing passes by has no
 * Intacct record any more and is stored as an unlink candidate, decided once the listing is complete.
 * Intacct records without a link are left alone: a sync never imports.
 */
async function mergeStep(ctx: StepContext, object: IntacctObject): Promise<StepResult> {
  const source = await ctx.source();
  const stop = new AbortController();
  try {
    return await mergeFrom(ctx, object, source, syncListing(source, object, listingOptions(ctx, stop.signal)));
  } finally {
    stop.abort();
  }
}

async function mergeFrom(ctx: StepContext, object: IntacctObject, source: IntacctSource, listing: AsyncIterable<ListingPage>): Promise<StepResult> {
  const { deps, journal } = ctx;
  if (object === 'customer') return mergeWith(ctx, clientKind(deps), listing);
  if (object === 'department') return mergeWith(ctx, departmentKind(deps), listing);
  const directory = await DepartmentDirectory.load(deps, journal, source, { signal: ctx.budget.signal });
  // A user imported with department assignment on gets the PSA department of its Intacct one, created once.
  return mergeWith(
    ctx,
    userKind(deps, (id) => directory.psaIdFor(id)),
    listing,
    async (page) => {
      const needed = page
        .filter(({ entity }) => entity?.integrations.intacct?.assignDepartment)
        .map(({ mapped }) => mapped.departmentIntacctId)
        .filter((id): id is string => id !== null && directory.psaIdFor(id) === null);
      await directory.ensure(needed);
    },
  );
}

async function mergeWith<T extends LinkedEntity, M extends MappedRecord>(
  ctx: StepContext,
  kind: LinkedKind<T, M>,
  listing: AsyncIterable<ListingPage>,
  beforeWrites?: (page: { mapped: M; entity: T | null }[]) => Promise<void>,
): Promise<StepResult> {
  const { deps, journal } = ctx;
  const run = journal.run;
  const checkpoint = checkpointOf(run);
  const settlement = new ClaimSettlement(deps, run.tenantId);
  const cursor = new LinkCursor(settlement.settlePages(deps.links.iterate(run.tenantId, kind.object, checkpoint.afterRecordNo)));
  const base = run.progress.processed;
  for await (const page of listing) {
    journal.setTotal(base + page.totalCount);
    const finished = await inChunks(ctx, page.records, RECORDS_PER_CHUNK, async (chunk) => {
      const matched: { link: Link; mapped: M }[] = [];
      const passed: Link[] = [];
      for (const fields of chunk) {
        const mapped = kind.map(fields);
        const step = await cursor.advanceTo(mapped.recordNo);
        passed.push(...step.passed);
        if (step.match) matched.push({ link: step.match, mapped });
      }
      journal.passOver(chunk.length - matched.length);
      for (const result of await refreshLinked(deps, journal, kind, matched, beforeWrites)) {
        if (result.kind === 'dangling') {
          await journal.record(danglingRecord(result.link));
        } else {
          checkpoint.stillLinked += 1;
          await journal.record(result.record);
        }
      }
      await storeCandidates(ctx, kind, passed);
      checkpoint.afterRecordNo = chunk.at(-1)?.RECORDNO ?? checkpoint.afterRecordNo;
    });
    if (!finished) return 'yield';
  }
  for (;;) {
    const size = batchSize(ctx, RECORDS_PER_CHUNK);
    if (size === null) return 'yield';
    const rest = await cursor.rest(size);
    if (rest.length === 0) return 'done';
    await timed(ctx, rest.length, async () => {
      await storeCandidates(ctx, kind, rest);
      checkpoint.afterRecordNo = rest.at(-1)?.recordNo ?? checkpoint.afterRecordNo;
    });
  }
}

/**
 * Links the listing passed by are unlink candidates, each stored as an item of the run; a link
 * whose PSA record is gone is dangling (deleted in the PSA) and is removed instead (R6).
 */
async function storeCandidates<T extends LinkedEntity, M extends MappedRecord>(
  ctx: StepContext,
  kind: LinkedKind<T, M>,
  links: readonly Link[],
): Promise<void> {
  if (links.length === 0) return;
  const { deps, journal } = ctx;
  const run = journal.run;
  const entities = await kind.store.getMany(
    run.tenantId,
    links.map((link) => link.psaId),
  );
  const candidates = [];
  for (const link of links) {
    const entity = entities.get(link.psaId);
    const own = entity ? kind.linkOf(entity) : undefined;
    if (own && own.recordNo === link.recordNo) {
      candidates.push(candidateOf(link));
      continue;
    }
    if (!journal.dryRun) await deps.links.deleteIfPointsTo(link.tenantId, link.object, link.recordNo, link.psaId);
    await journal.record(danglingRecord(link));
  }
  journal.assertOwned();
  await deps.runs.putUnlinkCandidates(run.tenantId, run.id, candidates);
  checkpointOf(run).candidates += candidates.length;
  journal.setTotal(run.progress.total + candidates.length);
}

/**
 * Only after the whole listing succeeded (I3): unlink the candidates (R4), unless there are too many
 * (more than max(10, 20%) of the linked records), in which case all of them are held for an admin.
 */
async function unlinkStep(ctx: StepContext, object: IntacctObject): Promise<StepResult> {
  const { deps, journal } = ctx;
  const run = journal.run;
  const checkpoint = checkpointOf(run);
  if (checkpoint.unlinkMode === null) {
    const hold = needsUnlinkReview(checkpoint.candidates, checkpoint.stillLinked + checkpoint.candidates);
    checkpoint.unlinkMode = hold ? 'hold' : 'apply';
    if (hold) {
      checkpoint.heldObjects = [...checkpoint.heldObjects, object];
      run.heldCount += checkpoint.candidates;
    }
    await journal.checkpoint(true);
  }
  const kind = kindOf(deps, object);
  for (;;) {
    const size = batchSize(ctx, CANDIDATES_PER_CHUNK);
    if (size === null) return 'yield';
    const batch = await deps.runs.listUnlinkCandidates(run.tenantId, run.id, object, checkpoint.candidateCursor, size);
    if (batch.length === 0) return 'done';
    await timed(ctx, batch.length, async () => {
      if (checkpoint.unlinkMode === 'hold') {
        for (const candidate of batch) await journal.record({ ...recordOf(candidate, 'skipped'), warnings: [HELD_UNLINK_WARNING] });
      } else {
        for (const record of await unlinkMany(deps, journal, kind, batch)) await journal.record(record);
      }
      checkpoint.candidateCursor = batch.at(-1)?.recordNo ?? checkpoint.candidateCursor;
    });
  }
}

/**
 * With unlinks held, the run stops for review; once an admin confirms, each held record still
 * missing from Intacct is unlinked (one may have come back meanwhile), keeping all its data.
 */
async function confirmStep(ctx: StepContext): Promise<StepResult> {
  const { deps, journal } = ctx;
  const run = journal.run;
  const checkpoint = checkpointOf(run);
  if (checkpoint.heldObjects.length === 0) return 'done';
  if (!checkpoint.confirmed) return 'review';
  const source = await ctx.source();
  while (checkpoint.heldObjects.length > 0) {
    const object = checkpoint.heldObjects[0] as IntacctObject;
    const size = batchSize(ctx, CANDIDATES_PER_CHUNK);
    if (size === null) return 'yield';
    const batch = await deps.runs.listUnlinkCandidates(run.tenantId, run.id, object, checkpoint.candidateCursor, size);
    if (batch.length === 0) {
      checkpoint.heldObjects = checkpoint.heldObjects.slice(1);
      checkpoint.candidateCursor = null;
      await journal.checkpoint(true);
      continue;
    }
    await timed(ctx, batch.length, async () => {
      const stillThere = await source.existingRecordNos(
        object,
        batch.map((candidate) => candidate.recordNo),
        { signal: ctx.budget.signal },
      );
      const gone = batch.filter((candidate) => !stillThere.has(candidate.recordNo));
      for (const candidate of batch.filter((held) => stillThere.has(held.recordNo))) {
        await journal.record({ ...recordOf(candidate, 'skipped'), warnings: [BACK_IN_INTACCT_WARNING] });
      }
      const records: RunRecord[] = await unlinkMany(deps, journal, kindOf(deps, object), gone);
      for (const record of records) await journal.record(record);
      checkpoint.candidateCursor = batch.at(-1)?.recordNo ?? checkpoint.candidateCursor;
    });
  }
  return 'done';
}

/** Unlinks every linked record of `object`, keeping each record and its data (reconnect with resetLinks). */
async function unlinkAllStep(ctx: StepContext, object: IntacctObject): Promise<StepResult> {
  const { deps, journal } = ctx;
  const run = journal.run;
  const checkpoint = checkpointOf(run);
  const kind = kindOf(deps, object);
  for await (const links of deps.links.iterate(run.tenantId, object, checkpoint.afterRecordNo)) {
    const finished = await inChunks(ctx, links, CANDIDATES_PER_CHUNK, async (chunk) => {
      journal.setTotal(run.progress.total + chunk.length);
      for (const record of await unlinkMany(deps, journal, kind, chunk.map(candidateOf))) await journal.record(record);
      checkpoint.afterRecordNo = chunk.at(-1)?.recordNo ?? checkpoint.afterRecordNo;
    });
    if (!finished) return 'yield';
  }
  return 'done';
}
