import { Conflict, NotFound } from '../domain/errors';
import type { HeldUnlink, SyncRun } from '../domain/runs';
import type { IntacctSource } from '../ports/intacct-source';
import type { SyncDeps } from './deps';
import { intacctForTenant } from './intacct-for-tenant';
import { clientKind, departmentKind, userKind } from './kinds';
import type { LinkedEntity, LinkedKind, MappedRecord } from './linked-kind';
import { withLease } from './lease';
import { RunJournal } from './run-journal';
import { recordOf, unlinkRecord } from './sync-linked-records';

/**
 * Confirm held unlinks (I3), an admin action on a `needs_review` run:
 * 1. Re-check with Intacct which held records are still missing (one may have come back).
 * 2. Unlink those, keeping every PSA record and its data (R4); skip the rest.
 * 3. The run ends `succeeded`, its held records now counted as unlinked.
 */
export async function confirmUnlinks(deps: SyncDeps, tenantId: string, runId: string): Promise<SyncRun> {
  const run = await deps.runs.get(tenantId, runId);
  if (!run) throw new NotFound('run_not_found', 'No such sync run.');
  if (run.status !== 'needs_review') {
    throw new Conflict('run_not_awaiting_review', 'This run has no unlinks waiting for confirmation.');
  }
  const scope = run.type === 'client_sync' || run.type === 'client_import' ? 'clients' : 'users';
  return withLease(deps, tenantId, scope, `${run.id}#confirm`, async () => {
    const source = await intacctForTenant(deps, tenantId);
    const journal = new RunJournal(deps, run, { keepUnchangedRecords: false });
    const held = run.heldUnlinks;
    // The held records were counted as skipped when the run stopped for review; they are decided now.
    run.counts.skipped -= held.length;
    run.progress.processed -= held.length;
    const pick = (object: HeldUnlink['object']) => held.filter((unlink) => unlink.object === object);
    await confirmFor(deps, journal, source, clientKind(deps), pick('customer'));
    await confirmFor(deps, journal, source, departmentKind(deps), pick('department'));
    await confirmFor(deps, journal, source, userKind(deps, () => null), pick('employee'));
    run.heldUnlinks = [];
    return journal.finish('succeeded');
  });
}

async function confirmFor<T extends LinkedEntity, M extends MappedRecord>(
  deps: SyncDeps,
  journal: RunJournal,
  source: IntacctSource,
  kind: LinkedKind<T, M>,
  held: HeldUnlink[],
): Promise<void> {
  if (held.length === 0) return;
  const stillThere = await source.existingRecordNos(kind.object, held.map((unlink) => unlink.recordNo));
  const entities = await kind.store.getMany(journal.tenantId, held.map((unlink) => unlink.psaId));
  for (const unlink of held) {
    const link = { tenantId: journal.tenantId, ...unlink, createdAt: '', fingerprint: null };
    const entity = entities.get(unlink.psaId);
    if (stillThere.has(unlink.recordNo) || !entity) {
      await journal.record({
        ...recordOf(link, 'skipped'),
        warnings: [entity ? 'The Intacct record exists again; left linked.' : 'The PSA record no longer exists.'],
      });
    } else {
      await journal.record(await unlinkRecord(deps, journal, kind, link, entity));
    }
  }
  await journal.flush();
}
