/**
 * The Lambda functions the runtime hosts, loaded in this process after the environment is set
 * (each reads its configuration once, at cold start, exactly as on Lambda).
 */
import type { Context } from 'aws-lambda';
import { FUNCTION_IDS, type FunctionId } from '../../infra/function-catalog';

/** The stack's function list, so the local runtime hosts exactly what the cloud deploys. */
export const FUNCTION_NAMES = FUNCTION_IDS;
export type FunctionName = FunctionId;

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;
export type FunctionHandlers = Record<FunctionName, LambdaHandler>;

const LOCAL_ACCOUNT_ID = '000000000000';
const LOCAL_REGION = 'local';
const MEMORY_MB = '1024';

type HandlerModule = { handler?: unknown };

const MODULES: Record<FunctionName, () => Promise<HandlerModule>> = {
  api: () => import('../../functions/api'),
  'client-import': () => import('../../functions/client-import'),
  'user-import': () => import('../../functions/user-import'),
  'daily-sync': () => import('../../functions/daily-sync'),
  'tenant-sync': () => import('../../functions/tenant-sync'),
};

/** Answers whether `name` is one of the hosted functions. */
export function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

/** Module namespaces already configured, with the environment they were configured under. */
const configuredUnder = new WeakMap<object, string>();

function fingerprint(environment: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(environment).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Imports every handler. process.env must already hold `environment`: a module imported earlier
 * under another environment would keep its first configuration, so that is refused loudly.
 */
export async function loadFunctionHandlers(environment: Readonly<Record<string, string>>): Promise<FunctionHandlers> {
  const expected = fingerprint(environment);
  const entries = await Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const module = await MODULES[name]();
      const previous = configuredUnder.get(module);
      if (previous !== undefined && previous !== expected) {
        throw new Error(
          `functions/${name}.ts was already loaded in this process for another local runtime; its configuration is read once. ` +
            'Run one local runtime per process (tests: vi.resetModules() before starting another).',
        );
      }
      configuredUnder.set(module, expected);
      if (typeof module.handler !== 'function') throw new Error(`functions/${name}.ts does not export a handler function.`);
      return [name, module.handler as LambdaHandler] as const;
    }),
  );
  return Object.fromEntries(entries) as FunctionHandlers;
}

/**
 * A Lambda context for one invocation of `functionName`. `remainingMs` is the invocation host's
 * clock (its timeout, shortened while the runtime stops), so a worker reads the same countdown
 * the host enforces.
 */
export function lambdaContext(functionName: FunctionName, requestId: string, remainingMs: () => number): Context {
  const unsupported = (): never => {
    throw new Error('Callback-style completion is not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: MEMORY_MB,
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: remainingMs,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export { LOCAL_ACCOUNT_ID, LOCAL_REGION };
