/**
 * Request slots of an Intacct company shared by every process that calls it, in the runs table:
 * one item per slot, taken by a conditional write that succeeds only when the slot is free or its
 * holder's time is up, so a worker that dies holding a slot frees it within the slot's lifetime.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CompanySlots, SlotRelease } from '#ports/company-slots';
import { conditionHolds } from './dynamo-errors';
import { companySlotKey, ENTITY_TYPE_ATTRIBUTE, EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from './keys';

const SLOT_ATTRIBUTES = { holder: 'holder', until: 'until' } as const;

/** Longer than any one Intacct request may take (the connector's per-request timeout is 60 s). */
const DEFAULT_SLOT_TTL_MS = 90_000;
/** First wait before asking again for a slot; doubled up to the cap, with jitter. */
const FIRST_POLL_MS = 20;
/** DynamoDB's TTL removes a slot its holder never gave back (a crash) a day after it lapsed. */
const ABANDONED_SLOT_KEPT_S = 24 * 60 * 60;
const MS_PER_SECOND = 1000;
const MAX_POLL_MS = 250;

export interface CompanySlotOptions {
  slotTtlMs?: number;
  /** Epoch milliseconds; the slots' lifetimes are real time, whatever clock the runs use. */
  now?: () => number;
}

export class DynamoCompanySlots implements CompanySlots {
  private readonly slotTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: CompanySlotOptions = {},
  ) {
    this.slotTtlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async acquire(company: string, limit: number, signal?: AbortSignal): Promise<SlotRelease> {
    const companyHash = createHash('sha256').update(company).digest('hex').slice(0, 32);
    const holder = randomUUID();
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(MAX_POLL_MS, wait * 2)) {
      signal?.throwIfAborted();
      // Slots in a random order, so waiting workers do not all fight over slot 0.
      const first = Math.floor(Math.random() * limit);
      for (let offset = 0; offset < limit; offset += 1) {
        const slot = (first + offset) % limit;
        if (await this.take(companyHash, slot, holder)) return () => this.release(companyHash, slot, holder);
      }
      await pause(Math.floor(wait / 2 + Math.random() * (wait / 2)), signal);
    }
  }

  private take(companyHash: string, slot: number, holder: string): Promise<boolean> {
    const now = this.now();
    return conditionHolds(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...companySlotKey(companyHash, slot),
            [ENTITY_TYPE_ATTRIBUTE]: 'CompanySlot',
            [SLOT_ATTRIBUTES.holder]: holder,
            [SLOT_ATTRIBUTES.until]: now + this.slotTtlMs,
            [EXPIRES_AT_ATTRIBUTE]: Math.ceil((now + this.slotTtlMs) / MS_PER_SECOND) + ABANDONED_SLOT_KEPT_S,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey, '#until': SLOT_ATTRIBUTES.until },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  /** Gives the slot back if it is still this holder's; a failure only leaves it to expire. */
  private async release(companyHash: string, slot: number, holder: string): Promise<void> {
    await conditionHolds(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: companySlotKey(companyHash, slot),
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': SLOT_ATTRIBUTES.holder },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      ),
    ).catch(() => undefined);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
