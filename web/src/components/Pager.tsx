/**
 * Cursor paging for the API's lists: the API answers `nextCursor`; the pager keeps the cursors
 * of the pages seen so Previous works too.
 */
import { useState } from 'react';

export interface CursorPages {
  cursor: string | null;
  pageNumber: number;
  next(nextCursor: string): void;
  previous(): void;
  reset(): void;
}

export function useCursorPages(): CursorPages {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  return {
    cursor: stack[stack.length - 1] ?? null,
    pageNumber: stack.length,
    next: (nextCursor) => setStack((seen) => [...seen, nextCursor]),
    previous: () => setStack((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
    reset: () => setStack([null]),
  };
}

export function Pager({ pages, nextCursor, label }: { pages: CursorPages; nextCursor: string | null | undefined; label: string }) {
  if (pages.pageNumber === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={pages.previous} disabled={pages.pageNumber === 1}>
        Previous page
      </button>
      <span>Page {pages.pageNumber}</span>
      <button type="button" onClick={() => nextCursor && pages.next(nextCursor)} disabled={!nextCursor}>
        Next page
      </button>
    </nav>
  );
}
