/** Sync runs and their per-record outcomes (spec section 4, Run and Run record). */
import type { IntacctObject, PermissionProfile } from './entities';
import { PERMISSION_PROFILES } from './entities';

export const RUN_TYPES = ['client_import', 'user_import', 'client_sync', 'user_sync'] as const;
export type RunType = (typeof RUN_TYPES)[number];

export const RUN_TRIGGERS = ['api', 'schedule', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'needs_review'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run in one of these has (or waits for) a worker; every other status is where a run rests. */
export const ACTIVE_RUN_STATUSES = ['queued', 'running'] as const satisfies readonly RunStatus[];

export const RECORD_OUTCOMES = ['created', 'updated', 'unchanged', 'unlinked', 'linked', 'skipped', 'failed'] as const;
type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

export const INTACCT_OBJECTS = ['customer', 'employee', 'department'] as const satisfies readonly IntacctObject[];

/** The object families a tenant's runs are exclusive within: imports and syncs of one never overlap. */
export const RUN_FAMILIES = ['clients', 'users'] as const;
export type RunFamily = (typeof RUN_FAMILIES)[number];

export const FAMILY_OF_RUN: Readonly<Record<RunType, RunFamily>> = {
  client_import: 'clients',
  client_sync: 'clients',
  user_import: 'users',
  user_sync: 'users',
};

/** The family whose lease guards writes to links of `object` (departments belong to users' runs). */
export const FAMILY_OF_OBJECT: Readonly<Record<IntacctObject, RunFamily>> = {
  customer: 'clients',
  employee: 'users',
  department: 'users',
};

export const isSyncRun = (type: RunType): boolean => type === 'client_sync' || type === 'user_sync';
export const isActiveStatus = (status: RunStatus): boolean => (ACTIVE_RUN_STATUSES as readonly RunStatus[]).includes(status);

export interface RunCounts {
  created: number;
  updated: number;
  unchanged: number;
  unlinked: number;
  skipped: number;
  failed: number;
}

/** What a run was asked to do, one shape per run type; stored with the run and parsed back. */
export type RunRequest =
  | { type: 'client_import'; customerIds: string[] | null; linkMatches: boolean }
  | { type: 'user_import'; employeeIds: string[]; permissionProfile: PermissionProfile; assignDepartments: boolean }
  /** `resetLinks`: unlink every linked record instead (the tenant connected another Intacct company). */
  | { type: 'client_sync'; resetLinks: boolean }
  | { type: 'user_sync'; resetLinks: boolean };

/** The steps a run takes in order; a checkpoint names the step it is in. */
export type RunStep =
  /** Import the selected (or all) Intacct records of `object`. */
  | { do: 'import'; object: IntacctObject }
  /** Report selected ids Intacct does not know. */
  | { do: 'report_missing'; object: IntacctObject }
  /** Merge the listing of `object` with its links: refresh linked records, collect unlink candidates. */
  | { do: 'merge'; object: IntacctObject }
  /** Unlink the candidates of `object`, or hold them all for review (I3). */
  | { do: 'unlink'; object: IntacctObject }
  /** Stop for review while unlinks are held; once an admin confirms, apply them. */
  | { do: 'confirm' }
  /** Unlink every linked record of `object`, keeping the records (after a change of Intacct company). */
  | { do: 'unlink_all'; object: IntacctObject };

/**
 * Where a run stands, saved with its counts at every safe point, so a run stopped by a deadline,
 * a crash or a redelivery continues from there instead of starting over.
 */
export interface RunCheckpoint {
  /** Index into the run's steps. */
  step: number;
  /** Last Intacct RECORDNO fully processed in the current listing step; null before the first. */
  afterRecordNo: string | null;
  /** Records per Intacct request; halved when a page could not be fetched within an invocation. */
  pageSize: number;
  /** Time one record of work has taken (ms), measured by earlier invocations: it sizes their chunks. */
  msPerRecord: number;
  /** Linked records the current merge found still in Intacct (the mass-unlink guard's base). */
  stillLinked: number;
  /** Unlink candidates the current merge stored. */
  candidates: number;
  /** In an unlink step, once decided: unlink the candidates, or hold them all for review (I3). */
  unlinkMode: 'apply' | 'hold' | null;
  /** In an unlink or confirm step: the RECORDNO of the last candidate done (per object while confirming). */
  candidateCursor: string | null;
  /** Objects whose unlinks are held for review; while confirming, those still to do. */
  heldObjects: IntacctObject[];
  /** An admin confirmed the held unlinks. */
  confirmed: boolean;
  /** Invocations of a worker that took this run up so far. */
  invocations: number;
  /** Time (ms) the invocations of late have spent without progress (Intacct out of reach or too slow). */
  stalledMs: number;
}

export interface SyncRun {
  id: string;
  tenantId: string;
  type: RunType;
  trigger: RunTrigger;
  dryRun: boolean;
  status: RunStatus;
  request: RunRequest;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { processed: number; total: number };
  counts: RunCounts;
  error: { code: string; message: string } | null;
  /** Unlinks a `needs_review` run held back (invariant I3); each is an item of its own. */
  heldCount: number;
  /** Per-record outcomes stored so far; the next one appended gets this sequence number. */
  recordCount: number;
  /** Null until a worker first saves progress; then where to continue. */
  checkpoint: RunCheckpoint | null;
  /** The worker invocation executing the run now, or last; null while queued. */
  execution: string | null;
  createdAt: string;
}

/** A link whose Intacct record is gone: unlinked by the run, or held for an admin to confirm. */
export interface HeldUnlink {
  object: IntacctObject;
  recordNo: string;
  intacctId: string;
  psaId: string;
  /** When the link was made (it names the unlink event). */
  createdAt: string;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RunRecord {
  object: IntacctObject;
  intacctId: string;
  recordNo: string;
  psaId: string | null;
  outcome: RecordOutcome;
  changes: FieldChange[];
  warnings: string[];
  error: { code: string; message: string } | null;
}

export const emptyCounts = (): RunCounts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  unlinked: 0,
  skipped: 0,
  failed: 0,
});

