import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '#store/dynamo-client';
import { type RunningDynalite, startDynalite } from '../support/dynalite';
import { type DynamoSpy, SimulatedCrash, spyOnDynamo } from '../support/dynamo-spy';
import { aClient, aLink } from './builders';

let dynamo: RunningDynalite;
let stores: Stores;
let spy: DynamoSpy;

beforeAll(async () => {
  dynamo = await startDynalite();
  stores = createStores(dynamo.doc, dynamo.names);
});

afterEach(() => {
  spy.detach();
});

afterAll(async () => {
  await dynamo.close();
});

let tenantCounter = 0;
const freshTenant = (): string => `tenant-${++tenantCounter}`;

describe('dynamo spy: counting', () => {
  it('counts single-item writes per operation and table', async () => {
    spy = spyOnDynamo(dynamo.doc);
    const tenantId = freshTenant();

    await stores.clients.create(aClient({ tenantId }));
    await stores.links.createIfAbsent(aLink({ tenantId }));
    await stores.links.deleteIfPointsTo(tenantId, 'customer', '100', 'client-1');

    expect(spy.commands('PutItem', dynamo.names.entities)).toBe(1);
    expect(spy.commands('PutItem', dynamo.names.links)).toBe(1);
    expect(spy.commands('DeleteItem')).toBe(1);
    expect(spy.writesByTable()).toEqual({ [dynamo.names.entities]: 1, [dynamo.names.links]: 2 });
  });

  it('counts a batch write as commands and as items', async () => {
    spy = spyOnDynamo(dynamo.doc);
    const tenantId = freshTenant();
    const links = Array.from({ length: 30 }, (_, i) => aLink({ tenantId, recordNo: String(i) }));

    await stores.links.putClaims(links);

    expect(spy.commands('BatchWriteItem', dynamo.names.links)).toBe(2);
    expect(spy.items('BatchWriteItem', dynamo.names.links)).toBe(30);
    expect(spy.writes(dynamo.names.links)).toBe(30);
  });

  it('counts batch reads by items and never as writes', async () => {
    const tenantId = freshTenant();
    await stores.clients.create(aClient({ tenantId, id: 'a' }));
    spy = spyOnDynamo(dynamo.doc);

    await stores.clients.getMany(tenantId, ['a', 'b', 'c']);
    await stores.clients.get(tenantId, 'a');
    await stores.clients.list(tenantId, { limit: 5 });

    expect(spy.items('BatchGetItem', dynamo.names.entities)).toBe(3);
    expect(spy.commands('GetItem')).toBe(1);
    expect(spy.commands('Query')).toBe(1);
    expect(spy.writes()).toBe(0);
  });

  it('counts a refused conditional write, since it was attempted', async () => {
    const client = aClient({ tenantId: freshTenant() });
    await stores.clients.create(client);
    spy = spyOnDynamo(dynamo.doc);

    await expect(stores.clients.create(client)).rejects.toThrow();

    expect(spy.writes(dynamo.names.entities)).toBe(1);
  });

  it('sees commands sent through the raw client when spying on the document client', async () => {
    spy = spyOnDynamo(dynamo.doc);

    await dynamo.raw.send(
      new QueryCommand({
        TableName: dynamo.names.links,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'nothing' } },
      }),
    );

    expect(spy.commands('Query', dynamo.names.links)).toBe(1);
  });

  it('stops counting once detached and starts from zero after reset', async () => {
    spy = spyOnDynamo(dynamo.doc);
    await stores.clients.create(aClient({ tenantId: freshTenant() }));
    spy.reset();
    expect(spy.writes()).toBe(0);

    spy.detach();
    await stores.clients.create(aClient({ tenantId: freshTenant() }));

    expect(spy.writes()).toBe(0);
  });
});

describe('dynamo spy: failOnWrite', () => {
  it('fails the k-th write before it is sent, once', async () => {
    const tenantId = freshTenant();
    spy = spyOnDynamo(dynamo.doc);
    spy.failOnWrite(2);

    await stores.clients.create(aClient({ tenantId, id: 'first' }));
    const second = stores.clients.create(aClient({ tenantId, id: 'second' }));
    await expect(second).rejects.toBeInstanceOf(SimulatedCrash);
    await stores.clients.create(aClient({ tenantId, id: 'third' }));

    expect(await stores.clients.get(tenantId, 'first')).not.toBeNull();
    expect(await stores.clients.get(tenantId, 'second')).toBeNull();
    expect(await stores.clients.get(tenantId, 'third')).not.toBeNull();
    expect(spy.writes(dynamo.names.entities)).toBe(2);
  });

  it('counts only writes to the given tables', async () => {
    const tenantId = freshTenant();
    spy = spyOnDynamo(dynamo.doc);
    spy.failOnWrite(1, [dynamo.names.links]);

    await stores.clients.create(aClient({ tenantId }));
    const linkWrite = stores.links.createIfAbsent(aLink({ tenantId }));

    await expect(linkWrite).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await stores.clients.get(tenantId, 'client-1')).not.toBeNull();
    expect(await stores.links.get(tenantId, 'customer', '100')).toBeNull();
  });

  it('fails a whole batch write as one write, leaving earlier batches stored', async () => {
    const tenantId = freshTenant();
    spy = spyOnDynamo(dynamo.doc);
    spy.failOnWrite(2, [dynamo.names.links]);
    const recordNos = Array.from({ length: 30 }, (_, i) => String(i));

    await expect(stores.links.putClaims(recordNos.map((recordNo) => aLink({ tenantId, recordNo })))).rejects.toBeInstanceOf(SimulatedCrash);

    expect((await stores.links.getMany(tenantId, 'customer', recordNos)).size).toBe(25);
  });

  it('does not fire on reads', async () => {
    spy = spyOnDynamo(dynamo.doc);
    spy.failOnWrite(1);

    await stores.clients.get(freshTenant(), 'x');

    await expect(stores.clients.create(aClient({ tenantId: freshTenant() }))).rejects.toBeInstanceOf(SimulatedCrash);
  });
});
