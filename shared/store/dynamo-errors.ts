/** Recognises the DynamoDB failures the adapters turn into answers rather than errors. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConcurrentChange } from '#domain/errors';

const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailedException';

/** True when a conditional write was refused because its condition did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof ConcurrentChange || (error instanceof Error && error.name === CONDITIONAL_CHECK_FAILED);
}

/**
 * Every store client answers a refused condition as the domain's ConcurrentChange (the SDK's error
 * kept as its cause), so nothing outside the store ever needs DynamoDB's error names: an adapter
 * that handles the refusal sees it through isConditionalCheckFailed, and one that does not lets a
 * 409 `concurrent_change` reach the caller instead of a 500.
 */
export function raiseConcurrentChanges(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error && error.name === CONDITIONAL_CHECK_FAILED) throw new ConcurrentChange(error);
        throw error;
      }
    },
    // The initialize step wraps the whole send, retries included: the caller sees one error.
    { step: 'initialize', name: 'raiseConcurrentChanges' },
  );
}

/** Runs a conditional write; answers whether its condition held (any other failure is thrown). */
export async function conditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
