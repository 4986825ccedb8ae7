import { dateSortKey, formatTimestamp } from './dates';
import type { Visibility } from './entities';
import { ENTITY_ID_FIELD, isVisible, placeRecord, SEE_ALL } from './entities';
import { BUSINESS_RULE_FAILED, FunctionFailure, withSupportId } from './errors';
import { defaultBusinessKey, recordUrl } from './generator';
import type { FunctionOutcome } from './read-scope';
import type { IntacctRecord, ObjectSchema } from './schema';
import { canonicalField, emptyRecord, findSchema, REQUIRED_ON_CREATE, statusValuesOf } from './schema';
import type { CompanyStore, ObjectTable } from './store';
import type { EmulatedEntity } from './types';
import type { XmlNode } from './xml-node';
import { childOf, childrenOf, elementNames, isLeaf, textOf } from './xml-node';
import { element, renderData } from './xml-render';

/** The flags writes also accept for STATUS, as readByQuery queries it. */
const STATUS_FLAGS: Record<string, string> = { t: 'active', f: 'inactive' };

/**
 * Who writes: the company's data and the session's entity. A top-level session creates shared
 * records and may change any record; an entity-level session creates records private to its
 * entity and may change only those (production refuses an entity-level change to a top-level
 * record: "You cannot update a root-level vendor from an entity-restricted user").
 */
export interface WriteScope {
  store: CompanyStore;
  /** The session's entity; undefined at the top level. */
  entity: EmulatedEntity | undefined;
}

/** What references (department, parent) a write may name: those its session can see. */
function referenceVisibility(scope: WriteScope): Visibility {
  return scope.entity ? { kind: 'entity', entityId: scope.entity.entityId } : SEE_ALL;
}

function writeFailure(description2: string, correction = ''): FunctionFailure {
  return new FunctionFailure(BUSINESS_RULE_FAILED, withSupportId(description2), correction);
}

function requireSchema(objectName: string): ObjectSchema {
  const schema = findSchema(objectName);
  if (!schema) throw writeFailure(`Invalid object: ${objectName || '(none)'}`, 'Use CUSTOMER, EMPLOYEE or DEPARTMENT.');
  return schema;
}

/** Flattens nested elements (<DISPLAYCONTACT><MAILADDRESS><CITY>) into dotted fields. */
function flatten(node: XmlNode, prefix: string, into: Map<string, string>): void {
  for (const name of elementNames(node)) {
    const dotted = prefix ? `${prefix}.${name}` : name;
    for (const child of childrenOf(node, name)) {
      if (isLeaf(child)) into.set(dotted, textOf(child));
      else flatten(child, dotted, into);
    }
  }
}

/**
 * Checks and normalises the written fields of one record: known fields only, server-set fields
 * left out, STATUS and dates in their stored forms, references resolved to their keys.
 */
function normaliseFields(scope: WriteScope, schema: ObjectSchema, node: XmlNode): IntacctRecord {
  const written = new Map<string, string>();
  flatten(node, '', written);
  const changes: IntacctRecord = {};
  for (const [name, value] of written) {
    const field = canonicalField(schema, name);
    if (!field) throw writeFailure(`Invalid field: ${name} on object ${schema.name}`, 'Check the field names of the record.');
    if (!schema.readOnly.has(field)) changes[field] = value;
  }
  if (changes.STATUS !== undefined) {
    const wanted = changes.STATUS.trim().toLowerCase();
    const allowed = statusValuesOf(schema);
    const status = allowed.includes(wanted) ? wanted : STATUS_FLAGS[wanted];
    if (!status) throw writeFailure(`Invalid STATUS '${changes.STATUS}'`, `Use ${allowed.join(', ')}.`);
    changes.STATUS = status;
  }
  for (const [field, type] of schema.fieldTypes) {
    const value = changes[field];
    if (type !== 'date' || value === undefined || value === '') continue;
    const key = dateSortKey(value.trim());
    if (key === undefined) throw writeFailure(`Invalid date '${value}' for ${field}`, 'Use MM/DD/YYYY.');
    const text = String(key);
    // Stored as Intacct lists dates, whichever of its accepted forms was written.
    changes[field] = `${text.slice(4, 6)}/${text.slice(6, 8)}/${text.slice(0, 4)}`;
  }
  resolveReferences(scope, schema, changes);
  return changes;
}

interface Reference {
  table: ObjectTable;
  idField: string;
  keyField: string;
  label: string;
}

