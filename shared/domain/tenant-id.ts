/**
 * The one rule for tenant ids, used wherever one arrives (token claims, worker events) and wherever
 * one goes (storage keys, secret names): letters, digits, dot, underscore and hyphen, starting with
 * a letter or digit, at most 64 characters. That set fits DynamoDB keys with our `#` separator and
 * AWS Secrets Manager names alike, so no store needs to encode a tenant id.
 */
const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * What a claim that was not a string turns into once a JWT authorizer flattens claims to text:
 * never a tenant.
 */
const FLATTENED_NON_STRINGS = new Set(['null', 'undefined', 'true', 'false', 'NaN']);

export const TENANT_ID_RULE = 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters';

/** Whether `value` is a tenant id. */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value) && !FLATTENED_NON_STRINGS.has(value);
}
