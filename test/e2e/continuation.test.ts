/**
 * A run longer than its worker's invocation: with the workers' timeout cut to 5 s
 * (LOCAL_FUNCTION_TIMEOUT_S) and an Intacct slow enough that importing 3,000 customers takes far
 * longer than that, the import saves a checkpoint before each deadline and continues itself in a
 * fresh invocation (the local Lambda Invoke API, InvocationType Event), run after run of the same
 * id, until it succeeds — with every customer imported once and announced once.
 *
 * The company is an emulator of this test's own (the demo companies have 200 customers), with the
 * demo credentials, so the runtime's demo tenant connects to it as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator';
import { emfDocuments, metricTotal } from '../support/emf';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { type ApiClient, clientsFor } from './api-client';
import { allClients, clientImportedEvents, type JournalEvent, readEvents, startBigEmulator, tally } from './resilience-support';

const CUSTOMERS = 3_000;
const WORKER_TIMEOUT_S = '5';
/**
 * 3 ms a record: a 2,000-record page (6 s) cannot arrive within one invocation, so the run also has
 * to learn to ask for smaller pages; a 1,000-record page takes 3 s. In all the import takes well
 * over 20 s (about 30 s here), several times the workers' timeout.
 */
const SLOW_INTACCT = { base: 0, perRecord: 3 };

interface LogLine {
  level: string;
  message: string;
  functionName?: string;
  error?: string;
}

let emulator: RunningEmulator;
let runtime: TestRuntime;
let admin: ApiClient;
let tenantId: string;
const logs: LogLine[] = [];
/** Every line of the runtime's log as written, the functions' EMF metrics among them. */
const logLines: string[] = [];
let run: any;
let elapsedMs: number;

beforeAll(async () => {
  emulator = await startBigEmulator(CUSTOMERS);
  // Read once, when the runtime starts; restored at once so no other runtime of this process sees it.
  const previous = process.env.LOCAL_FUNCTION_TIMEOUT_S;
  process.env.LOCAL_FUNCTION_TIMEOUT_S = WORKER_TIMEOUT_S;
  try {
    runtime = await startTestRuntime({
      schedule: null,
      intacct: { endpointUrl: emulator.endpointUrl, senderId: emulator.senderId, senderPassword: emulator.senderPassword },
      log: (line) => {
        logLines.push(line);
        const parsed = JSON.parse(line) as LogLine;
        logs.push(parsed);
        // EMF lines have no level: metrics, not news.
        if (parsed.level !== undefined && parsed.level !== 'INFO') process.stderr.write(`${line}\n`);
      },
    });
  } finally {
    if (previous === undefined) delete process.env.LOCAL_FUNCTION_TIMEOUT_S;
    else process.env.LOCAL_FUNCTION_TIMEOUT_S = previous;
  }
  admin = clientsFor(runtime, 0).admin;
  tenantId = runtime.info.tenants[0]!.tenantId;

  emulator.setFaults({ latencyMs: SLOW_INTACCT });
  const startedAt = Date.now();
  const accepted = await admin.post('/clients/import', { all: true });
  expect(accepted.status, accepted.text).toBe(202);
  run = await admin.finishedRun(accepted.body.runId, 180_000);
  elapsedMs = Date.now() - startedAt;
  // Every invocation has returned (or been given up on) and published what it had to.
  await runtime.whenIdle();
  emulator.clearFaults();
  console.log(
    `import of ${CUSTOMERS} customers: ${elapsedMs} ms, ${invocationsQueued()} client-import invocations, ` +
      `${failedInvocations().length} failed: ${JSON.stringify(failedInvocations().map((line) => line.error))}`,
  );
}, 240_000);

afterAll(async () => {
  await runtime?.close();
  await emulator?.close();
});

/** Each Event invoke of client-import: the API's start of the run, then each continuation. */
const invocationsQueued = (): number =>
  logs.filter((line) => line.message === 'async invocation queued' && line.functionName === 'client-import').length;

