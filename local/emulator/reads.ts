import { randomBytes } from 'node:crypto';
import type { CompareOperator, Condition, OrderTerm } from './conditions';
import { COMPARE_OPERATORS } from './conditions';
import { FunctionFailure, QUERY_FAILED, withSupportId } from './errors';
import { listRecords } from './listing';
import { parseQueryText } from './query-text';
import type { IntacctRecord, ObjectSchema } from './schema';
import { canonicalField, findSchema } from './schema';
import type { CompanyStore } from './store';
import type { XmlNode } from './xml-node';
import { childOf, childrenOf, elementNames, hasChild, textOf } from './xml-node';
import { renderData, renderRecords } from './xml-render';

export const QUERY_DEFAULT_PAGE_SIZE = 100;
export const QUERY_MAX_PAGE_SIZE = 2000;
export const READ_BY_QUERY_DEFAULT_PAGE_SIZE = 100;
export const READ_BY_QUERY_MAX_PAGE_SIZE = 1000;
/** Open readByQuery results kept per company; the oldest is dropped beyond this. */
const MAX_OPEN_RESULTS = 500;
const RESULT_ID_BYTES = 18;

/** What a function answers: the <data> element (or '') and how many records it holds. */
export interface FunctionOutcome {
  data: string;
  records: number;
}

function queryFailure(description2: string, correction: string): FunctionFailure {
  return new FunctionFailure(QUERY_FAILED, withSupportId(description2), correction);
}

function requireSchema(objectName: string): ObjectSchema {
  const schema = findSchema(objectName);
  if (!schema) {
    throw queryFailure(`Invalid object: ${objectName || '(none)'}`, 'Check the object name: CUSTOMER, EMPLOYEE or DEPARTMENT.');
  }
  return schema;
}

function requireField(schema: ObjectSchema, fieldName: string, where: string): string {
  const field = canonicalField(schema, fieldName);
  if (!field) throw queryFailure(`Invalid field: ${fieldName} on object ${schema.name}`, `Check the field names in your ${where}.`);
  return field;
}

function parsePageSize(text: string, fallback: number, max: number): number {
  if (text === '') return fallback;
  const size = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(size >= 1 && size <= max)) {
    throw queryFailure(`Invalid pagesize ${text}: it must be between 1 and ${max}`, `Use a pagesize from 1 to ${max}.`);
  }
  return size;
}

function isTrue(text: string): boolean {
  return text.trim().toLowerCase() === 'true';
}

function parseFilterChildren(schema: ObjectSchema, node: XmlNode): Condition[] {
  const conditions: Condition[] = [];
  for (const name of elementNames(node)) {
    for (const item of childrenOf(node, name)) {
      if (name === 'and' || name === 'or') {
        conditions.push({ kind: name, conditions: parseFilterChildren(schema, item) });
      } else if ((COMPARE_OPERATORS as readonly string[]).includes(name)) {
        const fieldName = textOf(childOf(item, 'field'));
        conditions.push({
          kind: 'compare',
          operator: name as CompareOperator,
          field: requireField(schema, fieldName, 'filter'),
          values: childrenOf(item, 'value').map(textOf),
        });
      } else {
        throw queryFailure(`Invalid filter operator: ${name}`, 'Use and, or, or one of the documented comparison operators.');
      }
    }
  }
  return conditions;
}

function parseFilter(schema: ObjectSchema, filter: XmlNode | undefined): Condition | undefined {
  if (filter === undefined) return undefined;
  const conditions = parseFilterChildren(schema, filter);
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { kind: 'and', conditions };
}

function parseOrder(schema: ObjectSchema, orderby: XmlNode | undefined): OrderTerm[] {
  return childrenOf(orderby, 'order').map((order) => ({
    field: requireField(schema, textOf(childOf(order, 'field')), 'orderby'),
    descending: hasChild(order, 'descending'),
  }));
}

