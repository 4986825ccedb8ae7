/**
 * `npm run invoke -- <function> '<json event>'`: runs one handler in this process with that event,
 * as `aws lambda invoke` would, against the running local runtime (found through runtime.json) or
 * an embedded one. The result goes to stdout as JSON; logs and progress go to stderr.
 * Exit codes: 0 result, 1 the handler threw (its error payload is printed), 2 bad usage.
 */
import { FUNCTION_NAMES, type FunctionName, isFunctionName } from './runtime';
import { defaultDataDir, USAGE_EXIT_CODE } from './runtime/entry-points';
import { openInvokeTarget } from './runtime/invoke-target';
import { unhandledErrorPayload } from './runtime/lambda-api';
import { type ProgressWatch, watchRunProgress } from './runtime/progress';

const USAGE = `usage: npm run invoke -- <function> '<json event>'\n  functions: ${FUNCTION_NAMES.join(', ')}`;
const FAILURE_EXIT_CODE = 1;
/** Handler logs below this level stay quiet unless LOG_LEVEL says otherwise. */
const DEFAULT_LOG_LEVEL = 'WARN';
const QUIET_RUNTIME_LEVELS = new Set(['INFO', 'DEBUG']);

// stdout carries the result alone: everything else (handler and runtime logs) is sent to stderr.
const writeResult = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(USAGE_EXIT_CODE);
}

function parseArguments(argv: string[]): { name: FunctionName; event: unknown } {
  const [name, eventText, ...extra] = argv;
  if (!name) usageError('Name the function to invoke.');
  if (!isFunctionName(name)) usageError(`Unknown function '${name}'.`);
  if (extra.length > 0) usageError('Pass the event as one quoted JSON argument.');
  if (eventText === undefined) return { name, event: {} };
  try {
    return { name, event: JSON.parse(eventText) as unknown };
  } catch (error) {
    usageError(`The event is not valid JSON: ${(error as Error).message}`);
  }
}

function tenantIdOf(event: unknown): string | null {
  const record = event as { tenantId?: unknown; detail?: { tenantId?: unknown } } | null;
  const tenantId = record?.tenantId ?? record?.detail?.tenantId;
  return typeof tenantId === 'string' && tenantId !== '' ? tenantId : null;
}

function quietRuntimeLog(line: string): void {
  try {
    if (QUIET_RUNTIME_LEVELS.has((JSON.parse(line) as { level?: string }).level ?? '')) return;
  } catch {
    // Not JSON: show it.
  }
  process.stderr.write(`${line}\n`);
}

function finish(output: unknown, exitCode: number): void {
  writeResult(`${JSON.stringify(output, null, 2)}\n`, () => process.exit(exitCode));
}

async function main(): Promise<void> {
  const { name, event } = parseArguments(process.argv.slice(2));
  const target = await openInvokeTarget(defaultDataDir(), {
    logLevel: process.env.LOG_LEVEL ?? DEFAULT_LOG_LEVEL,
    log: quietRuntimeLog,
  });
  const tenantId = tenantIdOf(event);
  let progress: ProgressWatch | null = null;
  if (tenantId) {
    progress = watchRunProgress({
      dynamodbEndpoint: target.dynamodbEndpoint,
      tableNames: target.tableNames,
      tenantId,
      since: new Date(),
      stream: process.stderr,
    });
  }
  let output: unknown;
  let exitCode = 0;
  try {
    output = await target.invoke(name, event);
  } catch (error) {
    process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    output = unhandledErrorPayload(error);
    exitCode = FAILURE_EXIT_CODE;
  } finally {
    progress?.stop();
  }
  await target.close();
  finish(output ?? null, exitCode);
}

main().catch((error: unknown) => {
  process.stderr.write(`invoke failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(FAILURE_EXIT_CODE);
});
