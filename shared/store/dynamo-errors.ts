/** Recognises the DynamoDB failures the adapters turn into answers rather than errors. */

const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailedException';

/** True when a conditional write was refused because its condition did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === CONDITIONAL_CHECK_FAILED;
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
