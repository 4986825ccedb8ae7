import type { DomainEvent } from '#domain/events';

export interface EventPublisher {
  /** Publishes in order; batches as the bus allows. */
  publish(events: readonly DomainEvent[]): Promise<void>;
}
