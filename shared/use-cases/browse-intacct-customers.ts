import type { IntacctRecordStatus } from '#domain/entities';
import { mapCustomer } from '#domain/mapping';
import type { CallOptions } from '#ports/intacct-source';
import { findUnlinkedClientNamed } from './engine/client-matches';
import type { SyncDeps } from './engine/deps';
import type { Browsed, BrowseQuery } from './engine/inputs';
import { intacctForTenant } from './engine/intacct-for-tenant';

/** One Intacct customer as the import dialog shows it. */
export interface CustomerChoice {
  customerId: string;
  recordNo: string;
  name: string;
  city: string;
  country: string;
  status: IntacctRecordStatus;
  entityId: string | null;
  entityName: string | null;
  import: {
    state: 'not_imported' | 'imported';
    clientId?: string;
    /** A same-name PSA client without a link, which `linkMatches` would link instead of creating. */
    possibleMatch?: { clientId: string; name: string };
  };
}

/**
 * The customers of the import dialog, one page at a time:
 * 1. Read one page of the tenant's Intacct customers (name or id containing `search`), ascending RECORDNO.
 * 2. A customer is imported when its link exists and the client behind it is linked to it
 *    (a dangling link, its client deleted in the PSA, shows as not imported: R6).
 * 3. A customer not imported shows a same-name unlinked client as a possible match.
 * 4. A full page answers its last RECORDNO as the cursor of the next.
 */
export async function browseIntacctCustomers(
  deps: Pick<SyncDeps, 'connections' | 'secrets' | 'intacct' | 'links' | 'clients'>,
  tenantId: string,
  query: BrowseQuery,
  options: CallOptions = {},
): Promise<Browsed<CustomerChoice>> {
  const source = await intacctForTenant(deps, tenantId);
  const records = await source.browseCustomers(
    {
      limit: query.limit,
      ...(query.search ? { search: query.search } : {}),
      ...(query.cursor ? { afterRecordNo: query.cursor } : {}),
    },
    options,
  );
  const customers = records.map(mapCustomer);
  const links = await deps.links.getMany(
    tenantId,
    'customer',
    customers.map((customer) => customer.recordNo),
  );
  const clients = await deps.clients.getMany(
    tenantId,
    [...links.values()].map((link) => link.psaId),
  );

  const items = await Promise.all(
    customers.map(async (customer): Promise<CustomerChoice> => {
      const link = links.get(customer.recordNo);
      const client = link ? clients.get(link.psaId) : undefined;
      const own = client?.integrations.intacct;
      const imported = client !== undefined && own?.status === 'linked' && own.recordNo === customer.recordNo;
      const match = imported ? null : await findUnlinkedClientNamed(deps, tenantId, customer.fields.name);
      return {
        customerId: customer.customerId,
        recordNo: customer.recordNo,
        name: customer.fields.name,
        city: customer.fields.city,
        country: customer.fields.country,
        status: customer.intacctStatus,
        ...customer.entity,
        import: imported
          ? { state: 'imported', clientId: client.id }
          : { state: 'not_imported', ...(match ? { possibleMatch: { clientId: match.id, name: match.name } } : {}) },
      };
    }),
  );
  const last = customers.at(-1);
  return { items, nextCursor: customers.length === query.limit && last ? last.recordNo : null };
}
