/**
 * The body of POST /services/core/query, checked strictly against Intacct's `core-query` schema
 * (developer.sage.com/intacct common OpenAPI definition; "Query service" guide):
 *   { object, fields?, filters?, filterExpression?, filterParameters?, orderBy?, start?, size? }
 * Unknown properties, unknown fields (in fields, filters or orderBy), unknown operators and values
 * of the wrong shape are refused with 400. Choices where the docs leave room:
 * - `fields` omitted means key, id and href (what the object's list endpoint answers);
 * - `filterExpression` is `and` (the default) or `or`; numbered expressions such as
 *   "(1 and 2) or 3" are documented but not served by the emulator, and are refused;
 * - `start` is 1-based, default 1; `size` is 1..4000 (the documented maximum), default 100;
 * - `filterParameters.asOfDate` and `includeHierarchyFields` are accepted and have no effect.
 */
import { z } from 'zod';
import type { RestErrorDetail } from './rest-errors';
import { REST_ERROR_IDS, REST_HTTP, RestRequestError } from './rest-errors';
import type { RestObject } from './rest-objects';
import { findRestObject, REST_OBJECT_NAMES } from './rest-objects';

const MAX_PAGE_SIZE = 4000;
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_FIELDS = ['key', 'id', 'href'];

const SINGLE_VALUE_OPERATORS = [
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$contains',
  '$notContains',
  '$startsWith',
  '$notStartsWith',
  '$endsWith',
  '$notEndsWith',
] as const;
const LIST_OPERATORS = ['$in', '$notIn'] as const;
const RANGE_OPERATORS = ['$between', '$notBetween'] as const;
type FilterOperator = (typeof SINGLE_VALUE_OPERATORS)[number] | (typeof LIST_OPERATORS)[number] | (typeof RANGE_OPERATORS)[number];

/** One condition of `filters`, its value made text (null stays null: $eq/$ne on an empty field). */
export interface FilterTerm {
  operator: FilterOperator;
  field: string;
  values: (string | null)[];
}

export interface OrderTerm {
  field: string;
  descending: boolean;
}

