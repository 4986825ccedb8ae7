import { IntacctFailure, type IntacctFailureCode } from '../domain/errors';
import { CUSTOMER_FIELDS, DEPARTMENT_FIELDS, EMPLOYEE_FIELDS, type IntacctFields } from '../domain/intacct-records';
import type { BrowseRequest, IntacctLogin, IntacctSource, IntacctSourceFactory, ListingPage } from '../ports/intacct-source';
import { IntacctClient, type IntacctClientOptions, type QueryFilter } from './client';
import { IntacctError, type IntacctErrorKind } from './errors';
import { QUERY_MAX_PAGE_SIZE } from './query-builder';

/** Ids per `in` filter: keeps each request small and well under Intacct's request size limits. */
const IDS_PER_REQUEST = 500;

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

const FAILURE_CODES: Record<IntacctErrorKind, IntacctFailureCode> = {
  authentication: 'intacct_auth_failed',
  permission: 'intacct_permission_denied',
  rate_limit: 'intacct_rate_limited',
  transient: 'intacct_unavailable',
  protocol: 'intacct_protocol_error',
  query: 'intacct_query_failed',
};

/** The Intacct sender (web services vendor) the service signs in as, and connector settings. */
export interface GatewaySettings extends Omit<IntacctClientOptions, 'credentials'> {
  senderId: string;
  senderPassword: string;
}

/** Builds a read-only Intacct source per tenant login over the XML gateway. */
export class XmlGatewaySourceFactory implements IntacctSourceFactory {
  constructor(private readonly settings: GatewaySettings) {}

  forLogin(login: IntacctLogin): IntacctSource {
    const { senderId, senderPassword, ...options } = this.settings;
    return new XmlGatewaySource(
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
    );
  }
}

/**
 * IntacctSource over the connector. Listings page by RECORDNO (keyset: `RECORDNO > last seen`,
 * largest pages) rather than by offset, so records created or deleted while a listing runs can
 * neither shift a page nor hide a record that still exists (a hidden one would be unlinked).
 * Only the fields the mapping needs are selected.
 */
export class XmlGatewaySource implements IntacctSource {
  constructor(private readonly client: IntacctClient) {}

  listCustomers(): AsyncIterable<ListingPage> {
    return this.listAll('customer');
  }

  listEmployees(): AsyncIterable<ListingPage> {
    return this.listAll('employee');
  }

  listDepartments(): AsyncIterable<ListingPage> {
    return this.listAll('department');
  }

  customersById(customerIds: readonly string[]): AsyncIterable<ListingPage> {
    return this.listByIds('customer', OBJECTS.customer.idField, customerIds);
  }

  employeesById(employeeIds: readonly string[]): AsyncIterable<ListingPage> {
    return this.listByIds('employee', OBJECTS.employee.idField, employeeIds);
  }

  async existingRecordNos(object: ObjectName, recordNos: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for await (const page of this.listByIds(object, 'RECORDNO', recordNos, ['RECORDNO'])) {
      for (const record of page.records) found.add(record.RECORDNO ?? '');
    }
    return found;
  }

  browseCustomers(request: BrowseRequest): Promise<IntacctFields[]> {
    return this.browse('customer', request);
  }

  browseEmployees(request: BrowseRequest): Promise<IntacctFields[]> {
    return this.browse('employee', request);
  }

  async verifyCredentials(): Promise<void> {
    await translated(() => this.client.verifyCredentials());
  }

  private async *listAll(object: ObjectName, extraFilter?: QueryFilter, fields?: readonly string[]): AsyncIterable<ListingPage> {
    const spec = OBJECTS[object];
    let after: string | null = null;
    let totalCount: number | null = null;
    for (;;) {
      const keyset: QueryFilter | undefined = after === null ? undefined : { field: 'RECORDNO', op: 'greaterthan', value: after };
      const filters = [extraFilter, keyset].filter((f): f is QueryFilter => f !== undefined);
      const pages = this.client.query({
        object: spec.name,
        fields: [...(fields ?? spec.fields)],
        ...(filters.length === 0 ? {} : { filter: filters.length === 1 ? filters[0]! : { and: filters } }),
        orderBy: [{ field: 'RECORDNO' }],
        pageSize: QUERY_MAX_PAGE_SIZE,
      });
      const first = await translated(() => pages.next());
      if (first.done) return;
      const page = first.value;
      totalCount ??= page.totalCount;
      if (page.records.length > 0) yield { records: page.records, totalCount };
      const last = page.records.at(-1);
      if (page.numRemaining === 0 || !last) return;
      after = last.RECORDNO ?? '';
    }
  }

  private async *listByIds(
    object: ObjectName,
    field: string,
    ids: readonly string[],
    fields?: readonly string[],
  ): AsyncIterable<ListingPage> {
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += IDS_PER_REQUEST) {
      const values = unique.slice(start, start + IDS_PER_REQUEST);
      yield* this.listAll(object, { field, op: 'in', values }, fields);
    }
  }

  private async browse(object: ObjectName, { search, limit, afterRecordNo }: BrowseRequest): Promise<IntacctFields[]> {
    const spec = OBJECTS[object];
    const term = search?.trim();
    const filters: QueryFilter[] = [];
    if (term) filters.push({ or: spec.searchFields.map((field) => ({ field, op: 'like' as const, value: `%${term}%` })) });
    if (afterRecordNo) filters.push({ field: 'RECORDNO', op: 'greaterthan', value: afterRecordNo });
    const pages = this.client.query({
      object: spec.name,
      fields: [...spec.fields],
      ...(filters.length === 0 ? {} : { filter: filters.length === 1 ? filters[0]! : { and: filters } }),
      orderBy: [{ field: 'RECORDNO' }],
      caseInsensitive: true,
      pageSize: Math.min(Math.max(limit, 1), QUERY_MAX_PAGE_SIZE),
    });
    const first = await translated(() => pages.next());
    return first.done ? [] : first.value.records.slice(0, limit);
  }
}

/** Turns the connector's typed errors into the domain's IntacctFailure (502 with a code). */
async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof IntacctError) {
      throw new IntacctFailure(FAILURE_CODES[error.kind], describe(error), error.errorno ?? null);
    }
    throw error;
  }
}

function describe(error: IntacctError): string {
  const detail = error.description2 ? `: ${error.description2.trim().replace(/[.\s]+$/, '')}` : '';
  switch (error.kind) {
    case 'authentication':
      return `Sage Intacct refused the sign-in${detail}. Check the company id, user id and password.`;
    case 'permission':
      return `The Sage Intacct user lacks a permission the sync needs${detail}.`;
    case 'rate_limit':
      return 'Sage Intacct is limiting requests right now; try again shortly.';
    case 'transient':
      return 'Sage Intacct did not answer properly; try again shortly.';
    default:
      return `Sage Intacct could not answer the request${detail}.`;
  }
}
