/** How values read on screen. */
import type { Run } from './api/client';

const DATE_TIME = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

export function dateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : 'Never';
}

/** A calendar date (YYYY-MM-DD) as it was typed, without a time zone shifting it. */
export function calendarDate(iso: string | null | undefined): string {
  return iso ? DATE.format(new Date(`${iso}T00:00:00Z`)) : '—';
}

export const RUN_TYPES: Record<Run['type'], string> = {
  client_import: 'Client import',
  user_import: 'Team member import',
  client_sync: 'Client sync',
  user_sync: 'Team member sync',
};

export const RUN_TRIGGERS: Record<Run['trigger'], string> = { api: 'By an admin', schedule: 'Nightly', manual: 'Manual' };

export const RUN_STATUSES: Record<Run['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  needs_review: 'Needs review',
};

export const COUNT_NAMES: Record<keyof Run['counts'], string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged',
  unlinked: 'Unlinked',
  skipped: 'Skipped',
  failed: 'Failed',
};

export const isRunActive = (run: Pick<Run, 'status'>): boolean => run.status === 'queued' || run.status === 'running';

/** "Created 3, Unchanged 40" — the counts that are not zero. */
export function countsText(counts: Run['counts']): string {
  const parts = (Object.keys(COUNT_NAMES) as (keyof Run['counts'])[])
    .filter((key) => counts[key] > 0)
    .map((key) => `${COUNT_NAMES[key]} ${counts[key]}`);
  return parts.length > 0 ? parts.join(', ') : 'Nothing to do';
}
