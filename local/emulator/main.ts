/**
 * CLI: starts the emulator alone and prints one JSON line with its endpoint and credentials.
 *   tsx local/emulator/main.ts --port N [--customers N --employees N --departments N --companies N --seed N]
 * Runs until SIGINT/SIGTERM. Invalid flags: a message on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './index';
import type { EmulatorCompanySeed } from './types';

const USAGE_EXIT_CODE = 2;
const DEFAULTS = { port: 0, customers: 40, employees: 12, departments: 4, companies: 2, seed: 1 };
const COUNT_FLAGS = ['port', 'customers', 'employees', 'departments', 'companies', 'seed'] as const;
type CountFlag = (typeof COUNT_FLAGS)[number];
const MAX_PORT = 65535;
const DEMO_COMPANY_NAMES = ['NORTHWIND', 'FJORDVIK', 'HARBORPIKE', 'TROMSO'];

const USAGE =
  'usage: npm run emulator -- --port N [--customers N] [--employees N] [--departments N] [--companies N] [--seed N]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(USAGE_EXIT_CODE);
}

function parseFlags(argv: string[]): Record<CountFlag, number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries(COUNT_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    fail((error as Error).message);
  }
  const result = { ...DEFAULTS };
  for (const flag of COUNT_FLAGS) {
    const text = values[flag];
    if (text === undefined) continue;
    if (!/^\d+$/.test(text)) fail(`--${flag} must be a whole number, got '${text}'`);
    result[flag] = Number(text);
  }
  if (result.port > MAX_PORT) fail(`--port must be at most ${MAX_PORT}`);
  if (result.companies < 1) fail('--companies must be at least 1');
  return result;
}

function companySeeds(flags: Record<CountFlag, number>): EmulatorCompanySeed[] {
  return Array.from({ length: flags.companies }, (_, index) => {
    const companyId = DEMO_COMPANY_NAMES[index] ?? `COMPANY${index + 1}`;
    return {
      companyId,
      userId: 'ws_psa',
      userPassword: `${companyId.toLowerCase()}-pass`,
      customers: flags.customers,
      employees: flags.employees,
      departments: flags.departments,
      seed: flags.seed + index,
    };
  });
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const emulator = await startEmulator({ port: flags.port, companies: companySeeds(flags) });
  const { endpointUrl, senderId, senderPassword, companies } = emulator;
  process.stdout.write(`${JSON.stringify({ endpointUrl, senderId, senderPassword, companies })}\n`);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
