/**
 * The import dialogs' common part (clients from customers, team members from employees): a
 * server-side search, a page of checkboxes (imported records disabled), Select all, the caller's
 * options, Preview (a dry run) and Import, then the run's progress and summary. Lists are paged by
 * the API, so 20,000 customers cost one page at a time.
 */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useDeferredValue, useId, useState } from 'react';
import { Dialog } from './Dialog';
import { ErrorAlert } from './ErrorAlert';
import { Pager, useCursorPages } from './Pager';
import { RunProgress } from './RunProgress';

export const IMPORT_PAGE_SIZE = 50;

/** What the admin chose: some records, or every one not yet imported that matches `search`. */
export type Selection = { kind: 'ids'; ids: string[] } | { kind: 'all'; search: string };

export interface Choice {
  id: string;
  label: string;
  imported: boolean;
  /** A line under the name: city, department, entity, a possible match. */
  detail: ReactNode;
}

interface ImportDialogProps {
  title: string;
  /** What the records are, plural: "customers". */
  noun: string;
  queryKey: string;
  listPage(search: string, cursor: string | null): Promise<{ items: Choice[]; nextCursor: string | null }>;
  /** The options between the list and the buttons. */
  options: ReactNode;
  submitLabel: string;
  /** Starts the import (or its preview); answers the run id. */
  start(selection: Selection, dryRun: boolean): Promise<string>;
  onClose(): void;
  onFinished(): void;
}

export function ImportDialog(props: ImportDialogProps) {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const pages = useCursorPages();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [allSearch, setAllSearch] = useState<string | null>(null);
  const [run, setRun] = useState<{ id: string; dryRun: boolean } | null>(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const listId = useId();

  const page = useQuery({
    queryKey: [props.queryKey, deferredSearch, pages.cursor],
    queryFn: () => props.listPage(deferredSearch, pages.cursor),
    placeholderData: (previous) => previous,
  });

  const selectingAll = allSearch !== null;
  const selection: Selection = selectingAll ? { kind: 'all', search: allSearch } : { kind: 'ids', ids: [...picked] };
  const nothingChosen = !selectingAll && picked.size === 0;

  const changeSearch = (value: string): void => {
    setSearch(value);
    pages.reset();
    setAllSearch(null);
  };
  const toggle = (id: string, on: boolean): void => {
    setPicked((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };
  const begin = async (dryRun: boolean): Promise<void> => {
    setFailure(null);
    setStarting(true);
    try {
      setRun({ id: await props.start(selection, dryRun), dryRun });
    } catch (error) {
      setFailure(error);
    } finally {
      setStarting(false);
    }
  };

  const items = page.data?.items ?? [];
  return (
    <Dialog title={props.title} onClose={props.onClose} wide>
      <div className="dialog-body">
        <label className="field">
          <span>Search</span>
          <input type="search" value={search} onChange={(event) => changeSearch(event.target.value)} aria-controls={listId} />
        </label>
        <label className="check">
          <input type="checkbox" checked={selectingAll} onChange={(event) => setAllSearch(event.target.checked ? deferredSearch : null)} />
          <span>Select all</span>
        </label>
        {selectingAll ? (
          <p className="hint">
            Every {props.noun.replace(/s$/, '')} not imported yet{allSearch ? ` that matches “${allSearch}”` : ''} is selected. Clear Select all to
            choose one by one.
          </p>
        ) : null}
        <ErrorAlert error={page.error} />
        <fieldset className="choices" id={listId} aria-busy={page.isFetching}>
          <legend>{props.noun[0]!.toUpperCase() + props.noun.slice(1)}</legend>
          {page.isPending ? <p>Loading {props.noun}…</p> : null}
          {!page.isPending && items.length === 0 ? <p>No {props.noun} match.</p> : null}
          <ul>
            {items.map((item) => (
              <li key={item.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    disabled={item.imported || selectingAll}
                    checked={item.imported || selectingAll || picked.has(item.id)}
                    onChange={(event) => toggle(item.id, event.target.checked)}
                  />
                  <span>{item.label}</span>
                </label>
                <span className="choice-detail">{item.imported ? 'Already imported' : item.detail}</span>
              </li>
            ))}
          </ul>
        </fieldset>
        <Pager pages={pages} nextCursor={page.data?.nextCursor} label={props.noun} />
        <p className="hint" aria-live="polite">
          {selectingAll ? 'All selected' : `${picked.size} selected`}
        </p>
        {props.options}
        <ErrorAlert error={failure} />
        <div className="dialog-actions">
          <button type="button" onClick={() => void begin(true)} disabled={nothingChosen || starting}>
            Preview
          </button>
          <button type="button" className="primary" onClick={() => void begin(false)} disabled={nothingChosen || starting}>
            {props.submitLabel}
          </button>
        </div>
        {run ? (
          <RunProgress
            key={run.id}
            runId={run.id}
            what={run.dryRun ? 'Preview' : 'Import'}
            onFinished={() => {
              if (!run.dryRun) {
                setPicked(new Set());
                setAllSearch(null);
                props.onFinished();
              }
            }}
          />
        ) : null}
      </div>
    </Dialog>
  );
}
