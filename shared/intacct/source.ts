import { createHash } from 'node:crypto';
import type { IntacctFailure } from '#domain/errors';
import { CUSTOMER_FIELDS, DEPARTMENT_FIELDS, EMPLOYEE_FIELDS, type IntacctFields } from '#domain/intacct-records';
import type { BrowseRequest, CallOptions, IntacctLogin, IntacctSource, IntacctSourceFactory, ListingPage } from '#ports/intacct-source';
import { IntacctClient, type IntacctClientOptions, type IntacctRecord, type QueryFilter, type QueryRequest, type RequestOptions } from './client';
import { DEFAULT_COMPANY_CONCURRENCY } from './company-concurrency';
import {
  canonicalRecord,
  type EmployeeContactNamings,
  inNaming,
  namesContactFields,
  otherNaming,
  processEmployeeContactNamings,
} from './employee-contact-fields';
import { IntacctError, IntacctProtocolError, IntacctTimeoutError } from './errors';
import {
  type AuthenticationAdvice,
  failureOf as failureOfError,
  GatewaySource,
  LISTING_READ_AHEAD_PAGES,
  type Listing,
  listedByIds,
  RetryingRequests,
  requestOptionsOf,
  translated as translatedFailures,
} from './gateway-support';
import { type KeysetPage, pipelinedKeysetListing } from './pipelined-listing';
import { QUERY_MAX_PAGE_SIZE } from './query-builder';

/** Logins whose source (and so API session) a factory keeps for the next run in this process. */
const CACHED_LOGINS = 16;

const OBJECTS = {
  customer: { name: 'CUSTOMER', idField: 'CUSTOMERID', fields: CUSTOMER_FIELDS, searchFields: ['NAME', 'CUSTOMERID'] },
  employee: {
    name: 'EMPLOYEE',
    idField: 'EMPLOYEEID',
    fields: EMPLOYEE_FIELDS,
    searchFields: ['PERSONALINFO.CONTACTNAME', 'EMPLOYEEID'],
  },
  department: { name: 'DEPARTMENT', idField: 'DEPARTMENTID', fields: DEPARTMENT_FIELDS, searchFields: ['TITLE', 'DEPARTMENTID'] },
} as const;

type ObjectName = keyof typeof OBJECTS;

/** A refused sign-in through the XML gateway: the Web Services credentials an admin typed. */
const signInAdvice: AuthenticationAdvice = (detail) => `Sage Intacct refused the sign-in${detail}. Check the company id, user id and password.`;
const translated = <T>(call: () => Promise<T>): Promise<T> => translatedFailures(call, signInAdvice);
const failureOf = (error: IntacctError): IntacctFailure => failureOfError(error, signInAdvice);

/** The Intacct sender (web services vendor) the service signs in as, and connector settings. */
export interface GatewaySettings extends Omit<IntacctClientOptions, 'credentials'> {
  senderId: string;
  senderPassword: string;
}

/**
 * Builds a read-only Intacct source per tenant login over the XML gateway. Sources are kept per
 * login (the few most recently used), so consecutive runs in one process, such as a
 * clients sync then a users sync or a warm Lambda container, reuse the API session.
 */
export class XmlGatewaySourceFactory implements IntacctSourceFactory {
  readonly #sources = new Map<string, XmlGatewaySource>();

  constructor(private readonly settings: GatewaySettings) {}

