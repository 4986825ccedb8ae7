/**
 * `npm start [-- --reset]`: the local runtime on PORT (default 3000), the admin console on
 * CONSOLE_PORT (default PORT + 1; built first when missing or out of date), with its data under
 * `.local/` (or LOCAL_DATA_DIR). Exit codes: 0 stopped cleanly, 1 failed (to start or to stop), 2 bad usage —
 * an unknown flag, or --reset on a directory that is not a runtime data dir (nothing is touched). JSON logs go to stdout; the ready tour goes to stderr. Stops cleanly on
 * SIGINT/SIGTERM (running work gets a short grace, queued work is saved for the next start); a
 * second, later signal stops at once.
 *
 * package.json runs this file with `node --import tsx`, not the tsx CLI: the CLI relays signals to
 * a child process of its own and SIGKILLs it when it does not acknowledge within milliseconds,
 * which a busy shutdown can miss. With tsx as a loader there is one process to signal.
 */
import { parseArgs } from 'node:util';
import { type LocalRuntime, NotADataDirError, startLocalRuntime } from './runtime';
import { defaultDataDir, USAGE_EXIT_CODE } from './runtime/entry-points';
import { startupTour } from './runtime/tour';

const USAGE =
  'usage: npm start [-- --reset]   (env: PORT, CONSOLE_PORT, LOCAL_DATA_DIR, SYNC_SCHEDULE, LOCAL_FUNCTION_TIMEOUT_S, INTACCT_ENDPOINT_URL + INTACCT_SENDER_ID + INTACCT_SENDER_PASSWORD)';
const FAILURE_EXIT_CODE = 1;
/**
 * Everything this process writes is in the data dir, credentials included: files are created for
 * their owner only (dynalite's LevelDB files too, which it creates with the process's umask).
 */
const PRIVATE_UMASK = 0o077;
/**
 * One stop request can arrive more than once: a kill of the process group (or Ctrl-C in a
 * terminal) reaches this process directly and npm relays the same signal to it again a moment
 * later. Repeats this close together are that echo, not a second request to stop at once.
 */
const SIGNAL_ECHO_MS = 1_000;

function parseFlags(argv: string[]): { reset: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { reset: { type: 'boolean', default: false } }, strict: true });
    return { reset: values.reset === true };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
}

function exitAfter(closing: Promise<void>): void {
  closing.then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`local runtime did not stop cleanly: ${(error as Error).message}\n`);
      process.exit(FAILURE_EXIT_CODE);
    },
  );
}

async function main(): Promise<void> {
  const { reset } = parseFlags(process.argv.slice(2));
  process.umask(PRIVATE_UMASK);
  const dataDir = defaultDataDir();

  // Listening from the start, so a signal during startup still stops cleanly (and releases the
  // data dir lock) once the runtime is up, instead of killing the process half-way.
  let runtime: LocalRuntime | null = null;
  let stopRequestedAt: number | null = null;
  const stop = (): void => {
    const now = Date.now();
    if (stopRequestedAt !== null) {
      if (now - stopRequestedAt < SIGNAL_ECHO_MS) return;
      process.exit(FAILURE_EXIT_CODE);
    }
    stopRequestedAt = now;
    if (runtime) exitAfter(runtime.close());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // A newcomer runs only `npm ci && npm start`: the console is built here when missing or out of date.
  runtime = await startLocalRuntime({ dataDir, reset, console: { build: 'if-stale' } });
  if (stopRequestedAt !== null) return exitAfter(runtime.close());
  process.stderr.write(startupTour(runtime.runtimeInfo, dataDir, process.cwd()));
}

main().catch((error: unknown) => {
  process.stderr.write(`local runtime failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  // --reset pointed at a directory that is not a runtime's: the command was wrong, not the runtime.
  process.exit(error instanceof NotADataDirError ? USAGE_EXIT_CODE : FAILURE_EXIT_CODE);
});
