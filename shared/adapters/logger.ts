import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import type { LogLevelName } from '#config';

/** The service name every log line carries. */
export const SERVICE_NAME = 'psa-intacct-sync';

/**
 * The JSON logger of every function. The middy stacks add the Lambda context and a correlation
 * id (found in the event by `search`); callers add `tenantId` and `runId` keys. Nothing may log
 * bodies, headers, passwords or tokens.
 */
export function createLogger(logLevel: LogLevelName = 'INFO'): Logger {
  return new Logger({ serviceName: SERVICE_NAME, logLevel, correlationIdSearchFn: search });
}

export type { Logger };
