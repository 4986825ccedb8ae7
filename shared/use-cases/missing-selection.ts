import type { IntacctObject } from '../domain/entities';
import type { RunJournal } from './run-journal';

/** Reports each selected Intacct id that the listing did not return as a skipped record. */
export async function recordMissingSelection(
  journal: RunJournal,
  object: IntacctObject,
  selected: readonly string[],
  seen: ReadonlySet<string>,
): Promise<void> {
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
  await journal.flush();
}
