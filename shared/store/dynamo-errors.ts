/** Recognises the DynamoDB failures the adapters turn into answers rather than errors. */

const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailedException';

/** True when a conditional write was refused because its condition did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === CONDITIONAL_CHECK_FAILED;
}
