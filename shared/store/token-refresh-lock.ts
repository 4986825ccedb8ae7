/**
 * A tenant's OAuth token refresh lock in the runs table: one item, taken by a conditional write
 * that holds only when the item is absent or its holder's time is up (as the company slots do), so
 * a worker that dies holding the lock frees it within the lock's short lifetime.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RefreshLockRelease, TokenRefreshLock } from '#ports/intacct-oauth';
import { conditionHolds } from './dynamo-errors';
import { ENTITY_TYPE_ATTRIBUTE, EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, tokenRefreshLockKey } from './keys';

const LOCK_ATTRIBUTES = { holder: 'holder', until: 'until' } as const;

/** Longer than one refresh may take (its request timeout and bounded 429 waits). */
const DEFAULT_LOCK_TTL_MS = 60_000;
/** First wait before asking again; doubled up to the cap, with jitter. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;
/** DynamoDB's TTL removes a lock its holder never gave back (a crash) an hour after it lapsed. */
const ABANDONED_LOCK_KEPT_S = 60 * 60;
const MS_PER_SECOND = 1000;

export interface TokenRefreshLockOptions {
  lockTtlMs?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

export class DynamoTokenRefreshLock implements TokenRefreshLock {
  private readonly lockTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: TokenRefreshLockOptions = {},
  ) {
    this.lockTtlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  async acquire(tenantId: string, signal?: AbortSignal): Promise<RefreshLockRelease> {
    const key = tokenRefreshLockKey(tenantId);
    const holder = randomUUID();
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(MAX_POLL_MS, wait * 2)) {
      signal?.throwIfAborted();
      if (await this.take(key, holder)) return () => this.release(key, holder);
      await pause(Math.floor(wait / 2 + Math.random() * (wait / 2)), signal);
    }
  }

  private take(key: ReturnType<typeof tokenRefreshLockKey>, holder: string): Promise<boolean> {
    const now = this.now();
    return conditionHolds(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            [ENTITY_TYPE_ATTRIBUTE]: 'TokenRefreshLock',
            [LOCK_ATTRIBUTES.holder]: holder,
            [LOCK_ATTRIBUTES.until]: now + this.lockTtlMs,
            [EXPIRES_AT_ATTRIBUTE]: Math.ceil((now + this.lockTtlMs) / MS_PER_SECOND) + ABANDONED_LOCK_KEPT_S,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTES.partitionKey, '#until': LOCK_ATTRIBUTES.until },
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  /** Gives the lock back if it is still this holder's; a failure only leaves it to expire. */
  private async release(key: ReturnType<typeof tokenRefreshLockKey>, holder: string): Promise<void> {
    await conditionHolds(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': LOCK_ATTRIBUTES.holder },
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