/** The `query` function: selected fields only, filters, ordering, offset paging. */
export function runQuery(store: CompanyStore, body: XmlNode): FunctionOutcome {
  const schema = requireSchema(textOf(childOf(body, 'object')));
  const selected = childrenOf(childOf(body, 'select'), 'field').map((field) => textOf(field));
  if (selected.length === 0) throw queryFailure('The select list is empty', 'Name at least one field in select.');
  const fields = [...new Set(selected.map((name) => requireField(schema, name, 'select list')))];
  const condition = parseFilter(schema, childOf(body, 'filter'));
  const order = parseOrder(schema, childOf(body, 'orderby'));
  const options = childOf(body, 'options');
  const caseInsensitive = isTrue(textOf(childOf(options, 'caseinsensitive')));
  const pageSize = parsePageSize(textOf(childOf(body, 'pagesize')).trim(), QUERY_DEFAULT_PAGE_SIZE, QUERY_MAX_PAGE_SIZE);
  const offsetText = textOf(childOf(body, 'offset')).trim();
  if (offsetText !== '' && !/^\d+$/.test(offsetText)) {
    throw queryFailure(`Invalid offset ${offsetText}`, 'Use an offset of 0 or more.');
  }
  const offset = offsetText === '' ? 0 : Number(offsetText);

  const listing = listRecords(store.table(schema.name), { condition, order, caseInsensitive });
  const page = listing.slice(offset, offset + pageSize);
  const remaining = Math.max(0, listing.length - offset - page.length);
  return {
    data: renderData(
      { listtype: schema.name, totalcount: listing.length, offset, count: page.length, numremaining: remaining },
      renderRecords(schema.name, page, fields),
    ),
    records: page.length,
  };
}

interface OpenResult {
  schema: ObjectSchema;
  listType: string;
  fields: readonly string[];
  records: readonly IntacctRecord[];
  position: number;
  pageSize: number;
}

/** readByQuery results still being read with readMore, per company. */
export class ResultRegistry {
  private readonly open = new Map<string, OpenResult>();

  add(result: OpenResult): string {
    if (this.open.size >= MAX_OPEN_RESULTS) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    const resultId = randomBytes(RESULT_ID_BYTES).toString('hex');
    this.open.set(resultId, result);
    return resultId;
  }

  get(resultId: string): OpenResult | undefined {
    return this.open.get(resultId);
  }

  close(resultId: string): void {
    this.open.delete(resultId);
  }
}

function nextPage(results: ResultRegistry, resultId: string, result: OpenResult): FunctionOutcome {
  const page = result.records.slice(result.position, result.position + result.pageSize);
  result.position += page.length;
  const remaining = result.records.length - result.position;
  if (remaining === 0) results.close(resultId);
  return {
    data: renderData(
      { listtype: result.listType, count: page.length, totalcount: result.records.length, numremaining: remaining, resultId },
      renderRecords(result.listType, page, result.fields),
    ),
    records: page.length,
  };
}

/** The older `readByQuery` function: SQL-like query text, lower-case records, a resultId for readMore. */
export function runReadByQuery(store: CompanyStore, results: ResultRegistry, body: XmlNode): FunctionOutcome {
  const objectName = textOf(childOf(body, 'object')).trim();
  const schema = requireSchema(objectName);
  const fieldsText = textOf(childOf(body, 'fields')).trim();
  const fields =
    fieldsText === '' || fieldsText === '*'
      ? schema.fields
      : [...new Set(fieldsText.split(',').map((name) => requireField(schema, name, 'fields list')))];
  const condition = parseQueryText(schema, textOf(childOf(body, 'query')));
  const pageSize = parsePageSize(
    textOf(childOf(body, 'pagesize')).trim(),
    READ_BY_QUERY_DEFAULT_PAGE_SIZE,
    READ_BY_QUERY_MAX_PAGE_SIZE,
  );
  const table = store.table(schema.name);
  const listing = listRecords(table, { condition, order: [], caseInsensitive: false });
  // Store arrays change in place; cached listings never do, so only the former needs a copy.
  const snapshot = listing === table.records ? listing.slice() : listing;
  const result = { schema, listType: schema.name.toLowerCase(), fields, records: snapshot, position: 0, pageSize };
  return nextPage(results, results.add(result), result);
}

/** `readMore`: the next page of an open readByQuery result. */
export function runReadMore(results: ResultRegistry, body: XmlNode): FunctionOutcome {
  const resultId = textOf(childOf(body, 'resultId')).trim();
  const result = results.get(resultId);
  if (!result) {
    throw queryFailure(
      `Invalid resultId: ${resultId || '(none)'}. It is unknown, expired or already read to the end`,
      'Run readByQuery again.',
    );
  }
  return nextPage(results, resultId, result);
}
