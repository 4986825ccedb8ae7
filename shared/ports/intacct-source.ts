import type { IntacctFields } from '../domain/intacct-records';

/** One page of a listing; `totalCount` is the size of the whole listing as Intacct counts it. */
export interface ListingPage {
  records: IntacctFields[];
  totalCount: number;
}

/**
 * Read-only view of one tenant's Intacct company, as the use cases need it.
 * Every listing is ascending by RECORDNO (numeric) and streamed page by page, so a sync can
 * merge it with the link records stored in the same order without holding the company in memory.
 */
export interface IntacctSource {
  listCustomers(): AsyncIterable<ListingPage>;
  listEmployees(): AsyncIterable<ListingPage>;
  listDepartments(): AsyncIterable<ListingPage>;
  /** Customers whose CUSTOMERID is one of `customerIds`, ascending RECORDNO. */
  customersById(customerIds: readonly string[]): AsyncIterable<ListingPage>;
  /** Employees whose EMPLOYEEID is one of `employeeIds`, ascending RECORDNO. */
  employeesById(employeeIds: readonly string[]): AsyncIterable<ListingPage>;
  /** Records of `object` whose RECORDNO is one of `recordNos` (used to re-check held unlinks). */
  existingRecordNos(object: 'customer' | 'employee' | 'department', recordNos: readonly string[]): Promise<Set<string>>;
  /**
   * One page of customers for the import dialog: those whose name or id contains `search`,
   * ascending RECORDNO, after `afterRecordNo` when given (the previous page's last one).
   */
  browseCustomers(request: BrowseRequest): Promise<IntacctFields[]>;
  /** As `browseCustomers`, matching the contact name or employee id. */
  browseEmployees(request: BrowseRequest): Promise<IntacctFields[]>;
  /** Signs in once; throws an IntacctError when Intacct refuses. */
  verifyCredentials(): Promise<void>;
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

export interface IntacctSourceFactory {
  forLogin(login: IntacctLogin): IntacctSource;
}
