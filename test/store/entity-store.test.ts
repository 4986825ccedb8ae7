import { describe, expect, it } from 'vitest';
import { Conflict, InvalidInput } from '#domain/errors';
import { encodeCursor } from '#store/paging';
import { aClient, aDepartment, aUser } from './builders';
import { tenantSequence, useStores } from './store-fixture';

const fixture = useStores();

const freshTenant = tenantSequence();

async function thrown(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('entity stores: create and read', () => {
  it('reads back a created client exactly as written', async () => {
    const client = aClient({ tenantId: freshTenant() });
    await fixture.stores.clients.create(client);
    expect(await fixture.stores.clients.get(client.tenantId, client.id)).toEqual(client);
  });

  it('reads back a created user, including null fields and an empty integrations map', async () => {
    const user = aUser({ tenantId: freshTenant(), startDate: null, departmentId: null, integrations: {} });
    await fixture.stores.users.create(user);
    expect(await fixture.stores.users.get(user.tenantId, user.id)).toEqual(user);
  });

  it('reads back a created department', async () => {
    const department = aDepartment({ tenantId: freshTenant() });
    await fixture.stores.departments.create(department);
    expect(await fixture.stores.departments.get(department.tenantId, department.id)).toEqual(department);
  });

  it('keeps clients, users and departments with the same id apart', async () => {
    const tenantId = freshTenant();
    await fixture.stores.clients.create(aClient({ tenantId, id: 'same' }));
    await fixture.stores.users.create(aUser({ tenantId, id: 'same' }));
    expect((await fixture.stores.clients.get(tenantId, 'same'))?.name).toBe('Acme GmbH');
    expect((await fixture.stores.users.get(tenantId, 'same'))?.firstName).toBe('Ada');
    expect(await fixture.stores.departments.get(tenantId, 'same')).toBeNull();
  });

  it('answers null for an unknown id', async () => {
    expect(await fixture.stores.clients.get(freshTenant(), 'nope')).toBeNull();
  });

  it('refuses to create an id twice with Conflict already_exists, keeping the first', async () => {
    const first = aClient({ tenantId: freshTenant(), name: 'First' });
    await fixture.stores.clients.create(first);

    const error = await thrown(fixture.stores.clients.create({ ...first, name: 'Second' }));

    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).code).toBe('already_exists');
    expect((await fixture.stores.clients.get(first.tenantId, first.id))?.name).toBe('First');
  });

  it('drops undefined optional fields instead of failing the write', async () => {
    const client = aClient({ tenantId: freshTenant(), integrations: { intacct: undefined } });
    await fixture.stores.clients.create(client);
    expect((await fixture.stores.clients.get(client.tenantId, client.id))?.integrations).toEqual({});
  });
});

describe('entity stores: update and delete', () => {
  it('stores an update made against the current version', async () => {
    const client = aClient({ tenantId: freshTenant() });
    await fixture.stores.clients.create(client);

    await fixture.stores.clients.update({ ...client, version: 2, city: 'Leipzig' }, 1);

    expect(await fixture.stores.clients.get(client.tenantId, client.id)).toMatchObject({ version: 2, city: 'Leipzig' });
  });

  it('refuses a stale update with Conflict version_conflict and leaves the stored client untouched', async () => {
    const client = aClient({ tenantId: freshTenant() });
    await fixture.stores.clients.create(client);
    await fixture.stores.clients.update({ ...client, version: 2, city: 'Leipzig' }, 1);

    const error = await thrown(fixture.stores.clients.update({ ...client, version: 2, city: 'Chemnitz', notes: 'lost' }, 1));

    expect(error).toBeInstanceOf(Conflict);
    expect((error as Conflict).code).toBe('version_conflict');
    expect(await fixture.stores.clients.get(client.tenantId, client.id)).toEqual({ ...client, version: 2, city: 'Leipzig' });
  });

  it('refuses an update of an entity that does not exist with Conflict version_conflict, creating nothing', async () => {
    const user = aUser({ tenantId: freshTenant(), version: 2 });

    const error = await thrown(fixture.stores.users.update(user, 1));

    expect((error as Conflict).code).toBe('version_conflict');
    expect(await fixture.stores.users.get(user.tenantId, user.id)).toBeNull();
  });

  it('refuses an update whose new version is not expectedVersion + 1', async () => {
    const client = aClient({ tenantId: freshTenant() });
    await fixture.stores.clients.create(client);

    const error = await thrown(fixture.stores.clients.update({ ...client, version: 5 }, 1));

    expect(error).toBeInstanceOf(InvalidInput);
    expect((await fixture.stores.clients.get(client.tenantId, client.id))?.version).toBe(1);
  });

  it('deletes, and deleting again is a no-op', async () => {
    const department = aDepartment({ tenantId: freshTenant() });
    await fixture.stores.departments.create(department);

    await fixture.stores.departments.delete(department.tenantId, department.id);
    await fixture.stores.departments.delete(department.tenantId, department.id);

    expect(await fixture.stores.departments.get(department.tenantId, department.id)).toBeNull();
  });
});

