/**
 * Typed reads of stored attributes for the `fromItem()` functions. An item that does not have the
 * shape its `entityType` promises is a storage defect, not bad user input, so it throws a plain Error
 * naming the attribute rather than a domain error.
 */

export type StoredItem = Record<string, unknown>;

function corrupt(attribute: string, expected: string): Error {
  return new Error(`Stored item attribute "${attribute}" is not ${expected}`);
}

/** The string stored under `attribute`. */
export function readString(item: StoredItem, attribute: string): string {
  const value = item[attribute];
  if (typeof value !== 'string') throw corrupt(attribute, 'a string');
  return value;
}

/** The string stored under `attribute`, or null when the attribute is absent or null. */
export function readNullableString(item: StoredItem, attribute: string): string | null {
  const value = item[attribute];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw corrupt(attribute, 'a string or null');
  return value;
}

/** The number stored under `attribute`. */
export function readNumber(item: StoredItem, attribute: string): number {
  const value = item[attribute];
  if (typeof value !== 'number') throw corrupt(attribute, 'a number');
  return value;
}

/** The boolean stored under `attribute`. */
export function readBoolean(item: StoredItem, attribute: string): boolean {
  const value = item[attribute];
  if (typeof value !== 'boolean') throw corrupt(attribute, 'a boolean');
  return value;
}

/**
 * The map stored under `attribute`, typed as the caller's domain shape. Nested maps are written
 * only by the matching `toItem()`, so their inner shape is trusted.
 */
export function readMap<T extends object>(item: StoredItem, attribute: string): T {
  const value = item[attribute];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(attribute, 'a map');
  return value as T;
}

/** The map stored under `attribute`, or null when absent or null. */
export function readNullableMap<T extends object>(item: StoredItem, attribute: string): T | null {
  const value = item[attribute];
  if (value === undefined || value === null) return null;
  return readMap<T>(item, attribute);
}

/** The list stored under `attribute`; absent reads as empty, since undefined values are not written. */
export function readList<T>(item: StoredItem, attribute: string): T[] {
  const value = item[attribute];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw corrupt(attribute, 'a list');
  return value as T[];
}

/** The value stored under `attribute` when it is one of `allowed`. */
export function readEnum<const T extends string>(item: StoredItem, attribute: string, allowed: readonly T[]): T {
  const value = readString(item, attribute);
  if (!(allowed as readonly string[]).includes(value)) throw corrupt(attribute, `one of ${allowed.join(', ')}`);
  return value as T;
}
