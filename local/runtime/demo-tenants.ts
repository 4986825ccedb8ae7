/**
 * The demo tenants every local runtime has: two PSA tenants, each connected to its own Intacct
 * company, with an admin and a collaborator token. The companies' ids and passwords are fixed so
 * a restarted runtime (and `npm run emulator`, whose defaults they match) sees the same data.
 */
import type { EmulatorCompanySeed } from '../emulator';
import { buildHttpApiEvent, type HttpApiEvent, normalizeHttpApiResult } from './api-gateway';
import { issueToken, verifyJwt } from './jwt';
import type { RuntimeLogger } from './logger';

export interface DemoCompany {
  companyId: string;
  userId: string;
  userPassword: string;
}

export interface DemoTenant extends DemoCompany {
  tenantId: string;
}

/** The tenant entry of runtime.json (spec section 6). */
export interface RuntimeTenant extends DemoTenant {
  adminToken: string;
  collaboratorToken: string;
}

const DEMO_USER_ID = 'ws_psa';
const DEMO_CUSTOMERS = 200;
const DEMO_EMPLOYEES = 40;
const DEMO_DEPARTMENTS = 6;
const ADMIN_PROFILE = 'admin';
const COLLABORATOR_PROFILE = 'collaborator';
const HTTP_OK = 200;

const DEMO_NAMES = [
  { tenantId: 'demo-northwind', companyId: 'NORTHWIND', seed: 1 },
  { tenantId: 'demo-fjordvik', companyId: 'FJORDVIK', seed: 2 },
] as const;

/** The two demo tenants with the default credentials of their companies. */
const DEMO_TENANTS: readonly DemoTenant[] = DEMO_NAMES.map(({ tenantId, companyId }) => ({
  tenantId,
  companyId,
  userId: DEMO_USER_ID,
  userPassword: `${companyId.toLowerCase()}-pass`,
}));

/** The emulated companies behind the demo tenants. */
export const DEMO_COMPANY_SEEDS: readonly EmulatorCompanySeed[] = DEMO_NAMES.map(({ companyId, seed }, index) => ({
  companyId,
  userId: DEMO_USER_ID,
  userPassword: DEMO_TENANTS[index]?.userPassword ?? '',
  customers: DEMO_CUSTOMERS,
  employees: DEMO_EMPLOYEES,
  departments: DEMO_DEPARTMENTS,
  seed,
}));

/** The demo tenants with `companies` (another Intacct's credentials) in place of the defaults, in order. */
export function demoTenantsFor(companies: readonly DemoCompany[] | undefined): DemoTenant[] {
  return DEMO_TENANTS.map((tenant, index) => ({ ...tenant, ...(companies?.[index] ?? {}) }));
}

/** Signs the admin and collaborator tokens of each tenant. */
export function withTokens(tenants: readonly DemoTenant[], signingKey: Buffer): RuntimeTenant[] {
  return tenants.map((tenant) => ({
    ...tenant,
    adminToken: issueToken(signingKey, { sub: `${tenant.tenantId}-admin`, tenantId: tenant.tenantId, permissionProfile: ADMIN_PROFILE }),
    collaboratorToken: issueToken(signingKey, {
      sub: `${tenant.tenantId}-collaborator`,
      tenantId: tenant.tenantId,
      permissionProfile: COLLABORATOR_PROFILE,
    }),
  }));
}

export type ApiCaller = (event: HttpApiEvent) => Promise<unknown>;

async function callApi(
  invokeApi: ApiCaller,
  signingKey: Buffer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ statusCode: number; json: unknown }> {
  const verified = verifyJwt(signingKey, token);
  if (!verified.ok) throw new Error(`A demo token failed verification: ${verified.reason}`);
  const event = buildHttpApiEvent({
    method,
    url: path,
    headers: { host: 'localhost', 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? '' : JSON.stringify(body),
    sourceIp: '127.0.0.1',
    claims: verified.claims,
  });
  const result = normalizeHttpApiResult(await invokeApi(event));
  const text = result.body.toString('utf8');
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = text;
  }
  return { statusCode: result.statusCode, json };
}

const errorCodeOf = (json: unknown): string | null => (json as { error?: { code?: string } } | null)?.error?.code ?? null;

/**
 * Connects each tenant to its company through the API (PUT /integrations/intacct), as an admin
 * would; a tenant already connected to that company (a restart) is left as it is. A refusal is
 * logged, not fatal: the runtime still serves the other tenant.
 */
export async function connectDemoTenants(
  tenants: readonly RuntimeTenant[],
  invokeApi: ApiCaller,
  signingKey: Buffer,
  logger: RuntimeLogger,
): Promise<void> {
  for (const tenant of tenants) {
    const status = await callApi(invokeApi, signingKey, tenant.adminToken, 'GET', '/integrations/intacct');
    const current = status.json as { connected?: boolean; companyId?: string | null } | null;
    if (status.statusCode === HTTP_OK && current?.connected === true && current.companyId === tenant.companyId) {
      logger.info('demo tenant already connected', { tenantId: tenant.tenantId, companyId: tenant.companyId });
      continue;
    }
    const connect = await callApi(invokeApi, signingKey, tenant.adminToken, 'PUT', '/integrations/intacct', {
      companyId: tenant.companyId,
      userId: tenant.userId,
      password: tenant.userPassword,
    });
    if (connect.statusCode === HTTP_OK) {
      logger.info('demo tenant connected', { tenantId: tenant.tenantId, companyId: tenant.companyId });
    } else {
      logger.warn('demo tenant could not be connected', {
        tenantId: tenant.tenantId,
        companyId: tenant.companyId,
        status: connect.statusCode,
        code: errorCodeOf(connect.json),
      });
    }
  }
}
