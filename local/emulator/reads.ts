import type { CompareOperator, Condition, OrderTerm } from './conditions';
import { COMPARE_OPERATORS } from './conditions';
import type { QueryField } from './contact-fields';
import { resolveQueryField } from './contact-fields';
import { listRecords } from './listing';
import { parseQueryText } from './query-text';
import type { FunctionOutcome, ReadScope } from './read-scope';
import { queryFailure, readVisibility, requireReadableSchema, splitList } from './read-scope';
import type { OpenResult, ResultRegistry } from './results';
import type { ObjectSchema } from './schema';
import { canonicalField } from './schema';
import type { XmlNode } from './xml-node';
import { childOf, childrenOf, elementNames, hasChild, textOf } from './xml-node';
import { renderData, renderRecords } from './xml-render';

const QUERY_DEFAULT_PAGE_SIZE = 100;
const QUERY_MAX_PAGE_SIZE = 2000;
const READ_BY_QUERY_DEFAULT_PAGE_SIZE = 100;
const READ_BY_QUERY_MAX_PAGE_SIZE = 1000;

function invalidField(schema: ObjectSchema, fieldName: string, where: string): never {
  throw queryFailure(`Invalid field: ${fieldName} on object ${schema.name}`, `Check the field names in your ${where}.`);
}

