/**
 * Runs a checked query over a company's stored records: the records the reader may see (the
 * XML face's entity rules), the filters on the REST values, the order (record key order unless
 * orderBy says otherwise, ties always broken by key, so paging is stable), one page, and each
 * record written with the asked fields as nested objects (`contacts.default.email1` ->
 * { contacts: { default: { email1 } } }).
 */
import type { Visibility } from '../entities';
import { listRecords } from '../listing';
import type { IntacctRecord } from '../schema';
import type { CompanyStore } from '../store';
import type { FilterTerm, OrderTerm, QuerySpec } from './query-request';
import type { RestField, RestObject } from './rest-objects';

interface QueryMeta {
  totalCount: number;
  start: number;
  pageSize: number;
  next: number | null;
  previous: number | null;
}

export interface QueryPage {
  records: Record<string, unknown>[];
  meta: QueryMeta;
}

type Compare = (left: string, right: string) => number;

function comparerFor(field: RestField, caseSensitive: boolean): Compare {
  if (field.kind === 'key') return (left, right) => Number(left) - Number(right);
  if (caseSensitive) return (left, right) => (left < right ? -1 : left > right ? 1 : 0);
  return (left, right) => {
    const a = left.toLowerCase();
    const b = right.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

function fold(text: string, caseSensitive: boolean): string {
  return caseSensitive ? text : text.toLowerCase();
}

type RecordTest = (record: IntacctRecord) => boolean;

function compileTerm(object: RestObject, term: FilterTerm, caseSensitive: boolean): RecordTest {
  const field = object.fields.get(term.field);
  if (!field) throw new Error(`unchecked field ${term.field}`);
  const compare = comparerFor(field, caseSensitive);
  const [first = null, second = null] = term.values;
  const equal = (value: string | null, wanted: string | null): boolean =>
    value === null || wanted === null ? value === wanted : compare(value, wanted) === 0;
  const text = (value: string, test: (a: string, b: string) => boolean): boolean =>
    first !== null && test(fold(value, caseSensitive), fold(first, caseSensitive));
  const range = (value: string, test: (order: number) => boolean): boolean => first !== null && test(compare(value, first));
  const within = (value: string): boolean => first !== null && second !== null && compare(value, first) >= 0 && compare(value, second) <= 0;
  const matches = (value: string | null): boolean => {
    switch (term.operator) {
      case '$eq':
        return equal(value, first);
      case '$ne':
        return !equal(value, first);
      case '$in':
        return term.values.some((wanted) => equal(value, wanted));
      case '$notIn':
        return !term.values.some((wanted) => equal(value, wanted));
      default:
        break;
    }
    // Every other operator compares a value: an empty (null) field never matches, nor its negation.
    if (value === null) return false;
    switch (term.operator) {
      case '$lt':
        return range(value, (order) => order < 0);
      case '$lte':
        return range(value, (order) => order <= 0);
      case '$gt':
        return range(value, (order) => order > 0);
      case '$gte':
        return range(value, (order) => order >= 0);
      case '$between':
        return within(value);
      case '$notBetween':
        return !within(value);
      case '$contains':
        return text(value, (a, b) => a.includes(b));
      case '$notContains':
        return text(value, (a, b) => !a.includes(b));
      case '$startsWith':
        return text(value, (a, b) => a.startsWith(b));
      case '$notStartsWith':
        return text(value, (a, b) => !a.startsWith(b));
      case '$endsWith':
        return text(value, (a, b) => a.endsWith(b));
      default:
        return text(value, (a, b) => !a.endsWith(b));
    }
  };
  return (record) => matches(field.read(record));
}

function compileFilters(spec: QuerySpec): RecordTest | undefined {
  if (spec.filters.length === 0) return undefined;
  const tests = spec.filters.map((term) => compileTerm(spec.object, term, spec.caseSensitive));
  return spec.combine === 'and' ? (record) => tests.every((test) => test(record)) : (record) => tests.some((test) => test(record));
}

function sortByOrder(object: RestObject, records: IntacctRecord[], orderBy: OrderTerm[], caseSensitive: boolean): IntacctRecord[] {
  const terms = orderBy.map((term) => {
    const field = object.fields.get(term.field);
    if (!field) throw new Error(`unchecked field ${term.field}`);
    return { field, compare: comparerFor(field, caseSensitive), sign: term.descending ? -1 : 1 };
  });
  return records.sort((left, right) => {
    for (const { field, compare, sign } of terms) {
      const a = field.read(left);
      const b = field.read(right);
      // Empty values sort first ascending, last descending.
      const order = a === null || b === null ? (a === null ? (b === null ? 0 : -1) : 1) : compare(a, b);
      if (order !== 0) return order * sign;
    }
    return Number(left.RECORDNO) - Number(right.RECORDNO);
  });
}

function writeRecord(object: RestObject, record: IntacctRecord, fields: readonly string[]): Record<string, unknown> {
  const written: Record<string, unknown> = {};
  for (const path of fields) {
    const field = object.fields.get(path);
    if (!field) continue;
    const parts = path.split('.');
    let target = written;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      if (next === undefined || next === null || typeof next !== 'object') target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] ?? path] = field.read(record);
  }
  return written;
}

/** One page of the query's answer. */
export function runRestQuery(store: CompanyStore, spec: QuerySpec, visibility: Visibility): QueryPage {
  const table = store.table(spec.object.xmlObject);
  const visible = listRecords(table, { condition: undefined, order: [], caseInsensitive: false, visibility });
  const test = compileFilters(spec);
  const matching = test ? visible.filter(test) : [...visible];
  const ordered = spec.orderBy.length === 0 ? matching : sortByOrder(spec.object, matching, spec.orderBy, spec.caseSensitive);
  const from = spec.start - 1;
  const page = ordered.slice(from, from + spec.size);
  const next = spec.start + spec.size <= ordered.length ? spec.start + spec.size : null;
  const previous = spec.start > 1 ? Math.max(1, spec.start - spec.size) : null;
  return {
    records: page.map((record) => writeRecord(spec.object, record, spec.fields)),
    meta: { totalCount: ordered.length, start: spec.start, pageSize: spec.size, next, previous },
  };
}
