/** A team member's profile: email and invitation, fields from Intacct, and the Integrations region. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { must, type User, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { IntegrationsRegion } from '../components/IntegrationsRegion';
import { PageHeading } from '../components/PageHeading';
import { RelinkDialog } from '../components/RelinkDialog';
import { calendarDate } from '../format';

export function UserProfilePage({ userId }: { userId: string }) {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [relinking, setRelinking] = useState(false);
  const user = useQuery({
    queryKey: ['users', 'one', userId],
    queryFn: () => must(api.GET('/users/{id}', { params: { path: { id: userId } } })),
  });
  const refresh = (): Promise<void> => queryClient.invalidateQueries({ queryKey: ['users'] });

  if (user.error) return <ErrorAlert error={user.error} />;
  if (!user.data) return <p>Loading…</p>;
  const data = user.data;
  const link = data.integrations.intacct;

  return (
    <>
      <PageHeading>{`${data.firstName} ${data.lastName}`.trim()}</PageHeading>
      <section className="panel" aria-label="Contact">
        {isAdmin ? <EmailForm user={data} onSaved={refresh} /> : <p>Email: {data.email || 'none yet'}</p>}
        <Invitation user={data} canInvite={isAdmin} onInvited={refresh} />
      </section>
      <dl className="fields panel">
        <div>
          <dt>Job title</dt>
          <dd>{data.jobTitle || '—'}</dd>
        </div>
        <div>
          <dt>Department</dt>
          <dd>{data.department?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>Start date</dt>
          <dd>{calendarDate(data.startDate)}</dd>
        </div>
        <div>
          <dt>Permission level</dt>
          <dd>{data.permissionProfile}</dd>
        </div>
      </dl>
      <IntegrationsRegion
        link={link}
        intacctId={link?.employeeId}
        idLabel="Employee ID"
        relink={
          isAdmin ? (
            <button type="button" onClick={() => setRelinking(true)}>
              Re-link to Sage Intacct
            </button>
          ) : null
        }
      />
      {relinking ? (
        <RelinkDialog
          queryKey="intacct-employees"
          listPage={async (search, limit) => {
            const page = await must(api.GET('/intacct/employees', { params: { query: { limit, ...(search ? { search } : {}) } } }));
            return page.items.map((employee) => ({
              id: employee.employeeId,
              label: `${employee.firstName} ${employee.lastName}`.trim(),
              imported: employee.import.state === 'imported',
              detail: [employee.employeeId, employee.title, employee.departmentName].filter(Boolean).join(' · '),
            }));
          }}
          link={async (employeeId) => {
            await must(api.POST('/users/{id}/link', { params: { path: { id: userId } }, body: { employeeId } }));
            await refresh();
          }}
          onClose={() => setRelinking(false)}
        />
      ) : null}
    </>
  );
}

function EmailForm({ user, onSaved }: { user: User; onSaved: () => Promise<void> }) {
  const api = useApi();
  const [email, setEmail] = useState(user.email);
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setEmail(user.email), [user.email]);
  const save = async (): Promise<void> => {
    setFailure(null);
    setSaved(false);
    try {
      await must(api.PATCH('/users/{id}', { params: { path: { id: user.id } }, body: { email: email.trim() } }));
      await onSaved();
      setSaved(true);
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label className="field">
        <span>Email</span>
        <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />
      </label>
      <button type="submit">Save</button>
      <span aria-live="polite" className="hint">
        {saved ? 'Saved.' : ''}
      </span>
      <ErrorAlert error={failure} />
    </form>
  );
}

function Invitation({ user, canInvite, onInvited }: { user: User; canInvite: boolean; onInvited: () => Promise<void> }) {
  const api = useApi();
  const [failure, setFailure] = useState<unknown>(null);
  if (user.invitationStatus === 'invited') return <p className="status-ok">Invited</p>;
  if (!canInvite) return <p>Not invited yet.</p>;
  const noEmail = user.email.trim() === '';
  const invite = async (): Promise<void> => {
    setFailure(null);
    try {
      await must(api.POST('/users/{id}/invite', { params: { path: { id: user.id } } }));
      await onInvited();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <div className="inline-form">
      <button type="button" onClick={() => void invite()} disabled={noEmail} aria-describedby={noEmail ? 'invite-hint' : undefined}>
        Invite
      </button>
      {noEmail ? (
        <span id="invite-hint" className="hint">
          Add an email address first: the invitation is sent to it.
        </span>
      ) : null}
      <ErrorAlert error={failure} />
    </div>
  );
}
