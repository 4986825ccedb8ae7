/**
 * DynamoDB answers part of a batch as unprocessed under throttling, which dynalite never does.
 * A middleware in front of the real dynalite call forwards only the first item of a batch and
 * hands the rest back as unprocessed, so the adapters' retry loops run against the real API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores } from '#store/dynamo-client';
import { type RunningDynalite, startDynalite } from '../support/dynalite';
import { spyOnDynamo } from '../support/dynamo-spy';
import { aLink, aUser } from './builders';

let dynamo: RunningDynalite;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

const FAST_RETRY = { maxAttempts: 20, baseDelayMs: 1 };

let throttleCount = 0;

/** Until `times` batches have been throttled, each batch gets only its first item processed. */
function throttleBatches(times: number): { remove(): void } {
  let remaining = times;
  const name = `throttle${++throttleCount}`;
  dynamo.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown> };
      const isBatch = context.commandName === 'BatchWriteItemCommand' || context.commandName === 'BatchGetItemCommand';
      if (!isBatch || remaining === 0 || !input.RequestItems) return next(args);
      remaining -= 1;
      const [table, request] = Object.entries(input.RequestItems)[0] ?? [];
      if (table === undefined) return next(args);
      if (context.commandName === 'BatchWriteItemCommand') {
        const [first, ...rest] = request as unknown[];
        const result = await next({ ...args, input: { ...input, RequestItems: { [table]: [first] } } });
        (result.output as Record<string, unknown>).UnprocessedItems = rest.length > 0 ? { [table]: rest } : {};
        return result;
      }
      const { Keys: keys, ...options } = request as { Keys: unknown[] };
      const [first, ...rest] = keys;
      const result = await next({ ...args, input: { ...input, RequestItems: { [table]: { ...options, Keys: [first] } } } });
      (result.output as Record<string, unknown>).UnprocessedKeys = rest.length > 0 ? { [table]: { ...options, Keys: rest } } : {};
      return result;
    },
    { step: 'initialize', name, priority: 'high' },
  );
  return { remove: () => dynamo.doc.middlewareStack.remove(name) };
}

describe('batch retries', () => {
  it('re-sends unprocessed items until every link is written', async () => {
    const stores = createStores(dynamo.doc, dynamo.names, { batchRetry: FAST_RETRY });
    const links = Array.from({ length: 4 }, (_, i) => aLink({ tenantId: 'tenant-w', recordNo: String(i) }));
    const throttle = throttleBatches(2);
    const spy = spyOnDynamo(dynamo.doc);

    try {
      await stores.links.putClaims(links);
    } finally {
      throttle.remove();
      spy.detach();
    }

    const stored = await stores.links.getMany('tenant-w', 'customer', ['0', '1', '2', '3']);
    expect([...stored.keys()].sort()).toEqual(['0', '1', '2', '3']);
    expect(spy.commands('BatchWriteItem')).toBe(3);
  });

  it('re-asks for unprocessed keys until every entity is read', async () => {
    const stores = createStores(dynamo.doc, dynamo.names, { batchRetry: FAST_RETRY });
    for (const id of ['u1', 'u2', 'u3']) await stores.users.create(aUser({ tenantId: 'tenant-r', id }));
    const throttle = throttleBatches(1);

    let found: Map<string, unknown>;
    try {
      found = await stores.users.getMany('tenant-r', ['u1', 'u2', 'u3']);
    } finally {
      throttle.remove();
    }

    expect([...found.keys()].sort()).toEqual(['u1', 'u2', 'u3']);
  });

  it('gives up with an error once the attempts are spent', async () => {
    const stores = createStores(dynamo.doc, dynamo.names, { batchRetry: { maxAttempts: 2, baseDelayMs: 1 } });
    const throttle = throttleBatches(Number.MAX_SAFE_INTEGER);

    try {
      const links = ['1', '2', '3'].map((recordNo) => aLink({ tenantId: 'tenant-g', recordNo }));
      await expect(stores.links.putClaims(links)).rejects.toThrow(/unprocessed after 2 attempts/);
    } finally {
      throttle.remove();
    }
  });
});
