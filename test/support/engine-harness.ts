import { EmfTelemetry } from '#adapters/emf-telemetry';
import { MemorySecretStore } from '#adapters/memory-secret-store';
import { QueuedWorkers } from '#adapters/queued-workers';
import { TimeOrderedIds } from '#adapters/time-ordered-ids';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { bothGateways } from '#intacct-rest/gateway-sources';
import { IntacctOAuthClient } from '#intacct-rest/oauth/intacct-oauth-client';
import { RestGatewaySourceFactory } from '#intacct-rest/source';
import { createStores, type Stores } from '#store/dynamo-client';
import { DynamoOAuthStateStore } from '#store/oauth-state-store';
import { DynamoTokenRefreshLock } from '#store/token-refresh-lock';
import { connectIntacct } from '#use-cases/connect-intacct';
import type { SyncDeps } from '#use-cases/engine/deps';
import type { EmulatorCompanySeed, RunningEmulator } from '../../local/emulator';
import { startEmulator } from '../../local/emulator';
import { type RunningDynalite, startDynalite } from './dynalite';
import { type DynamoSpy, spyOnDynamo } from './dynamo-spy';
import { IntacctAdmin } from './intacct-admin';
import { ManualClock } from './manual-clock';
import { RecordingPublisher } from './recording-publisher';

export interface EngineHarness {
  emulator: RunningEmulator;
  dynamo: RunningDynalite;
  stores: Stores;
  deps: SyncDeps;
  events: RecordingPublisher;
  /** Runs handed to workers wait here until `workers.drain()`. */
  workers: QueuedWorkers;
  clock: ManualClock;
  spy: DynamoSpy;
  /** The EMF lines the engine's telemetry wrote, one JSON document each, as flushed (`deps.telemetry.flush()`). */
  metricLines: string[];
  /** Tenant ids connected to the emulator's companies, in order. */
  tenants: string[];
  /** Edits the Intacct company of tenant `index` through the protocol. */
  intacct(index?: number): IntacctAdmin;
  close(): Promise<void>;
}

/**
 * The real sync engine wired to real parts: the Intacct emulator over HTTP, dynalite through
 * the DynamoDB API, and our store adapters. One tenant is connected per company.
 * Each company starts empty unless `companies` seeds records.
 */
export async function startEngineHarness(companies: Partial<EmulatorCompanySeed>[] = [{}, {}]): Promise<EngineHarness> {
  const seeds: EmulatorCompanySeed[] = companies.map((seed, index) => ({
    companyId: `COMPANY-${index + 1}`,
    userId: `sync_user_${index + 1}`,
    userPassword: `user-pass-${index + 1}!`,
    seed: index + 1,
    ...seed,
  }));
  const emulator = await startEmulator({ companies: seeds });
  const dynamo = await startDynalite();
  const clock = new ManualClock();
  const spy = spyOnDynamo(dynamo.doc);
  const stores = createStores(dynamo.doc, dynamo.names, { clock });
  const events = new RecordingPublisher();
  const workers = new QueuedWorkers();
  const metricLines: string[] = [];
  const telemetry = new EmfTelemetry({ write: (line) => metricLines.push(line) });
  const retry = { baseDelayMs: 5, maxDelayMs: 50, untilAbortedMaxDelayMs: 50, maxRetryAfterMs: 50 };
  const secrets = new MemorySecretStore();
  const xml = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry,
    telemetry,
  });
  // Connect with Sage Intacct against the emulator's OAuth client, sent back to its first redirect URI.
  const oauth = new IntacctOAuthClient({
    restBaseUrl: emulator.restBaseUrl,
    redirectUri: emulator.oauth.redirectUris[0] ?? null,
    credentials: async () => ({ clientId: emulator.oauth.clientId, clientSecret: emulator.oauth.clientSecret }),
    states: new DynamoOAuthStateStore(dynamo.doc, dynamo.names.runs),
    lock: new DynamoTokenRefreshLock(dynamo.doc, dynamo.names.runs),
    secrets,
    tokenClient: { baseDelayMs: 5 },
  });
  const rest = new RestGatewaySourceFactory({ restBaseUrl: emulator.restBaseUrl, slotEndpoint: emulator.endpointUrl, retry, telemetry });
  const deps: SyncDeps = {
    ...stores,
    secrets,
    intacct: bothGateways(xml, rest, oauth),
    intacctAuthorization: oauth,
    events,
    workers,
    clock,
    ids: new TimeOrderedIds(),
    telemetry,
  };
  workers.attach(deps);
  const tenants: string[] = [];
  for (const [index, company] of emulator.companies.entries()) {
    const tenantId = `tenant-${index + 1}`;
    await connectIntacct(deps, tenantId, { companyId: company.companyId, userId: company.userId, password: company.userPassword });
    tenants.push(tenantId);
  }
  return {
    emulator,
    dynamo,
    stores,
    deps,
    events,
    workers,
    clock,
    spy,
    metricLines,
    tenants,
    intacct: (index = 0) =>
      new IntacctAdmin({
        endpointUrl: emulator.endpointUrl,
        senderId: emulator.senderId,
        senderPassword: emulator.senderPassword,
        company: emulator.companies[index]!,
      }),
    async close() {
      await emulator.close();
      await dynamo.close();
    },
  };
}
