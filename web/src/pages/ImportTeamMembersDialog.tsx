/** "Import Team Members from Sage Intacct": employees into users, one permission level per import. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Api, type EmployeeChoice, must, type PermissionProfile, useApi } from '../api/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { type Choice, IMPORT_PAGE_SIZE, ImportDialog, type Selection } from '../components/ImportDialog';

const RESOLVE_PAGE_SIZE = 200;
/** The least a new team member may do, unless the admin chooses otherwise. */
const DEFAULT_PROFILE: PermissionProfile['id'] = 'collaborator';

const fullName = (employee: EmployeeChoice): string => `${employee.firstName} ${employee.lastName}`.trim();

function employeeChoice(employee: EmployeeChoice): Choice {
  const parts = [
    employee.employeeId,
    employee.title,
    employee.departmentName ?? employee.departmentId,
    employee.entityName ?? employee.entityId,
    employee.status === 'inactive' ? 'inactive in Sage Intacct' : null,
  ].filter(Boolean);
  return { id: employee.employeeId, label: fullName(employee), imported: employee.import.state === 'imported', detail: parts.join(' · ') };
}

async function idsMatching(api: Api, search: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: { limit: number; search?: string; cursor?: string } = {
      limit: RESOLVE_PAGE_SIZE,
      ...(search ? { search } : {}),
      ...(cursor ? { cursor } : {}),
    };
    const page = await must(api.GET('/intacct/employees', { params: { query } }));
    ids.push(...page.items.filter((item) => item.import.state === 'not_imported').map((item) => item.employeeId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export function ImportTeamMembersDialog({ onClose, onFinished }: { onClose: () => void; onFinished: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [profile, setProfile] = useState<PermissionProfile['id']>(DEFAULT_PROFILE);
  const [assignDepartments, setAssignDepartments] = useState(true);
  const profiles = useQuery({ queryKey: ['permission-profiles'], queryFn: () => must(api.GET('/permission-profiles')) });

  const start = async (selection: Selection, dryRun: boolean): Promise<string> => {
    const employeeIds = selection.kind === 'ids' ? selection.ids : await idsMatching(api, selection.search);
    const accepted = await must(api.POST('/users/import', { body: { employeeIds, permissionProfile: profile, assignDepartments, dryRun } }));
    return accepted.runId;
  };

  return (
    <ImportDialog
      title="Import Team Members from Sage Intacct"
      noun="employees"
      queryKey="intacct-employees"
      listPage={async (search, cursor) => {
        const query: { limit: number; search?: string; cursor?: string } = {
          limit: IMPORT_PAGE_SIZE,
          ...(search ? { search } : {}),
          ...(cursor ? { cursor } : {}),
        };
        const page = await must(api.GET('/intacct/employees', { params: { query } }));
        return { items: page.items.map(employeeChoice), nextCursor: page.nextCursor };
      }}
      options={
        <>
          <label className="field">
            <span>Permission level</span>
            <select value={profile} onChange={(event) => setProfile(event.target.value as PermissionProfile['id'])}>
              {(profiles.data?.items ?? [{ id: DEFAULT_PROFILE, name: 'Collaborator' }]).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          </label>
          <ErrorAlert error={profiles.error} />
          <label className="check">
            <input type="checkbox" checked={assignDepartments} onChange={(event) => setAssignDepartments(event.target.checked)} />
            <span>Assign imported team members to their Sage Intacct departments</span>
          </label>
        </>
      }
      submitLabel="Import Selected Team Members"
      start={start}
      onClose={onClose}
      onFinished={() => {
        void queryClient.invalidateQueries({ queryKey: ['intacct-employees'] });
        onFinished();
      }}
    />
  );
}
