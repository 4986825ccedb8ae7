import { describe, expect, it } from 'vitest';
import { tenantSequence, useStores } from './store-fixture';

const MINUTE_MS = 60_000;
const NOW = new Date('2024-05-01T08:00:00.000Z');
const inMinutes = (minutes: number): Date => new Date(NOW.getTime() + minutes * MINUTE_MS);

const fixture = useStores();

const freshTenant = tenantSequence();

describe('lease store', () => {
  it('grants a free lease', async () => {
    expect(await fixture.stores.leases.acquire(freshTenant(), 'clients', 'worker-1', inMinutes(5), NOW)).toBe(true);
  });

  it('refuses a second holder while the lease runs', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-1', inMinutes(5), NOW);

    expect(await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-2', inMinutes(5), inMinutes(1))).toBe(false);
  });

  it('lets the same holder acquire again (a retried acquire)', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'users', 'worker-1', inMinutes(5), NOW);

    expect(await fixture.stores.leases.acquire(tenantId, 'users', 'worker-1', inMinutes(6), inMinutes(1))).toBe(true);
  });

  it('keeps scopes and tenants apart', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-1', inMinutes(5), NOW);

    expect(await fixture.stores.leases.acquire(tenantId, 'users', 'worker-2', inMinutes(5), NOW)).toBe(true);
    expect(await fixture.stores.leases.acquire(freshTenant(), 'clients', 'worker-2', inMinutes(5), NOW)).toBe(true);
  });

  it('lets another holder take an expired lease, after which the old holder cannot renew', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-1', inMinutes(5), NOW);

    const taken = await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-2', inMinutes(15), inMinutes(10));
    const renewedByOld = await fixture.stores.leases.renew(tenantId, 'clients', 'worker-1', inMinutes(20));

    expect([taken, renewedByOld]).toEqual([true, false]);
  });

  it('extends a lease for its holder, so others stay refused past the first expiry', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-1', inMinutes(5), NOW);

    expect(await fixture.stores.leases.renew(tenantId, 'clients', 'worker-1', inMinutes(30))).toBe(true);
    expect(await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-2', inMinutes(40), inMinutes(10))).toBe(false);
  });

  it('refuses to renew a lease nobody holds', async () => {
    expect(await fixture.stores.leases.renew(freshTenant(), 'users', 'worker-1', inMinutes(5))).toBe(false);
  });

  it('frees the lease on release by its holder', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-1', inMinutes(5), NOW);

    await fixture.stores.leases.release(tenantId, 'clients', 'worker-1');

    expect(await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-2', inMinutes(5), NOW)).toBe(true);
  });

  it('ignores a release by a holder that does not have the lease', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-1', inMinutes(5), NOW);

    await fixture.stores.leases.release(tenantId, 'clients', 'worker-2');

    expect(await fixture.stores.leases.acquire(tenantId, 'clients', 'worker-3', inMinutes(5), NOW)).toBe(false);
    expect(await fixture.stores.leases.renew(tenantId, 'clients', 'worker-1', inMinutes(6))).toBe(true);
  });
});

describe('isHeld', () => {
  it('is true for an unexpired lease and false once it expired or was released', async () => {
    await fixture.stores.leases.acquire('t-held', 'clients', 'run-1', inMinutes(15), NOW);

    expect(await fixture.stores.leases.isHeld('t-held', 'clients', NOW)).toBe(true);
    expect(await fixture.stores.leases.isHeld('t-held', 'clients', inMinutes(20))).toBe(false);
    expect(await fixture.stores.leases.isHeld('t-held', 'users', NOW)).toBe(false);
    await fixture.stores.leases.release('t-held', 'clients', 'run-1');
    expect(await fixture.stores.leases.isHeld('t-held', 'clients', NOW)).toBe(false);
  });
});
