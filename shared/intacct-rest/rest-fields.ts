/**
 * The REST gateway's one mapping table per object: which REST field path (developer.sage.com/intacct
 * object pages, as the emulator's REST face serves them) carries which of the XML field names the
 * domain mapping reads (shared/domain/intacct-records.ts). A REST record is read through its table
 * into the same IntacctFields the XML gateway hands over, so shared/domain/mapping.ts makes the same
 * PSA records from either gateway.
 *
 * Values are made to read as the XML face writes them:
 * - null (REST's empty value) and a field left out read as '' (the XML face's empty element);
 * - a `key` (RECORDNO) must be digits, sent as a string; it is never empty;
 * - status `activeNonPosting` reads `active non-posting` (the XML word); active/inactive are the same words;
 * - a date `YYYY-MM-DD` reads `MM/DD/YYYY`; any other text is handed on unchanged, for the mapping to warn of.
 * Any other shape (a number, a list, an object where a value belongs) is a protocol error.
 */
import { z } from 'zod';
import { CUSTOMER_FIELDS, DEPARTMENT_FIELDS, EMPLOYEE_FIELDS, type IntacctFields } from '#domain/intacct-records';
import { IntacctProtocolError } from '#intacct/errors';

/** How a REST value becomes the XML face's text. */
type ValueKind = 'key' | 'text' | 'status' | 'date';

/** One row of a table: REST field path -> XML field name. */
interface FieldRow {
  readonly rest: string;
  readonly xml: string;
  readonly kind: ValueKind;
}

export type RestObjectKind = 'customer' | 'employee' | 'department';

export interface RestObjectSpec {
  /** The object's name in the query service. */
  readonly object: string;
  readonly rows: readonly FieldRow[];
  /** The REST paths the query selects (every row's). */
  readonly fields: readonly string[];
  /** REST path of the record's id (CUSTOMERID, EMPLOYEEID, DEPARTMENTID). */
  readonly idField: string;
  /** REST paths a browse search looks in (each with $contains, case-insensitive), as the XML gateway's. */
  readonly searchFields: readonly string[];
}

const row = (rest: string, xml: string, kind: ValueKind = 'text'): FieldRow => ({ rest, xml, kind });

const MAIL = 'contacts.default.mailingAddress';
const XML_MAIL = 'DISPLAYCONTACT.MAILADDRESS';

/** accounts-receivable/customer -> CUSTOMER_FIELDS. */
const CUSTOMER_ROWS: readonly FieldRow[] = [
  row('key', 'RECORDNO', 'key'),
  row('id', 'CUSTOMERID'),
  row('name', 'NAME'),
  row('status', 'STATUS', 'status'),
  row(`${MAIL}.addressLine1`, `${XML_MAIL}.ADDRESS1`),
  row(`${MAIL}.addressLine2`, `${XML_MAIL}.ADDRESS2`),
  row(`${MAIL}.addressLine3`, `${XML_MAIL}.ADDRESS3`),
  row(`${MAIL}.city`, `${XML_MAIL}.CITY`),
  row(`${MAIL}.postCode`, `${XML_MAIL}.ZIP`),
  row(`${MAIL}.country`, `${XML_MAIL}.COUNTRY`),
  row(`${MAIL}.isoCountryCode`, `${XML_MAIL}.COUNTRYCODE`),
  row('entity.id', 'MEGAENTITYID'),
  row('entity.name', 'MEGAENTITYNAME'),
];

/** company-config/employee -> EMPLOYEE_FIELDS (the contact in the canonical PERSONALINFO naming). */
const EMPLOYEE_ROWS: readonly FieldRow[] = [
  row('key', 'RECORDNO', 'key'),
  row('id', 'EMPLOYEEID'),
  row('status', 'STATUS', 'status'),
  row('jobTitle', 'TITLE'),
  row('department.id', 'DEPARTMENTID'),
  row('startDate', 'STARTDATE', 'date'),
  row('primaryContact.id', 'PERSONALINFO.CONTACTNAME'),
  row('primaryContact.firstName', 'PERSONALINFO.FIRSTNAME'),
  row('primaryContact.lastName', 'PERSONALINFO.LASTNAME'),
  row('entity.id', 'MEGAENTITYID'),
  row('entity.name', 'MEGAENTITYNAME'),
];