function resolveReference(scope: WriteScope, changes: IntacctRecord, reference: Reference): void {
  const { table, idField, keyField, label } = reference;
  const id = changes[idField];
  if (id === undefined) return;
  if (id === '') {
    changes[keyField] = '';
    return;
  }
  const target = table.findByBusinessKey(id);
  if (!target || !isVisible(target, referenceVisibility(scope))) {
    throw writeFailure(`Invalid ${label} '${id}'`, `Use the ID of an existing ${label.toLowerCase()}.`);
  }
  changes[keyField] = target.RECORDNO ?? '';
}

function resolveReferences(scope: WriteScope, schema: ObjectSchema, changes: IntacctRecord): void {
  const { store } = scope;
  if (schema.name === 'EMPLOYEE') {
    resolveReference(scope, changes, { table: store.table('DEPARTMENT'), idField: 'DEPARTMENTID', keyField: 'DEPARTMENTKEY', label: 'Department' });
    const contactName = changes['PERSONALINFO.CONTACTNAME'];
    // The employee's CONTACT_NAME is its contact's name; keep the two in step unless both are written.
    if (contactName !== undefined && changes.CONTACT_NAME === undefined) changes.CONTACT_NAME = contactName;
  } else if (schema.name === 'CUSTOMER') {
    resolveReference(scope, changes, { table: store.table('CUSTOMER'), idField: 'PARENTID', keyField: 'PARENTKEY', label: 'Parent customer' });
  } else {
    resolveReference(scope, changes, { table: store.table('DEPARTMENT'), idField: 'PARENTID', keyField: 'PARENTKEY', label: 'Parent department' });
  }
}

function objectsAnswer(entries: { schema: ObjectSchema; record: IntacctRecord; withKey: boolean }[]): FunctionOutcome {
  const inner = entries
    .map(({ schema, record, withKey }) => {
      const tag = schema.name.toLowerCase();
      const key = withKey ? element(schema.idField, record[schema.idField] ?? '') : '';
      return `<${tag}>${element('RECORDNO', record.RECORDNO ?? '')}${key}</${tag}>`;
    })
    .join('');
  return { data: renderData({ listtype: 'objects', count: entries.length }, inner), records: 0 };
}

function requireUniqueKey(table: ObjectTable, key: string, except?: IntacctRecord): void {
  const holder = table.findByBusinessKey(key);
  if (holder && holder !== except) {
    throw writeFailure(`Another ${table.schema.name} with ${table.schema.idField} '${key}' already exists`, 'Use a unique ID.');
  }
}

/**
 * `create`: one or more records per object element; all are checked before any is stored. The
 * records are private to the session's entity, or shared when it writes at the top level.
 */
export function runCreate(scope: WriteScope, body: XmlNode, now: number): FunctionOutcome {
  const { store } = scope;
  const planned: { schema: ObjectSchema; changes: IntacctRecord }[] = [];
  const plannedKeys = new Set<string>();
  for (const objectName of elementNames(body)) {
    const schema = requireSchema(objectName);
    for (const node of childrenOf(body, objectName)) {
      const changes = normaliseFields(scope, schema, node);
      for (const required of REQUIRED_ON_CREATE[schema.name]) {
        if (!changes[required]?.trim()) throw writeFailure(`${required} is required to create a ${schema.name}`);
      }
      const key = changes[schema.idField];
      if (key) {
        requireUniqueKey(store.table(schema.name), key);
        if (plannedKeys.has(`${schema.name}:${key}`)) throw writeFailure(`${schema.idField} '${key}' appears twice`);
        plannedKeys.add(`${schema.name}:${key}`);
      }
      planned.push({ schema, changes });
    }
  }
  if (planned.length === 0) throw writeFailure('Nothing to create', 'Put a CUSTOMER, EMPLOYEE or DEPARTMENT element in create.');
  const created = planned.map(({ schema, changes }) => {
    const table = store.table(schema.name);
    const recordNo = table.nextRecordNo();
    const record: IntacctRecord = { ...emptyRecord(schema), STATUS: 'active', ...changes };
    record.RECORDNO = String(recordNo);
    record.WHENCREATED = formatTimestamp(now);
    record.WHENMODIFIED = record.WHENCREATED;
    record.RECORD_URL = recordUrl(schema.name, recordNo);
    placeRecord(record, scope.entity);
    if (!record[schema.idField]) record[schema.idField] = freeBusinessKey(table, recordNo);
    if (schema.name === 'CUSTOMER') {
      for (const field of ['DISPLAYCONTACT.CONTACTNAME', 'DISPLAYCONTACT.PRINTAS']) record[field] ||= record.NAME ?? '';
    }
    if (schema.name === 'EMPLOYEE') record['PERSONALINFO.PRINTAS'] ||= record['PERSONALINFO.CONTACTNAME'] ?? '';
    table.append(record);
    return { schema, record, withKey: true };
  });
  return objectsAnswer(created);
}

