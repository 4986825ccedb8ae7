/**
 * The real sync engine wired for a benchmark process: the emulator over HTTP, dynalite through
 * the DynamoDB API, our store adapters, production retry and concurrency defaults, and the
 * bench's counters. Events are counted and dropped, as a bus would take them off our hands.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EmfTelemetry } from '#adapters/emf-telemetry';
import { MemorySecretStore } from '#adapters/memory-secret-store';
import { QueuedWorkers } from '#adapters/queued-workers';
import { systemClock } from '#adapters/system-clock';
import { TimeOrderedIds } from '#adapters/time-ordered-ids';
import type { DomainEvent } from '#domain/events';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { EventPublisher } from '#ports/events';
import type { IntacctLogin } from '#ports/intacct-source';
import { DynamoCompanySlots } from '#store/company-slots';
import { createDynamoClient, createStores, documentClientFor } from '#store/dynamo-client';
import type { TableNames } from '#store/tables';
import { connectIntacct } from '#use-cases/connect-intacct';
import type { SyncDeps } from '#use-cases/engine/deps';
import { countDynamo, type DynamoCounter } from './dynamo-counter';
import type { DynamoTarget, EmulatorTarget } from './infra';

/** Counts published events without keeping them, so a large import holds no event list in memory. */
class CountingPublisher implements EventPublisher {
  published = 0;

  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.published += events.length;
  }
}

export interface BenchWiring {
  deps: SyncDeps;
  /** Runs queued by the engine (imports, continuations), executed by `workers.drain()`. */
  workers: QueuedWorkers;
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  dynamo: DynamoCounter;
  events: CountingPublisher;
  close(): void;
}

/** The engine over `emulator` and the tables `names` in the dynalite at `dynamo`. */
export function wireEngine(emulator: EmulatorTarget, dynamo: DynamoTarget, names: TableNames): BenchWiring {
  const raw = createDynamoClient({ endpoint: dynamo.endpoint });
  const doc = documentClientFor(raw);
  const counter = countDynamo(doc);
  const events = new CountingPublisher();
  const workers = new QueuedWorkers();
  const deps: SyncDeps = {
    ...createStores(doc, names, { clock: systemClock }),
    secrets: new MemorySecretStore(),
    intacct: new XmlGatewaySourceFactory({
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
      // As deployed: the company's request slots are shared through the runs table.
      slots: new DynamoCompanySlots(doc, names.runs),
    }),
    events,
    workers,
    clock: systemClock,
    ids: new TimeOrderedIds(),
    // The bench measures time and requests; its metrics are built (as deployed) and dropped.
    telemetry: new EmfTelemetry({ write: () => undefined }),
  };
  workers.attach(deps);
  return { deps, workers, doc, raw, dynamo: counter, events, close: () => raw.destroy() };
}

/**
 * Connects (or reconnects, keeping links) `tenantId` to `company`. Each process keeps the Intacct
 * password in its own memory secret store, so every scenario process connects before it runs.
 */
export async function connectTenant(deps: SyncDeps, tenantId: string, company: IntacctLogin): Promise<void> {
  await connectIntacct(deps, tenantId, { companyId: company.companyId, userId: company.userId, password: company.userPassword });
}