  forLogin(login: IntacctLogin): IntacctSource {
    const key = loginKey(login);
    const cached = this.#sources.get(key);
    if (cached) {
      // Re-inserted so the map's order stays least recently used first.
      this.#sources.delete(key);
      this.#sources.set(key, cached);
      return cached;
    }
    const { senderId, senderPassword, ...options } = this.settings;
    const source = new XmlGatewaySource(
      new IntacctClient({
        ...options,
        credentials: {
          senderId,
          senderPassword,
          companyId: login.companyId,
          userId: login.userId,
          userPassword: login.userPassword,
          ...(login.entityId ? { entityId: login.entityId } : {}),
        },
      }),
      { concurrency: options.concurrency ?? DEFAULT_COMPANY_CONCURRENCY },
    );
    this.#sources.set(key, source);
    for (const oldest of this.#sources.keys()) {
      if (this.#sources.size <= CACHED_LOGINS) break;
      this.#sources.delete(oldest);
    }
    return source;
  }
}

/** Identifies a login without holding its password: a changed password must give a new session. */
function loginKey(login: IntacctLogin): string {
  const passwordDigest = createHash('sha256').update(login.userPassword, 'utf8').digest('hex');
  return JSON.stringify([login.companyId, login.userId, login.entityId ?? '', passwordDigest]);
}

/** How a source lists. */
export interface XmlGatewaySourceOptions {
  /** Requests one listing keeps in flight; the company's allowance, default 2. */
  concurrency?: number;
  /**
   * Ask for entity-private records too (`showprivate`) on every query. Default: true for a login
   * at the company's top level (no entity), false for an entity-level login, which sees its
   * entity's records and the top level's shared ones.
   */
  showPrivate?: boolean;
  /** Where each company's EMPLOYEE contact field naming is remembered; default the process-wide record. */
  employeeContactNamings?: EmployeeContactNamings;
}

/**
 * IntacctSource over the connector. Listings page by RECORDNO (keyset: `RECORDNO > last verified`,
 * largest pages, overlapping by one record, several in flight; see pipelined-listing), so records
 * created or deleted while a listing runs can never hide a record that still exists (a hidden one
 * would be unlinked) nor repeat one. Only the fields the mapping needs are selected.
 */
export class XmlGatewaySource extends GatewaySource {
  readonly #concurrency: number;
  readonly #showPrivate: boolean;
  readonly #namings: EmployeeContactNamings;

  constructor(
    private readonly client: IntacctClient,
    options: XmlGatewaySourceOptions = {},
  ) {
    super();
    this.#concurrency = options.concurrency ?? DEFAULT_COMPANY_CONCURRENCY;
    this.#showPrivate = options.showPrivate ?? !client.entityLevel;
    this.#namings = options.employeeContactNamings ?? processEmployeeContactNamings;
  }

  protected listByIntacctIds(object: 'customer' | 'employee', ids: readonly string[], listing: Listing): AsyncIterable<ListingPage> {
    return this.listByIds(object, OBJECTS[object].idField, ids, listing);
  }

  protected listByRecordNos(object: ObjectName, recordNos: readonly string[], listing: Listing): AsyncIterable<ListingPage> {
    return this.listByIds(object, 'RECORDNO', recordNos, listing, ['RECORDNO']);
  }

  async verifyCredentials(options: CallOptions = {}): Promise<void> {
    await translated(() => this.client.verifyCredentials(requestOptionsOf(options)));
  }

  /** `showprivate` for every query of a top-level login. */
  private get privacy(): Pick<QueryRequest, 'showPrivate'> {
    return this.#showPrivate ? { showPrivate: true } : {};
  }

  protected listAll(object: ObjectName, listing: Listing, extraFilter?: QueryFilter, fields?: readonly string[]): AsyncIterable<ListingPage> {
    const spec = OBJECTS[object];
    const { pageSize, signal } = listing;
    // When the listing retries until its signal aborts, an abort reports what its unfinished
    // requests were retrying (the latest of those failures), not a timeout.
    const retrying = new RetryingRequests();
    const fetchPage = (anchor: string | null, offset: number): Promise<KeysetPage<IntacctRecord>> => {
      const keyset: QueryFilter | undefined = anchor === null ? undefined : { field: 'RECORDNO', op: 'greaterthan', value: anchor };
      const filters = [extraFilter, keyset].filter((f): f is QueryFilter => f !== undefined);
      const tracked = retrying.start();
      const request = requestOptionsOf(listing, tracked.onRetry);
      return translated(() =>
        this.onePage(
          {
            object: spec.name,
            fields: [...(fields ?? spec.fields)],
            ...(filters.length === 0 ? {} : { filter: filters.length === 1 ? filters[0]! : { and: filters } }),
            orderBy: [{ field: 'RECORDNO' }],
            ...this.privacy,
            pageSize,
            offset,
          },
          request,
        ),
      ).finally(tracked.done);
    };
    const untilAborted = signal !== undefined && listing.retryUntilAborted !== false;
    return pipelinedKeysetListing({
      fetchPage,
      recordNoOf: (record) => record.RECORDNO!,
      pageSize,
      concurrency: this.#concurrency,
      readAheadPages: LISTING_READ_AHEAD_PAGES,
      ...(listing.afterRecordNo === undefined ? {} : { afterRecordNo: listing.afterRecordNo }),
      ...(signal ? { signal, abortError: () => failureOf((untilAborted ? retrying.latest() : undefined) ?? new IntacctTimeoutError()) } : {}),
    });
  }

