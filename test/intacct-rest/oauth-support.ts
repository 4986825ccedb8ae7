/**
 * Test helpers for the OAuth client: approve an authorize URL on the emulator's consent page (as
 * the admin's browser would) and read the callback's code and state.
 */
import type { RunningEmulator } from '../../local/emulator/index';
import { decideAtIntacct } from '../support/intacct-consent';

export const COMPANY = {
  companyId: 'NORTHWIND',
  userId: 'ws_north',
  userPassword: 'north-pass',
  customers: 3,
  employees: 2,
  departments: 1,
  seed: 7,
};
const CUSTOMER_QUERY = { object: 'accounts-receivable/customer', fields: ['key', 'id'] };

/** Approves `authorizeUrl` on the consent page with the demo sign-in and answers the callback's parameters. */
export async function approve(authorizeUrl: string): Promise<{ code: string; state: string }> {
  const location = await decideAtIntacct(authorizeUrl, { companyId: COMPANY.companyId, userId: COMPANY.userId, password: COMPANY.userPassword });
  const code = location.searchParams.get('code');
  const state = location.searchParams.get('state');
  if (code === null || state === null) throw new Error(`no code: ${location.search}`);
  return { code, state };
}

/** POSTs a query to the REST API with `accessToken`; answers the status. */
export async function queryStatus(emulator: RunningEmulator, accessToken: string): Promise<number> {
  const response = await fetch(`${emulator.restBaseUrl}/services/core/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(CUSTOMER_QUERY),
  });
  await response.body?.cancel();
  return response.status;
}
