import { describe, expect, it } from 'vitest';
import { aConnection, collectPages } from './builders';
import { useStores } from './store-fixture';

const CONNECTION_PAGE_SIZE = 2;

const fixture = useStores({ connectionPageSize: CONNECTION_PAGE_SIZE });

describe('connection store', () => {
  it('reads back a stored connection and answers null for a tenant without one', async () => {
    const connection = aConnection({ tenantId: 'solo', entityId: 'US-EAST' });

    await fixture.stores.connections.put(connection);

    expect(await fixture.stores.connections.get('solo')).toEqual(connection);
    expect(await fixture.stores.connections.get('nobody')).toBeNull();
  });

  it('records the finish of a clients sync without touching the users one', async () => {
    await fixture.stores.connections.put(aConnection({ tenantId: 'syncing' }));

    await fixture.stores.connections.recordSyncFinished('syncing', 'clients', '2024-05-02T03:00:00.000Z');

    expect((await fixture.stores.connections.get('syncing'))?.lastSync).toEqual({
      clients: '2024-05-02T03:00:00.000Z',
      users: null,
    });
  });

  it('does not bring back a deleted connection when a sync finishes after the disconnect', async () => {
    await fixture.stores.connections.put(aConnection({ tenantId: 'gone' }));
    await fixture.stores.connections.delete('gone');

    await fixture.stores.connections.recordSyncFinished('gone', 'users', '2024-05-02T03:00:00.000Z');

    expect(await fixture.stores.connections.get('gone')).toBeNull();
  });

  it('lists every connected tenant across several pages and omits disconnected ones', async () => {
    const tenants = ['t-1', 't-2', 't-3', 't-4', 't-5'];
    for (const tenantId of tenants) await fixture.stores.connections.put(aConnection({ tenantId, secretRef: `ref/${tenantId}` }));
    await fixture.stores.connections.delete('t-3');

    const { items, pageCount } = await collectPages(fixture.stores.connections.listConnected());
    const listed = items.map((connection) => connection.tenantId).filter((tenantId) => tenants.includes(tenantId));

    expect(listed).toEqual(['t-1', 't-2', 't-4', 't-5']);
    expect(pageCount).toBeGreaterThan(1);
    expect(items.find((connection) => connection.tenantId === 't-5')?.secretRef).toBe('ref/t-5');
  });
});
