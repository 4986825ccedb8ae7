/** Admin → Resources: the People and Departments tabs, and the team-member import dialog. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useRef, useState } from 'react';
import { must, useApi } from '../api/client';
import { useIsAdmin } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { Pager, useCursorPages } from '../components/Pager';
import { SageBadge } from '../components/SageBadge';
import { Link, navigate, useLocation } from '../router';
import { ImportTeamMembersDialog } from './ImportTeamMembersDialog';

const PAGE_SIZE = 50;
const TABS = [
  { id: 'people', label: 'People' },
  { id: 'departments', label: 'Departments' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function ResourcesPage() {
  const { query } = useLocation();
  const active: TabId = query.get('tab') === 'departments' ? 'departments' : 'people';
  const tabRefs = useRef<Record<TabId, HTMLButtonElement | null>>({ people: null, departments: null });
  const select = (tab: TabId): void => {
    navigate(tab === 'people' ? '/resources' : `/resources?tab=${tab}`, { replace: true });
    tabRefs.current[tab]?.focus();
  };
  // Arrow keys move between tabs, as the ARIA tabs pattern has it.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const index = TABS.findIndex((tab) => tab.id === active);
    const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    select(next.id);
  };

  return (
    <>
      <PageHeading>Resources</PageHeading>
      <div role="tablist" aria-label="Resources" className="tabs" onKeyDown={onKeyDown}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              tabRefs.current[tab.id] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={active === tab.id}
            aria-controls={`panel-${tab.id}`}
            tabIndex={active === tab.id ? 0 : -1}
            onClick={() => select(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the WAI-ARIA tabs pattern makes a tab panel focusable so keyboard users reach its content from the tab list */}
      <div role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`} tabIndex={0}>
        {active === 'people' ? <PeopleTab /> : <DepartmentsTab />}
      </div>
    </>
  );
}

function PeopleTab() {
  const api = useApi();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const pages = useCursorPages();
  const [importing, setImporting] = useState(false);
  const users = useQuery({
    queryKey: ['users', pages.cursor],
    queryFn: () => must(api.GET('/users', { params: { query: { limit: PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })),
  });
  return (
    <>
      {isAdmin ? (
        <div className="page-actions">
          <button type="button" className="primary" onClick={() => setImporting(true)}>
            Import Team Members from Sage Intacct
          </button>
        </div>
      ) : null}
      <ErrorAlert error={users.error} />
      {users.isPending ? <p>Loading team members…</p> : null}
      {users.data && users.data.items.length === 0 && pages.pageNumber === 1 ? <p>No team members yet.</p> : null}
      {users.data && users.data.items.length > 0 ? (
        <table aria-label="People">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Job title</th>
              <th scope="col">Department</th>
              <th scope="col">Permission level</th>
              <th scope="col">Integrations</th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) => {
              const link = user.integrations.intacct;
              return (
                <tr key={user.id}>
                  <td>
                    <Link to={`/users/${encodeURIComponent(user.id)}`}>{`${user.firstName} ${user.lastName}`.trim()}</Link>
                  </td>
                  <td>{user.jobTitle}</td>
                  <td>{user.department?.name ?? ''}</td>
                  <td>{user.permissionProfile}</td>
                  <td>{link ? link.status === 'linked' ? <SageBadge /> : <span className="muted">Unlinked</span> : null}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} nextCursor={users.data?.nextCursor} label="People" />
      {importing ? (
        <ImportTeamMembersDialog
          onClose={() => setImporting(false)}
          onFinished={() => {
            void queryClient.invalidateQueries({ queryKey: ['users'] });
            void queryClient.invalidateQueries({ queryKey: ['departments'] });
          }}
        />
      ) : null}
    </>
  );
}

function DepartmentsTab() {
  const api = useApi();
  const pages = useCursorPages();
  const departments = useQuery({
    queryKey: ['departments', pages.cursor],
    queryFn: () => must(api.GET('/departments', { params: { query: { limit: PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })),
  });
  return (
    <>
      <ErrorAlert error={departments.error} />
      {departments.isPending ? <p>Loading departments…</p> : null}
      {departments.data && departments.data.items.length === 0 && pages.pageNumber === 1 ? (
        <p>No departments yet. They are created when team members are imported with their Sage Intacct departments.</p>
      ) : null}
      {departments.data && departments.data.items.length > 0 ? (
        <table aria-label="Departments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Department ID</th>
              <th scope="col">Integrations</th>
            </tr>
          </thead>
          <tbody>
            {departments.data.items.map((department) => {
              const link = department.integrations.intacct;
              return (
                <tr key={department.id}>
                  <td>{department.name}</td>
                  <td>{link?.departmentId ?? ''}</td>
                  <td>{link ? link.status === 'linked' ? <SageBadge /> : <span className="muted">Unlinked</span> : null}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager pages={pages} nextCursor={departments.data?.nextCursor} label="Departments" />
    </>
  );
}
