/**
 * The two namings of an employee's contact fields in `query`. The emulator stores the contact as
 * Intacct's owned PERSONALINFO object; in 'contact' mode `query` (and lookup/inspect) expose it
 * only through the CONTACT relationship, in 'personalinfo' mode only as PERSONALINFO.*.
 *
 * The default is 'contact': Intacct's own `query` documentation for EMPLOYEE
 * (developer.intacct.com/api/employee-expenses/employees, "Query and List Employees") filters on
 * `CONTACT.FIRSTNAME` and `CONTACT.LASTNAME`; PERSONALINFO.* appears there only in the legacy
 * readByQuery/read answers, which keep it in both modes.
 */
import type { ObjectSchema } from './schema';
import { canonicalField } from './schema';
import type { EmployeeContactFieldMode } from './types';

export const DEFAULT_EMPLOYEE_CONTACT_FIELDS: EmployeeContactFieldMode = 'contact';

const STORED_PREFIX = 'PERSONALINFO.';
const RELATIONSHIP_PREFIX = 'CONTACT.';

/** A field as `query` names it, and the stored field it reads. */
export interface QueryField {
  name: string;
  stored: string;
}

function usesContactNaming(schema: ObjectSchema, mode: EmployeeContactFieldMode): boolean {
  return schema.name === 'EMPLOYEE' && mode === 'contact';
}

/**
 * Resolves a field name written in a `query` select, filter or orderby; undefined when the object
 * has no such field under the company's naming (PERSONALINFO.* in contact mode, CONTACT.* in
 * personalinfo mode, anything unknown).
 */
export function resolveQueryField(schema: ObjectSchema, fieldName: string, mode: EmployeeContactFieldMode): QueryField | undefined {
  const upper = fieldName.trim().toUpperCase();
  if (usesContactNaming(schema, mode)) {
    if (upper.startsWith(STORED_PREFIX)) return undefined;
    if (upper.startsWith(RELATIONSHIP_PREFIX)) {
      const stored = canonicalField(schema, `${STORED_PREFIX}${upper.slice(RELATIONSHIP_PREFIX.length)}`);
      return stored ? { name: upper, stored } : undefined;
    }
  }
  const stored = canonicalField(schema, upper);
  return stored ? { name: stored, stored } : undefined;
}

/** Every field `query` accepts on the object under the company's naming, in schema order. */
export function queryFieldNames(schema: ObjectSchema, mode: EmployeeContactFieldMode): QueryField[] {
  return schema.fields.map((stored) =>
    usesContactNaming(schema, mode) && stored.startsWith(STORED_PREFIX)
      ? { name: `${RELATIONSHIP_PREFIX}${stored.slice(STORED_PREFIX.length)}`, stored }
      : { name: stored, stored },
  );
}

/** Whether the stored field is reached through the CONTACT relationship under this naming. */
export function isContactRelationshipField(schema: ObjectSchema, stored: string, mode: EmployeeContactFieldMode): boolean {
  return usesContactNaming(schema, mode) && stored.startsWith(STORED_PREFIX);
}
