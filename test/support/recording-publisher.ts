import type { DomainEvent } from '#domain/events';
import type { EventPublisher } from '#ports/events';

/** Keeps published events in memory, in order; the local bus and tests read them back. */
export class RecordingPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];

  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }

  ofType(type: DomainEvent['type']): DomainEvent[] {
    return this.events.filter((event) => event.type === type);
  }
}
