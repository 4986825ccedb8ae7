import { newDepartmentFromIntacct } from '../domain/sync-rules';
import type { IntacctFields } from '../domain/intacct-records';
import type { IntacctSource, ListingPage } from '../ports/intacct-source';
import type { SyncDeps } from './deps';
import { importLinkedRecords } from './import-linked-records';
import { departmentKind } from './kinds';
import { entityAcceptsLink } from './linked-kind';
import type { RunJournal } from './run-journal';
import { syncLinkedRecords, type SyncOutcome } from './sync-linked-records';

/**
 * The tenant's Intacct departments and the PSA departments linked to them (R8).
 * Intacct companies have few departments, so the listing is read once and kept for the run.
 */
export class DepartmentDirectory {
  private psaIdByDepartmentId = new Map<string, string>();

  private constructor(
    private readonly deps: SyncDeps,
    private readonly journal: RunJournal,
    private readonly intacctDepartments: IntacctFields[],
  ) {}

  static async load(deps: SyncDeps, journal: RunJournal, source: IntacctSource): Promise<DepartmentDirectory> {
    const records: IntacctFields[] = [];
    for await (const page of source.listDepartments()) records.push(...page.records);
    const directory = new DepartmentDirectory(deps, journal, records);
    await directory.reload();
    return directory;
  }

  /** The PSA department linked to this Intacct DEPARTMENTID, if one exists. */
  psaIdFor(departmentIntacctId: string | null): string | null {
    return departmentIntacctId === null ? null : (this.psaIdByDepartmentId.get(departmentIntacctId) ?? null);
  }

  /** Refreshes linked departments' names and unlinks removed ones, as for clients. */
  async sync(): Promise<SyncOutcome> {
    const outcome = await syncLinkedRecords(this.deps, this.journal, departmentKind(this.deps), oneRun(this.intacctDepartments));
    await this.reload();
    return outcome;
  }

  /** Creates the PSA department of each Intacct DEPARTMENTID that has none yet (once each). */
  async ensure(departmentIds: Iterable<string>): Promise<void> {
    const missing = new Set([...departmentIds].filter((id) => !this.psaIdByDepartmentId.has(id)));
    if (missing.size === 0) return;
    const records = this.intacctDepartments.filter((fields) => missing.has(fields.DEPARTMENTID ?? ''));
    await importLinkedRecords(
      this.deps,
      this.journal,
      {
        kind: departmentKind(this.deps),
        create: (mapped, id, now) => newDepartmentFromIntacct({ id, tenantId: this.journal.tenantId, mapped, now }),
      },
      oneRun(records),
    );
    await this.reload();
  }

  private async reload(): Promise<void> {
    this.psaIdByDepartmentId = await linkedDepartments(this.deps, this.journal.tenantId);
  }
}

/** DEPARTMENTID → id of the PSA department linked to it, for every live link of the tenant. */
export async function linkedDepartments(
  deps: Pick<SyncDeps, 'links' | 'departments'>,
  tenantId: string,
): Promise<Map<string, string>> {
  const kind = departmentKind(deps);
  const byDepartmentId = new Map<string, string>();
  for await (const links of deps.links.iterate(tenantId, 'department')) {
    const entities = await deps.departments.getMany(tenantId, links.map((link) => link.psaId));
    for (const link of links) {
      const entity = entities.get(link.psaId);
      if (entity && entityAcceptsLink(kind, entity, link.recordNo)) byDepartmentId.set(link.intacctId, link.psaId);
    }
  }
  return byDepartmentId;
}

async function* oneRun(records: IntacctFields[]): AsyncIterable<ListingPage> {
  if (records.length > 0) yield { records, totalCount: records.length };
}
