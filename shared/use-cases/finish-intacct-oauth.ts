import { IntacctFailure, PreconditionFailed } from '#domain/errors';
import type { CallOptions } from '#ports/intacct-source';
import { type Connected, type NextConnection, switchConnection } from './engine/connection-switch';
import type { SyncDeps } from './engine/deps';
import { intacctAuthorizationOf } from './engine/oauth-grants';

/** Sage Intacct's redirect back (RFC 6749 §4.1.2): a code, or an error, with the state sent. */
export interface OAuthCallback {
  state: string;
  code?: string;
  error?: string;
}

/** RFC 6749 §4.1.2.1: the resource owner said no. */
const ACCESS_DENIED = 'access_denied';

/**
 * The callback of connecting with Sage Intacct. The state is taken first (single use, unexpired:
 * it names the tenant and holds the PKCE verifier), then the code is exchanged for a grant, and
 * the tenant is connected to the company the grant reads, through the REST gateway, by the rules
 * of every connect (engine/connection-switch.ts): company_changed unless the admin agreed to
 * unlink when starting. A grant the service does not keep (company_changed) is revoked at once.
 * The grant goes to the secret store only; the connection names it.
 */
export async function finishIntacctOAuth(deps: SyncDeps, callback: OAuthCallback, options: CallOptions = {}): Promise<Connected> {
  const oauth = intacctAuthorizationOf(deps);
  if (callback.error !== undefined || callback.code === undefined) {
    await oauth.abandon(callback.state);
    if (callback.error === ACCESS_DENIED) {
      throw new PreconditionFailed('oauth_denied', 'The Sage Intacct authorization was declined at Sage Intacct; nothing changed.');
    }
    throw new IntacctFailure(
      'intacct_auth_failed',
      `Sage Intacct did not authorize the service${callback.error ? ` (${callback.error})` : ''}; nothing changed. Connect with Sage Intacct again.`,
    );
  }
  const finished = await oauth.finish(callback.state, callback.code, options.signal);
  let kept = false;
  const next: NextConnection = {
    company: { companyId: finished.company.companyId, entityId: finished.company.entityId },
    userId: finished.company.userId,
    gateway: 'rest',
    keepSecret: () => {
      kept = true;
      return oauth.keepGrant(finished.tenantId, finished.tokens);
    },
  };
  try {
    return await switchConnection(deps, finished.tenantId, next, finished.resetLinks);
  } catch (error) {
    // Refused before the grant was kept (company_changed, a run in the way): nobody will use it.
    if (!kept) await oauth.revoke(finished.tokens.refreshToken).catch(() => undefined);
    throw error;
  }
}
