/** Which mapped fields a write would change, for run records and for deciding whether to write. */
import type { ClientMappedFields, UserMappedFields } from './entities';
import type { FieldChange } from './runs';

/**
 * Field names listed from a record type with every key present, so adding a mapped field to
 * the entity type without listing it here fails to compile.
 */
function fieldNames<T>(everyField: Record<keyof T, true>): readonly (keyof T)[] {
  return Object.keys(everyField) as (keyof T)[];
}

/** Client fields the sync owns and overwrites (spec section 2). */
export const CLIENT_MAPPED_FIELDS: readonly (keyof ClientMappedFields)[] = fieldNames<ClientMappedFields>({
  name: true,
  street: true,
  zip: true,
  city: true,
  country: true,
  countryCode: true,
});

/** User fields the sync always owns; `departmentId` is owned only with assignment on (R8). */
export const USER_MAPPED_FIELDS: readonly (keyof UserMappedFields)[] = fieldNames<UserMappedFields>({
  firstName: true,
  lastName: true,
  jobTitle: true,
  startDate: true,
});

/**
 * The fields among `fields` whose values differ between `current` and `target`, by strict
 * equality, in the order given. A missing value counts as null, so a record stored before a
 * field existed compares equal to a null target.
 */
export function diffFields<T>(current: T, target: T, fields: readonly (keyof T)[]): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const from = current[field] ?? null;
    const to = target[field] ?? null;
    if (from !== to) {
      changes.push({ field: String(field), from, to });
    }
  }
  return changes;
}
