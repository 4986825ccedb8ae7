import type { SyncDeps } from './deps';
import type { Connection } from '../ports/stores';

export interface ConnectRequest {
  companyId: string;
  userId: string;
  password: string;
  entityId?: string | null;
}

/** Where a tenant's Intacct password is kept in the secret store. */
export const secretRefFor = (tenantId: string): string => `intacct/${tenantId}/user-password`;

/**
 * Connect a tenant to its Intacct company:
 * 1. Sign in to Intacct with the credentials first; a refusal is answered and nothing is saved.
 * 2. Keep the password in the secret store, the rest on the connection (never the password).
 * A reconnect keeps the last-sync times and every link.
 */
export async function connectIntacct(
  deps: Pick<SyncDeps, 'intacct' | 'secrets' | 'connections' | 'clock'>,
  tenantId: string,
  request: ConnectRequest,
): Promise<Connection> {
  const entityId = request.entityId ? request.entityId : null;
  await deps.intacct
    .forLogin({
      companyId: request.companyId,
      userId: request.userId,
      userPassword: request.password,
      ...(entityId ? { entityId } : {}),
    })
    .verifyCredentials();
  const previous = await deps.connections.get(tenantId);
  const connection: Connection = {
    tenantId,
    companyId: request.companyId,
    userId: request.userId,
    entityId,
    secretRef: secretRefFor(tenantId),
    connectedAt: deps.clock.now().toISOString(),
    lastSync: previous?.lastSync ?? { clients: null, users: null },
  };
  await deps.secrets.put(connection.secretRef, request.password);
  await deps.connections.put(connection);
  return connection;
}
