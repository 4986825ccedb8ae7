/** Pointing the runtime at another Intacct gateway, and keeping credentials out of its logs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

let emulator: RunningEmulator;
let runtime: TestRuntime;
const logLines: string[] = [];

beforeAll(async () => {
  // The emulator's default companies are the ones `npm run emulator` serves.
  emulator = await startEmulator();
  runtime = await startTestRuntime({
    intacct: { endpointUrl: emulator.endpointUrl, senderId: emulator.senderId, senderPassword: emulator.senderPassword },
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await runtime?.close();
  await emulator?.close();
});

describe('a runtime on another Intacct', () => {
  it('uses that gateway and connects the demo tenants to its companies', async () => {
    expect(runtime.info.intacct).toEqual({
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
    });
    for (const tenant of runtime.info.tenants) {
      const response = await fetch(`${runtime.apiUrl}/integrations/intacct`, {
        headers: { authorization: `Bearer ${tenant.adminToken}` },
      });
      expect(await response.json()).toMatchObject({ connected: true, companyId: tenant.companyId });
    }
    expect(emulator.stats().byFunction.getAPISession).toBeGreaterThanOrEqual(runtime.info.tenants.length);
  });

  it('never writes a password or token to its log', async () => {
    const token = runtime.info.tenants[0]!.adminToken;
    await fetch(`${runtime.apiUrl}/clients?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${runtime.apiUrl}/clients`, { headers: { authorization: 'Bearer not-a-token' } });
    const secrets = [
      runtime.info.intacct.senderPassword,
      ...runtime.info.tenants.flatMap((tenant) => [tenant.userPassword, tenant.adminToken, tenant.collaboratorToken]),
    ];

    const log = logLines.join('\n');

    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
