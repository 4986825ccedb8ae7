/**
 * What both gateways' sources (XML here, REST in shared/intacct-rest) do alike behind the
 * IntacctSource port: check listing options, read records by id in batches, follow the retryable
 * failures of a listing's requests, and turn the connectors' typed errors into IntacctFailure.
 */
import { IntacctFailure, type IntacctFailureCode } from '#domain/errors';
import type { IntacctFields } from '#domain/intacct-records';
import type { BrowseRequest, CallOptions, IntacctSource, ListingOptions, ListingPage } from '#ports/intacct-source';
import { IntacctError, type IntacctErrorKind } from './errors';
import { QUERY_MAX_PAGE_SIZE } from './query-builder';

/** Ids per `in` filter: keeps each request small and well under Intacct's request size limits. */
const IDS_PER_REQUEST = 500;

/** Verified pages a listing holds ahead of its consumer, beyond those in flight: memory stays flat. */
export const LISTING_READ_AHEAD_PAGES = 2;

/** Smallest page a keyset listing can use: consecutive pages overlap by one record. */
const MIN_LISTING_PAGE_SIZE = 2;
const RECORDNO_TEXT = /^\d+$/;

/** A listing's options, checked. */
export interface Listing extends CallOptions {
  afterRecordNo?: string;
  pageSize: number;
}

