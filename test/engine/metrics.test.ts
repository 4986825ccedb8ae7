/**
 * The metrics the engine reports, from real runs against the emulator and dynalite, read back as
 * CloudWatch would read the EMF lines: runs started and finished by type, trigger and status, the
 * failed ones, their durations, records by outcome, held unlinks, the nightly fan-out, the
 * connector's requests and rate limiting, and DynamoDB's throttles. The last test checks that these
 * paths between them publish every metric of the catalog.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRun } from '#domain/runs';
import { METRICS, METRICS_NAMESPACE } from '#observability/metric-catalog';
import { documentClientFor } from '#store/dynamo-client';
import { countThrottles } from '#store/throttle-metrics';
import { LEASE_TTL_MS } from '#use-cases/engine/leases';
import { closeRunIfWorkerLost } from '#use-cases/engine/run-lifecycle';
import { queueClientImport } from '#use-cases/import-clients';
import { requestNightlySyncs } from '#use-cases/request-nightly-syncs';
import { type EmfDocument, emfDocuments, metricSamples, metricTotal } from '../support/emf';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { startThrottlingDynamo } from '../support/throttling-dynamo';
import { allClients, importClients, nightlySync } from './engine-steps';

/** Enough that the mass-unlink guard (more than 10 and more than 20% of links) can hold a sync back. */
const CUSTOMERS = 40;
const DELETED = 12;

let h: EngineHarness;
let tenant: string;
/** Every document any test below saw, for the catalog check at the end. */
const seen: EmfDocument[] = [];

/** The metrics recorded since the last call, as an invocation's flush writes them. */
function flushed(): EmfDocument[] {
  h.metricLines.length = 0;
  h.deps.telemetry.flush();
  const documents = emfDocuments(h.metricLines);
  seen.push(...documents);
  return documents;
}

beforeAll(async () => {
  h = await startEngineHarness([{ customers: CUSTOMERS }]);
  tenant = h.tenants[0]!;
  flushed();
}, 60_000);
afterAll(async () => h?.close());

describe('run metrics', () => {
  let imported: SyncRun;

  it('an import counts one run started and finished, its records by outcome and its duration', async () => {
    imported = await importClients(h, tenant, { all: true });

    const documents = flushed();
    expect(imported.status).toBe('succeeded');
    expect(metricTotal(documents, 'RunsStarted', { runType: 'client_import', trigger: 'api' })).toBe(1);
    expect(metricTotal(documents, 'RunsFinished', { runType: 'client_import', trigger: 'api', status: 'succeeded' })).toBe(1);
    expect(metricTotal(documents, 'RunsFailed')).toBe(0);
    expect(metricTotal(documents, 'Records', { runType: 'client_import', outcome: 'created' })).toBe(imported.counts.created);
    expect(metricTotal(documents, 'Records', { outcome: 'created' })).toBe(CUSTOMERS);
    expect(metricSamples(documents, 'RunDuration')).toEqual([Date.parse(imported.finishedAt!) - Date.parse(imported.startedAt!)]);
    expect(metricTotal(documents, 'IntacctRequests')).toBeGreaterThan(0);
  });

  it('a run whose worker is lost counts as finished failed', async () => {
    const queued = await queueClientImport(h.deps, tenant, { all: true }, 'api');
    h.clock.advance(LEASE_TTL_MS + 1);

    const closed = await closeRunIfWorkerLost(h.deps, queued);
    await h.workers.drain();

    const documents = flushed();
    expect(closed.status).toBe('failed');
    expect(metricTotal(documents, 'RunsFailed', { runType: 'client_import' })).toBe(1);
    expect(metricTotal(documents, 'RunsFinished', { status: 'failed' })).toBe(1);
    // It never started, so it has no duration.
    expect(metricSamples(documents, 'RunDuration')).toEqual([]);
  });

  it('a sync that would unlink too many clients counts the unlinks it holds for review', async () => {
    const clients = await allClients(h, tenant);
    await h.intacct().delete(
      'CUSTOMER',
      clients.slice(0, DELETED).map((client) => client.integrations.intacct!.recordNo),
    );

    const [held] = await nightlySync(h, tenant, 'clients');

    const documents = flushed();
    expect(held!.status).toBe('needs_review');
    expect(metricTotal(documents, 'HeldUnlinks', { runType: 'client_sync' })).toBe(DELETED);
    expect(held!.heldCount).toBe(DELETED);
    expect(metricTotal(documents, 'RunsStarted', { runType: 'client_sync', trigger: 'schedule' })).toBe(1);
    expect(metricTotal(documents, 'RunsFinished', { status: 'needs_review' })).toBe(1);
  });
});

describe('the nightly fan-out', () => {
  it('counts the tenants it asked to sync', async () => {
    const answer = await requestNightlySyncs(h.deps, h.clock.now().toISOString());

    expect(metricTotal(flushed(), 'NightlyTenantsRequested')).toBe(answer.tenants);
  });
});

describe('metrics of the parts a run leans on', () => {
  it('Intacct limiting a run counts its throttled requests and their retries', async () => {
    h.emulator.setFaults({ failNext: [{ kind: 'http429', count: 2 }] });
    try {
      await nightlySync(h, tenant, 'users');
    } finally {
      h.emulator.clearFaults();
    }

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctThrottled')).toBe(2);
    expect(metricTotal(documents, 'IntacctErrors', { errorKind: 'rate_limit' })).toBe(2);
    expect(metricTotal(documents, 'IntacctRetries')).toBeGreaterThanOrEqual(2);
  });

  it('DynamoDB refusing a store request for throughput counts a throttle of its table', async () => {
    const dynamo = await startThrottlingDynamo();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    countThrottles(client, h.dynamo.names, h.deps.telemetry);
    try {
      await expect(documentClientFor(client).send(new GetCommand({ TableName: h.dynamo.names.runs, Key: { pk: 'a', sk: 'b' } }))).rejects.toThrow();
    } finally {
      client.destroy();
      await dynamo.close();
    }

    expect(metricTotal(flushed(), 'DynamoDbThrottles', { table: 'runs' })).toBe(1);
  });
});

describe('the catalog', () => {
  it('every metric it lists was published by one of the paths above, under its dimension sets, never with a tenant id', () => {
    const published = new Set(seen.flatMap((document) => document.metrics.map((metric) => metric.Name)));
    for (const spec of Object.values(METRICS)) expect(published, `${spec.name} was never published`).toContain(spec.name);

    for (const document of seen) {
      const spec = Object.values(METRICS).find((metric) => metric.name === document.metrics[0]!.Name)!;
      expect(document.namespace).toBe(METRICS_NAMESPACE);
      expect(spec.dimensionSets.map((set) => set.join(','))).toContain(document.dimensionSets[0]!.join(','));
      const dimensionValues = document.dimensionSets.flat().map((name) => document.fields[name]);
      expect(dimensionValues).not.toContain(tenant);
    }
  });
});
