/**
 * The AWS APIs the local runtime speaks for the functions — Lambda Invoke and EventBridge
 * PutEvents — driven with the real SDK clients, and the nightly schedule's fan-out.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

interface RunJson {
  id: string;
  type: string;
  trigger: string;
  status: string;
}

let runtime: TestRuntime;
let lambda: LambdaClient;
let eventBridge: EventBridgeClient;

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const decoder = new TextDecoder();

const tenant = (index: number) => runtime.info.tenants[index]!;

async function runsOf(tenantIndex: number): Promise<RunJson[]> {
  const response = await fetch(`${runtime.apiUrl}/sync-runs?limit=200`, {
    headers: { authorization: `Bearer ${tenant(tenantIndex).adminToken}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: RunJson[] }).items;
}

async function journal(): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(runtime.dataDir, 'events.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  lambda = new LambdaClient({ endpoint: runtime.apiUrl, region: 'local', credentials: LOCAL_CREDENTIALS });
  eventBridge = new EventBridgeClient({ endpoint: runtime.apiUrl, region: 'local', credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  lambda?.destroy();
  eventBridge?.destroy();
  await runtime?.close();
});

describe('Lambda Invoke API', () => {
  it('RequestResponse answers the handler result', async () => {
    const payload = { tenantId: tenant(0).tenantId, scope: 'clients' };

    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'tenant-sync', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );

    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    const result = JSON.parse(decoder.decode(answer.Payload)) as { runs: RunJson[] };
    expect(result.runs).toEqual([expect.objectContaining({ type: 'client_sync', status: 'succeeded' })]);
  });

  it('RequestResponse answers 200 with FunctionError Unhandled when the handler throws', async () => {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'tenant-sync', Payload: new TextEncoder().encode('{"tenantId":"x","scope":"everything"}') }),
    );

    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(decoder.decode(answer.Payload))).toMatchObject({ errorMessage: expect.any(String), errorType: expect.any(String) });
  });

  it('Event answers 202 at once and runs the handler in the background', async () => {
    const before = (await runsOf(1)).length;

    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:local:000000000000:function:tenant-sync',
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ tenantId: tenant(1).tenantId, scope: 'users' })),
      }),
    );
    expect(answer.StatusCode).toBe(202);
    await runtime.whenIdle();

    const runs = await runsOf(1);
    expect(runs.length).toBe(before + 1);
    expect(runs[0]).toMatchObject({ type: 'user_sync', status: 'succeeded' });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('EventBridge PutEvents', () => {
  it('answers like EventBridge, journals the event and routes TenantSyncRequested to tenant-sync', async () => {
    const before = (await runsOf(0)).length;

    const answer = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'psa.intacct-sync',
            DetailType: 'TenantSyncRequested',
            Detail: JSON.stringify({ tenantId: tenant(0).tenantId, scope: 'all' }),
            EventBusName: 'psa-intacct-sync-local',
          },
        ],
      }),
    );
    await runtime.whenIdle();

    expect(answer.FailedEntryCount).toBe(0);
    const eventId = answer.Entries?.[0]?.EventId;
    expect(eventId).toEqual(expect.any(String));
    const runs = await runsOf(0);
    expect(runs.length).toBe(before + 2);
    expect(runs.slice(0, 2).map((run) => run.type).sort()).toEqual(['client_sync', 'user_sync']);
    expect(runs.slice(0, 2).every((run) => run.status === 'succeeded')).toBe(true);
    expect(await journal()).toContainEqual(
      expect.objectContaining({
        id: eventId,
        'detail-type': 'TenantSyncRequested',
        source: 'psa.intacct-sync',
        detail: { tenantId: tenant(0).tenantId, scope: 'all' },
      }),
    );
  });

  it('journals other events without routing them, and refuses a malformed detail per entry', async () => {
    const before = (await runsOf(0)).length;

    const answer = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'psa.intacct-sync', DetailType: 'ClientUpdated', Detail: JSON.stringify({ tenantId: 'x' }) },
          { Source: 'psa.intacct-sync', DetailType: 'TenantSyncRequested', Detail: 'not json' },
        ],
      }),
    );
    await runtime.whenIdle();

    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect((await runsOf(0)).length).toBe(before);
  });
});

describe('the nightly schedule', () => {
  it('fireNightly runs daily-sync, which fans out one tenant-sync per connected tenant', async () => {
    const before = [(await runsOf(0)).length, (await runsOf(1)).length];
    const journalBefore = (await journal()).length;

    await runtime.fireNightly();
    await runtime.whenIdle();

    const requested = (await journal()).slice(journalBefore).filter((event) => event['detail-type'] === 'TenantSyncRequested');
    expect(requested.map((event) => (event.detail as { tenantId: string }).tenantId).sort()).toEqual(
      runtime.info.tenants.map((entry) => entry.tenantId).sort(),
    );
    for (const index of [0, 1]) {
      const runs = await runsOf(index);
      expect(runs.length).toBe(before[index]! + 2);
      expect(runs.slice(0, 2).every((run) => run.status === 'succeeded')).toBe(true);
    }
  });

  it('POST /__local/nightly needs an admin token and queues the nightly run', async () => {
    const url = `${runtime.apiUrl}/__local/nightly`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    const collaborator = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tenant(0).collaboratorToken}` } });
    expect(collaborator.status).toBe(403);
    const before = (await runsOf(1)).length;

    const admin = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tenant(0).adminToken}` } });
    expect(admin.status).toBe(202);
    await runtime.whenIdle();

    expect((await runsOf(1)).length).toBe(before + 2);
  });
});