/** company-config/department -> DEPARTMENT_FIELDS (the XML gateway selects no entity for departments either). */
const DEPARTMENT_ROWS: readonly FieldRow[] = [
  row('key', 'RECORDNO', 'key'),
  row('id', 'DEPARTMENTID'),
  row('name', 'TITLE'),
  row('status', 'STATUS', 'status'),
];

function spec(object: string, rows: readonly FieldRow[], xmlFields: readonly string[], searchFields: readonly string[]): RestObjectSpec {
  // The table must give exactly the fields the XML gateway selects: the same records either way.
  const missing = xmlFields.filter((field) => !rows.some((candidate) => candidate.xml === field));
  if (missing.length > 0 || rows.length !== xmlFields.length) throw new Error(`REST table for ${object} does not match its XML fields`);
  return { object, rows, fields: rows.map((candidate) => candidate.rest), idField: 'id', searchFields };
}

export const REST_OBJECTS: Readonly<Record<RestObjectKind, RestObjectSpec>> = {
  customer: spec('accounts-receivable/customer', CUSTOMER_ROWS, CUSTOMER_FIELDS, ['name', 'id']),
  employee: spec('company-config/employee', EMPLOYEE_ROWS, EMPLOYEE_FIELDS, ['primaryContact.id', 'id']),
  department: spec('company-config/department', DEPARTMENT_ROWS, DEPARTMENT_FIELDS, ['name', 'id']),
};

/** The REST path of the record key every listing pages and orders by. */
export const KEY_FIELD = 'key';

const RECORD_KEY = /^\d+$/;
const leaf = z.string().nullable().optional();
const keyLeaf = z.string().regex(RECORD_KEY, 'a record key must be digits');

type SchemaTree = { [name: string]: SchemaTree | FieldRow };

/** The zod schema of a record holding (at most) the table's paths, nested as the REST API nests them. */
function recordSchema(rows: readonly FieldRow[]): z.ZodType {
  const tree: SchemaTree = {};
  for (const candidate of rows) {
    const parts = candidate.rest.split('.');
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as SchemaTree;
    }
    node[parts.at(-1) ?? candidate.rest] = candidate;
  }
  const build = (node: SchemaTree): z.ZodObject => {
    const shape: Record<string, z.ZodType> = {};
    for (const [name, child] of Object.entries(node)) {
      if ('rest' in child && typeof child.rest === 'string') shape[name] = (child as FieldRow).kind === 'key' ? keyLeaf : leaf;
      else
        shape[name] = build(child as SchemaTree)
          .nullable()
          .optional();
    }
    return z.object(shape);
  };
  return build(tree);
}

const SCHEMAS: Readonly<Record<RestObjectKind, z.ZodType>> = {
  customer: recordSchema(CUSTOMER_ROWS),
  employee: recordSchema(EMPLOYEE_ROWS),
  department: recordSchema(DEPARTMENT_ROWS),
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const REST_NON_POSTING = 'activeNonPosting';
const XML_NON_POSTING = 'active non-posting';

function xmlText(kind: ValueKind, value: string): string {
  switch (kind) {
    case 'status':
      return value === REST_NON_POSTING ? XML_NON_POSTING : value;
    case 'date': {
      const match = ISO_DATE.exec(value);
      return match ? `${match[2]}/${match[3]}/${match[1]}` : value;
    }
    default:
      return value;
  }
}

function valueAt(record: unknown, path: string): string {
  let node: unknown = record;
  for (const part of path.split('.')) {
    if (node === null || node === undefined || typeof node !== 'object') return '';
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : '';
}

/**
 * One REST record of `kind` as the IntacctFields the XML gateway would hand over for it; an
 * IntacctProtocolError when the record does not have the table's shape (the message names the
 * offending path, never a value).
 */
export function intacctFieldsOf(kind: RestObjectKind, record: unknown): IntacctFields {
  const parsed = SCHEMAS[kind].safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') || 'record' : 'record';
    throw new IntacctProtocolError(`Intacct REST answered a ${kind} record of an unexpected shape (at ${where})`);
  }
  const fields: Record<string, string> = {};
  for (const { rest, xml, kind: valueKind } of REST_OBJECTS[kind].rows) fields[xml] = xmlText(valueKind, valueAt(parsed.data, rest));
  return fields;
}