  /** The one page of `request` at its offset; every record must carry the RECORDNO the keyset pages by. */
  private async onePage(request: QueryRequest, options: RequestOptions): Promise<KeysetPage<IntacctRecord>> {
    const page = await this.firstPage(request, options);
    if (page.records.some((record) => !record.RECORDNO)) {
      throw new IntacctProtocolError('Intacct returned a record without RECORDNO in a listing ordered by it');
    }
    return page;
  }

  /**
   * The first page of `request` (in the canonical field naming), with its records in the canonical
   * naming. An EMPLOYEE request naming contact fields goes in the company's naming; while that is
   * unconfirmed, a query error makes it try the other naming once, and whichever succeeds is remembered.
   */
  private async firstPage(request: QueryRequest, options: RequestOptions): Promise<KeysetPage<IntacctRecord>> {
    if (!namesContactFields(request)) return this.rawFirstPage(request, options);
    const company = this.client.company;
    const known = this.#namings.of(company);
    let refusal: unknown;
    try {
      const page = await this.rawFirstPage(inNaming(request, known.naming), options);
      this.#namings.confirm(company, known.naming);
      return { ...page, records: page.records.map((record) => canonicalRecord(record, known.naming)) };
    } catch (error) {
      if (known.confirmed || !isQueryRefusal(error)) throw error;
      refusal = error;
    }
    const other = otherNaming(known.naming);
    let page: KeysetPage<IntacctRecord>;
    try {
      page = await this.rawFirstPage(inNaming(request, other), options);
    } catch (error) {
      // Refused in both namings: the request itself is at fault, as the first refusal says.
      throw isQueryRefusal(error) ? refusal : error;
    }
    this.#namings.confirm(company, other);
    return { ...page, records: page.records.map((record) => canonicalRecord(record, other)) };
  }

  private async rawFirstPage(request: QueryRequest, options: RequestOptions): Promise<KeysetPage<IntacctRecord>> {
    const pages = this.client.query(request, options);
    try {
      const first = await pages.next();
      if (first.done) return { records: [], totalCount: 0, numRemaining: 0 };
      const { records, totalCount, numRemaining } = first.value;
      return { records, totalCount, numRemaining };
    } finally {
      await pages.return(undefined);
    }
  }

  /** The records of the ids after `afterRecordNo`, ascending (see listedByIds). */
  private listByIds(
    object: ObjectName,
    field: string,
    ids: readonly string[],
    listing: Listing,
    fields?: readonly string[],
  ): AsyncIterable<ListingPage> {
    return listedByIds(ids, listing.pageSize, (values) => this.listAll(object, listing, { field, op: 'in', values }, fields));
  }

  protected async browse(object: ObjectName, { search, limit, afterRecordNo }: BrowseRequest, options: CallOptions): Promise<IntacctFields[]> {
    const spec = OBJECTS[object];
    const term = search?.trim();
    const filters: QueryFilter[] = [];
    if (term) filters.push({ or: spec.searchFields.map((field) => ({ field, op: 'like' as const, value: `%${term}%` })) });
    if (afterRecordNo) filters.push({ field: 'RECORDNO', op: 'greaterthan', value: afterRecordNo });
    const page = await translated(() =>
      this.firstPage(
        {
          object: spec.name,
          fields: [...spec.fields],
          ...(filters.length === 0 ? {} : { filter: filters.length === 1 ? filters[0]! : { and: filters } }),
          orderBy: [{ field: 'RECORDNO' }],
          caseInsensitive: true,
          ...this.privacy,
          pageSize: Math.min(Math.max(limit, 1), QUERY_MAX_PAGE_SIZE),
        },
        requestOptionsOf(options),
      ),
    );
    return page.records.slice(0, limit);
  }
}

/**
 * A request Intacct refused as such (not retried): what a field naming it does not know gives, as a
 * failed result (or, should a gateway word it so, a refusal naming an errorno).
 */
function isQueryRefusal(error: unknown): boolean {
  if (!(error instanceof IntacctError) || error.retryable) return false;
  return error.kind === 'query' || (error.kind === 'protocol' && Boolean(error.errorno));
}
