/**
 * The AWS APIs the local runtime speaks for the functions — Lambda Invoke and EventBridge
 * PutEvents — driven with the real SDK clients on their own port behind the runtime's secret (and
 * refused on the API port), and the nightly schedule's fan-out.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../local/runtime';
import { buildHttpApiEvent } from '../../local/runtime/api-gateway';
import { awsEndpointOf, readRuntimeInternal, startTestRuntime, type TestRuntime } from '../support/local-runtime';

interface RunJson {
  id: string;
  type: string;
  trigger: string;
  status: string;
}

let runtime: TestRuntime;
let awsEndpoint: string;
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
  awsEndpoint = await awsEndpointOf(runtime);
  lambda = new LambdaClient({ endpoint: awsEndpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
  eventBridge = new EventBridgeClient({ endpoint: awsEndpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  lambda?.destroy();
  eventBridge?.destroy();
  await runtime?.close();
});

describe('Lambda Invoke API', () => {
  it('RequestResponse answers the handler result', async () => {
    const payload = { tenantId: tenant(0).tenantId, scope: 'clients' };

    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'tenant-sync', Payload: new TextEncoder().encode(JSON.stringify(payload)) }));

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
    expect(
      runs
        .slice(0, 2)
        .map((run) => run.type)
        .sort(),
    ).toEqual(['client_sync', 'user_sync']);
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

  it("POST /__local/nightly needs an admin token and fires the nightly sync for the caller's tenant only", async () => {
    const url = `${runtime.apiUrl}/__local/nightly`;
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    const collaborator = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tenant(0).collaboratorToken}` } });
    expect(collaborator.status).toBe(403);
    const before = [(await runsOf(0)).length, (await runsOf(1)).length];
    const journalBefore = (await journal()).length;

    const admin = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tenant(0).adminToken}` } });
    expect(admin.status).toBe(202);
    expect(await admin.json()).toMatchObject({ tenantId: tenant(0).tenantId, scheduledAt: expect.any(String), eventId: expect.any(String) });
    await runtime.whenIdle();

    // What the schedule does for that tenant: a nightly (schedule-triggered) sync of both families…
    const runs = await runsOf(0);
    expect(runs.length).toBe(before[0]! + 2);
    expect(runs.slice(0, 2).every((run) => run.status === 'succeeded' && run.trigger === 'schedule')).toBe(true);
    // …and nothing for any other tenant.
    expect((await runsOf(1)).length).toBe(before[1]);
    const requested = (await journal()).slice(journalBefore).filter((event) => event['detail-type'] === 'TenantSyncRequested');
    expect(requested.map((event) => (event.detail as { tenantId: string }).tenantId)).toEqual([tenant(0).tenantId]);
  });

  it('POST /__local/nightly for a tenant that is not connected answers 422 not_connected and starts nothing, as daily-sync skips it', async () => {
    const key = Buffer.from((await readFile(join(runtime.dataDir, 'jwt-key'), 'utf8')).trim(), 'base64url');
    const token = issueToken(key, { sub: 'nobody-admin', tenantId: 'demo-unconnected', permissionProfile: 'admin' });
    const journalBefore = (await journal()).length;

    const response = await fetch(`${runtime.apiUrl}/__local/nightly`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'not_connected', details: [] } });
    await runtime.whenIdle();
    expect((await journal()).length).toBe(journalBefore);
  });
});

describe("the AWS endpoints are the functions' alone", () => {
  /** An API Gateway event for `api` with whatever claims its maker wants: what a forged Invoke carries. */
  const forgedApiEvent = (tenantId: string) =>
    buildHttpApiEvent({
      method: 'POST',
      url: '/clients',
      headers: { host: 'localhost', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Forged Through Invoke' }),
      sourceIp: '127.0.0.1',
      claims: { sub: 'attacker', tenant_id: tenantId, permission_profile: 'admin' },
    });
  const forgedClients = async (index: number): Promise<unknown[]> => {
    const response = await fetch(`${runtime.apiUrl}/clients?limit=200`, { headers: { authorization: `Bearer ${tenant(index).adminToken}` } });
    return ((await response.json()) as { items: { name: string }[] }).items.filter((client) => client.name === 'Forged Through Invoke');
  };
  const putEventsBody = (tenantId: string) =>
    JSON.stringify({
      Entries: [{ Source: 'psa.intacct-sync', DetailType: 'TenantSyncRequested', Detail: JSON.stringify({ tenantId, scope: 'all' }) }],
    });
  const awsOrigin = (): string => new URL(awsEndpoint).origin;

  it("the API port refuses a forged Invoke of api (a cross-site text/plain POST, or with a token), with the API's error JSON", async () => {
    const invokeUrl = `${runtime.apiUrl}/2015-03-31/functions/api/invocations`;
    const attempts: RequestInit[] = [
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
        body: JSON.stringify(forgedApiEvent(tenant(1).tenantId)),
      },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant(0).adminToken}`, 'x-amz-invocation-type': 'RequestResponse' },
        body: JSON.stringify(forgedApiEvent(tenant(1).tenantId)),
      },
    ];
    for (const init of attempts) {
      const response = await fetch(invokeUrl, init);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'route_not_found', message: expect.any(String), details: [] } });
    }
    const viaSdk = new LambdaClient({ endpoint: runtime.apiUrl, region: 'local', credentials: LOCAL_CREDENTIALS });
    try {
      await expect(
        viaSdk.send(
          new InvokeCommand({ FunctionName: 'api', Payload: new TextEncoder().encode(JSON.stringify(forgedApiEvent(tenant(1).tenantId))) }),
        ),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    } finally {
      viaSdk.destroy();
    }
    await runtime.whenIdle();
    expect(await forgedClients(1)).toEqual([]);
  });

  it('the API port does not act on a PutEvents call', async () => {
    const before = (await runsOf(1)).length;
    const journalBefore = (await journal()).length;

    const raw = await fetch(runtime.apiUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.PutEvents',
        authorization: `Bearer ${tenant(0).adminToken}`,
      },
      body: putEventsBody(tenant(1).tenantId),
    });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: { code: 'route_not_found', message: expect.any(String), details: [] } });
    const viaSdk = new EventBridgeClient({ endpoint: runtime.apiUrl, region: 'local', credentials: LOCAL_CREDENTIALS });
    try {
      await expect(
        viaSdk.send(
          new PutEventsCommand({
            Entries: [{ Source: 'psa.intacct-sync', DetailType: 'TenantSyncRequested', Detail: JSON.stringify({ tenantId: tenant(1).tenantId }) }],
          }),
        ),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    } finally {
      viaSdk.destroy();
    }
    await runtime.whenIdle();

    expect((await journal()).length).toBe(journalBefore);
    expect((await runsOf(1)).length).toBe(before);
  });

  it('the AWS port refuses a call without the secret, with a wrong one, or from a browser', async () => {
    const before = (await runsOf(1)).length;
    const journalBefore = (await journal()).length;
    const secret = new URL(awsEndpoint).pathname.slice(1);
    const wrongSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const invoke = (prefix: string, headers: Record<string, string> = {}) =>
      fetch(`${awsOrigin()}${prefix}/2015-03-31/functions/api/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...headers },
        body: JSON.stringify(forgedApiEvent(tenant(1).tenantId)),
      });
    const putEvents = (prefix: string) =>
      fetch(`${awsOrigin()}${prefix}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body: putEventsBody(tenant(1).tenantId),
      });

    for (const response of [
      await invoke(''),
      await invoke(`/${wrongSecret}`),
      await invoke(`/${secret.slice(0, 16)}`),
      await invoke(`/${secret}`, { origin: 'https://evil.example' }),
      await putEvents(''),
      await putEvents(`/${wrongSecret}`),
    ]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ __type: expect.stringMatching(/UnrecognizedClientException|AccessDeniedException/) });
    }
    const wrongClient = new LambdaClient({ endpoint: `${awsOrigin()}/${wrongSecret}`, region: 'local', credentials: LOCAL_CREDENTIALS });
    try {
      await expect(
        wrongClient.send(new InvokeCommand({ FunctionName: 'tenant-sync', Payload: new TextEncoder().encode('{}') })),
      ).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      wrongClient.destroy();
    }
    await runtime.whenIdle();

    expect(await forgedClients(1)).toEqual([]);
    expect((await journal()).length).toBe(journalBefore);
    expect((await runsOf(1)).length).toBe(before);
  });

  it("keeps the secret out of runtime.json, in runtime-internal.json (0600) and the functions' endpoints only", async () => {
    const secret = new URL(awsEndpoint).pathname.slice(1);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(awsEndpoint).not.toContain(new URL(runtime.apiUrl).host);
    expect(await readFile(join(runtime.dataDir, 'runtime.json'), 'utf8')).not.toContain(secret);
    const internal = await readRuntimeInternal(runtime.dataDir);
    expect(internal.environment).toMatchObject({ LAMBDA_ENDPOINT: awsEndpoint, EVENTBRIDGE_ENDPOINT: awsEndpoint });
    expect((await stat(join(runtime.dataDir, 'runtime-internal.json'))).mode & 0o777).toBe(0o600);
  });
});
