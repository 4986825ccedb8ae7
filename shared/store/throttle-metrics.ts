/**
 * Counts DynamoDB's refusals for throughput (DynamoDbThrottles, by the table's role). The SDK
 * retries a throttled request on its own, so the adapters never see most throttles: the count
 * sits in the client's middleware stack, inside the retries, and sees every attempt refused.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Telemetry } from '#ports/telemetry';
import type { TableNames } from './tables';

/** The error names DynamoDB (and the SDK for it) refuse a request for throughput with. */
const THROTTLING_ERRORS: ReadonlySet<string> = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/** The role reported for a table the configuration does not name (none should exist). */
const UNKNOWN_TABLE = 'other';

/** True when DynamoDB refused the request for throughput. */
function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}

/** The physical name of the table a command's input addresses (a batch addresses one table here). */
function tableNameOf(input: unknown): string | undefined {
  const fields = (input ?? {}) as { TableName?: unknown; RequestItems?: unknown };
  if (typeof fields.TableName === 'string') return fields.TableName;
  if (typeof fields.RequestItems === 'object' && fields.RequestItems !== null) return Object.keys(fields.RequestItems)[0];
  return undefined;
}

/** Adds the throttle count to `client` (a document client shares its stack, so wrap the client it wraps). */
export function countThrottles(client: DynamoDBClient, tables: TableNames, telemetry: Telemetry): void {
  const roles = new Map<string, string>(Object.entries(tables).map(([role, name]) => [name, role]));
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isThrottling(error)) telemetry.record('dynamoDbThrottles', { table: roles.get(tableNameOf(args.input) ?? '') ?? UNKNOWN_TABLE });
        throw error;
      }
    },
    // The deserialize step runs once per attempt, inside the retry middleware; high priority puts
    // this around the deserializer, which turns the answer into the named error.
    { step: 'deserialize', priority: 'high', name: 'countDynamoDbThrottles' },
  );
}
