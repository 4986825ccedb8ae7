/** Company request slots shared across processes, against the real DynamoDB API (dynalite). */

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCompanySlots } from '#store/company-slots';
import { ENTITY_TYPE_ATTRIBUTE, EXPIRES_AT_ATTRIBUTE } from '#store/keys';
import { tenantSequence, useStores } from './store-fixture';

const fixture = useStores();
const freshCompany = tenantSequence('https://intacct.test|COMPANY');

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 150));
  return done;
};

describe('company slots', () => {
  it('gives out at most `limit` slots at once, across instances, and the next one when one is released', async () => {
    const company = freshCompany();
    const a = new DynamoCompanySlots(fixture.dynamo.doc, fixture.dynamo.names.runs);
    const b = new DynamoCompanySlots(fixture.dynamo.doc, fixture.dynamo.names.runs);
    const first = await a.acquire(company, 2);
    await b.acquire(company, 2);

    const third = a.acquire(company, 2);
    expect(await settled(third)).toBe(false);

    first();
    const release = await third;
    expect(typeof release).toBe('function');
  });

  it('keeps companies apart', async () => {
    const slots = new DynamoCompanySlots(fixture.dynamo.doc, fixture.dynamo.names.runs);
    const company = freshCompany();
    await slots.acquire(company, 1);
    await expect(slots.acquire(freshCompany(), 1)).resolves.toBeTypeOf('function');
  });

  it('stops waiting when the signal aborts, and never takes a slot afterwards', async () => {
    const company = freshCompany();
    const slots = new DynamoCompanySlots(fixture.dynamo.doc, fixture.dynamo.names.runs);
    const held = await slots.acquire(company, 1);
    const controller = new AbortController();

    const waiting = slots.acquire(company, 1, controller.signal);
    controller.abort(new Error('deadline'));

    await expect(waiting).rejects.toThrow('deadline');
    held();
    await expect(slots.acquire(company, 1, AbortSignal.timeout(2_000))).resolves.toBeTypeOf('function');
  });

  it("frees a slot whose holder died once the slot's lifetime is over", async () => {
    const company = freshCompany();
    let now = Date.parse('2026-11-29T02:00:00Z');
    const clocked = new DynamoCompanySlots(fixture.dynamo.doc, fixture.dynamo.names.runs, { slotTtlMs: 90_000, now: () => now });
    await clocked.acquire(company, 1);
    // The holder dies without releasing.

    const waiting = clocked.acquire(company, 1);
    expect(await settled(waiting)).toBe(false);
    now += 91_000;

    await expect(waiting).resolves.toBeTypeOf('function');
  });

  it("leaves no item once a slot is given back, and marks a held one for DynamoDB's TTL in case its holder dies", async () => {
    const company = freshCompany();
    const now = Date.parse('2026-11-29T02:00:00Z');
    const slots = new DynamoCompanySlots(fixture.dynamo.doc, fixture.dynamo.names.runs, { slotTtlMs: 90_000, now: () => now });
    // Other tests' slots may still be held: count only the items this test's slot can be.
    const markedForTtl = async (): Promise<number> => {
      const scanned = await fixture.dynamo.doc.send(
        new ScanCommand({
          TableName: fixture.dynamo.names.runs,
          FilterExpression: '#type = :slot',
          ExpressionAttributeNames: { '#type': ENTITY_TYPE_ATTRIBUTE },
          ExpressionAttributeValues: { ':slot': 'CompanySlot' },
        }),
      );
      return (scanned.Items ?? []).filter((item) => item[EXPIRES_AT_ATTRIBUTE] === (now + 90_000) / 1000 + 24 * 60 * 60).length;
    };
    const before = await markedForTtl();

    const release = await slots.acquire(company, 1);
    expect(await markedForTtl()).toBe(before + 1);

    await release();
    expect(await markedForTtl()).toBe(before);
  });
});
