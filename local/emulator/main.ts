/**
 * CLI: starts the emulator alone and prints one JSON line with its endpoint and credentials.
 *   tsx local/emulator/main.ts --port N [--customers N --employees N --departments N --companies N --seed N]
 *     [--entities N] [--employee-contact-fields contact|personalinfo] [--session-ttl-s N]
 * Runs until SIGINT/SIGTERM. Invalid flags: a message on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_EMPLOYEE_CONTACT_FIELDS } from './contact-fields';
import { startEmulator } from './index';
import type { EmployeeContactFieldMode, EmulatorCompanySeed, EmulatorOptions } from './types';
import { EMPLOYEE_CONTACT_FIELD_MODES } from './types';

const USAGE_EXIT_CODE = 2;
const DEFAULTS = { port: 0, customers: 40, employees: 12, departments: 4, companies: 2, seed: 1, entities: 0 };
const COUNT_FLAGS = ['port', 'customers', 'employees', 'departments', 'companies', 'seed', 'entities'] as const;
type CountFlag = (typeof COUNT_FLAGS)[number];
const CONTACT_FIELDS_FLAG = 'employee-contact-fields';
const SESSION_TTL_FLAG = 'session-ttl-s';
const MAX_PORT = 65535;
const MS_PER_SECOND = 1000;
const DEMO_COMPANY_NAMES = ['NORTHWIND', 'FJORDVIK', 'HARBORPIKE', 'TROMSO'];

const USAGE =
  'usage: npm run emulator -- --port N [--customers N] [--employees N] [--departments N] [--companies N] [--seed N]' +
  ` [--entities N] [--${CONTACT_FIELDS_FLAG} ${EMPLOYEE_CONTACT_FIELD_MODES.join('|')}] [--${SESSION_TTL_FLAG} N]`;

interface Flags {
  counts: Record<CountFlag, number>;
  contactFields: EmployeeContactFieldMode;
  sessionTtlSeconds: number | undefined;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(USAGE_EXIT_CODE);
}

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) fail(`--${flag} must be a whole number, got '${text}'`);
  return Number(text);
}

function parseFlags(argv: string[]): Flags {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries([...COUNT_FLAGS, CONTACT_FIELDS_FLAG, SESSION_TTL_FLAG].map((flag) => [flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    fail((error as Error).message);
  }
  const counts = { ...DEFAULTS };
  for (const flag of COUNT_FLAGS) {
    const text = values[flag];
    if (text !== undefined) counts[flag] = wholeNumber(flag, text);
  }
  if (counts.port > MAX_PORT) fail(`--port must be at most ${MAX_PORT}`);
  if (counts.companies < 1) fail('--companies must be at least 1');
  const contactText = values[CONTACT_FIELDS_FLAG] ?? DEFAULT_EMPLOYEE_CONTACT_FIELDS;
  const contactFields = EMPLOYEE_CONTACT_FIELD_MODES.find((mode) => mode === contactText);
  if (!contactFields) fail(`--${CONTACT_FIELDS_FLAG} must be one of ${EMPLOYEE_CONTACT_FIELD_MODES.join(', ')}, got '${contactText}'`);
  const ttlText = values[SESSION_TTL_FLAG];
  const sessionTtlSeconds = ttlText === undefined ? undefined : wholeNumber(SESSION_TTL_FLAG, ttlText);
  if (sessionTtlSeconds === 0) fail(`--${SESSION_TTL_FLAG} must be at least 1`);
  return { counts, contactFields, sessionTtlSeconds };
}

function companySeeds(counts: Record<CountFlag, number>): EmulatorCompanySeed[] {
  return Array.from({ length: counts.companies }, (_, index) => {
    const companyId = DEMO_COMPANY_NAMES[index] ?? `COMPANY${index + 1}`;
    return {
      companyId,
      userId: 'ws_psa',
      userPassword: `${companyId.toLowerCase()}-pass`,
      customers: counts.customers,
      employees: counts.employees,
      departments: counts.departments,
      seed: counts.seed + index,
      entities: counts.entities,
    };
  });
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const options: EmulatorOptions = {
    port: flags.counts.port,
    companies: companySeeds(flags.counts),
    employeeContactFields: flags.contactFields,
    ...(flags.sessionTtlSeconds === undefined ? {} : { sessionTtlMs: flags.sessionTtlSeconds * MS_PER_SECOND }),
  };
  const emulator = await startEmulator(options);
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
