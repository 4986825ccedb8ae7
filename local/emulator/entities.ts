/**
 * Multi-entity companies: the entities of a company, which records each session level sees, and
 * the entity a write makes its record private to.
 *
 * As production does: a record private to an entity carries MEGAENTITYID/MEGAENTITYNAME, a shared
 * (top-level) one carries them empty. A top-level session sees only shared records unless a `query`
 * asks for `showprivate`; an entity-level session (login with `<locationid>`) sees its entity's
 * private records and the shared ones, never another entity's.
 */
import type { IntacctRecord } from './schema';
import type { EmulatedEntity } from './types';

export const ENTITY_ID_FIELD = 'MEGAENTITYID';
const ENTITY_NAME_FIELD = 'MEGAENTITYNAME';

/** Entity ids step by 100 (E100, E200, ...), as multi-entity companies commonly number them. */
const ENTITY_ID_STEP = 100;
const ENTITY_REGIONS = ['East', 'West', 'North', 'South', 'Central', 'Coastal', 'Highlands', 'Harbor'];

function titleCase(word: string): string {
  const lower = word.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** The entities of a company with `count` of them: E100 "Northwind East", E200 "Northwind West", ... */
export function entitiesFor(companyId: string, count: number): EmulatedEntity[] {
  const companyName =
    companyId
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map(titleCase)
      .join(' ') || 'Company';
  return Array.from({ length: count }, (_, index) => {
    const region = ENTITY_REGIONS[index % ENTITY_REGIONS.length] ?? 'Region';
    const round = Math.floor(index / ENTITY_REGIONS.length);
    return {
      entityId: `E${(index + 1) * ENTITY_ID_STEP}`,
      name: `${companyName} ${region}${round === 0 ? '' : ` ${round + 1}`}`,
    };
  });
}

/** Marks a record private to an entity, or shared (top level) when the entity is undefined. */
export function placeRecord(record: IntacctRecord, entity: EmulatedEntity | undefined): void {
  record[ENTITY_ID_FIELD] = entity?.entityId ?? '';
  record[ENTITY_NAME_FIELD] = entity?.name ?? '';
}

/**
 * Which records a read may list: every record, or the shared ones plus those private to one
 * entity ('' = the shared ones only, a top-level session without showprivate).
 */
export type Visibility = { kind: 'all' } | { kind: 'entity'; entityId: string };

export const SEE_ALL: Visibility = { kind: 'all' };

/**
 * The visibility of a read made at a session level. A company without entities has only shared
 * records, so its reads skip the filter (and keep their store-order fast path).
 */
export function visibilityFor(sessionEntityId: string, showPrivate: boolean, hasEntities: boolean): Visibility {
  if (!hasEntities) return SEE_ALL;
  if (sessionEntityId !== '') return { kind: 'entity', entityId: sessionEntityId };
  return showPrivate ? SEE_ALL : { kind: 'entity', entityId: '' };
}

export function isVisible(record: IntacctRecord, visibility: Visibility): boolean {
  if (visibility.kind === 'all') return true;
  const owner = record[ENTITY_ID_FIELD] ?? '';
  return owner === '' || owner === visibility.entityId;
}

/** A stable key for caching listings per visibility. */
export function visibilityKey(visibility: Visibility): string {
  return visibility.kind === 'all' ? '*' : visibility.entityId;
}
