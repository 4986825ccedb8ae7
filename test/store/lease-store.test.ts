/** The lease store's compare-and-set against the real DynamoDB API (dynalite). */
import { describe, expect, it } from 'vitest';
import type { Lease } from '#ports/stores';
import { tenantSequence, useStores } from './store-fixture';

const fixture = useStores();
const freshTenant = tenantSequence();

const lease = (tenantId: string, overrides: Partial<Lease> = {}): Lease => ({
  tenantId,
  family: 'clients',
  holder: 'run-1',
  execution: null,
  until: '2024-05-01T08:01:00.000Z',
  ...overrides,
});

describe('lease store', () => {
  it('creates a lease only where none is stored', async () => {
    const tenantId = freshTenant();
    expect(await fixture.stores.leases.replace(null, lease(tenantId))).toBe(true);
    expect(await fixture.stores.leases.replace(null, lease(tenantId, { holder: 'run-2' }))).toBe(false);
    expect(await fixture.stores.leases.get(tenantId, 'clients')).toEqual(lease(tenantId));
  });

  it('replaces a lease only while it is exactly what was read', async () => {
    const tenantId = freshTenant();
    const first = lease(tenantId);
    await fixture.stores.leases.replace(null, first);
    const second = lease(tenantId, { holder: 'run-2', execution: 'invocation-1', until: '2024-05-01T08:05:00.000Z' });

    expect(await fixture.stores.leases.replace(first, second)).toBe(true);
    // A writer that read `first` too loses: of two racing takers, exactly one wins.
    expect(await fixture.stores.leases.replace(first, lease(tenantId, { holder: 'run-3' }))).toBe(false);
    expect((await fixture.stores.leases.get(tenantId, 'clients'))?.holder).toBe('run-2');
  });

  it('renews for its holder and execution only, and hands the execution on', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.replace(null, lease(tenantId, { execution: 'invocation-1' }));

    expect(await fixture.stores.leases.renew(tenantId, 'clients', 'run-1', 'invocation-2', '2024-05-01T08:02:00.000Z')).toBe(false);
    expect(await fixture.stores.leases.renew(tenantId, 'clients', 'run-1', 'invocation-1', '2024-05-01T08:02:00.000Z', 'handoff-1')).toBe(true);
    expect(await fixture.stores.leases.renew(tenantId, 'clients', 'run-1', 'invocation-1', '2024-05-01T08:03:00.000Z')).toBe(false);
    expect(await fixture.stores.leases.get(tenantId, 'clients')).toEqual(
      lease(tenantId, { execution: 'handoff-1', until: '2024-05-01T08:02:00.000Z' }),
    );
  });

  it('renews a queued lease (no execution yet) for its holder', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.replace(null, lease(tenantId));
    expect(await fixture.stores.leases.renew(tenantId, 'clients', 'run-1', null, '2024-05-01T08:09:00.000Z')).toBe(true);
  });

  it('keeps families and tenants apart', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.replace(null, lease(tenantId));

    expect(await fixture.stores.leases.replace(null, lease(tenantId, { family: 'users' }))).toBe(true);
    expect(await fixture.stores.leases.replace(null, lease(freshTenant()))).toBe(true);
  });

  it('releases only for its holder', async () => {
    const tenantId = freshTenant();
    await fixture.stores.leases.replace(null, lease(tenantId));

    await fixture.stores.leases.release(tenantId, 'clients', 'run-2');
    expect(await fixture.stores.leases.get(tenantId, 'clients')).not.toBeNull();
    await fixture.stores.leases.release(tenantId, 'clients', 'run-1');
    expect(await fixture.stores.leases.get(tenantId, 'clients')).toBeNull();
  });
});
