import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevelName } from '../config';

/** The service name every log line carries. */
export const SERVICE_NAME = 'psa-intacct-sync';

/**
 * The JSON logger of every function. Callers add `tenantId`, `runId` and `requestId` keys;
 * nothing may log bodies, headers, passwords or tokens.
 */
export function createLogger(logLevel: LogLevelName = 'INFO'): Logger {
  return new Logger({ serviceName: SERVICE_NAME, logLevel });
}

export type { Logger };
