/** Disconnecting never leaves a password behind without the connection that names it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectIntacct } from '#use-cases/disconnect-intacct';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness([{ customers: 1, employees: 0, departments: 1 }]);
});
afterAll(async () => h.close());

describe('disconnect', () => {
  it('deletes the password first: when that fails the connection stays, and disconnecting again finishes', async () => {
    const tenant = h.tenants[0]!;
    const connection = (await h.stores.connections.get(tenant))!;
    const failing = { ...h.deps.secrets, delete: () => Promise.reject(new Error('Secrets Manager is down')) };

    await expect(disconnectIntacct({ ...h.deps, secrets: failing }, tenant)).rejects.toThrow('Secrets Manager is down');
    expect(await h.stores.connections.get(tenant)).not.toBeNull();
    expect(await h.deps.secrets.get(connection.secretRef)).not.toBeNull();

    await disconnectIntacct(h.deps, tenant);

    expect(await h.stores.connections.get(tenant)).toBeNull();
    expect(await h.deps.secrets.get(connection.secretRef)).toBeNull();
  });
});
