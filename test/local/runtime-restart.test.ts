/** The data directory: what a restart keeps and what --reset clears. */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEndpointOf, makeDataDir, startTestRuntime, type TestRuntime } from '../support/local-runtime';

let dataDir: string;
const running: TestRuntime[] = [];

async function start(options: { reset?: boolean; log?: (line: string) => void } = {}): Promise<TestRuntime> {
  const runtime = await startTestRuntime({ dataDir, ...options });
  running.push(runtime);
  return runtime;
}

async function stop(runtime: TestRuntime): Promise<void> {
  await runtime.close();
  running.splice(running.indexOf(runtime), 1);
}

function getClient(runtime: TestRuntime, id: string, token: string): Promise<Response> {
  return fetch(`${runtime.apiUrl}/clients/${id}`, { headers: { authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  dataDir = await makeDataDir();
});

afterAll(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('restarting with the same data directory', () => {
  it('keeps clients, connections and the signing key; --reset starts clean', async () => {
    const first = await start();
    const adminToken = first.info.tenants[0]!.adminToken;
    const created = await fetch(`${first.apiUrl}/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Survives Restarts Ltd' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const firstAwsEndpoint = await awsEndpointOf(first);
    await stop(first);

    const lines: string[] = [];
    const second = await start({ log: (line) => lines.push(line) });
    const afterRestart = await getClient(second, id, adminToken);
    expect(afterRestart.status).toBe(200);
    expect(await afterRestart.json()).toMatchObject({ id, name: 'Survives Restarts Ltd' });
    const messages = lines.map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages.filter((message) => message === 'demo tenant already connected')).toHaveLength(2);
    expect(messages).not.toContain('demo tenant connected');
    // The local AWS endpoint's secret is new at every start: the previous one opens nothing.
    const secondAwsEndpoint = new URL(await awsEndpointOf(second));
    const firstSecret = new URL(firstAwsEndpoint).pathname;
    expect(secondAwsEndpoint.pathname).not.toBe(firstSecret);
    const withOldSecret = await fetch(`${secondAwsEndpoint.origin}${firstSecret}/2015-03-31/functions/tenant-sync/invocations`, {
      method: 'POST',
      body: JSON.stringify({ tenantId: 'demo-northwind', scope: 'clients' }),
    });
    expect(withOldSecret.status).toBe(403);
    await stop(second);

    const third = await start({ reset: true });
    expect((await getClient(third, id, third.info.tenants[0]!.adminToken)).status).toBe(404);
    // A new signing key: tokens from before the reset are refused.
    expect((await getClient(third, id, adminToken)).status).toBe(401);
    const status = await fetch(`${third.apiUrl}/integrations/intacct`, {
      headers: { authorization: `Bearer ${third.info.tenants[0]!.adminToken}` },
    });
    expect(await status.json()).toMatchObject({ connected: true });
  });
});
