/**
 * Progress of the runs an invocation works on, read from the runs store while it runs: a bar on a
 * terminal, a plain line now and then otherwise. Quiet for runs that finish quickly.
 */

import type { SyncRun } from '#domain/runs';
import { createDynamoClient, createStores, documentClientFor } from '#store/dynamo-client';
import type { TableNames } from '#store/tables';

const POLL_INTERVAL_MS = 500;
/** Runs shorter than this show nothing. */
const QUIET_PERIOD_MS = 1_000;
/** Without a terminal, one line per this many milliseconds. */
const PLAIN_LINE_INTERVAL_MS = 5_000;
const BAR_WIDTH = 30;
const RECENT_RUNS = 10;
/** Runs created slightly before the invocation started still belong to it (clock granularity). */
const START_SLACK_MS = 1_000;
const PERCENT = 100;

export interface ProgressWatchOptions {
  dynamodbEndpoint: string;
  tableNames: TableNames;
  tenantId: string;
  /** The invocation's start; older runs are not shown. */
  since: Date;
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Overrides of the display timings (tests). */
  timings?: Partial<ProgressTimings>;
}

interface ProgressTimings {
  pollIntervalMs: number;
  quietPeriodMs: number;
  plainLineIntervalMs: number;
}

const DEFAULT_TIMINGS: ProgressTimings = {
  pollIntervalMs: POLL_INTERVAL_MS,
  quietPeriodMs: QUIET_PERIOD_MS,
  plainLineIntervalMs: PLAIN_LINE_INTERVAL_MS,
};

export interface ProgressWatch {
  stop(): void;
}

function describe(run: SyncRun, bar: boolean): string {
  const { processed, total } = run.progress;
  const share = total > 0 ? Math.min(processed / total, 1) : 0;
  const counts = total > 0 ? `${processed}/${total}` : `${processed}`;
  if (!bar) return `progress: ${run.type} ${run.id} ${counts} (${Math.round(share * PERCENT)}%)\n`;
  const filled = Math.round(share * BAR_WIDTH);
  return `\r\x1b[K${run.type} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${counts}`;
}

/** Polls the tenant's newest runs and reports the one in progress on `stream` until stopped. */
export function watchRunProgress(options: ProgressWatchOptions): ProgressWatch {
  const raw = createDynamoClient({ endpoint: options.dynamodbEndpoint });
  const runs = createStores(documentClientFor(raw), options.tableNames).runs;
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const bar = options.stream.isTTY === true;
  const since = options.since.getTime() - START_SLACK_MS;
  let lastPlainLine = 0;
  let drewBar = false;
  let stopped = false;

  const poll = async (): Promise<void> => {
    const page = await runs.list(options.tenantId, { limit: RECENT_RUNS });
    const active = page.items.find((run) => Date.parse(run.createdAt) >= since && (run.status === 'running' || run.status === 'queued'));
    if (!active || stopped || Date.now() - options.since.getTime() < timings.quietPeriodMs) return;
    if (bar) {
      options.stream.write(describe(active, true));
      drewBar = true;
    } else if (Date.now() - lastPlainLine >= timings.plainLineIntervalMs) {
      options.stream.write(describe(active, false));
      lastPlainLine = Date.now();
    }
  };

  const timer = setInterval(() => {
    // A failed poll only costs one update of the display.
    poll().catch(() => undefined);
  }, timings.pollIntervalMs);
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      if (drewBar) options.stream.write('\r\x1b[K');
      raw.destroy();
    },
  };
}