/** client-import invocations that failed or ran past their timeout (Lambda would have killed them). */
const failedInvocations = (): LogLine[] =>
  logs.filter(
    (line) =>
      line.functionName === 'client-import' && ['async invocation failed', 'invocation timed out', 'invocation failed'].includes(line.message),
  );

describe(`an import of ${CUSTOMERS} customers with LOCAL_FUNCTION_TIMEOUT_S=${WORKER_TIMEOUT_S} and a slow Intacct`, () => {
  it('succeeds across several invocations of the same run: 3,000 created, each customer once, one ClientImported each', async () => {
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: CUSTOMERS, failed: 0, skipped: 0 });
    expect(run.progress).toEqual({ processed: CUSTOMERS, total: CUSTOMERS });
    // Far longer than one invocation may run: the run was continued, not done in one go.
    expect(elapsedMs).toBeGreaterThan(Number(WORKER_TIMEOUT_S) * 1000);
    expect(invocationsQueued()).toBeGreaterThanOrEqual(3);
    // Continued as the same run: one import in the history, the one we started.
    const history = (await admin.get('/sync-runs?limit=200')).body.items as any[];
    expect(history.map((entry) => entry.id)).toEqual([run.id]);

    const clients = await allClients(admin);
    expect(clients).toHaveLength(CUSTOMERS);
    const perCustomer = tally(clients.map((client) => String(client.integrations.intacct?.customerId)));
    expect(perCustomer.size).toBe(CUSTOMERS);
    expect([...perCustomer.values()].every((count) => count === 1)).toBe(true);

    // One ClientImported per client: published again after a hand-off it keeps its eventId.
    const events: JournalEvent[] = await readEvents(runtime.dataDir);
    const announced = clientImportedEvents(events, tenantId);
    expect(announced.size).toBe(CUSTOMERS);
    expect(
      [...announced].filter(([, eventIds]) => eventIds.size > 1),
      'clients announced under two event ids',
    ).toEqual([]);
    const clientIds = new Set(clients.map((client) => client.id as string));
    expect(
      [...announced.keys()].filter((id) => !clientIds.has(id)),
      'events about clients that do not exist',
    ).toEqual([]);
    const finished = events.filter((event) => event['detail-type'] === 'SyncRunFinished' && event.detail.runId === run.id);
    expect(new Set(finished.map((event) => event.detail.eventId)).size).toBe(1);
    expect(finished[0]?.detail).toMatchObject({ status: 'succeeded', counts: { created: CUSTOMERS } });
  });

  // Chunks are sized to the time left from the time per record measured so far (carried from
  // invocation to invocation), so no invocation starts work it cannot finish before its deadline:
  // on Lambda one that did would be stopped mid-chunk, without handing the run on. Without that
  // sizing nearly every invocation runs past its deadline; on a shared machine a stall of the whole
  // process (a second or more while the browser tests render) can still push one past its 1 s
  // safety margin, which Lambda's retry then absorbs, so the bound is one in ten, not zero.
  it('writes the metrics of every invocation, those that hand the run on included: one run started and finished, every record created', () => {
    const documents = emfDocuments(logLines);
    expect(metricTotal(documents, 'RunsStarted', { runType: 'client_import', trigger: 'api' })).toBe(1);
    expect(metricTotal(documents, 'RunsFinished', { runType: 'client_import', trigger: 'api', status: 'succeeded' })).toBe(1);
    expect(metricTotal(documents, 'Records', { runType: 'client_import', outcome: 'created' })).toBe(CUSTOMERS);
    // Each invocation flushes its own Intacct requests as it ends, hand-off or not.
    const flushesWithRequests = documents.filter(
      (document) => document.metrics[0]?.Name === 'IntacctRequests' && document.dimensionSets[0]!.length === 1,
    );
    expect(flushesWithRequests.length).toBeGreaterThanOrEqual(3);
  });

  it('hands the run on before its deadlines: at most one client-import invocation in ten fails or times out', () => {
    expect(invocationsQueued()).toBeGreaterThan(0);
    expect(failedInvocations().length, JSON.stringify(failedInvocations())).toBeLessThanOrEqual(Math.floor(invocationsQueued() / 10));
  });
});
