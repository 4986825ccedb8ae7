/**
 * A tenant's OAuth token refresh lock in the runs table: one item, held as an expiring hold
 * (expiring-holds.ts, as the company slots are), so a worker that dies holding the lock frees it
 * within the lock's short lifetime.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RefreshLockRelease, TokenRefreshLock } from '#ports/intacct-oauth';
import { ExpiringHolds } from './expiring-holds';
import { tokenRefreshLockKey } from './keys';

/** Longer than one refresh may take (its request timeout and bounded 429 waits). */
const DEFAULT_LOCK_TTL_MS = 60_000;
/** DynamoDB's TTL removes a lock its holder never gave back (a crash) an hour after it lapsed. */
const ABANDONED_LOCK_KEPT_S = 60 * 60;

export interface TokenRefreshLockOptions {
  lockTtlMs?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

export class DynamoTokenRefreshLock implements TokenRefreshLock {
  private readonly holds: ExpiringHolds;

  constructor(doc: DynamoDBDocumentClient, tableName: string, options: TokenRefreshLockOptions = {}) {
    this.holds = new ExpiringHolds(doc, tableName, {
      entityType: 'TokenRefreshLock',
      holdMs: options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
      keptAfterLapseS: ABANDONED_LOCK_KEPT_S,
      now: options.now ?? Date.now,
    });
  }

  acquire(tenantId: string, signal?: AbortSignal): Promise<RefreshLockRelease> {
    const key = tokenRefreshLockKey(tenantId);
    return this.holds.takeOneOf(() => [key], signal);
  }
}
