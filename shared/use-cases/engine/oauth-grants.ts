import { PreconditionFailed } from '#domain/errors';
import type { IntacctAuthorization } from '#ports/intacct-oauth';
import type { Connection } from '#ports/stores';
import type { SyncDeps } from './deps';

/** The deployment's OAuth connect, or PreconditionFailed `oauth_not_configured` where it has no OAuth client. */
export function intacctAuthorizationOf(deps: Pick<SyncDeps, 'intacctAuthorization'>): IntacctAuthorization {
  if (!deps.intacctAuthorization) {
    throw new PreconditionFailed(
      'oauth_not_configured',
      'This service has no Sage Intacct OAuth client configured; connect with a Web Services user instead.',
    );
  }
  return deps.intacctAuthorization;
}

/**
 * Before a connection's OAuth grant is deleted (disconnect, or a switch to a Web Services user):
 * asks Intacct to revoke it, so no token the service forgot stays valid. Best effort: Intacct
 * unreachable must not keep a tenant from disconnecting, and the company can still revoke the
 * service's access in Intacct itself.
 */
export async function retireGrant(deps: Pick<SyncDeps, 'intacctAuthorization'>, connection: Connection): Promise<void> {
  if (connection.gateway !== 'rest' || !deps.intacctAuthorization) return;
  await deps.intacctAuthorization.revokeStored(connection.tenantId).catch(() => undefined);
}
