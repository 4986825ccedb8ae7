/**
 * `npm start [-- --reset]`: the local runtime on PORT (default 3000) with its data under `.local/`
 * (or LOCAL_DATA_DIR). JSON logs go to stdout; the ready tour goes to stderr. Stops cleanly on
 * SIGINT/SIGTERM; a second signal stops at once.
 */
import { parseArgs } from 'node:util';
import { startLocalRuntime } from './runtime';
import { defaultDataDir, USAGE_EXIT_CODE } from './runtime/entry-points';
import { startupTour } from './runtime/tour';

const USAGE = 'usage: npm start [-- --reset]   (env: PORT, LOCAL_DATA_DIR, SYNC_SCHEDULE, INTACCT_ENDPOINT_URL + INTACCT_SENDER_ID + INTACCT_SENDER_PASSWORD)';
const FAILURE_EXIT_CODE = 1;

function parseFlags(argv: string[]): { reset: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { reset: { type: 'boolean', default: false } }, strict: true });
    return { reset: values.reset === true };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
}

async function main(): Promise<void> {
  const { reset } = parseFlags(process.argv.slice(2));
  const dataDir = defaultDataDir();
  const runtime = await startLocalRuntime({ dataDir, reset });
  process.stderr.write(startupTour(runtime.runtimeInfo, dataDir, process.cwd()));

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(FAILURE_EXIT_CODE);
    stopping = true;
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`local runtime did not stop cleanly: ${(error as Error).message}\n`);
        process.exit(FAILURE_EXIT_CODE);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`local runtime failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(FAILURE_EXIT_CODE);
});
