import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, EVENT_SOURCE } from '#domain/events';
import type { EventPublisher } from '#ports/events';

/** PutEvents takes at most this many entries per call. */
const PUT_EVENTS_BATCH_SIZE = 10;
/** Attempts per batch, counting the first; only the entries EventBridge refused are sent again. */
const MAX_ATTEMPTS = 4;
const RETRY_BASE_DELAY_MS = 50;

export interface EventBridgePublisherOptions {
  maxAttempts?: number;
  retryBaseDelayMs?: number;
}

/** Thrown when some events stayed refused after every retry; names the error codes, never the details. */
export class EventPublishError extends Error {
  override name = 'EventPublishError';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes domain events on the bus: source `psa.intacct-sync`, detail-type = the event type,
 * detail = the JSON of its detail. Batches of ten, in order; a partial failure (FailedEntryCount)
 * re-sends only the refused entries, with growing pauses.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly retryBaseDelayMs: number;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? RETRY_BASE_DELAY_MS;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH_SIZE) {
      await this.putBatch(events.slice(start, start + PUT_EVENTS_BATCH_SIZE).map((event) => this.entryOf(event)));
    }
  }

  private entryOf(event: DomainEvent): PutEventsRequestEntry {
    return {
      Source: EVENT_SOURCE,
      DetailType: event.type,
      Detail: JSON.stringify(event.detail),
      EventBusName: this.eventBusName,
    };
  }

  private async putBatch(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    let errorCodes: string[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const answer = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!answer.FailedEntryCount) return;
      const results = answer.Entries ?? [];
      const refused = pending.filter((_, index) => results[index]?.ErrorCode);
      errorCodes = results.flatMap((result) => (result.ErrorCode ? [result.ErrorCode] : []));
      // An answer that reports failures without saying which: re-send the whole batch.
      pending = refused.length > 0 ? refused : pending;
      if (attempt < this.maxAttempts) await sleep(this.retryBaseDelayMs * 2 ** (attempt - 1));
    }
    throw new EventPublishError(
      `EventBridge refused ${pending.length} event(s) after ${this.maxAttempts} attempts: ${[...new Set(errorCodes)].join(', ')}`,
    );
  }
}
