import type { IntacctFields } from '#domain/intacct-records';
import { newDepartmentFromIntacct } from '#domain/sync-rules';
import type { CallOptions, IntacctSource } from '#ports/intacct-source';
import type { SyncDeps } from './deps';
import { importChunk } from './import-records';
import type { RunJournal } from './journal';
import { departmentKind } from './kinds';
import { entityAcceptsLink } from './linked-kind';

/**
 * The tenant's Intacct departments and the PSA departments linked to them (R8).
 * Intacct companies have few departments, so the listing is read once per invocation and kept.
 */
export class DepartmentDirectory {
  private psaIdByDepartmentId = new Map<string, string>();

  private constructor(
    private readonly deps: SyncDeps,
    private readonly journal: RunJournal,
    private readonly intacctDepartments: IntacctFields[],
  ) {}

  static async load(deps: SyncDeps, journal: RunJournal, source: IntacctSource, options: CallOptions): Promise<DepartmentDirectory> {
    const records: IntacctFields[] = [];
    for await (const page of source.listDepartments(options)) records.push(...page.records);
    const directory = new DepartmentDirectory(deps, journal, records);
    directory.psaIdByDepartmentId = await linkedDepartments(deps, journal.tenantId);
    return directory;
  }

  /** The PSA department linked to this Intacct DEPARTMENTID, if one exists. */
  psaIdFor(departmentIntacctId: string | null): string | null {
    return departmentIntacctId === null ? null : (this.psaIdByDepartmentId.get(departmentIntacctId) ?? null);
  }

  /** Creates the PSA department of each Intacct DEPARTMENTID that has none yet (once each). */
  async ensure(departmentIds: Iterable<string>): Promise<void> {
    const missing = new Set([...departmentIds].filter((id) => !this.psaIdByDepartmentId.has(id)));
    if (missing.size === 0) return;
    const kind = departmentKind(this.deps);
    const records = this.intacctDepartments.filter((fields) => missing.has(fields.DEPARTMENTID ?? '')).map((fields) => kind.map(fields));
    await importChunk(
      this.deps,
      this.journal,
      {
        kind,
        create: (mapped, id, now) => newDepartmentFromIntacct({ id, tenantId: this.journal.tenantId, mapped, now }),
        // Departments are claimed one by one: no checkpoint of the run follows their order.
        claimsInBatches: false,
        chunksCoverTheirRange: false,
      },
      records,
    );
    this.psaIdByDepartmentId = await linkedDepartments(this.deps, this.journal.tenantId);
  }
}

/** DEPARTMENTID → id of the PSA department linked to it, for every live link of the tenant. */
export async function linkedDepartments(deps: Pick<SyncDeps, 'links' | 'departments'>, tenantId: string): Promise<Map<string, string>> {
  const kind = departmentKind(deps);
  const byDepartmentId = new Map<string, string>();
  for await (const links of deps.links.iterate(tenantId, 'department')) {
    const entities = await deps.departments.getMany(
      tenantId,
      links.map((link) => link.psaId),
    );
    for (const link of links) {
      const entity = entities.get(link.psaId);
      if (entity && entityAcceptsLink(kind, entity, link.recordNo)) byDepartmentId.set(link.intacctId, link.psaId);
    }
  }
  return byDepartmentId;
}
