/** runtime.json (the spec's public description of a running runtime) and runtime-internal.json (what invoke needs). */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { RuntimeTenant } from './demo-tenants';
import type { IntacctEndpoint } from './intacct-target';

/** Exactly the shape of spec section 6, with section 8's consoleUrl. */
export interface RuntimeInfo {
  apiUrl: string;
  /** The admin console, on a loopback origin of its own. */
  consoleUrl: string;
  dynamodbEndpoint: string;
  intacct: IntacctEndpoint;
  tenants: RuntimeTenant[];
}

export interface RuntimeInternalInfo {
  pid: number;
  startedAt: string;
  /**
   * The local AWS endpoint (Lambda Invoke, EventBridge PutEvents) with this start's secret as its
   * path: whoever holds it may invoke any function with any event. It is here and in the
   * functions' environment (LAMBDA_ENDPOINT, EVENTBRIDGE_ENDPOINT), never in runtime.json.
   */
  awsEndpointUrl: string;
  /** The functions' environment, so `npm run invoke` configures handlers exactly like the runtime. */
  environment: Record<string, string>;
}

/** Both files hold credentials and tokens: readable by their owner only. */
const PRIVATE_FILE_MODE = 0o600;

/**
 * Written to a temp file (0600, chmod'ed in case the umask or an old file said otherwise) and
 * renamed into place: a reader never sees half a file, and a file left by an older runtime with
 * looser permissions is replaced, not rewritten in place.
 */
async function writePrivateJson(path: string, value: unknown): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    await chmod(temp, PRIVATE_FILE_MODE);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes runtime.json with exactly the spec's keys, in the spec's order. */
export async function writeRuntimeInfo(path: string, info: RuntimeInfo): Promise<void> {
  const exact: RuntimeInfo = {
    apiUrl: info.apiUrl,
    consoleUrl: info.consoleUrl,
    dynamodbEndpoint: info.dynamodbEndpoint,
    intacct: {
      endpointUrl: info.intacct.endpointUrl,
      senderId: info.intacct.senderId,
      senderPassword: info.intacct.senderPassword,
    },
    tenants: info.tenants.map((tenant) => ({
      tenantId: tenant.tenantId,
      companyId: tenant.companyId,
      userId: tenant.userId,
      userPassword: tenant.userPassword,
      adminToken: tenant.adminToken,
      collaboratorToken: tenant.collaboratorToken,
    })),
  };
  await writePrivateJson(path, exact);
}

/** Writes runtime-internal.json. */
export async function writeRuntimeInternal(path: string, info: RuntimeInternalInfo): Promise<void> {
  await writePrivateJson(path, info);
}

/** Reads a JSON file, or null when it does not exist. */
export async function readJsonFile<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
