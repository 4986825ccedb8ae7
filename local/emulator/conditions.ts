import { dateSortKey, timestampSortKey } from './dates';
import { FunctionFailure, QUERY_FAILED, withSupportId } from './errors';
import type { FieldType, IntacctRecord, ObjectSchema } from './schema';

export type CompareOperator =
  | 'equalto'
  | 'notequalto'
  | 'lessthan'
  | 'lessthanorequalto'
  | 'greaterthan'
  | 'greaterthanorequalto'
  | 'between'
  | 'in'
  | 'notin'
  | 'like'
  | 'notlike'
  | 'isnull'
  | 'isnotnull';

export const COMPARE_OPERATORS: readonly CompareOperator[] = [
  'equalto',
  'notequalto',
  'lessthan',
  'lessthanorequalto',
  'greaterthan',
  'greaterthanorequalto',
  'between',
  'in',
  'notin',
  'like',
  'notlike',
  'isnull',
  'isnotnull',
];

/** A filter, from either `query`'s <filter> or readByQuery's SQL-like text. */
export type Condition =
  | { kind: 'and' | 'or'; conditions: Condition[] }
  | { kind: 'compare'; operator: CompareOperator; field: string; values: string[] };

export interface OrderTerm {
  field: string;
  descending: boolean;
}

export type Predicate = (record: IntacctRecord) => boolean;
type SortKey = number | string | null;

/** How many values each operator takes (min, max); undefined max = any number. */
const VALUE_COUNTS: Record<CompareOperator, [number, number | undefined]> = {
  equalto: [1, 1],
  notequalto: [1, 1],
  lessthan: [1, 1],
  lessthanorequalto: [1, 1],
  greaterthan: [1, 1],
  greaterthanorequalto: [1, 1],
  like: [1, 1],
  notlike: [1, 1],
  between: [2, 2],
  in: [1, undefined],
  notin: [1, undefined],
  isnull: [0, 0],
  isnotnull: [0, 0],
};

function invalidQuery(message: string): FunctionFailure {
  return new FunctionFailure(QUERY_FAILED, withSupportId(message), 'Check the filter of your query.');
}

/** Turns a stored value into something that orders correctly for its field type; empty is null. */
function keyFor(type: FieldType, text: string, caseInsensitive: boolean): SortKey {
  if (text === '') return null;
  switch (type) {
    case 'integer': {
      const value = Number(text);
      return Number.isFinite(value) ? value : null;
    }
    case 'date':
      return dateSortKey(text) ?? null;
    case 'timestamp':
      return timestampSortKey(text) ?? null;
    default:
      return caseInsensitive ? text.toLowerCase() : text;
  }
}

/** Like keyFor, but for a value written in a filter: an unparsable value is the caller's error. */
function filterKey(type: FieldType, field: string, text: string, caseInsensitive: boolean): SortKey {
  const key = keyFor(type, text, caseInsensitive);
  if (key === null && text !== '') {
    throw invalidQuery(`Invalid value '${text}' for field ${field} of type ${type}`);
  }
  return key;
}

function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

/**
 * Compiles a condition into a predicate. Empty values behave as SQL NULL (Intacct runs on Oracle,
 * where '' is NULL): they match only isnull, never a comparison, not even notequalto.
 */
export function compileCondition(schema: ObjectSchema, condition: Condition, caseInsensitive: boolean): Predicate {
  if (condition.kind !== 'compare') {
    const parts = condition.conditions.map((part) => compileCondition(schema, part, caseInsensitive));
    if (parts.length === 0) return () => true;
    return condition.kind === 'and' ? (record) => parts.every((part) => part(record)) : (record) => parts.some((part) => part(record));
  }
  const { operator, field, values } = condition;
  const type = schema.fieldTypes.get(field) ?? 'text';
  const [minValues, maxValues] = VALUE_COUNTS[operator];
  if (values.length < minValues || (maxValues !== undefined && values.length > maxValues)) {
    throw invalidQuery(
      `Operator ${operator} on ${field} takes ${minValues === maxValues ? minValues : `at least ${minValues}`} value(s), got ${values.length}`,
    );
  }
  const recordKey = (record: IntacctRecord): SortKey => keyFor(type, record[field] ?? '', caseInsensitive);
  const keys = values.map((value) => filterKey(type, field, value, caseInsensitive));
  const [first = null, second = null] = keys;
  switch (operator) {
    case 'isnull':
      return (record) => (record[field] ?? '') === '';
    case 'isnotnull':
      return (record) => (record[field] ?? '') !== '';
    case 'like':
    case 'notlike': {
      const regex = likePattern(values[0] ?? '', caseInsensitive);
      const wanted = operator === 'like';
      return (record) => {
        const value = record[field] ?? '';
        return value !== '' && regex.test(value) === wanted;
      };
    }
    case 'in':
    case 'notin': {
      const set = new Set(keys.filter((key) => key !== null));
      const wanted = operator === 'in';
      return (record) => {
        const key = recordKey(record);
        return key !== null && set.has(key) === wanted;
      };
    }
    case 'between':
      return (record) => {
        const key = recordKey(record);
        return key !== null && first !== null && second !== null && key >= first && key <= second;
      };
    default:
      return comparison(operator, recordKey, first);
  }
}

function comparison(operator: CompareOperator, recordKey: (r: IntacctRecord) => SortKey, wanted: SortKey): Predicate {
  if (wanted === null) return () => false;
  const test = {
    equalto: (key: number | string) => key === wanted,
    notequalto: (key: number | string) => key !== wanted,
    lessthan: (key: number | string) => key < wanted,
    lessthanorequalto: (key: number | string) => key <= wanted,
    greaterthan: (key: number | string) => key > wanted,
    greaterthanorequalto: (key: number | string) => key >= wanted,
  }[operator as 'equalto'];
  return (record) => {
    const key = recordKey(record);
    return key !== null && test(key);
  };
}

/**
 * Sorts records by the order terms (nulls last ascending, first descending, as Oracle does).
 * Keys are computed once per record, not per comparison; ties keep RECORDNO order (stable sort).
 */
export function sortRecords(schema: ObjectSchema, records: IntacctRecord[], order: OrderTerm[], caseInsensitive: boolean): IntacctRecord[] {
  const types = order.map((term) => schema.fieldTypes.get(term.field) ?? 'text');
  const decorated = records.map((record) => ({
    record,
    keys: order.map((term, index) => keyFor(types[index] ?? 'text', record[term.field] ?? '', caseInsensitive)),
  }));
  decorated.sort((left, right) => {
    for (let index = 0; index < order.length; index += 1) {
      const a = left.keys[index] ?? null;
      const b = right.keys[index] ?? null;
      if (a === b) continue;
      const direction = order[index]?.descending ? -1 : 1;
      if (a === null) return direction;
      if (b === null) return -direction;
      return a < b ? -direction : direction;
    }
    return 0;
  });
  return decorated.map((entry) => entry.record);
}

/** Whether an ordering is just store order (RECORDNO ascending), so no sort is needed. */
export function isStoreOrder(order: OrderTerm[]): boolean {
  return order.length === 0 || (order[0]?.field === 'RECORDNO' && !order[0].descending);
}
