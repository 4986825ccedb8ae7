/**
 * EMPLOYEE contact fields in `query` come under two names: the owned-object naming
 * `PERSONALINFO.CONTACTNAME` (what readByQuery field lists use, and what the product's field lists
 * and mapping read: the canonical naming) and the relationship naming `CONTACT.CONTACTNAME` (what
 * Intacct's query documentation for EMPLOYEE and public uses of `query` use). Which one a company's
 * `query` accepts is found by asking: the source first tries the documented relationship naming
 * and, when a company refuses a query in a naming not yet confirmed for it, the other one; the
 * naming that worked is remembered per company (endpoint + company id) for the life of the
 * process. Requests are translated into the company's naming and answered records back into the
 * canonical PERSONALINFO keys, so nothing beyond the connector knows. (lookup/inspect on EMPLOYEE
 * could tell too, but cost a request every time a process meets a company, where asking costs one
 * only for the companies that take the other naming, and proves what `query` itself accepts.)
 */
import type { QueryFilter, QueryRequest } from './query-builder';
import type { IntacctRecord } from './xml-response';

export type EmployeeContactNaming = 'personalinfo' | 'contact';

/** The object whose contact fields have two names. */
const EMPLOYEE_OBJECT = 'EMPLOYEE';

const PREFIX: Record<EmployeeContactNaming, string> = {
  personalinfo: 'PERSONALINFO.',
  contact: 'CONTACT.',
};

/** The naming the product's field lists use and records are handed over in. */
const CANONICAL_CONTACT_NAMING: EmployeeContactNaming = 'personalinfo';

/** The naming tried first for a company not yet known: the one Intacct's `query` documentation uses. */
const FIRST_GUESS_CONTACT_NAMING: EmployeeContactNaming = 'contact';

export function otherNaming(naming: EmployeeContactNaming): EmployeeContactNaming {
  return naming === 'personalinfo' ? 'contact' : 'personalinfo';
}

function renamed(field: string, from: EmployeeContactNaming, to: EmployeeContactNaming): string {
  if (from === to) return field;
  const prefix = PREFIX[from];
  return field.toUpperCase().startsWith(prefix) ? PREFIX[to] + field.slice(prefix.length) : field;
}

function filterFields(filter: QueryFilter, rename: (field: string) => string): QueryFilter {
  if ('and' in filter) return { and: filter.and.map((child) => filterFields(child, rename)) };
  if ('or' in filter) return { or: filter.or.map((child) => filterFields(child, rename)) };
  return { ...filter, field: rename(filter.field) };
}

function fieldsOf(filter: QueryFilter | undefined): string[] {
  if (filter === undefined) return [];
  if ('and' in filter) return filter.and.flatMap(fieldsOf);
  if ('or' in filter) return filter.or.flatMap(fieldsOf);
  return [filter.field];
}

/** Whether an EMPLOYEE request names a contact field anywhere (select, filter, order). */
export function namesContactFields(request: QueryRequest): boolean {
  if (request.object.toUpperCase() !== EMPLOYEE_OBJECT) return false;
  const prefix = PREFIX[CANONICAL_CONTACT_NAMING];
  const fields = [...request.fields, ...fieldsOf(request.filter), ...(request.orderBy ?? []).map((order) => order.field)];
  return fields.some((field) => field.toUpperCase().startsWith(prefix));
}

/** A request in the canonical naming, put into `naming` (select, filter and order fields alike). */
export function inNaming(request: QueryRequest, naming: EmployeeContactNaming): QueryRequest {
  if (naming === CANONICAL_CONTACT_NAMING) return request;
  const rename = (field: string): string => renamed(field, CANONICAL_CONTACT_NAMING, naming);
  return {
    ...request,
    fields: request.fields.map(rename),
    ...(request.filter === undefined ? {} : { filter: filterFields(request.filter, rename) }),
    ...(request.orderBy === undefined ? {} : { orderBy: request.orderBy.map((order) => ({ ...order, field: rename(order.field) })) }),
  };
}

/** A record answered in `naming`, with its contact keys back in the canonical naming. */
export function canonicalRecord(record: IntacctRecord, naming: EmployeeContactNaming): IntacctRecord {
  if (naming === CANONICAL_CONTACT_NAMING) return record;
  const canonical: IntacctRecord = {};
  for (const [key, value] of Object.entries(record)) canonical[renamed(key, naming, CANONICAL_CONTACT_NAMING)] = value;
  return canonical;
}

/** What is known of one company's naming. */
export interface KnownNaming {
  naming: EmployeeContactNaming;
  /** A query in this naming succeeded: it is never second-guessed again. */
  confirmed: boolean;
}

/** The naming each company's `query` accepts, as found so far; keyed by endpoint + company id. */
export class EmployeeContactNamings {
  readonly #known = new Map<string, EmployeeContactNaming>();

  constructor(private readonly firstGuess: EmployeeContactNaming = FIRST_GUESS_CONTACT_NAMING) {}

  /** The naming to use for `company`: the confirmed one, else the first guess. */
  of(company: string): KnownNaming {
    const naming = this.#known.get(company);
    return naming === undefined ? { naming: this.firstGuess, confirmed: false } : { naming, confirmed: true };
  }

  /** Remembers that a query in `naming` succeeded for `company`. */
  confirm(company: string, naming: EmployeeContactNaming): void {
    this.#known.set(company, naming);
  }
}

/** The process's record of company namings, shared by every source (a warm Lambda asks once per company). */
export const processEmployeeContactNamings = new EmployeeContactNamings();