/** Intacct's largest page; a checkpoint starts here. */
export const DEFAULT_PAGE_SIZE = 2000;
/** Below this a page is not worth a request; a deadline this tight cannot be met by shrinking pages. */
export const MIN_PAGE_SIZE = 50;

export const initialCheckpoint = (): RunCheckpoint => ({
  step: 0,
  afterRecordNo: null,
  pageSize: DEFAULT_PAGE_SIZE,
  msPerRecord: 0,
  stillLinked: 0,
  candidates: 0,
  unlinkMode: null,
  candidateCursor: null,
  heldObjects: [],
  confirmed: false,
  invocations: 0,
  stalledMs: 0,
});

/** The steps of a run of `request`'s type, in order. */
export function stepsOf(request: RunRequest): RunStep[] {
  switch (request.type) {
    case 'client_import':
      return request.customerIds === null
        ? [{ do: 'import', object: 'customer' }]
        : [
            { do: 'import', object: 'customer' },
            { do: 'report_missing', object: 'customer' },
          ];
    case 'user_import':
      return [
        { do: 'import', object: 'employee' },
        { do: 'report_missing', object: 'employee' },
      ];
    case 'client_sync':
      if (request.resetLinks) return [{ do: 'unlink_all', object: 'customer' }];
      return [{ do: 'merge', object: 'customer' }, { do: 'unlink', object: 'customer' }, { do: 'confirm' }];
    case 'user_sync':
      if (request.resetLinks) {
        return [
          { do: 'unlink_all', object: 'employee' },
          { do: 'unlink_all', object: 'department' },
        ];
      }
      return [
        { do: 'merge', object: 'department' },
        { do: 'unlink', object: 'department' },
        { do: 'merge', object: 'employee' },
        { do: 'unlink', object: 'employee' },
        { do: 'confirm' },
      ];
  }
}

/** A stored request that does not have its run type's shape. */
class MalformedRunRequest extends Error {
  override name = 'MalformedRunRequest';
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Reads a stored request back into its typed shape; throws MalformedRunRequest when it does not fit. */
export function parseRunRequest(type: RunType, raw: Record<string, unknown>): RunRequest {
  const fail = (why: string): never => {
    throw new MalformedRunRequest(`Stored ${type} request ${why}.`);
  };
  switch (type) {
    case 'client_import': {
      const ids = raw.customerIds ?? null;
      if (ids !== null && !isStringArray(ids)) fail('has customerIds that are not a list of ids');
      return { type, customerIds: ids as string[] | null, linkMatches: raw.linkMatches === true };
    }
    case 'user_import': {
      if (!isStringArray(raw.employeeIds)) fail('has employeeIds that are not a list of ids');
      const profile = raw.permissionProfile;
      if (!(PERMISSION_PROFILES as readonly unknown[]).includes(profile)) fail('has no known permissionProfile');
      return {
        type,
        employeeIds: raw.employeeIds as string[],
        permissionProfile: profile as PermissionProfile,
        assignDepartments: raw.assignDepartments === true,
      };
    }
    case 'client_sync':
    case 'user_sync':
      return { type, resetLinks: raw.resetLinks === true };
  }
}
