import type { IntacctFields } from '#domain/intacct-records';

/** One page of a listing; `totalCount` is the size of the whole listing as Intacct counts it. */
export interface ListingPage {
  records: IntacctFields[];
  totalCount: number;
}

/** Per-call options: `signal` aborts the call (its in-flight HTTP attempt, its retry waits and its wait for a company slot). */
export interface CallOptions {
  signal?: AbortSignal;
  /**
   * With `signal` (a run's time budget, a route's deadline): keep retrying what Intacct may answer
   * better later (rate limits, outages) with backoff until the signal aborts, then fail with the
   * last of those failures (its own code, not `intacct_timeout`; `intacct_timeout` when none was
   * seen). Default true. False, or no signal: a few attempts only (about 6 s of waiting).
   */
  retryUntilAborted?: boolean;
}

/** A listing can start after a RECORDNO (to resume a run from a checkpoint) and use smaller pages. */
export interface ListingOptions extends CallOptions {
  afterRecordNo?: string;
  pageSize?: number;
}

/**
 * Read-only view of one tenant's Intacct company, as the use cases need it.
 * Every listing is ascending by RECORDNO (numeric) and streamed page by page, so a sync can
 * merge it with the link records stored in the same order without holding the company in memory.
 *
 * Every method takes optional call options last. A listing given `afterRecordNo` holds only the
 * records whose RECORDNO is greater (numerically); `pageSize` (2..2000, default 2000) caps its
 * requests. When `signal` aborts, the call (for a listing: its pending page) rejects promptly with
 * IntacctFailure `intacct_timeout`, an already-aborted signal before any request; a call that was
 * retrying a rate limit or an outage until then rejects with that failure instead (see
 * CallOptions.retryUntilAborted).
 */
export interface IntacctSource {
  listCustomers(options?: ListingOptions): AsyncIterable<ListingPage>;
  listEmployees(options?: ListingOptions): AsyncIterable<ListingPage>;
  listDepartments(options?: ListingOptions): AsyncIterable<ListingPage>;
  /** Customers whose CUSTOMERID is one of `customerIds`, ascending RECORDNO. */
  customersById(customerIds: readonly string[], options?: ListingOptions): AsyncIterable<ListingPage>;
  /** Employees whose EMPLOYEEID is one of `employeeIds`, ascending RECORDNO. */
  employeesById(employeeIds: readonly string[], options?: ListingOptions): AsyncIterable<ListingPage>;
  /** Records of `object` whose RECORDNO is one of `recordNos` (used to re-check held unlinks). */
  existingRecordNos(object: 'customer' | 'employee' | 'department', recordNos: readonly string[], options?: CallOptions): Promise<Set<string>>;
  /**
   * One page of customers for the import dialog: those whose name or id contains `search`,
   * ascending RECORDNO, after `afterRecordNo` when given (the previous page's last one).
   */
  browseCustomers(request: BrowseRequest, options?: CallOptions): Promise<IntacctFields[]>;
  /** As `browseCustomers`, matching the contact name or employee id. */
  browseEmployees(request: BrowseRequest, options?: CallOptions): Promise<IntacctFields[]>;
  /** Signs in once; throws an IntacctFailure when Intacct refuses. */
  verifyCredentials(options?: CallOptions): Promise<void>;
}

export interface BrowseRequest {
  search?: string;
  limit: number;
  afterRecordNo?: string;
}

/** Intacct sign-in of one tenant; `userPassword` comes from the secret store, never from DynamoDB. */
export interface IntacctLogin {
  companyId: string;
  userId: string;
  userPassword: string;
  entityId?: string;
}

/** A tenant connected through the REST API: its OAuth grant lives in the secret store, under the tenant. */
interface IntacctGrant {
  tenantId: string;
  companyId: string;
  entityId?: string;
}

/**
 * The sources of both gateways: `forLogin` the XML gateway (a Web Services user), `forGrant` the
 * REST API (an OAuth grant); absent where the deployment has no OAuth client configured.
 */
export interface IntacctSourceFactory {
  forLogin(login: IntacctLogin): IntacctSource;
  forGrant?(grant: IntacctGrant): IntacctSource;
}

/**
 * The OAuth access tokens of one connection (REST gateway): `accessToken` answers the current one
 * (cached by the provider); after the REST API refused `rejected` with 401, `refreshed` answers a
 * fresh one (a refresh-token grant, or one another worker just made). Either rejects with an
 * IntacctFailure (`intacct_auth_failed` once the grant is revoked) when no token can be had.
 */
export interface IntacctAccessTokens {
  accessToken(signal?: AbortSignal): Promise<string>;
  refreshed?(rejected: string, signal?: AbortSignal): Promise<string>;
}