/** The listing options checked: a RECORDNO anchor in digits, a page size within 2..2000. */
function checkedListing(options: ListingOptions): Listing {
  const pageSize = options.pageSize ?? QUERY_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < MIN_LISTING_PAGE_SIZE || pageSize > QUERY_MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from ${MIN_LISTING_PAGE_SIZE} to ${QUERY_MAX_PAGE_SIZE}`);
  }
  const { afterRecordNo } = options;
  if (afterRecordNo !== undefined && !RECORDNO_TEXT.test(afterRecordNo)) {
    throw new RangeError('afterRecordNo must be a RECORDNO (digits only)');
  }
  return { pageSize, ...(afterRecordNo === undefined ? {} : { afterRecordNo }), ...callOptionsOf(options) };
}

/** Only the call options, without undefined members. */
function callOptionsOf(options: CallOptions): CallOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.retryUntilAborted === undefined ? {} : { retryUntilAborted: options.retryUntilAborted }),
  };
}

/** A connector's options for a call: its signal and retry choice, and a hook for its retryable failures. */
export function requestOptionsOf(
  options: CallOptions,
  onRetry?: (error: IntacctError) => void,
): CallOptions & { onRetry?: (error: IntacctError) => void } {
  return { ...callOptionsOf(options), ...(onRetry ? { onRetry } : {}) };
}

/**
 * Records whose `field` is one of `ids`, ascending RECORDNO. Up to IDS_PER_REQUEST ids are one
 * streamed listing; more are read whole, a batch of ids at a time (each batch's listing is ascending
 * on its own), and merged, so the listing stays ascending throughout and a run resumed after its
 * last RECORDNO skips nothing of a later batch.
 */
export async function* listedByIds(
  ids: readonly string[],
  pageSize: number,
  listFor: (values: string[]) => AsyncIterable<ListingPage>,
): AsyncIterable<ListingPage> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  if (unique.length <= IDS_PER_REQUEST) {
    yield* listFor(unique);
    return;
  }
  const records: IntacctFields[] = [];
  for (let start = 0; start < unique.length; start += IDS_PER_REQUEST) {
    for await (const page of listFor(unique.slice(start, start + IDS_PER_REQUEST))) records.push(...page.records);
  }
  records.sort((a, b) => Number(a.RECORDNO) - Number(b.RECORDNO));
  for (let start = 0; start < records.length; start += pageSize) {
    yield { records: records.slice(start, start + pageSize), totalCount: records.length };
  }
}

/** The retryable failures of a listing's requests still unfinished: what an abort cut short. */
export class RetryingRequests {
  #sequence = 0;
  readonly #unfinished = new Map<number, { error: IntacctError; at: number } | null>();

  /** Tracks one request: its retry hook, and `done` once it settled. */
  start(): { onRetry: (error: IntacctError) => void; done: () => void } {
    const id = this.#sequence++;
    this.#unfinished.set(id, null);
    return {
      onRetry: (error) => {
        if (this.#unfinished.has(id)) this.#unfinished.set(id, { error, at: this.#sequence++ });
      },
      done: () => {
        this.#unfinished.delete(id);
      },
    };
  }

  /** The latest failure an unfinished request is retrying, if any. */
  latest(): IntacctError | undefined {
    let latest: { error: IntacctError; at: number } | undefined;
    for (const failure of this.#unfinished.values()) {
      if (failure && (!latest || failure.at > latest.at)) latest = failure;
    }
    return latest?.error;
  }
}

const FAILURE_CODES: Record<IntacctErrorKind, IntacctFailureCode> = {
  authentication: 'intacct_auth_failed',
  permission: 'intacct_permission_denied',
  rate_limit: 'intacct_rate_limited',
  transient: 'intacct_unavailable',
  protocol: 'intacct_protocol_error',
  query: 'intacct_query_failed',
  timeout: 'intacct_timeout',
};

/** How a gateway words a refused sign-in, given Intacct's own text (`: ...`, or '' when it gave none). */
export type AuthenticationAdvice = (detail: string) => string;

/** The domain's IntacctFailure for a connector error (502 with a code, 504 for intacct_timeout). */
export function failureOf(error: IntacctError, authenticationAdvice: AuthenticationAdvice): IntacctFailure {
  return new IntacctFailure(FAILURE_CODES[error.kind], describe(error, authenticationAdvice), error.errorno ?? null);
}

/** Runs `call`, turning the connector's typed errors into the domain's IntacctFailure. */
export async function translated<T>(call: () => Promise<T>, authenticationAdvice: AuthenticationAdvice): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof IntacctError ? failureOf(error, authenticationAdvice) : error;
  }
}

function describe(error: IntacctError, authenticationAdvice: AuthenticationAdvice): string {
  // Intacct's own text (description2, else description) is already capped at 1 KB by the connectors.
  const text = error.intacctText?.trim().replace(/[.\s]+$/, '');
  const detail = text ? `: ${text}` : '';
  switch (error.kind) {
    case 'authentication':
      return authenticationAdvice(detail);
    case 'permission':
      return `The Sage Intacct user lacks a permission the sync needs${detail}.`;
    case 'rate_limit':
      return 'Sage Intacct is limiting requests right now; try again shortly.';
    case 'transient':
      return 'Sage Intacct did not answer properly; try again shortly.';
    case 'timeout':
      return 'Sage Intacct did not answer in time; try again shortly.';
    default:
      return `Sage Intacct could not answer the request${detail}.`;
  }
}

/** The objects a source lists, and those it also finds by Intacct id and browses. */
type ListedObject = 'customer' | 'employee' | 'department';
type BrowsedObject = 'customer' | 'employee';

/**
 * The IntacctSource entry points, alike for both gateways: each checks its options and names the
 * object; the gateway answers with its own listing, id lookups and browse.
 */
export abstract class GatewaySource implements IntacctSource {
  /** Every record of `object` after the listing's anchor, ascending RECORDNO. */
  protected abstract listAll(object: ListedObject, listing: Listing): AsyncIterable<ListingPage>;
  /** The records of `object` whose Intacct id (CUSTOMERID, EMPLOYEEID) is one of `ids`, ascending. */
  protected abstract listByIntacctIds(object: BrowsedObject, ids: readonly string[], listing: Listing): AsyncIterable<ListingPage>;
  /** The records of `object` whose RECORDNO is one of `recordNos` (RECORDNO alone is enough). */
  protected abstract listByRecordNos(object: ListedObject, recordNos: readonly string[], listing: Listing): AsyncIterable<ListingPage>;
  protected abstract browse(object: BrowsedObject, request: BrowseRequest, options: CallOptions): Promise<IntacctFields[]>;
  abstract verifyCredentials(options?: CallOptions): Promise<void>;

  listCustomers(options: ListingOptions = {}): AsyncIterable<ListingPage> {
    return this.listAll('customer', checkedListing(options));
  }

  listEmployees(options: ListingOptions = {}): AsyncIterable<ListingPage> {
    return this.listAll('employee', checkedListing(options));
  }

  listDepartments(options: ListingOptions = {}): AsyncIterable<ListingPage> {
    return this.listAll('department', checkedListing(options));
  }

  customersById(customerIds: readonly string[], options: ListingOptions = {}): AsyncIterable<ListingPage> {
    return this.listByIntacctIds('customer', customerIds, checkedListing(options));
  }

  employeesById(employeeIds: readonly string[], options: ListingOptions = {}): AsyncIterable<ListingPage> {
    return this.listByIntacctIds('employee', employeeIds, checkedListing(options));
  }

  async existingRecordNos(object: ListedObject, recordNos: readonly string[], options: CallOptions = {}): Promise<Set<string>> {
    const found = new Set<string>();
    const listing: Listing = { pageSize: QUERY_MAX_PAGE_SIZE, ...callOptionsOf(options) };
    for await (const page of this.listByRecordNos(object, recordNos, listing)) {
      for (const record of page.records) found.add(record.RECORDNO ?? '');
    }
    return found;
  }

  browseCustomers(request: BrowseRequest, options: CallOptions = {}): Promise<IntacctFields[]> {
    return this.browse('customer', request, options);
  }

  browseEmployees(request: BrowseRequest, options: CallOptions = {}): Promise<IntacctFields[]> {
    return this.browse('employee', request, options);
  }
}
