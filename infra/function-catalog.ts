/**
 * The Lambda functions the stack deploys, one per handler file in functions/ (spec section 6),
 * named as the spec names them. The stack, the tests and the README read this one list.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FUNCTION_IDS = ['api', 'client-import', 'user-import', 'daily-sync', 'tenant-sync'] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

/**
 * Each function's timeout in seconds. The stack deploys these and the local runtime enforces the
 * same ones, so this file stays free of CDK imports: local/runtime/ loads it without aws-cdk-lib.
 */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<FunctionId, number>> = {
  // API Gateway answers 503 after 30 s; the function must give up first.
  api: 29,
  // The Lambda maximum: an import or sync of a large company pages through thousands of records.
  'client-import': 900,
  'user-import': 900,
  'tenant-sync': 900,
  // The nightly fan-out only walks the connected-tenants index and puts one event per tenant.
  'daily-sync': 300,
};

/** The repository root, found from this file so synth works from any working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The name every handler file exports (`export const handler`). */
export const HANDLER_EXPORT = 'handler';

/** The entry file of a function in functions/. */
export function functionEntry(id: FunctionId): string {
  return path.join(PROJECT_ROOT, 'functions', `${id}.ts`);
}

/** The physical function name: fixed, so functions can name one another without a CloudFormation cycle. */
export function functionName(resourcePrefix: string, id: FunctionId): string {
  return `${resourcePrefix}-${id}`;
}
