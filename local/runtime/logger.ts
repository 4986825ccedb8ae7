/** One JSON line per event on stdout (or wherever the caller sends lines); never a secret. */

type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface RuntimeLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const SERVICE = 'local-runtime';

/** Writes each line with a trailing newline to stdout. */
export const writeToStdout = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** A logger that formats `{ time, level, service, message, ...fields }` and hands each line to `write`. */
export function createRuntimeLogger(write: (line: string) => void = writeToStdout): RuntimeLogger {
  const emit = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    write(JSON.stringify({ time: new Date().toISOString(), level, service: SERVICE, message, ...fields }));
  };
  return {
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARN', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
  };
}

/** The message of anything thrown, for a log line (never a stack with request data). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
