/** Sync runs and their per-record outcomes (spec section 4, Run and Run record). */

export type RunType = 'client_import' | 'user_import' | 'client_sync' | 'user_sync';
export type RunTrigger = 'api' | 'schedule' | 'manual';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'needs_review';
export type RecordOutcome = 'created' | 'updated' | 'unchanged' | 'unlinked' | 'linked' | 'skipped' | 'failed';

export interface RunCounts {
  created: number;
  updated: number;
  unchanged: number;
  unlinked: number;
  skipped: number;
  failed: number;
}

export interface SyncRun {
  id: string;
  tenantId: string;
  type: RunType;
  trigger: RunTrigger;
  dryRun: boolean;
  status: RunStatus;
  /** What the run was asked to do (selection, profile, flags), so a worker can pick it up. */
  request: Record<string, unknown>;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { processed: number; total: number };
  counts: RunCounts;
  error: { code: string; message: string } | null;
  /** Unlinks a `needs_review` run held back (invariant I3), applied by confirm-unlinks. */
  heldUnlinks: HeldUnlink[];
  /** Per-record outcomes stored so far; the next one appended gets this sequence number. */
  recordCount: number;
  createdAt: string;
}

export interface HeldUnlink {
  object: 'customer' | 'employee' | 'department';
  recordNo: string;
  intacctId: string;
  psaId: string;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RunRecord {
  object: 'customer' | 'employee' | 'department';
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