function freeBusinessKey(table: ObjectTable, recordNo: number): string {
  const base = defaultBusinessKey(table.schema, recordNo);
  let candidate = base;
  for (let attempt = 2; table.findByBusinessKey(candidate); attempt += 1) candidate = `${base}-${attempt}`;
  return candidate;
}

/**
 * A record the session may change, or the reason it may not: an entity-level session sees only
 * its entity's records and the shared ones, and may change only its own.
 */
function changeable(scope: WriteScope, schema: ObjectSchema, record: IntacctRecord | undefined, named: string): IntacctRecord {
  const visible = record && isVisible(record, referenceVisibility(scope));
  if (!record || !visible) throw writeFailure(`No ${schema.name} with ${named}`, 'Check the key of the record.');
  if (scope.entity && record[ENTITY_ID_FIELD] !== scope.entity.entityId) {
    throw writeFailure(
      `You cannot change a top-level ${schema.name} from an entity-level session (entity ${scope.entity.entityId})`,
      'Change it from a top-level session.',
    );
  }
  return record;
}

function findTarget(scope: WriteScope, schema: ObjectSchema, node: XmlNode): IntacctRecord {
  const table = scope.store.table(schema.name);
  const recordNoText = textOf(childOf(node, 'RECORDNO')).trim();
  if (recordNoText !== '') {
    const record = /^\d+$/.test(recordNoText) ? table.findByRecordNo(Number(recordNoText)) : undefined;
    return changeable(scope, schema, record, `RECORDNO ${recordNoText}`);
  }
  const key = textOf(childOf(node, schema.idField)).trim();
  const record = key ? table.findByBusinessKey(key) : undefined;
  return changeable(scope, schema, record, `${schema.idField} '${key}'`);
}

/** `update`: by RECORDNO (or the business key when RECORDNO is absent); only written fields change. */
export function runUpdate(scope: WriteScope, body: XmlNode, now: number): FunctionOutcome {
  const { store } = scope;
  const planned: { schema: ObjectSchema; record: IntacctRecord; changes: IntacctRecord }[] = [];
  for (const objectName of elementNames(body)) {
    const schema = requireSchema(objectName);
    for (const node of childrenOf(body, objectName)) {
      const record = findTarget(scope, schema, node);
      const changes = normaliseFields(scope, schema, node);
      const key = changes[schema.idField];
      if (key !== undefined) {
        if (!key.trim()) throw writeFailure(`${schema.idField} cannot be emptied`);
        requireUniqueKey(store.table(schema.name), key, record);
      }
      planned.push({ schema, record, changes });
    }
  }
  if (planned.length === 0) throw writeFailure('Nothing to update', 'Put a CUSTOMER, EMPLOYEE or DEPARTMENT element in update.');
  const updated = planned.map(({ schema, record, changes }) => {
    store.table(schema.name).modify(record, { ...changes, WHENMODIFIED: formatTimestamp(now) });
    return { schema, record, withKey: true };
  });
  return objectsAnswer(updated);
}

/** `delete`: <object> and <keys> (comma-separated RECORDNOs); nothing is deleted unless all exist. */
export function runDelete(scope: WriteScope, body: XmlNode): FunctionOutcome {
  const schema = requireSchema(textOf(childOf(body, 'object')));
  const table = scope.store.table(schema.name);
  const keys = textOf(childOf(body, 'keys'))
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  if (keys.length === 0) throw writeFailure('No keys to delete', 'Give comma-separated RECORDNOs in keys.');
  const records = [...new Set(keys)].map((key) =>
    changeable(scope, schema, /^\d+$/.test(key) ? table.findByRecordNo(Number(key)) : undefined, `RECORDNO ${key}`),
  );
  for (const record of records) table.remove(Number(record.RECORDNO));
  return objectsAnswer(records.map((record) => ({ schema, record, withKey: false })));
}
