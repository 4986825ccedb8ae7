/** The emulated Intacct objects: their fields (flattened, dotted), field types and key fields. */

export type ObjectName = 'CUSTOMER' | 'EMPLOYEE' | 'DEPARTMENT';
export type FieldType = 'integer' | 'text' | 'date' | 'timestamp';

/** One record as Intacct lists it: every field flattened to a dotted name, every value text. */
export type IntacctRecord = Record<string, string>;

export interface ObjectSchema {
  name: ObjectName;
  /** The business key (CUSTOMERID, EMPLOYEEID, DEPARTMENTID). */
  idField: string;
  /** Prefix for generated business keys when a create leaves the key out. */
  idPrefix: string;
  /** Every field, in the order `fields=*` lists them. */
  fields: readonly string[];
  fieldTypes: ReadonlyMap<string, FieldType>;
  /** Fields the server sets; a create or update may not write them. */
  readOnly: ReadonlySet<string>;
}

const MAIL = 'DISPLAYCONTACT.MAILADDRESS';
const INFO = 'PERSONALINFO';

/** Set by the server; MEGAENTITYID/NAME follow the entity of the session that created the record. */
const SERVER_SET_FIELDS = ['RECORDNO', 'WHENCREATED', 'WHENMODIFIED', 'RECORD_URL', 'MEGAENTITYID', 'MEGAENTITYNAME'];
const TIMESTAMP_FIELDS = ['WHENCREATED', 'WHENMODIFIED'];

function defineObject(
  name: ObjectName,
  idField: string,
  idPrefix: string,
  fields: string[],
  extraTypes: Record<string, FieldType>,
  extraReadOnly: string[],
): ObjectSchema {
  const fieldTypes = new Map<string, FieldType>(fields.map((field) => [field, 'text']));
  fieldTypes.set('RECORDNO', 'integer');
  for (const field of TIMESTAMP_FIELDS) fieldTypes.set(field, 'timestamp');
  for (const [field, type] of Object.entries(extraTypes)) fieldTypes.set(field, type);
  return {
    name,
    idField,
    idPrefix,
    fields,
    fieldTypes,
    readOnly: new Set([...SERVER_SET_FIELDS, ...extraReadOnly]),
  };
}

export const CUSTOMER_SCHEMA = defineObject(
  'CUSTOMER',
  'CUSTOMERID',
  'C-',
  [
    'RECORDNO',
    'CUSTOMERID',
    'NAME',
    'STATUS',
    'ENTITY',
    'PARENTID',
    'PARENTKEY',
    'DISPLAYCONTACT.CONTACTNAME',
    'DISPLAYCONTACT.PRINTAS',
    'DISPLAYCONTACT.COMPANYNAME',
    'DISPLAYCONTACT.EMAIL1',
    'DISPLAYCONTACT.PHONE1',
    `${MAIL}.ADDRESS1`,
    `${MAIL}.ADDRESS2`,
    `${MAIL}.ADDRESS3`,
    `${MAIL}.CITY`,
    `${MAIL}.STATE`,
    `${MAIL}.ZIP`,
    `${MAIL}.COUNTRY`,
    `${MAIL}.COUNTRYCODE`,
    'WHENCREATED',
    'WHENMODIFIED',
    'MEGAENTITYID',
    'MEGAENTITYNAME',
    'RECORD_URL',
  ],
  { PARENTKEY: 'integer' },
  ['PARENTKEY'],
);

export const EMPLOYEE_SCHEMA = defineObject(
  'EMPLOYEE',
  'EMPLOYEEID',
  'E-',
  [
    'RECORDNO',
    'EMPLOYEEID',
    'TITLE',
    'DEPARTMENTID',
    'DEPARTMENTKEY',
    'LOCATIONID',
    'LOCATIONKEY',
    'STARTDATE',
    'ENDDATE',
    'STATUS',
    'CONTACT_NAME',
    `${INFO}.CONTACTNAME`,
    `${INFO}.PRINTAS`,
    `${INFO}.FIRSTNAME`,
    `${INFO}.LASTNAME`,
    `${INFO}.MI`,
    `${INFO}.EMAIL1`,
    `${INFO}.EMAIL2`,
    `${INFO}.PHONE1`,
    `${INFO}.CELLPHONE`,
    'WHENCREATED',
    'WHENMODIFIED',
    'MEGAENTITYID',
    'MEGAENTITYNAME',
    'RECORD_URL',
  ],
  { DEPARTMENTKEY: 'integer', LOCATIONKEY: 'integer', STARTDATE: 'date', ENDDATE: 'date' },
  ['DEPARTMENTKEY', 'LOCATIONKEY'],
);

export const DEPARTMENT_SCHEMA = defineObject(
  'DEPARTMENT',
  'DEPARTMENTID',
  'D-',
  [
    'RECORDNO',
    'DEPARTMENTID',
    'TITLE',
    'PARENTID',
    'PARENTKEY',
    'SUPERVISORID',
    'STATUS',
    'WHENCREATED',
    'WHENMODIFIED',
    'MEGAENTITYID',
    'MEGAENTITYNAME',
    'RECORD_URL',
  ],
  { PARENTKEY: 'integer' },
  ['PARENTKEY'],
);

export const SCHEMAS: Readonly<Record<ObjectName, ObjectSchema>> = {
  CUSTOMER: CUSTOMER_SCHEMA,
  EMPLOYEE: EMPLOYEE_SCHEMA,
  DEPARTMENT: DEPARTMENT_SCHEMA,
};

/** Fields a create must give (the server fills in the business key when it is left out). */
export const REQUIRED_ON_CREATE: Readonly<Record<ObjectName, readonly string[]>> = {
  CUSTOMER: ['NAME'],
  EMPLOYEE: [],
  DEPARTMENT: ['DEPARTMENTID', 'TITLE'],
};

/** The third DEPARTMENT status production answers, besides active and inactive. */
export const NON_POSTING_STATUS = 'active non-posting';

/** The STATUS values an object's records take (the ENUM lookup reports, the values writes accept). */
export function statusValuesOf(schema: ObjectSchema): readonly string[] {
  return schema.name === 'DEPARTMENT' ? ['active', NON_POSTING_STATUS, 'inactive'] : ['active', 'inactive'];
}

/** Finds an object's schema by name, case-insensitively (readByQuery uses lower case). */
export function findSchema(objectName: string): ObjectSchema | undefined {
  const upper = objectName.trim().toUpperCase();
  return upper in SCHEMAS ? SCHEMAS[upper as ObjectName] : undefined;
}

/** Canonical (upper-case) field name when the object has it, else undefined. */
export function canonicalField(schema: ObjectSchema, fieldName: string): string | undefined {
  const upper = fieldName.trim().toUpperCase();
  return schema.fieldTypes.has(upper) ? upper : undefined;
}

const emptyTemplates = new Map<ObjectName, IntacctRecord>();

/**
 * A record with every field of the object present and empty. Spread from one template per object,
 * so all records share a V8 hidden class with fast properties (an object built key by key in a
 * loop falls back to dictionary mode: several times the memory at 200k records).
 */
export function emptyRecord(schema: ObjectSchema): IntacctRecord {
  let template = emptyTemplates.get(schema.name);
  if (!template) {
    template = Object.fromEntries(schema.fields.map((field) => [field, '']));
    emptyTemplates.set(schema.name, template);
  }
  return { ...template };
}
