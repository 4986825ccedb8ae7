/** runtime.json (the spec's public description of a running runtime) and runtime-internal.json (what invoke needs). */
import { readFile, writeFile } from 'node:fs/promises';
import type { IntacctEndpoint } from './intacct-target';
import type { RuntimeTenant } from './demo-tenants';

/** Exactly the shape of spec section 6. */
export interface RuntimeInfo {
  apiUrl: string;
  dynamodbEndpoint: string;
  intacct: IntacctEndpoint;
  tenants: RuntimeTenant[];
}

export interface RuntimeInternalInfo {
  pid: number;
  startedAt: string;
  /** The functions' environment, so `npm run invoke` configures handlers exactly like the runtime. */
  environment: Record<string, string>;
}

/** Both files hold credentials and tokens: readable by their owner only. */
const PRIVATE_FILE_MODE = 0o600;

async function writePrivateJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
}

/** Writes runtime.json with exactly the spec's keys, in the spec's order. */
export async function writeRuntimeInfo(path: string, info: RuntimeInfo): Promise<void> {
  const exact: RuntimeInfo = {
    apiUrl: info.apiUrl,
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
