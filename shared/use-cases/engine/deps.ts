import type { EventPublisher } from '#ports/events';
import type { IntacctAuthorization } from '#ports/intacct-oauth';
import type { IntacctSourceFactory } from '#ports/intacct-source';
import type { Clock, IdGenerator } from '#ports/runtime';
import type { SecretStore } from '#ports/secrets';
import type { Stores } from '#ports/stores';
import type { Telemetry } from '#ports/telemetry';
import type { WorkerLauncher } from '#ports/workers';

/** Everything a use case may touch, wired once per process by the caller (handler, local runtime, test). */
export interface SyncDeps extends Stores {
  secrets: SecretStore;
  intacct: IntacctSourceFactory;
  /** Connecting with Sage Intacct (OAuth 2.0, the REST gateway); absent where no OAuth client is configured. */
  intacctAuthorization?: IntacctAuthorization;
  events: EventPublisher;
  workers: WorkerLauncher;
  clock: Clock;
  ids: IdGenerator;
  /** The service's metrics (EMF); flushed at the end of every invocation. */
  telemetry: Telemetry;
}
