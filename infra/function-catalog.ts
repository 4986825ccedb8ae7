/**
 * The Lambda functions: one handler file per entry in functions/ (spec section 6), and what the
 * stack deploys of them. The api handler is deployed once per route group (shared/http/route-groups.ts),
 * as `api-read` and `api-admin`, each with only its group's grants; every other handler once.
 * The stack, the tests, the local runtime and the README read these lists.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiRouteGroup } from '#http/route-groups';

/** The handler files in functions/; the local runtime hosts each of them once. */
export const FUNCTION_IDS = ['api', 'client-import', 'user-import', 'daily-sync', 'tenant-sync'] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

/** The deployments of functions/api.ts, by route group. */
export const API_FUNCTION_IDS = { read: 'api-read', admin: 'api-admin' } as const satisfies Record<ApiRouteGroup, `api-${ApiRouteGroup}`>;
export type ApiFunctionId = (typeof API_FUNCTION_IDS)[ApiRouteGroup];

/** The other handlers, deployed once each under their own name. */
const WORKER_FUNCTION_IDS = ['client-import', 'user-import', 'daily-sync', 'tenant-sync'] as const satisfies readonly FunctionId[];
export type WorkerFunctionId = (typeof WORKER_FUNCTION_IDS)[number];

/** Every function the stack deploys, named `<prefix>-<id>`. */
export type DeployedFunctionId = ApiFunctionId | WorkerFunctionId;
export const DEPLOYED_FUNCTION_IDS: readonly DeployedFunctionId[] = [...Object.values(API_FUNCTION_IDS), ...WORKER_FUNCTION_IDS];

/** Whether `id` is a deployment of the api handler. */
export function isApiFunction(id: DeployedFunctionId): id is ApiFunctionId {
  return (Object.values(API_FUNCTION_IDS) as readonly string[]).includes(id);
}

/** The handler file a deployed function runs. */
export function handlerOf(id: DeployedFunctionId): FunctionId {
  return isApiFunction(id) ? 'api' : id;
}

/**
 * Each handler's timeout in seconds, for every function that runs it. The stack deploys these and
 * the local runtime enforces the same ones, so this file stays free of CDK imports: local/runtime/
 * loads it without aws-cdk-lib.
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

/** The entry file of a handler in functions/. */
export function functionEntry(id: FunctionId): string {
  return path.join(PROJECT_ROOT, 'functions', `${id}.ts`);
}

/** The physical function name: fixed, so functions can name one another without a CloudFormation cycle. */
export function functionName(resourcePrefix: string, id: DeployedFunctionId): string {
  return `${resourcePrefix}-${id}`;
}
