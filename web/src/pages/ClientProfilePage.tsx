/** A client's profile: its fields, its Integrations region, and (admins) edit, delete and re-link. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Client, must, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { IntegrationsRegion } from '../components/IntegrationsRegion';
import { PageHeading } from '../components/PageHeading';
import { RelinkDialog } from '../components/RelinkDialog';
import { navigate } from '../router';

const EDITABLE_FIELDS = [
  ['name', 'Name'],
  ['street', 'Street'],
  ['zip', 'ZIP'],
  ['city', 'City'],
  ['country', 'Country'],
  ['countryCode', 'Country code'],
  ['notes', 'Notes'],
] as const;

type EditableField = (typeof EDITABLE_FIELDS)[number][0];

export function ClientProfilePage({ clientId }: { clientId: string }) {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'view' | 'edit' | 'delete' | 'relink'>('view');
  const client = useQuery({
    queryKey: ['clients', 'one', clientId],
    queryFn: () => must(api.GET('/clients/{id}', { params: { path: { id: clientId } } })),
  });
  const refresh = (): Promise<void> => queryClient.invalidateQueries({ queryKey: ['clients'] });
  // After a delete the app goes back to the list, which must not show the deleted client even for
  // a moment: the lists (inactive while the profile is open) are fetched again before it opens.
  const refreshLists = (): Promise<void> => queryClient.invalidateQueries({ queryKey: ['clients'], refetchType: 'all' });

  if (client.error) return <ErrorAlert error={client.error} />;
  if (!client.data) return <p>Loading…</p>;
  const data = client.data;
  const link = data.integrations.intacct;

  return (
    <>
      <PageHeading
        actions={
          isAdmin && mode === 'view' ? (
            <>
              <button type="button" onClick={() => setMode('edit')}>
                Edit
              </button>
              <button type="button" className="danger" onClick={() => setMode('delete')}>
                Delete client
              </button>
            </>
          ) : null
        }
      >
        {data.name}
      </PageHeading>
      {mode === 'edit' ? (
        <EditClientForm client={data} onDone={() => setMode('view')} onSaved={refresh} />
      ) : (
        <dl className="fields panel">
          {EDITABLE_FIELDS.filter(([field]) => field !== 'name').map(([field, label]) => (
            <div key={field}>
              <dt>{label}</dt>
              <dd className="preserve-lines">{data[field] || '—'}</dd>
            </div>
          ))}
        </dl>
      )}
      <IntegrationsRegion
        link={link}
        intacctId={link?.customerId}
        idLabel="Customer ID"
        relink={
          isAdmin ? (
            <button type="button" onClick={() => setMode('relink')}>
              Re-link to Sage Intacct
            </button>
          ) : null
        }
      />
      {mode === 'relink' ? (
        <RelinkDialog
          queryKey="intacct-customers"
          listPage={async (search, limit) => {
            const page = await must(api.GET('/intacct/customers', { params: { query: { limit, ...(search ? { search } : {}) } } }));
            return page.items.map((customer) => ({
              id: customer.customerId,
              label: customer.name,
              imported: customer.import.state === 'imported',
              detail: [customer.customerId, customer.city, customer.country].filter(Boolean).join(' · '),
            }));
          }}
          link={async (customerId) => {
            await must(api.POST('/clients/{id}/link', { params: { path: { id: clientId } }, body: { customerId } }));
            await refresh();
          }}
          onClose={() => setMode('view')}
        />
      ) : null}
      {mode === 'delete' ? <DeleteClientDialog client={data} onClose={() => setMode('view')} onDeleted={refreshLists} /> : null}
    </>
  );
}

function EditClientForm({ client, onDone, onSaved }: { client: Client; onDone: () => void; onSaved: () => Promise<void> }) {
  const api = useApi();
  const [values, setValues] = useState<Record<EditableField, string>>(
    () => Object.fromEntries(EDITABLE_FIELDS.map(([field]) => [field, client[field]])) as Record<EditableField, string>,
  );
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const save = async (): Promise<void> => {
    setSaving(true);
    setFailure(null);
    try {
      const changed = Object.fromEntries(
        EDITABLE_FIELDS.filter(([field]) => values[field] !== client[field]).map(([field]) => [field, values[field]]),
      );
      await must(api.PATCH('/clients/{id}', { params: { path: { id: client.id } }, body: changed }));
      await onSaved();
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      className="panel form"
      aria-label="Edit client"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {client.integrations.intacct?.status === 'linked' ? (
        <p className="hint">
          This client is linked to Sage Intacct: the next sync puts Intacct&apos;s name and address back. Notes stay as you write them.
        </p>
      ) : null}
      {EDITABLE_FIELDS.map(([field, label]) => (
        // biome-ignore lint/a11y/noLabelWithoutControl: the label wraps its control, a textarea or an input chosen by field
        <label className="field" key={field}>
          <span>{label}</span>
          {field === 'notes' || field === 'street' ? (
            <textarea value={values[field]} onChange={(event) => setValues({ ...values, [field]: event.target.value })} rows={3} />
          ) : (
            <input value={values[field]} onChange={(event) => setValues({ ...values, [field]: event.target.value })} required={field === 'name'} />
          )}
        </label>
      ))}
      <ErrorAlert error={failure} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeleteClientDialog({ client, onClose, onDeleted }: { client: Client; onClose: () => void; onDeleted: () => Promise<void> }) {
  const api = useApi();
  const [failure, setFailure] = useState<unknown>(null);
  const remove = async (): Promise<void> => {
    try {
      await must(api.DELETE('/clients/{id}', { params: { path: { id: client.id } } }));
      await onDeleted();
      navigate('/clients');
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <Dialog title="Delete client" onClose={onClose}>
      <div className="dialog-body">
        <p>
          Delete {client.name} from the PSA? Sage Intacct is not changed
          {client.integrations.intacct ? ', and the customer can be imported again later' : ''}.
        </p>
        <ErrorAlert error={failure} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        </div>
      </div>
    </Dialog>
  );
}
