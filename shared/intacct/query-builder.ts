import { element } from './xml-request';

/** Comparison operators that take one value. */
const SINGLE_VALUE_OPERATORS = [
  'equalto',
  'notequalto',
  'lessthan',
  'lessthanorequalto',
  'greaterthan',
  'greaterthanorequalto',
  'like',
  'notlike',
] as const;
/** Operators that take a list of values. */
const LIST_OPERATORS = ['in', 'notin'] as const;
/** Operators that take no value. */
const NULL_OPERATORS = ['isnull', 'isnotnull'] as const;

type SingleValueOperator = (typeof SINGLE_VALUE_OPERATORS)[number];
type ListOperator = (typeof LIST_OPERATORS)[number];
type NullOperator = (typeof NULL_OPERATORS)[number];

/** A `query` filter: comparisons nested in `and` / `or`. */
export type QueryFilter =
  | { and: QueryFilter[] }
  | { or: QueryFilter[] }
  | { field: string; op: SingleValueOperator; value: string }
  | { field: string; op: ListOperator; values: string[] }
  | { field: string; op: 'between'; values: [string, string] }
  | { field: string; op: NullOperator };

/** One list request through the `query` function. */
export interface QueryRequest {
  object: string;
  fields: string[];
  filter?: QueryFilter;
  orderBy?: { field: string; descending?: boolean }[];
  /** 1..2000, default 2000. */
  pageSize?: number;
  offset?: number;
  showPrivate?: boolean;
  /** Compare text in filters without regard to case (Intacct's `caseinsensitive` option). */
  caseInsensitive?: boolean;
}

export const QUERY_MAX_PAGE_SIZE = 2000;

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function requireName(kind: string, name: string): string {
  if (name.trim() === '') throw new RangeError(`${kind} must not be empty`);
  return name;
}

/** Validates a page size against Intacct's bounds for the function. */
function checkPageSize(pageSize: number, max: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
    throw new RangeError(`pageSize must be an integer from 1 to ${max}`);
  }
  return pageSize;
}

function filterXml(filter: QueryFilter): string {
  if ('and' in filter || 'or' in filter) {
    const [operator, children] = 'and' in filter ? ['and', filter.and] : ['or', filter.or];
    if (children.length === 0) throw new RangeError(`'${operator}' filter needs at least one condition`);
    return `<${operator}>${children.map(filterXml).join('')}</${operator}>`;
  }
  const field = element('field', requireName('Filter field', filter.field));
  const op: string = filter.op;
  if (isOneOf(SINGLE_VALUE_OPERATORS, op) && 'value' in filter) {
    return `<${op}>${field}${element('value', filter.value)}</${op}>`;
  }
  if ((isOneOf(LIST_OPERATORS, op) || op === 'between') && 'values' in filter) {
    if (op === 'between' && filter.values.length !== 2) {
      throw new RangeError("'between' takes exactly two values");
    }
    if (filter.values.length === 0) throw new RangeError(`'${op}' needs at least one value`);
    return `<${op}>${field}${filter.values.map((value) => element('value', value)).join('')}</${op}>`;
  }
  if (isOneOf(NULL_OPERATORS, op)) {
    return `<${op}>${field}</${op}>`;
  }
  // Operators become element names, so an unknown one must never reach the request.
  throw new RangeError(`Unsupported filter operator or operands: ${JSON.stringify(op)}`);
}

/** Builds the `<query>` function content for one page at `offset`. */
export function buildQueryXml(request: QueryRequest, offset: number): string {
  if (request.fields.length === 0) throw new RangeError('query needs at least one field');
  for (const field of request.fields) {
    if (requireName('Field', field).includes('*')) throw new RangeError("query does not accept '*' in the select list");
  }
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
  const pageSize = checkPageSize(request.pageSize ?? QUERY_MAX_PAGE_SIZE, QUERY_MAX_PAGE_SIZE);

  const select = `<select>${request.fields.map((field) => element('field', field)).join('')}</select>`;
  const filter = request.filter ? `<filter>${filterXml(request.filter)}</filter>` : '';
  const orderBy =
    request.orderBy && request.orderBy.length > 0
      ? '<orderby>' +
        request.orderBy
          .map(
            (order) =>
              `<order>${element('field', requireName('Order field', order.field))}` +
              `${order.descending ? '<descending/>' : '<ascending/>'}</order>`,
          )
          .join('') +
        '</orderby>'
      : '';
  const optionElements =
    (request.showPrivate === undefined ? '' : element('showprivate', String(request.showPrivate))) +
    (request.caseInsensitive === undefined ? '' : element('caseinsensitive', String(request.caseInsensitive)));
  const options = optionElements === '' ? '' : `<options>${optionElements}</options>`;

  return (
    '<query>' +
    element('object', requireName('Object', request.object)) +
    select +
    filter +
    orderBy +
    options +
    element('pagesize', String(pageSize)) +
    element('offset', String(offset)) +
    '</query>'
  );
}
