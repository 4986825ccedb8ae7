/**
 * Request slots of an Intacct company shared by every process that calls it, in the runs table:
 * one item per slot, held as an expiring hold (expiring-holds.ts), so a worker that dies holding a
 * slot frees it within the slot's lifetime.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CompanySlots, SlotRelease } from '#ports/company-slots';
import { ExpiringHolds } from './expiring-holds';
import { companySlotKey } from './keys';

/** Longer than any one Intacct request may take (the connector's per-request timeout is 60 s). */
const DEFAULT_SLOT_TTL_MS = 90_000;
/** DynamoDB's TTL removes a slot its holder never gave back (a crash) a day after it lapsed. */
const ABANDONED_SLOT_KEPT_S = 24 * 60 * 60;

export interface CompanySlotOptions {
  slotTtlMs?: number;
  /** Epoch milliseconds; the slots' lifetimes are real time, whatever clock the runs use. */
  now?: () => number;
}

export class DynamoCompanySlots implements CompanySlots {
  private readonly holds: ExpiringHolds;

  constructor(doc: DynamoDBDocumentClient, tableName: string, options: CompanySlotOptions = {}) {
    this.holds = new ExpiringHolds(doc, tableName, {
      entityType: 'CompanySlot',
      holdMs: options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS,
      keptAfterLapseS: ABANDONED_SLOT_KEPT_S,
      now: options.now ?? Date.now,
    });
  }

  acquire(company: string, limit: number, signal?: AbortSignal): Promise<SlotRelease> {
    const companyHash = createHash('sha256').update(company).digest('hex').slice(0, 32);
    // Slots in a random order each round, so waiting workers do not all fight over slot 0.
    const slotsInRandomOrder = () => {
      const first = Math.floor(Math.random() * limit);
      return Array.from({ length: limit }, (_, offset) => companySlotKey(companyHash, (first + offset) % limit));
    };
    return this.holds.takeOneOf(slotsInRandomOrder, signal);
  }
}
