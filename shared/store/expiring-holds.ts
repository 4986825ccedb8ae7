/**
 * Items a holder owns for a while, in a table with a TTL (the company slots, the OAuth refresh
 * lock): taken by a conditional write that holds only when the item is absent or its holder's time
 * is up, and given back only by that holder, so a worker that dies holding one frees it within its
 * lifetime.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHolds } from './dynamo-errors';
import { ENTITY_TYPE_ATTRIBUTE, type EntityType, EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, type PrimaryKey } from './keys';

const HOLD_ATTRIBUTES = { holder: 'holder', until: 'until' } as const;

/** First wait before asking again; doubled up to the cap, with jitter. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;
const MS_PER_SECOND = 1000;

export interface ExpiringHoldSettings {
  entityType: EntityType;
  /** How long a hold lasts: longer than its holder may need it. */
  holdMs: number;
  /** How long DynamoDB's TTL keeps a hold its holder never gave back (a crash) after it lapsed. */
  keptAfterLapseS: number;
  /** Epoch milliseconds; holds last real time, whatever clock the runs use. */
  now: () => number;
}

/** Gives a hold back; never rejects (a hold that could not be given back lapses on its own). */
export type HoldRelease = () => Promise<void>;

export class ExpiringHolds {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly settings: ExpiringHoldSettings,
  ) {}

  /**
   * Waits until one of the items `candidates()` names (asked afresh on every round) is taken for a
   * new holder, and answers its release. Rejects with the signal's reason when `signal` aborts.
   */
  async takeOneOf(candidates: () => readonly PrimaryKey[], signal?: AbortSignal): Promise<HoldRelease> {
    const holder = randomUUID();
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(MAX_POLL_MS, wait * 2)) {
      signal?.throwIfAborted();
      for (const key of candidates()) {
        if (await this.take(key, holder)) return () => this.release(key, holder);
      }
      await pause(Math.floor(wait / 2 + Math.random() * (wait / 2)), signal);
    }
  }

  private take(key: PrimaryKey, holder: string): Promise<boolean> {
    const now = this.settings.now();
    const until = now + this.settings.holdMs;
    return conditionHolds(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            [ENTITY_TYPE_ATTRIBUTE]: this.settings.entityType,
            [HOLD_ATTRIBUTES.holder]: holder,
            [HOLD_ATTRIBUTES.until]: until,
            [EXPIRES_AT_ATTRIBUTE]: Math.ceil(until / MS_PER_SECOND) + this.settings.keptAfterLapseS,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey, '#until': HOLD_ATTRIBUTES.until },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  /** Gives the hold back if it is still this holder's; a failure only leaves it to lapse. */
  private async release(key: PrimaryKey, holder: string): Promise<void> {
    await conditionHolds(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': HOLD_ATTRIBUTES.holder },
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
