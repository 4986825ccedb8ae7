/**
 * The Lambda functions the stack deploys, one per handler file in functions/ (spec section 6),
 * named as the spec names them. The stack, the tests and the README read this one list.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FUNCTION_IDS = ['api', 'client-import', 'user-import', 'daily-sync', 'tenant-sync'] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

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
