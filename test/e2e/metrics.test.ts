/**
 * The functions' metrics through the local runtime, read from its log as CloudWatch reads EMF from
 * a Lambda's: an import started through the API and run by its worker is counted once started and
 * once finished, its records by outcome as the run reports them, under the catalog's namespace and
 * dimension sets, and with no tenant id anywhere a dimension could carry it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METRICS, METRICS_NAMESPACE } from '#observability/metric-catalog';
import { type EmfDocument, emfDocuments, metricSamples, metricTotal } from '../support/emf';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { clientsFor } from './api-client';

const IMPORTED = 5;

let runtime: TestRuntime;
const logLines: string[] = [];
let run: any;
let documents: EmfDocument[];

beforeAll(async () => {
  runtime = await startTestRuntime({ schedule: null, log: (line) => logLines.push(line) });
  const { admin } = clientsFor(runtime);
  // What connecting the demo tenants at start-up wrote is not this test's business.
  logLines.length = 0;
  const customers = (await admin.get(`/intacct/customers?limit=${IMPORTED}`)).body.items as { customerId: string }[];
  const accepted = await admin.post('/clients/import', { customerIds: customers.map((customer) => customer.customerId) });
  expect(accepted.status, accepted.text).toBe(202);
  run = await admin.finishedRun(accepted.body.runId);
  // Every invocation has ended, so every one has flushed.
  await runtime.whenIdle();
  documents = emfDocuments(logLines);
}, 120_000);
afterAll(async () => runtime?.close());

it('counts the import once started and once finished, with its type, trigger and status', () => {
  expect(run.status).toBe('succeeded');
  expect(metricTotal(documents, 'RunsStarted')).toBe(1);
  expect(metricTotal(documents, 'RunsStarted', { runType: 'client_import', trigger: 'api' })).toBe(1);
  expect(metricTotal(documents, 'RunsFinished', { status: 'succeeded' })).toBe(1);
  expect(metricTotal(documents, 'RunsFinished', { runType: 'client_import', trigger: 'api', status: 'succeeded' })).toBe(1);
  expect(metricSamples(documents, 'RunDuration')).toHaveLength(1);
});

it("counts the run's records by outcome as the run reports them", () => {
  expect(run.counts.created).toBe(IMPORTED);
  for (const [outcome, count] of Object.entries(run.counts as Record<string, number>)) {
    expect(metricTotal(documents, 'Records', { outcome }), outcome).toBe(count);
    expect(metricTotal(documents, 'Records', { runType: 'client_import', outcome }), outcome).toBe(count);
  }
});

it('counts the Intacct requests the worker and the API made', () => {
  expect(metricTotal(documents, 'IntacctRequests')).toBeGreaterThanOrEqual(2);
});

it("writes every document in the catalog's namespace, under one of its metric's dimension sets, without a tenant id", () => {
  const tenantIds = runtime.info.tenants.map((tenant) => tenant.tenantId);
  expect(documents.length).toBeGreaterThan(0);
  for (const document of documents) {
    const spec = Object.values(METRICS).find((metric) => metric.name === document.metrics[0]?.Name);
    expect(spec, JSON.stringify(document.metrics)).toBeDefined();
    expect(document.namespace).toBe(METRICS_NAMESPACE);
    expect(spec!.dimensionSets.map((set) => set.join(','))).toContain(document.dimensionSets[0]!.join(','));
    const dimensionValues = document.dimensionSets.flat().map((name) => String(document.fields[name]));
    for (const tenantId of tenantIds) expect(dimensionValues).not.toContain(tenantId);
    expect(JSON.stringify(document.fields)).not.toContain('tenantId');
  }
});
