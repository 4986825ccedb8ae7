import type { SyncDeps } from './engine/deps';
import { intacctAuthorizationOf } from './engine/oauth-grants';

export interface StartOAuthRequest {
  /** Should the grant be for another company than the links', unlink every record (as PUT's resetLinks). */
  resetLinks?: boolean;
}

/**
 * The first leg of connecting with Sage Intacct (OAuth 2.0): a fresh single-use state and PKCE
 * verifier kept server-side for the tenant, and the authorize URL to send the admin to. Nothing
 * about the current connection changes until the callback.
 */
export async function startIntacctOAuth(
  deps: Pick<SyncDeps, 'intacctAuthorization'>,
  tenantId: string,
  request: StartOAuthRequest,
): Promise<{ authorizeUrl: string }> {
  return intacctAuthorizationOf(deps).start(tenantId, { resetLinks: request.resetLinks === true });
}