export interface QuerySpec {
  object: RestObject;
  fields: string[];
  filters: FilterTerm[];
  combine: 'and' | 'or';
  orderBy: OrderTerm[];
  start: number;
  size: number;
  caseSensitive: boolean;
  includePrivate: boolean;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const querySchema = z
  .object({
    object: z.string(),
    fields: z.array(z.string()).min(1).optional(),
    filters: z.array(z.record(z.string(), z.unknown())).optional(),
    filterExpression: z.string().optional(),
    filterParameters: z
      .object({
        asOfDate: z.string().optional(),
        includeHierarchyFields: z.boolean().optional(),
        caseSensitiveComparison: z.boolean().optional(),
        includePrivate: z.boolean().optional(),
      })
      .strict()
      .optional(),
    orderBy: z.array(z.record(z.string(), z.enum(['asc', 'desc']))).optional(),
    start: z.number().int().min(1).optional(),
    size: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  })
  .strict();

function invalid(message: string, details: RestErrorDetail[] = []): RestRequestError {
  return new RestRequestError(REST_HTTP.badRequest, 'invalidRequest', message, REST_ERROR_IDS.invalidPayload, details);
}

function notAField(object: RestObject, field: string, target: string): RestErrorDetail {
  return { code: 'invalidRequest', message: `${field} is not a valid field of ${object.name}`, errorId: REST_ERROR_IDS.notAValidField, target };
}

function singleEntry(value: Record<string, unknown>, target: string, what: string): [string, unknown] {
  const entries = Object.entries(value);
  const [entry] = entries;
  if (entries.length !== 1 || !entry)
    throw invalid(`Each ${what} must name exactly one key.`, [detail(`${target} must have exactly one key`, target)]);
  return entry;
}

function detail(message: string, target: string): RestErrorDetail {
  return { code: 'invalidRequest', message, errorId: REST_ERROR_IDS.invalidPayload, target };
}

function asText(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The values of one condition, checked against its operator's arity (one value, a list, a pair). */
function filterValues(operator: string, raw: unknown, target: string): { operator: FilterOperator; values: (string | null)[] } {
  const scalarCheck = scalar.safeParse(raw);
  if ((SINGLE_VALUE_OPERATORS as readonly string[]).includes(operator)) {
    const nullable = operator === '$eq' || operator === '$ne';
    if (!scalarCheck.success || (raw === null && !nullable))
      throw invalid(`${operator} takes one value.`, [detail(`${target} must be one value`, target)]);
    return { operator: operator as FilterOperator, values: [asText(raw) ?? null] };
  }
  const isList = (LIST_OPERATORS as readonly string[]).includes(operator);
  const isRange = (RANGE_OPERATORS as readonly string[]).includes(operator);
  if (!isList && !isRange) throw invalid(`Unknown filter operator ${operator}.`, [detail(`${operator} is not a filter operator`, target)]);
  const list = Array.isArray(raw) ? raw.map(asText) : undefined;
  const wellFormed = list !== undefined && list.length > 0 && list.every((value) => typeof value === 'string') && (!isRange || list.length === 2);
  if (!wellFormed)
    throw invalid(`${operator} takes ${isRange ? 'two values' : 'a non-empty list of values'}.`, [detail(`${target} has the wrong values`, target)]);
  return { operator: operator as FilterOperator, values: list as string[] };
}

function checkFilters(object: RestObject, filters: Record<string, unknown>[]): FilterTerm[] {
  return filters.map((filter, index) => {
    const target = `/filters/${index}`;
    const [operator, condition] = singleEntry(filter, target, 'filter');
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
      throw invalid(`${operator} takes an object of one field and its value.`, [detail(`${target}/${operator} must be an object`, target)]);
    }
    const [field, raw] = singleEntry(condition as Record<string, unknown>, `${target}/${operator}`, 'condition');
    if (!object.fields.has(field)) throw invalid(`Unknown field ${field} in filters.`, [notAField(object, field, `${target}/${operator}/${field}`)]);
    return { field, ...filterValues(operator, raw, `${target}/${operator}/${field}`) };
  });
}

function checkFields(object: RestObject, fields: string[]): string[] {
  const unknown = fields.map((field, index) => ({ field, index })).filter(({ field }) => !object.fields.has(field));
  if (unknown.length > 0) {
    throw invalid(
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(({ field }) => field).join(', ')}.`,
      unknown.map(({ field, index }) => notAField(object, field, `/fields/${index}`)),
    );
  }
  return [...new Set(fields)];
}

function checkOrder(object: RestObject, orderBy: Record<string, 'asc' | 'desc'>[]): OrderTerm[] {
  return orderBy.map((term, index) => {
    const [field, direction] = singleEntry(term, `/orderBy/${index}`, 'orderBy entry');
    if (!object.fields.has(field)) throw invalid(`Unknown field ${field} in orderBy.`, [notAField(object, field, `/orderBy/${index}/${field}`)]);
    return { field, descending: direction === 'desc' };
  });
}

/** The checked query, or a RestRequestError (400) saying what is wrong. */
export function parseQueryRequest(body: unknown): QuerySpec {
  const parsed = querySchema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => detail(issue.message, `/${issue.path.join('/')}`));
    throw invalid('Payload contains errors', details);
  }
  const request = parsed.data;
  const object = findRestObject(request.object);
  if (!object) {
    throw new RestRequestError(REST_HTTP.badRequest, 'invalidRequest', `${request.object} is not a valid object`, REST_ERROR_IDS.unknownObject, [
      { ...detail(`Use one of ${REST_OBJECT_NAMES.join(', ')}`, '/object'), errorId: REST_ERROR_IDS.unknownObject },
    ]);
  }
  const combine = request.filterExpression ?? 'and';
  if (combine !== 'and' && combine !== 'or') {
    throw invalid('filterExpression must be and or or.', [detail('Numbered filter expressions are not served by the emulator', '/filterExpression')]);
  }
  return {
    object,
    fields: checkFields(object, request.fields ?? DEFAULT_FIELDS),
    filters: checkFilters(object, request.filters ?? []),
    combine,
    orderBy: checkOrder(object, request.orderBy ?? []),
    start: request.start ?? 1,
    size: request.size ?? DEFAULT_PAGE_SIZE,
    caseSensitive: request.filterParameters?.caseSensitiveComparison ?? true,
    includePrivate: request.filterParameters?.includePrivate ?? false,
  };
}