/** A legacy (readByQuery) field: PERSONALINFO.* whatever the company's `query` naming. */
function requireField(schema: ObjectSchema, fieldName: string, where: string): string {
  return canonicalField(schema, fieldName) ?? invalidField(schema, fieldName, where);
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

/** `query`'s field resolution under the company's EMPLOYEE contact naming. */
type QueryFieldResolver = (fieldName: string, where: string) => QueryField;

function queryFieldResolver(schema: ObjectSchema, scope: ReadScope): QueryFieldResolver {
  return (fieldName, where) => resolveQueryField(schema, fieldName, scope.contactFields) ?? invalidField(schema, fieldName, where);
}

function parseFilterChildren(resolve: QueryFieldResolver, node: XmlNode): Condition[] {
  const conditions: Condition[] = [];
  for (const name of elementNames(node)) {
    for (const item of childrenOf(node, name)) {
      if (name === 'and' || name === 'or') {
        conditions.push({ kind: name, conditions: parseFilterChildren(resolve, item) });
      } else if ((COMPARE_OPERATORS as readonly string[]).includes(name)) {
        conditions.push({
          kind: 'compare',
          operator: name as CompareOperator,
          field: resolve(textOf(childOf(item, 'field')), 'filter').stored,
          values: childrenOf(item, 'value').map(textOf),
        });
      } else {
        throw queryFailure(`Invalid filter operator: ${name}`, 'Use and, or, or one of the documented comparison operators.');
      }
    }
  }
  return conditions;
}

function parseFilter(resolve: QueryFieldResolver, filter: XmlNode | undefined): Condition | undefined {
  if (filter === undefined) return undefined;
  const conditions = parseFilterChildren(resolve, filter);
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { kind: 'and', conditions };
}

function parseOrder(resolve: QueryFieldResolver, orderby: XmlNode | undefined): OrderTerm[] {
  return childrenOf(orderby, 'order').map((order) => ({
    field: resolve(textOf(childOf(order, 'field')), 'orderby').stored,
    descending: hasChild(order, 'descending'),
  }));
}

/**
 * The `query` function: selected fields only, filters, ordering, offset paging, records the session
 * may see (`<options><showprivate>` lists every entity's records at the top level).
 */
export function runQuery(scope: ReadScope, body: XmlNode): FunctionOutcome {
  const schema = requireReadableSchema(textOf(childOf(body, 'object')));
  const resolve = queryFieldResolver(schema, scope);
  const selected = childrenOf(childOf(body, 'select'), 'field').map((field) => textOf(field));
  if (selected.length === 0) throw queryFailure('The select list is empty', 'Name at least one field in select.');
  const columns = new Map<string, QueryField>();
  for (const name of selected) {
    const field = resolve(name, 'select list');
    columns.set(field.name, field);
  }
  const condition = parseFilter(resolve, childOf(body, 'filter'));
  const order = parseOrder(resolve, childOf(body, 'orderby'));
  const options = childOf(body, 'options');
  const caseInsensitive = isTrue(textOf(childOf(options, 'caseinsensitive')));
  const visibility = readVisibility(scope, isTrue(textOf(childOf(options, 'showprivate'))));
  const pageSize = parsePageSize(textOf(childOf(body, 'pagesize')).trim(), QUERY_DEFAULT_PAGE_SIZE, QUERY_MAX_PAGE_SIZE);
  const offsetText = textOf(childOf(body, 'offset')).trim();
  if (offsetText !== '' && !/^\d+$/.test(offsetText)) {
    throw queryFailure(`Invalid offset ${offsetText}`, 'Use an offset of 0 or more.');
  }
  const offset = offsetText === '' ? 0 : Number(offsetText);

  const listing = listRecords(scope.store.table(schema.name), { condition, order, caseInsensitive, visibility });
  const page = listing.slice(offset, offset + pageSize);
  const remaining = Math.max(0, listing.length - offset - page.length);
  const fields = [...columns.values()];
  return {
    data: renderData(
      { listtype: schema.name, totalcount: listing.length, offset, count: page.length, numremaining: remaining },
      renderRecords(
        schema.name,
        page,
        fields.map((field) => field.stored),
        fields.map((field) => field.name),
      ),
    ),
    records: page.length,
  };
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

/**
 * The older `readByQuery` function: SQL-like query text, lower-case records, a resultId for
 * readMore. It has no showprivate: a top-level session lists only shared records (its documented
 * parameters are object, fields, query, pagesize; Intacct's answer to a request for private data
 * through it, intacct/intacct-sdk-net#137, is to use `query` instead), so the element is ignored.
 */
export function runReadByQuery(scope: ReadScope, body: XmlNode): FunctionOutcome {
  const schema = requireReadableSchema(textOf(childOf(body, 'object')));
  const fieldsText = textOf(childOf(body, 'fields')).trim();
  const fields =
    fieldsText === '' || fieldsText === '*'
      ? schema.fields
      : [...new Set(splitList(fieldsText).map((name) => requireField(schema, name, 'fields list')))];
  const condition = parseQueryText(schema, textOf(childOf(body, 'query')));
  const pageSize = parsePageSize(textOf(childOf(body, 'pagesize')).trim(), READ_BY_QUERY_DEFAULT_PAGE_SIZE, READ_BY_QUERY_MAX_PAGE_SIZE);
  const table = scope.store.table(schema.name);
  const visibility = readVisibility(scope, false);
  const listing = listRecords(table, { condition, order: [], caseInsensitive: false, visibility });
  // Store arrays change in place; cached listings never do, so only the former needs a copy.
  const snapshot = listing === table.records ? listing.slice() : listing;
  const result = { schema, listType: schema.name.toLowerCase(), fields, records: snapshot, position: 0, pageSize, owner: scope.owner };
  return nextPage(scope.results, scope.results.add(result), result);
}

/**
 * `readMore`: the next page of an open readByQuery result, named by `<resultId>`, or by `<object>`
 * for the session's most recent readByQuery on that object.
 */
export function runReadMore(scope: ReadScope, body: XmlNode): FunctionOutcome {
  const resultId = textOf(childOf(body, 'resultId')).trim();
  const objectName = textOf(childOf(body, 'object')).trim();
  if (resultId === '' && objectName !== '') {
    const schema = requireReadableSchema(objectName);
    const latest = scope.results.latestFor(scope.owner, schema.name);
    if (!latest) {
      throw queryFailure(`There is no readByQuery on ${objectName} left to read in this session`, 'Run readByQuery again.');
    }
    return nextPage(scope.results, latest.resultId, latest.result);
  }
  const result = scope.results.get(resultId);
  if (!result) {
    throw queryFailure(`Invalid resultId: ${resultId || '(none)'}. It is unknown, expired or already read to the end`, 'Run readByQuery again.');
  }
  return nextPage(scope.results, resultId, result);
}
