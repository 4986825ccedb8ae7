/**
 * Connect with Sage Intacct (OAuth 2.0) in a real browser, as a PSA admin: from the Integrations
 * page to Sage Intacct's sign-in (the emulator's consent page, on another origin) and back, for
 * Approve, Deny, by keyboard alone, and for another company than the records are linked to. The
 * demo tenants start connected with a Web Services user, so each case disconnects first. axe-core
 * checks the Integrations page in each state it comes back in, photographed under test-results/console/.
 */

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsFor } from '../e2e/api-client';
import { screenshot, seriousAccessibilityProblems } from './support/browser';
import { type ConsoleRuntime, type ConsoleSession, openConsole } from './support/console-runtime';

let session: ConsoleSession;
let runtime: ConsoleRuntime;
let page: Page;

beforeAll(async () => {
  session = await openConsole();
  ({ runtime, page } = session);
}, 240_000);
afterAll(() => session?.close());

const northwind = () => runtime.info.tenants[0]!;
const otherCompany = () => runtime.info.tenants[1]!;

/** axe on the page as it is, and a screenshot named after it. */
async function check(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  expect(await seriousAccessibilityProblems(page), `accessibility of ${name}`).toEqual([]);
  await screenshot(page, name);
}

async function openIntegrations(): Promise<void> {
  await page.getByRole('button', { name: 'Admin' }).click();
  await page.getByRole('menuitem', { name: 'Integrations' }).click();
  await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
}

async function disconnect(): Promise<void> {
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('dialog', { name: 'Disconnect from Sage Intacct' }).getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('form', { name: 'Connect to Sage Intacct' }).waitFor();
}

const consoleOrigin = () => new URL(runtime.info.consoleUrl).origin;
const intacctOrigin = () => new URL(runtime.info.intacct.endpointUrl).origin;

/** Waits for Sage Intacct's sign-in page (the emulator's, on its own origin). */
async function atIntacctSignIn(): Promise<void> {
  await page.waitForURL((url) => url.origin === intacctOrigin());
  await page.getByRole('heading', { level: 1, name: 'Sign in to Sage Intacct' }).waitFor();
}

async function signInAtIntacct(tenant: { companyId: string; userId: string; userPassword: string }, decision: 'Approve' | 'Deny'): Promise<void> {
  await atIntacctSignIn();
  await page.getByRole('textbox', { name: 'Company ID' }).fill(tenant.companyId);
  await page.getByRole('textbox', { name: 'User ID' }).fill(tenant.userId);
  await page.getByRole('textbox', { name: 'Password' }).fill(tenant.userPassword);
  await page.getByRole('button', { name: decision }).click();
}

/** Back on the console's Integrations page, with the outcome read and taken out of the URL. */
async function backOnIntegrations(): Promise<void> {
  await page.waitForURL((url) => url.origin === consoleOrigin() && url.pathname === '/integrations');
  await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
  await page.waitForURL((url) => url.search === '');
}

