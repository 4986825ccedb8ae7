/**
 * IntacctSource over Intacct's REST query service: the second gateway behind the port, beside the
 * XML one (shared/intacct/source.ts), with the same contract. Listings page by record key (keyset:
 * `key $gt last verified`, `orderBy key asc`, pages overlapping by one record, several in flight:
 * the XML listing's pipelined-listing), records are read through the REST field table
 * (rest-fields.ts) into the XML field names, so the domain mapping makes the same PSA records.
 */
import type { IntacctFailure } from '#domain/errors';
import type { IntacctFields } from '#domain/intacct-records';
import { type IntacctError, IntacctProtocolError, IntacctTimeoutError } from '#intacct/errors';
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
} from '#intacct/gateway-support';
import { type KeysetPage, pipelinedKeysetListing } from '#intacct/pipelined-listing';
import { QUERY_MAX_PAGE_SIZE } from '#intacct/query-builder';
import type { BrowseRequest, CallOptions, IntacctAccessTokens, IntacctSource, ListingPage } from '#ports/intacct-source';
import { type RestFilter, type RestQuery, RestQueryClient, type RestQueryClientOptions, type RestRequestOptions } from './query-client';
import { intacctFieldsOf, KEY_FIELD, REST_OBJECTS, type RestObjectKind } from './rest-fields';

const ASCENDING_KEY = [{ [KEY_FIELD]: 'asc' as const }];

/** A refused token through the REST gateway: only a new authorization helps. */
const reconnectAdvice: AuthenticationAdvice = (detail) =>
  `Sage Intacct refused the connection's access${detail}. Reconnect with Sage Intacct (Connect with Sage Intacct) to authorize the service again.`;
const translated = <T>(call: () => Promise<T>): Promise<T> => translatedFailures(call, reconnectAdvice);
const failureOf = (error: IntacctError): IntacctFailure => failureOfError(error, reconnectAdvice);

/** One connection through the REST gateway: its company, its entity (if it reads at one), its tokens. */
export interface RestConnection {
  companyId: string;
  entityId?: string;
  tokens: IntacctAccessTokens;
}

/** Connector settings shared by every connection (the REST base URL, timeouts, retries, slots). */
export type RestGatewaySettings = Omit<RestQueryClientOptions, 'companyId' | 'entityId' | 'tokens'>;

/** Builds a REST source per connection; nothing is cached (the token provider keeps the tokens). */
export class RestGatewaySourceFactory {
  constructor(private readonly settings: RestGatewaySettings) {}

  forConnection(connection: RestConnection): IntacctSource {
    return new RestGatewaySource(
      new RestQueryClient({
        ...this.settings,
        companyId: connection.companyId,
        ...(connection.entityId ? { entityId: connection.entityId } : {}),
        tokens: connection.tokens,
      }),
    );
  }
}

class RestGatewaySource extends GatewaySource {
  constructor(private readonly client: RestQueryClient) {
    super();
  }

  protected listByIntacctIds(object: 'customer' | 'employee', ids: readonly string[], listing: Listing): AsyncIterable<ListingPage> {
    return this.listByIds(object, REST_OBJECTS[object].idField, ids, listing);
  }

  protected listByRecordNos(object: RestObjectKind, recordNos: readonly string[], listing: Listing): AsyncIterable<ListingPage> {
    return this.listByIds(object, KEY_FIELD, recordNos, listing);
  }

  /** A one-record query: the token and the company's read access both answer for it. */
  async verifyCredentials(options: CallOptions = {}): Promise<void> {
    await translated(() =>
      this.client.query(
        { object: REST_OBJECTS.customer.object, fields: [KEY_FIELD], orderBy: ASCENDING_KEY, start: 1, size: 1 },
        requestOptionsOf(options),
      ),
    );
  }

