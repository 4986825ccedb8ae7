import { IntacctFailure, TooManyRequests } from '#domain/errors';
import type { CallOptions } from '#ports/intacct-source';
import { type Connected, type NextConnection, switchConnection } from './engine/connection-switch';
import type { SyncDeps } from './engine/deps';
import { retireGrant } from './engine/oauth-grants';

export interface ConnectRequest {
  companyId: string;
  userId: string;
  password: string;
  entityId?: string | null;
  /** Connecting another company while links exist: unlink every record (kept, re-linkable) first. */
  resetLinks?: boolean;
}

/**
 * Failed sign-ins a tenant may make in a window before connecting is refused for the rest of it:
 * every connect signs in to an Intacct company through our sender, so without a limit a tenant
 * admin could try passwords against any company (and lock its user out).
 */
const MAX_FAILED_CONNECTS = 5;
const FAILED_CONNECT_WINDOW_MS = 15 * 60_000;

/** Where a tenant's Intacct password is kept in the secret store. */
const passwordSecretRef = (tenantId: string): string => `intacct/${tenantId}/user-password`;

/**
 * Connect a tenant to its Intacct company with a Web Services user:
 * 1. Sign in to Intacct with the credentials first; a refusal is answered and nothing is saved.
 *    After MAX_FAILED_CONNECTS refusals in a window, connecting is refused (429) until it ends.
 * 2. The company_changed rule and the writes of every connect (engine/connection-switch.ts): the
 *    password goes to the secret store, the rest on the connection (never the password); an OAuth
 *    grant the tenant connected with before is revoked at Intacct and deleted.
 */
export async function connectIntacct(deps: SyncDeps, tenantId: string, request: ConnectRequest, options: CallOptions = {}): Promise<Connected> {
  const entityId = request.entityId ? request.entityId : null;
  await signInThrottled(deps, tenantId, () =>
    deps.intacct
      .forLogin({ companyId: request.companyId, userId: request.userId, userPassword: request.password, ...(entityId ? { entityId } : {}) })
      .verifyCredentials(options),
  );
  const next: NextConnection = {
    company: { companyId: request.companyId, entityId },
    userId: request.userId,
    gateway: 'xml',
    keepSecret: async () => {
      const secretRef = passwordSecretRef(tenantId);
      await deps.secrets.put(secretRef, request.password);
      return secretRef;
    },
  };
  return switchConnection(deps, tenantId, next, request.resetLinks === true, (previous) => retireGrant(deps, previous));
}

/** Signs in unless the tenant used up its failed sign-ins of the window; counts a refusal. */
async function signInThrottled(deps: SyncDeps, tenantId: string, signIn: () => Promise<void>): Promise<void> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - FAILED_CONNECT_WINDOW_MS).toISOString();
  const failed = await deps.connections.failedConnects(tenantId, since);
  if (failed.count >= MAX_FAILED_CONNECTS && failed.windowStart !== null) {
    const retryAfterMs = Date.parse(failed.windowStart) + FAILED_CONNECT_WINDOW_MS - now.getTime();
    throw new TooManyRequests(
      'too_many_failed_connects',
      `Sage Intacct refused ${failed.count} sign-ins of this workspace in a short time; connecting is paused for ${Math.ceil(retryAfterMs / 60_000)} minutes to protect the Intacct user from a lockout.`,
      retryAfterMs / 1000,
    );
  }
  try {
    await signIn();
  } catch (error) {
    if (error instanceof IntacctFailure && error.code === 'intacct_auth_failed')
      await deps.connections.recordFailedConnect(tenantId, now.toISOString(), since);
    throw error;
  }
}