/** The value of the connection's field `name` (Company, Connected with, …). */
const field = (name: string) =>
  page
    .locator('.fields > div')
    .filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${name}$`) }) })
    .getByRole('definition');

describe('Connect with Sage Intacct, as a PSA admin', () => {
  it('signs in at Sage Intacct and comes back connected through OAuth, with a status message that a reload does not repeat', async () => {
    await page.goto(runtime.info.consoleUrl);
    await page.getByRole('button', { name: `Sign in as ${northwind().tenantId} admin` }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await openIntegrations();
    await expect(field('Connected with').textContent()).resolves.toBe('A Web Services user');
    await disconnect();
    const form = page.getByRole('form', { name: 'Connect to Sage Intacct' });
    for (const name of ['Company ID', 'User ID', 'Password', 'Entity ID (optional)']) {
      await expect(form.getByRole('textbox', { name, exact: true }).count(), name).resolves.toBe(1);
    }
    await expect(form.getByRole('button', { name: 'Connect', exact: true }).count()).resolves.toBe(1);
    await check('integrations-connect-form');

    await form.getByRole('button', { name: 'Connect with Sage Intacct', exact: true }).click();
    await signInAtIntacct(northwind(), 'Approve');

    await backOnIntegrations();
    await expect(page.getByRole('status').textContent()).resolves.toBe('Connected to Sage Intacct.');
    await page.getByRole('button', { name: 'Sync clients now' }).waitFor();
    await expect(field('Company').textContent()).resolves.toBe(northwind().companyId);
    await expect(field('Connected with').textContent()).resolves.toBe('Sage Intacct (OAuth)');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await check('integrations-oauth-connected');

    await page.reload();
    await page.getByRole('button', { name: 'Sync clients now' }).waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toBe('');
    await expect(field('Connected with').textContent()).resolves.toBe('Sage Intacct (OAuth)');
  });

  it('Deny at Sage Intacct comes back with the reason in words, and the connect form still there', async () => {
    await disconnect();
    await page.getByRole('button', { name: 'Connect with Sage Intacct', exact: true }).click();
    await signInAtIntacct(northwind(), 'Deny');

    await backOnIntegrations();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe('The sign-in was declined at Sage Intacct, so nothing changed.');
    const form = page.getByRole('form', { name: 'Connect to Sage Intacct' });
    await form.getByRole('textbox', { name: 'Company ID' }).waitFor();
    await expect(form.getByRole('button', { name: 'Connect with Sage Intacct', exact: true }).isEnabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Sync clients now' }).count()).resolves.toBe(0);
    await check('integrations-oauth-denied');

    await page.reload();
    await form.getByRole('textbox', { name: 'Company ID' }).waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });

  it('connects with Sage Intacct by keyboard alone', async () => {
    /** The accessible name (or text) of the focused element. */
    const focused = async (): Promise<string> => {
      const element = page.locator(':focus');
      if ((await element.count()) === 0) return '';
      return element.evaluate((node) =>
        (
          node.closest('label')?.textContent ??
          (node.id ? node.ownerDocument.querySelector(`label[for="${node.id}"]`)?.textContent : null) ??
          node.textContent ??
          ''
        ).trim(),
      );
    };
    const tabTo = async (name: string, limit = 40): Promise<void> => {
      for (let step = 0; step < limit; step += 1) {
        await page.keyboard.press('Tab');
        if ((await focused()) === name) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };

    await page.getByRole('form', { name: 'Connect to Sage Intacct' }).waitFor();
    await tabTo('Connect with Sage Intacct');
    await page.keyboard.press('Enter');
    await atIntacctSignIn();
    for (const [label, value] of [
      ['Company ID', northwind().companyId],
      ['User ID', northwind().userId],
      ['Password', northwind().userPassword],
    ] as const) {
      await tabTo(label);
      await page.keyboard.type(value);
    }
    await tabTo('Approve');
    await page.keyboard.press('Enter');

    await backOnIntegrations();
    await page.getByRole('status').getByText('Connected to Sage Intacct.').waitFor();
    await expect(field('Connected with').textContent()).resolves.toBe('Sage Intacct (OAuth)');
  });

  it('for another company than the records are linked to: explains, and Connect with Sage Intacct and unlink all connects it', async () => {
    const { admin } = clientsFor(runtime, 0);
    const customer = (await admin.get('/intacct/customers?limit=1')).body.items[0];
    const imported = await admin.post('/clients/import', { customerIds: [customer.customerId] });
    expect((await admin.finishedRun(imported.body.runId)).status).toBe('succeeded');

    await disconnect();
    await page.getByRole('button', { name: 'Connect with Sage Intacct', exact: true }).click();
    await signInAtIntacct(otherCompany(), 'Approve');

    await backOnIntegrations();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/linked to another Sage Intacct company.*unlinks them all/);
    await expect(page.getByRole('form', { name: 'Connect to Sage Intacct' }).isVisible()).resolves.toBe(true);
    await check('integrations-oauth-company-changed');

    await page.getByRole('button', { name: 'Connect with Sage Intacct and unlink all' }).click();
    await signInAtIntacct(otherCompany(), 'Approve');

    await backOnIntegrations();
    await page.getByRole('status').getByText('Connected to Sage Intacct.').waitFor();
    await expect(field('Company').textContent()).resolves.toBe(otherCompany().companyId);
    await expect(field('Connected with').textContent()).resolves.toBe('Sage Intacct (OAuth)');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });

  it('a workspace connected with a Web Services user switches to Sage Intacct sign-in without disconnecting', async () => {
    const { admin } = clientsFor(runtime, 0);
    const { companyId, userId, userPassword } = otherCompany();
    expect((await admin.put('/integrations/intacct', { companyId, userId, password: userPassword })).status).toBe(200);
    await page.goto(`${runtime.info.consoleUrl}/integrations`);
    await expect(field('Connected with').textContent()).resolves.toBe('A Web Services user');

    await page.getByRole('button', { name: 'Switch to Sage Intacct sign-in' }).click();
    await signInAtIntacct(otherCompany(), 'Approve');

    await backOnIntegrations();
    await page.getByRole('status').getByText('Connected to Sage Intacct.').waitFor();
    await expect(field('Company').textContent()).resolves.toBe(companyId);
    await expect(field('Connected with').textContent()).resolves.toBe('Sage Intacct (OAuth)');
    await expect(page.getByRole('button', { name: 'Switch to Sage Intacct sign-in' }).count()).resolves.toBe(0);
  });

  it('words a code it does not know generically, and never repeats other text from the URL', async () => {
    const alertFor = async (query: string): Promise<string> => {
      await page.goto(`${runtime.info.consoleUrl}/integrations?${query}`);
      await backOnIntegrations();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      return (await alert.textContent()) ?? '';
    };

    expect(await alertFor('intacct_error=oauth_state_expired')).toBe(
      'The Sage Intacct sign-in took too long and expired, so nothing changed. Connect with Sage Intacct again.',
    );
    expect(await alertFor('intacct_error=some_new_code')).toBe('Connecting with Sage Intacct did not complete (error some_new_code). Try again.');
    expect(await alertFor(`intacct_error=${encodeURIComponent('Call 555-0100 to restore access')}`)).toBe(
      'Connecting with Sage Intacct did not complete. Try again.',
    );
    await expect(page.getByText('555-0100').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Sync clients now' }).waitFor();
  });
});
