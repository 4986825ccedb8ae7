/** "Re-link to Sage Intacct": search Intacct, pick one record, Link. Used for clients and users. */
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Dialog } from './Dialog';
import { ErrorAlert } from './ErrorAlert';
import type { Choice } from './ImportDialog';

const RELINK_PAGE_SIZE = 25;

interface RelinkDialogProps {
  queryKey: string;
  /** A page of candidates (imported ones included, shown disabled). */
  listPage(search: string, limit: number): Promise<Choice[]>;
  link(id: string): Promise<void>;
  onClose(): void;
}

export function RelinkDialog({ queryKey, listPage, link, onClose }: RelinkDialogProps) {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const [chosen, setChosen] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [linking, setLinking] = useState(false);
  const candidates = useQuery({
    queryKey: [queryKey, 'relink', deferredSearch],
    queryFn: () => listPage(deferredSearch, RELINK_PAGE_SIZE),
    placeholderData: (previous) => previous,
  });

  const submit = async (): Promise<void> => {
    if (!chosen) return;
    setFailure(null);
    setLinking(true);
    try {
      await link(chosen);
      onClose();
    } catch (error) {
      setFailure(error);
    } finally {
      setLinking(false);
    }
  };

  return (
    <Dialog title="Re-link to Sage Intacct" onClose={onClose}>
      <form
        className="dialog-body"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Search</span>
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <ErrorAlert error={candidates.error} />
        <fieldset className="choices">
          <legend>Sage Intacct records</legend>
          {candidates.isPending ? <p>Loading…</p> : null}
          {candidates.data?.length === 0 ? <p>Nothing matches.</p> : null}
          <ul>
            {candidates.data?.map((choice) => (
              <li key={choice.id}>
                <label className="check">
                  <input
                    type="radio"
                    name="relink-choice"
                    value={choice.id}
                    disabled={choice.imported}
                    checked={chosen === choice.id}
                    onChange={() => setChosen(choice.id)}
                  />
                  <span>{choice.label}</span>
                </label>
                <span className="choice-detail">{choice.imported ? 'Already linked to another record' : choice.detail}</span>
              </li>
            ))}
          </ul>
        </fieldset>
        <ErrorAlert error={failure} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!chosen || linking}>
            Link
          </button>
        </div>
      </form>
    </Dialog>
  );
}
