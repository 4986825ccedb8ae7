/**
 * Connect with Sage Intacct against the local runtime over real HTTP: the runtime registers its
 * callback with the emulator's OAuth client, the admin's browser goes to the emulator's consent
 * page and back, and the tenant ends up connected through the REST gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAtIntacct } from '../support/intacct-consent';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

let runtime: TestRuntime;

const northwind = () => runtime.info.tenants[0]!;
const signInOf = (tenant: ReturnType<typeof northwind>) => ({ companyId: tenant.companyId, userId: tenant.userId, password: tenant.userPassword });

function asAdmin(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${northwind().adminToken}`);
  return fetch(`${runtime.apiUrl}${path}`, { ...init, headers });
}

async function startOAuth(): Promise<string> {
  const answer = await asAdmin('/integrations/intacct/oauth/start', { method: 'POST' });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { authorizeUrl: string };
  return body.authorizeUrl;
}

/** Follows Intacct's redirect as a browser does (it asks for HTML; it carries no bearer token). */
const asBrowser = (url: URL): Promise<Response> => fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });

beforeAll(async () => {
  runtime = await startTestRuntime();
});

afterAll(async () => {
  await runtime?.close();
});

describe('Connect with Sage Intacct on the local runtime', () => {
  it('sends the admin to the emulator with the runtime callback, connects the tenant through REST, and sends the browser to the console', async () => {
    const authorizeUrl = new URL(await startOAuth());
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${runtime.apiUrl}/integrations/intacct/oauth/callback`);

    const callback = await decideAtIntacct(authorizeUrl.href, signInOf(northwind()));
    const landed = await asBrowser(callback);

    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe(`${runtime.consoleUrl}/integrations?intacct=connected`);
    const status = await (await asAdmin('/integrations/intacct')).json();
    expect(status).toMatchObject({ connected: true, companyId: northwind().companyId, gateway: 'rest' });
  });

  it('refuses the same callback twice: the state is single-use (JSON for a caller that is not a browser)', async () => {
    const callback = await decideAtIntacct(await startOAuth(), signInOf(northwind()));
    expect((await fetch(callback)).status).toBe(200);

    const replayed = await fetch(callback);

    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: { code: 'oauth_state_invalid' } });
  });

  it('a denial at Intacct changes nothing and tells the console why', async () => {
    const before = await (await asAdmin('/integrations/intacct')).json();
    const callback = await decideAtIntacct(await startOAuth(), signInOf(northwind()), 'deny');

    const landed = await asBrowser(callback);

    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe(`${runtime.consoleUrl}/integrations?intacct_error=oauth_denied`);
    expect(await (await asAdmin('/integrations/intacct')).json()).toEqual(before);
  });
});
