/**
 * Spreads a generated company's records over its entities, deterministically per seed. Runs after
 * the records are generated, from PRNG streams of its own, so a company's records are the same
 * with or without entities apart from MEGAENTITYID/MEGAENTITYNAME.
 */
import { ENTITY_ID_FIELD, placeRecord } from './entities';
import type { Prng } from './prng';
import { createPrng } from './prng';
import type { IntacctRecord } from './schema';
import type { CompanyStore } from './store';
import type { EmulatedEntity } from './types';

/** Share of records private to an entity; the rest stay shared at the top level. */
const PRIVATE_SHARE = 0.5;
/** Mixed into the seed to give each object its own placement stream. */
const PLACEMENT_SALTS = { departments: 0x3d3d3d3d, customers: 0x3c3c3c3c, employees: 0x3e3e3e3e } as const;

function randomPlace(prng: Prng, entities: readonly EmulatedEntity[]): EmulatedEntity | undefined {
  return prng.chance(PRIVATE_SHARE) ? prng.pick(entities) : undefined;
}

function entityOf(record: IntacctRecord | undefined, entities: readonly EmulatedEntity[]): EmulatedEntity | undefined {
  const entityId = record?.[ENTITY_ID_FIELD] ?? '';
  return entityId === '' ? undefined : entities.find((entity) => entity.entityId === entityId);
}

/**
 * Places each record of a table: a record that references a private record (its parent, its
 * department) must live in that record's entity, as production refuses a reference it cannot
 * see; the others are shared or private at random.
 */
function placeTable(
  prng: Prng,
  records: readonly IntacctRecord[],
  entities: readonly EmulatedEntity[],
  referenced: (record: IntacctRecord) => IntacctRecord | undefined,
): void {
  for (const record of records) {
    // Drawn for every record, so one record's reference never shifts the others' places.
    const drawn = randomPlace(prng, entities);
    placeRecord(record, entityOf(referenced(record), entities) ?? drawn);
  }
}

/** Places every record of the company; a company without entities keeps them all shared. */
export function placeCompanyRecords(store: CompanyStore, seed: number, entities: readonly EmulatedEntity[]): void {
  if (entities.length === 0) return;
  const seedBase = seed >>> 0;
  const departments = store.table('DEPARTMENT');
  const customers = store.table('CUSTOMER');
  // Parents are generated before their children, so a parent is always placed first.
  placeTable(createPrng(seedBase ^ PLACEMENT_SALTS.departments), departments.records, entities, (record) =>
    record.PARENTKEY ? departments.findByRecordNo(Number(record.PARENTKEY)) : undefined,
  );
  placeTable(createPrng(seedBase ^ PLACEMENT_SALTS.customers), customers.records, entities, (record) =>
    record.PARENTKEY ? customers.findByRecordNo(Number(record.PARENTKEY)) : undefined,
  );
  placeTable(createPrng(seedBase ^ PLACEMENT_SALTS.employees), store.table('EMPLOYEE').records, entities, (record) =>
    record.DEPARTMENTKEY ? departments.findByRecordNo(Number(record.DEPARTMENTKEY)) : undefined,
  );
}
