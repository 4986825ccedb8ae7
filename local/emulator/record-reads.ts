/**
 * `read` (by RECORDNO) and `readByName` (by business key): whole records, upper-case elements, and
 * owned objects nested (`<PERSONALINFO><CONTACTNAME>`), not flattened as lists are. Both are legacy
 * functions, so EMPLOYEE keeps its PERSONALINFO naming whatever the company's `query` naming.
 * Keys the session cannot see, or that do not exist, are left out of the answer.
 */
import { isVisible } from './entities';
import type { FunctionOutcome, ReadScope } from './read-scope';
import { queryFailure, readVisibility, requireReadableSchema, splitList } from './read-scope';
import type { IntacctRecord, ObjectSchema } from './schema';
import { canonicalField } from './schema';
import type { ObjectTable } from './store';
import type { XmlNode } from './xml-node';
import { childOf, textOf } from './xml-node';
import { escapeText, renderData } from './xml-render';

/** The SDKs' limit on keys per read (Read.MAX_KEY_COUNT, ReadByName.MAX_KEY_COUNT). */
const MAX_READ_KEYS = 100;

/** A field tree: leaves are stored field names, branches owned objects, in first-seen order. */
type FieldTree = Map<string, string | FieldTree>;

function fieldTree(fields: readonly string[]): FieldTree {
  const root: FieldTree = new Map();
  for (const field of fields) {
    const parts = field.split('.');
    const leaf = parts.pop() ?? field;
    let node = root;
    for (const part of parts) {
      let child = node.get(part);
      if (typeof child !== 'object') {
        child = new Map();
        node.set(part, child);
      }
      node = child;
    }
    node.set(leaf, field);
  }
  return root;
}

function renderTree(tree: FieldTree, record: IntacctRecord): string {
  let out = '';
  for (const [name, child] of tree) {
    const inner = typeof child === 'string' ? escapeText(record[child] ?? '') : renderTree(child, record);
    out += `<${name}>${inner}</${name}>`;
  }
  return out;
}

function selectedFields(schema: ObjectSchema, body: XmlNode): readonly string[] {
  const text = textOf(childOf(body, 'fields')).trim();
  if (text === '' || text === '*') return schema.fields;
  const fields = splitList(text).map((name) => {
    const field = canonicalField(schema, name);
    if (!field) throw queryFailure(`Invalid field: ${name} on object ${schema.name}`, 'Check the field names in fields.');
    return field;
  });
  return [...new Set(fields)];
}

function requireKeys(body: XmlNode): string[] {
  const keys = [...new Set(splitList(textOf(childOf(body, 'keys'))))];
  if (keys.length === 0) throw queryFailure('No keys given', 'Give one or more comma-separated keys.');
  if (keys.length > MAX_READ_KEYS) {
    throw queryFailure(`Too many keys: ${keys.length}, at most ${MAX_READ_KEYS}`, `Read at most ${MAX_READ_KEYS} keys at a time.`);
  }
  return keys;
}

function readRecords(scope: ReadScope, body: XmlNode, find: (table: ObjectTable, key: string) => IntacctRecord | undefined): FunctionOutcome {
  const schema = requireReadableSchema(textOf(childOf(body, 'object')));
  const fields = selectedFields(schema, body);
  const keys = requireKeys(body);
  const table = scope.store.table(schema.name);
  const visibility = readVisibility(scope, false);
  const records = keys.flatMap((key) => {
    const record = find(table, key);
    return record && isVisible(record, visibility) ? [record] : [];
  });
  const tree = fieldTree(fields);
  const inner = records.map((record) => `<${schema.name}>${renderTree(tree, record)}</${schema.name}>`).join('');
  return { data: renderData({ listtype: schema.name, count: records.length }, inner), records: records.length };
}

/** `read`: records by RECORDNO (`<keys>` comma-separated). */
export function runRead(scope: ReadScope, body: XmlNode): FunctionOutcome {
  return readRecords(scope, body, (table, key) => (/^\d+$/.test(key) ? table.findByRecordNo(Number(key)) : undefined));
}

/** `readByName`: records by business key (CUSTOMERID, EMPLOYEEID, DEPARTMENTID). */
export function runReadByName(scope: ReadScope, body: XmlNode): FunctionOutcome {
  return readRecords(scope, body, (table, key) => table.findByBusinessKey(key));
}