  protected listAll(object: RestObjectKind, listing: Listing, extraFilter?: RestFilter): AsyncIterable<ListingPage> {
    const spec = REST_OBJECTS[object];
    const { pageSize, signal } = listing;
    const retrying = new RetryingRequests();
    const fetchPage = (anchor: string | null, offset: number): Promise<KeysetPage<IntacctFields>> => {
      const filters = [extraFilter, anchor === null ? undefined : { $gt: { [KEY_FIELD]: anchor } }].filter((f): f is RestFilter => f !== undefined);
      const tracked = retrying.start();
      return translated(() =>
        this.page(
          object,
          { object: spec.object, fields: spec.fields, filters, orderBy: ASCENDING_KEY, start: offset + 1, size: pageSize },
          requestOptionsOf(listing, tracked.onRetry),
          offset,
        ),
      ).finally(tracked.done);
    };
    const untilAborted = signal !== undefined && listing.retryUntilAborted !== false;
    return pipelinedKeysetListing({
      fetchPage,
      recordNoOf: (record) => record.RECORDNO!,
      pageSize,
      concurrency: this.client.concurrency,
      readAheadPages: LISTING_READ_AHEAD_PAGES,
      ...(listing.afterRecordNo === undefined ? {} : { afterRecordNo: listing.afterRecordNo }),
      ...(signal ? { signal, abortError: () => failureOf((untilAborted ? retrying.latest() : undefined) ?? new IntacctTimeoutError()) } : {}),
    });
  }

  /** One page, its records read through the field table, with what remains after it. */
  private async page(object: RestObjectKind, query: RestQuery, options: RestRequestOptions, offset: number): Promise<KeysetPage<IntacctFields>> {
    const answer = await this.client.query(query, options);
    const records = answer.records.map((record) => intacctFieldsOf(object, record));
    const numRemaining = Math.max(0, answer.totalCount - offset - records.length);
    if (records.length === 0 && numRemaining > 0)
      throw new IntacctProtocolError('Intacct REST answered an empty page while counting records after it');
    return { records, totalCount: answer.totalCount, numRemaining };
  }

  /** The records of the ids after `afterRecordNo`, ascending (see listedByIds). */
  private listByIds(object: RestObjectKind, field: string, ids: readonly string[], listing: Listing): AsyncIterable<ListingPage> {
    return listedByIds(ids, listing.pageSize, (values) => this.listAll(object, listing, { $in: { [field]: values } }));
  }

  /**
   * One page for the import dialog. A search asks once per search field (`$contains`, case-insensitive,
   * each after `afterRecordNo`, each up to `limit`) and merges the answers by key: the query
   * service combines filters all with and or all with or, and the search's or must go with the
   * anchor's and. The first `limit` of the union are among the first `limit` of each answer.
   */
  protected async browse(object: RestObjectKind, { search, limit, afterRecordNo }: BrowseRequest, options: CallOptions): Promise<IntacctFields[]> {
    const spec = REST_OBJECTS[object];
    const term = search?.trim();
    const size = Math.min(Math.max(limit, 1), QUERY_MAX_PAGE_SIZE);
    const anchor: RestFilter[] = afterRecordNo ? [{ $gt: { [KEY_FIELD]: afterRecordNo } }] : [];
    const searches: RestFilter[][] = term ? spec.searchFields.map((field) => [{ $contains: { [field]: term } }, ...anchor]) : [anchor];
    const pages = await Promise.all(
      searches.map((filters) =>
        translated(() =>
          this.page(
            object,
            { object: spec.object, fields: spec.fields, filters, orderBy: ASCENDING_KEY, start: 1, size, caseInsensitive: true },
            requestOptionsOf(options),
            0,
          ),
        ),
      ),
    );
    const byKey = new Map<string, IntacctFields>();
    for (const page of pages) for (const record of page.records) byKey.set(record.RECORDNO ?? '', record);
    return [...byKey.values()].sort((a, b) => Number(a.RECORDNO) - Number(b.RECORDNO)).slice(0, Math.max(limit, 0));
  }
}
