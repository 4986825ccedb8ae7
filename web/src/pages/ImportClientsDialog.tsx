/** "Import from Sage Intacct": customers into clients, optionally linking same-name clients instead. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Api, type CustomerChoice, must, useApi } from '../api/client';
import { type Choice, IMPORT_PAGE_SIZE, ImportDialog, type Selection } from '../components/ImportDialog';

const RESOLVE_PAGE_SIZE = 200;

function customerChoice(customer: CustomerChoice): Choice {
  const place = [customer.city, customer.country].filter(Boolean).join(', ');
  const parts = [
    customer.customerId,
    place,
    customer.entityName ?? customer.entityId,
    customer.status === 'inactive' ? 'inactive in Sage Intacct' : null,
  ].filter(Boolean);
  const match = customer.import.possibleMatch;
  return {
    id: customer.customerId,
    label: customer.name,
    imported: customer.import.state === 'imported',
    detail: (
      <>
        {parts.join(' · ')}
        {match ? <em> · same name as the client {match.name}</em> : null}
      </>
    ),
  };
}

/** Every not-yet-imported customer id matching `search`, page by page. */
async function idsMatching(api: Api, search: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: { search: string; limit: number; cursor?: string } = { search, limit: RESOLVE_PAGE_SIZE, ...(cursor ? { cursor } : {}) };
    const page = await must(api.GET('/intacct/customers', { params: { query } }));
    ids.push(...page.items.filter((item) => item.import.state === 'not_imported').map((item) => item.customerId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export function ImportClientsDialog({ onClose, onFinished }: { onClose: () => void; onFinished: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [linkMatches, setLinkMatches] = useState(false);

  const start = async (selection: Selection, dryRun: boolean): Promise<string> => {
    const chosen =
      selection.kind === 'ids'
        ? { customerIds: selection.ids }
        : selection.search === ''
          ? { all: true }
          : { customerIds: await idsMatching(api, selection.search) };
    const accepted = await must(api.POST('/clients/import', { body: { ...chosen, linkMatches, dryRun } }));
    return accepted.runId;
  };

  return (
    <ImportDialog
      title="Import from Sage Intacct"
      noun="customers"
      queryKey="intacct-customers"
      listPage={async (search, cursor) => {
        const query: { limit: number; search?: string; cursor?: string } = {
          limit: IMPORT_PAGE_SIZE,
          ...(search ? { search } : {}),
          ...(cursor ? { cursor } : {}),
        };
        const page = await must(api.GET('/intacct/customers', { params: { query } }));
        return { items: page.items.map(customerChoice), nextCursor: page.nextCursor };
      }}
      options={
        <label className="check">
          <input type="checkbox" checked={linkMatches} onChange={(event) => setLinkMatches(event.target.checked)} />
          <span>Link to existing clients with the same name</span>
        </label>
      }
      submitLabel="Import Selected Clients"
      start={start}
      onClose={onClose}
      onFinished={() => {
        void queryClient.invalidateQueries({ queryKey: ['intacct-customers'] });
        onFinished();
      }}
    />
  );
}