describe('entity stores: getMany', () => {
  it('answers the existing entities by id across more than one 100-key batch, ignoring missing and repeated ids', async () => {
    const tenantId = freshTenant();
    const ids = Array.from({ length: 130 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
    for (const id of ids) await fixture.stores.users.create(aUser({ tenantId, id }));

    const found = await fixture.stores.users.getMany(tenantId, [...ids, 'missing', ids[0] ?? '']);

    expect(found.size).toBe(130);
    expect(found.get('user-129')?.id).toBe('user-129');
    expect(found.has('missing')).toBe(false);
  });

  it('answers an empty map for no ids', async () => {
    expect((await fixture.stores.clients.getMany(freshTenant(), [])).size).toBe(0);
  });
});

describe('entity stores: list', () => {
  it('pages through every client in id order with a null cursor on the last page', async () => {
    const tenantId = freshTenant();
    const ids = ['c-05', 'c-01', 'c-04', 'c-02', 'c-03'];
    for (const id of ids) await fixture.stores.clients.create(aClient({ tenantId, id }));

    const first = await fixture.stores.clients.list(tenantId, { limit: 2 });
    const second = await fixture.stores.clients.list(tenantId, { limit: 2, cursor: first.nextCursor });
    const third = await fixture.stores.clients.list(tenantId, { limit: 2, cursor: second.nextCursor });

    expect(first.items.map((c) => c.id)).toEqual(['c-01', 'c-02']);
    expect(second.items.map((c) => c.id)).toEqual(['c-03', 'c-04']);
    expect(third.items.map((c) => c.id)).toEqual(['c-05']);
    expect(third.nextCursor).toBeNull();
  });

  it('answers a null cursor when the last page is exactly full', async () => {
    const tenantId = freshTenant();
    for (const id of ['a', 'b']) await fixture.stores.departments.create(aDepartment({ tenantId, id }));

    const page = await fixture.stores.departments.list(tenantId, { limit: 2 });

    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('answers an empty page for a tenant with no clients', async () => {
    expect(await fixture.stores.clients.list(freshTenant(), { limit: 10 })).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['a JSON array', Buffer.from('[1,2]').toString('base64url')],
    ['extra fields', Buffer.from(JSON.stringify({ pk: 'x', sk: 'y', z: 1 })).toString('base64url')],
    ['a numeric sort key', Buffer.from(JSON.stringify({ pk: 'x', sk: 1 })).toString('base64url')],
  ])('refuses a cursor that is %s with InvalidInput on field cursor', async (_case, cursor) => {
    const error = await thrown(fixture.stores.clients.list(freshTenant(), { limit: 2, cursor }));

    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).details).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('refuses a cursor of a user listing on the client listing', async () => {
    const tenantId = freshTenant();
    for (const id of ['u1', 'u2']) await fixture.stores.users.create(aUser({ tenantId, id }));
    const usersPage = await fixture.stores.users.list(tenantId, { limit: 1 });

    const error = await thrown(fixture.stores.clients.list(tenantId, { limit: 1, cursor: usersPage.nextCursor }));

    expect(error).toBeInstanceOf(InvalidInput);
  });

  it.each([0, -1, 1.5, 1001])('refuses limit %s with InvalidInput on field limit', async (limit) => {
    const error = await thrown(fixture.stores.clients.list(freshTenant(), { limit }));

    expect((error as InvalidInput).details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });
});

describe('entity stores: tenant isolation', () => {
  it("answers null for another tenant's id", async () => {
    const client = aClient({ tenantId: freshTenant() });
    await fixture.stores.clients.create(client);

    expect(await fixture.stores.clients.get(freshTenant(), client.id)).toBeNull();
    expect((await fixture.stores.clients.getMany(freshTenant(), [client.id])).size).toBe(0);
  });

  it('lets two tenants hold the same id independently', async () => {
    const tenantA = freshTenant();
    const tenantB = freshTenant();
    await fixture.stores.clients.create(aClient({ tenantId: tenantA, id: 'shared', name: 'A' }));
    await fixture.stores.clients.create(aClient({ tenantId: tenantB, id: 'shared', name: 'B' }));

    await fixture.stores.clients.delete(tenantB, 'shared');

    expect((await fixture.stores.clients.get(tenantA, 'shared'))?.name).toBe('A');
  });

  it("refuses tenant A's cursor on tenant B's listing with InvalidInput", async () => {
    const tenantA = freshTenant();
    const tenantB = freshTenant();
    for (const id of ['x1', 'x2', 'x3']) {
      await fixture.stores.clients.create(aClient({ tenantId: tenantA, id }));
      await fixture.stores.clients.create(aClient({ tenantId: tenantB, id }));
    }
    const pageOfA = await fixture.stores.clients.list(tenantA, { limit: 1 });

    const error = await thrown(fixture.stores.clients.list(tenantB, { limit: 1, cursor: pageOfA.nextCursor }));

    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).details[0]?.field).toBe('cursor');
  });

  it("refuses a forged cursor naming another tenant's partition", async () => {
    const forged = encodeCursor({ pk: 'TENANT#victim#CLIENT', sk: 'a' });

    const error = await thrown(fixture.stores.clients.list(freshTenant(), { limit: 1, cursor: forged }));

    expect(error).toBeInstanceOf(InvalidInput);
  });

  it('refuses a tenant id containing the key separator', async () => {
    const error = await thrown(fixture.stores.clients.get('tenant#CLIENT', 'x'));

    expect(error).toBeInstanceOf(InvalidInput);
  });
});

describe('client store: findByName', () => {
  it('finds clients whose name matches after trimming, white space collapsing, NFC and case folding', async () => {
    const tenantId = freshTenant();
    await fixture.stores.clients.create(aClient({ tenantId, id: 'c1', name: 'Café  Müller GmbH' }));
    await fixture.stores.clients.create(aClient({ tenantId, id: 'c2', name: 'café müller gmbh ' }));
    await fixture.stores.clients.create(aClient({ tenantId, id: 'c3', name: 'Café Müller AG' }));

    const found = await fixture.stores.clients.findByName(tenantId, '  CAFE\u0301 MÜLLER\tgmbh');

    expect(found.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
  });

  it('follows a rename', async () => {
    const tenantId = freshTenant();
    const client = aClient({ tenantId, name: 'Old Name' });
    await fixture.stores.clients.create(client);

    await fixture.stores.clients.update({ ...client, version: 2, name: 'New Name' }, 1);

    expect(await fixture.stores.clients.findByName(tenantId, 'old name')).toEqual([]);
    expect((await fixture.stores.clients.findByName(tenantId, 'new name')).map((c) => c.id)).toEqual([client.id]);
  });

  it("never finds another tenant's client", async () => {
    await fixture.stores.clients.create(aClient({ tenantId: freshTenant(), name: 'Globex' }));

    expect(await fixture.stores.clients.findByName(freshTenant(), 'Globex')).toEqual([]);
  });
});
