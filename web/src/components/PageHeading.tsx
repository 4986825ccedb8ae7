import { type ReactNode, useEffect } from 'react';

/** The page's h1, also the document title, so each page is announced and findable by name. */
export function PageHeading({ children, actions }: { children: string; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${children} · PSA admin`;
  }, [children]);
  return (
    <div className="page-heading">
      <h1>{children}</h1>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}
