/** The profile's "Integrations" region: the Sage mark and status of a link, and Re-link when it is unlinked. */
import type { ReactNode } from 'react';
import { dateTime } from '../format';
import { SageBadge } from './SageBadge';

interface Link {
  status: 'linked' | 'unlinked';
  recordNo: string;
  intacctStatus: 'active' | 'inactive';
  lastSyncedAt: string | null;
  entityId: string | null;
  entityName: string | null;
}

export function IntegrationsRegion({
  link,
  intacctId,
  idLabel,
  relink,
}: {
  link: Link | undefined;
  intacctId: string | undefined;
  idLabel: string;
  relink: ReactNode;
}) {
  return (
    <section aria-labelledby="integrations-heading" className="panel">
      <h2 id="integrations-heading">Integrations</h2>
      {link ? (
        <dl className="fields">
          <div>
            <dt>Sage Intacct</dt>
            <dd>
              {link.status === 'linked' ? (
                <>
                  <SageBadge /> Linked
                </>
              ) : (
                'Unlinked'
              )}
            </dd>
          </div>
          <div>
            <dt>{idLabel}</dt>
            <dd>{intacctId}</dd>
          </div>
          {link.entityId ? (
            <div>
              <dt>Entity</dt>
              <dd>{link.entityName ? `${link.entityName} (${link.entityId})` : link.entityId}</dd>
            </div>
          ) : null}
          <div>
            <dt>Status in Sage Intacct</dt>
            <dd>{link.intacctStatus === 'active' ? 'Active' : 'Inactive'}</dd>
          </div>
          <div>
            <dt>Last sync</dt>
            <dd>{dateTime(link.lastSyncedAt)}</dd>
          </div>
        </dl>
      ) : (
        <p>Not linked to Sage Intacct.</p>
      )}
      {!link || link.status === 'unlinked' ? relink : null}
    </section>
  );
}
