/**
 * The seed's walk-through in a real browser, as a PSA admin: sign in, import selected clients,
 * see the Sage logo on a profile, remove a customer in Intacct (through the emulator's protocol),
 * sync, see Unlinked, re-link; import team members with a permission level and their departments,
 * add an email, invite; edit and delete a client; a mass removal held for review and confirmed;
 * disconnect and connect again. axe-core checks every page and dialog on the way (no serious or
 * critical violations), and each page is photographed under test-results/console/.
 */

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsFor } from '../e2e/api-client';
import { IntacctAdmin } from '../support/intacct-admin';
import { screenshot, seriousAccessibilityProblems } from './support/browser';
import { type ConsoleRuntime, type ConsoleSession, openConsole } from './support/console-runtime';

let session: ConsoleSession;
let runtime: ConsoleRuntime;
let page: Page;
const checkedPages: string[] = [];

beforeAll(async () => {
  session = await openConsole();
  ({ runtime, page } = session);
}, 240_000);
afterAll(() => session?.close());

/** axe on the page as it is, and a screenshot named after it. */
async function check(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  expect(await seriousAccessibilityProblems(page), `accessibility of ${name}`).toEqual([]);
  await screenshot(page, name);
  checkedPages.push(name);
}

async function openFromAdminMenu(item: 'Clients' | 'Resources' | 'Integrations' | 'Sync history'): Promise<void> {
  await page.getByRole('button', { name: 'Admin' }).click();
  await page.getByRole('menuitem', { name: item }).click();
  await page.getByRole('heading', { level: 1, name: item }).waitFor();
}

function intacctOf(tenantIndex: number): IntacctAdmin {
  const tenant = runtime.info.tenants[tenantIndex]!;
  return new IntacctAdmin({
    ...runtime.info.intacct,
    company: { companyId: tenant.companyId, userId: tenant.userId, userPassword: tenant.userPassword },
  });
}

async function signIn(who: string): Promise<void> {
  await page.goto(runtime.info.consoleUrl);
  await page.getByRole('button', { name: who }).click();
  await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
}

/** Waits for a followed run to end and answers its summary region. */
async function summaryOf(what: 'Import' | 'Preview' | 'Client sync' | 'Team member sync') {
  const summary = page.getByRole('region', { name: `${what} summary` });
  await summary.waitFor({ timeout: 60_000 });
  return summary;
}

describe('the admin console, as a PSA admin', () => {
  let pickedNames: string[] = [];

  it('signs in as the demo admin and opens Clients from the Admin menu', async () => {
    await page.goto(runtime.info.consoleUrl);
    await page.getByRole('button', { name: `Sign in as ${runtime.info.tenants[0]!.tenantId} collaborator` }).waitFor();
    await check('sign-in');

    await page.getByRole('button', { name: `Sign in as ${runtime.info.tenants[0]!.tenantId} admin` }).click();
    await openFromAdminMenu('Clients');

    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    await check('clients-empty');
  });

  it('previews, then imports three selected customers with live progress and a summary', async () => {
    await page.getByRole('button', { name: 'Import from Sage Intacct' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import from Sage Intacct' });
    await dialog.getByRole('checkbox').nth(3).waitFor();
    await check('import-clients-dialog');
    const choices = dialog.getByRole('group', { name: 'Customers' }).getByRole('checkbox', { disabled: false });
    pickedNames = [];
    for (let index = 0; index < 3; index += 1) {
      const choice = choices.nth(index);
      pickedNames.push((await choice.evaluate((input) => input.closest('label')?.textContent ?? '')).trim());
      await choice.check();
    }

    await dialog.getByRole('button', { name: 'Preview' }).click();
    const preview = await summaryOf('Preview');
    await expect(preview.textContent()).resolves.toMatch(/Created\s*3/);

    await dialog.getByRole('button', { name: 'Import Selected Clients' }).click();
    const summary = await summaryOf('Import');
    await expect(summary.textContent()).resolves.toMatch(/Created\s*3/);
    await expect(summary.getByRole('link', { name: 'View run' }).isVisible()).resolves.toBe(true);
    await check('import-clients-summary');
    await dialog.getByRole('button', { name: 'Close' }).click();

    const table = page.getByRole('table', { name: 'Clients' });
    await table.getByRole('row').nth(3).waitFor();
    for (const name of pickedNames) {
      const row = table.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
      await expect(row.getByRole('img', { name: 'Sage Intacct' }).count()).resolves.toBe(1);
    }
    await check('clients');
  });

  it("shows the Sage logo on an imported client's profile; a customer removed in Intacct shows Unlinked after a sync, and is re-linked", async () => {
    const name = pickedNames[0]!;
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const profileUrl = page.url();
    const integrations = page.getByRole('region', { name: 'Integrations' });
    await expect(integrations.getByRole('img', { name: 'Sage Intacct' }).count()).resolves.toBe(1);
    await expect(integrations.getByText('Linked', { exact: true }).count()).resolves.toBe(1);
    await check('client-profile');

    const { admin } = clientsFor(runtime, 0);
    const client = (await admin.get('/clients?limit=200')).body.items.find((item: any) => item.name === name);
    await intacctOf(0).delete('CUSTOMER', [client.integrations.intacct.recordNo]);
    await openFromAdminMenu('Integrations');
    await check('integrations');
    await page.getByRole('button', { name: 'Sync clients now' }).click();
    await expect((await summaryOf('Client sync')).textContent()).resolves.toMatch(/Unlinked\s*1/);

    await page.goto(profileUrl);
    await integrations.getByText('Unlinked', { exact: true }).waitFor();
    await check('client-profile-unlinked');

    await integrations.getByRole('button', { name: 'Re-link to Sage Intacct' }).click();
    const dialog = page.getByRole('dialog', { name: 'Re-link to Sage Intacct' });
    await dialog.getByRole('radio').first().waitFor();
    await check('relink-dialog');
    await dialog.getByRole('radio', { disabled: false }).first().check();
    await dialog.getByRole('button', { name: 'Link' }).click();
    await dialog.waitFor({ state: 'detached' });
    await integrations.getByText('Linked', { exact: true }).waitFor();
    await expect(integrations.getByRole('img', { name: 'Sage Intacct' }).count()).resolves.toBe(1);
  });

  it('edits a client (Save) and deletes another after confirming', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit client' });
    await form.getByRole('textbox', { name: 'Notes' }).fill('Prefers email. Key account.');
    await check('client-edit');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Prefers email. Key account.').waitFor();

    await openFromAdminMenu('Clients');
    const name = pickedNames[2]!;
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('button', { name: 'Delete client' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete client' });
    await check('client-delete-confirm');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await expect(page.getByRole('link', { name, exact: true }).count()).resolves.toBe(0);
  });

  it('imports team members with a permission level and their departments', async () => {
    await openFromAdminMenu('Resources');
    await expect(page.getByRole('tab', { name: 'People', selected: true }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Import Team Members from Sage Intacct' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import Team Members from Sage Intacct' });
    await dialog.getByRole('checkbox').nth(3).waitFor();
    const level = dialog.getByRole('combobox', { name: 'Permission level' });
    const options = (await level.getByRole('option').allTextContents()).map((text) => text.trim());
    expect(options).toHaveLength(5);
    await level.selectOption({ label: options.find((option) => /coordinator/i.test(option))! });
    await expect(dialog.getByRole('checkbox', { name: 'Assign imported team members to their Sage Intacct departments' }).isChecked()).resolves.toBe(
      true,
    );
    await check('import-team-members-dialog');
    const choices = dialog.getByRole('group', { name: 'Employees' }).getByRole('checkbox', { disabled: false });
    await choices.nth(0).check();
    await choices.nth(1).check();

    await dialog.getByRole('button', { name: 'Import Selected Team Members' }).click();
    await expect((await summaryOf('Import')).textContent()).resolves.toMatch(/Created\s*[2-9]/);
    await dialog.getByRole('button', { name: 'Close' }).click();

    const people = page.getByRole('table', { name: 'People' });
    await people.getByRole('row').nth(2).waitFor();
    await expect(people.getByRole('img', { name: 'Sage Intacct' }).count()).resolves.toBe(2);
    await expect(people.getByRole('cell', { name: 'coordinator' }).count()).resolves.toBe(2);
    await check('people');
    await page.getByRole('tab', { name: 'Departments' }).click();
    await page.getByRole('table', { name: 'Departments' }).waitFor();
    await check('departments');
  });

  it('adds an email to a team member and invites them (Invite stays disabled until there is an email)', async () => {
    await page.getByRole('tab', { name: 'People' }).click();
    const people = page.getByRole('table', { name: 'People' });
    await people.getByRole('link').first().click();
    const invite = page.getByRole('button', { name: 'Invite' });
    await invite.waitFor();
    await expect(invite.isDisabled()).resolves.toBe(true);
    await expect(page.getByText('Add an email address first').isVisible()).resolves.toBe(true);
    await check('user-profile');

    await page.getByRole('textbox', { name: 'Email' }).fill('new.member@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await expect(invite.isEnabled()).resolves.toBe(true);
    await invite.click();
    await page.getByText('Invited', { exact: true }).waitFor();
  });

  it("lists the runs in Sync history and shows one run's records with their field changes", async () => {
    await openFromAdminMenu('Sync history');
    const runs = page.getByRole('table', { name: 'Sync runs' });
    await runs.getByRole('row').nth(3).waitFor();
    await check('sync-history');
    await runs.getByRole('link', { name: 'Client sync' }).first().click();
    await page.getByRole('table', { name: 'Records' }).waitFor();
    await expect(page.getByRole('table', { name: 'Records' }).getByRole('cell', { name: 'Unlinked', exact: true }).count()).resolves.toBe(1);
    await check('run');
  });

  it('shows errors in words, never raw JSON: connecting with a wrong password', async () => {
    await openFromAdminMenu('Integrations');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('dialog', { name: 'Disconnect from Sage Intacct' }).getByRole('button', { name: 'Disconnect' }).click();
    const tenant = runtime.info.tenants[0]!;
    await page.getByRole('textbox', { name: 'Company ID' }).fill(tenant.companyId);
    await page.getByRole('textbox', { name: 'User ID' }).fill(tenant.userId);
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/Intacct/);
    expect(text).not.toMatch(/[{}"]/);
    await check('integrations-connect-error');

    await page.getByRole('textbox', { name: 'Password' }).fill(tenant.userPassword);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('button', { name: 'Sync clients now' }).waitFor();
  });
});

describe('a mass removal held for review', () => {
  it('explains what was held back, and Confirm unlinks applies it', async () => {
    const other = runtime.info.tenants[1]!;
    const { admin } = clientsFor(runtime, 1);
    const customers = (await admin.get('/intacct/customers?limit=20')).body.items.slice(0, 20);
    const imported = await admin.post('/clients/import', { customerIds: customers.map((customer: any) => customer.customerId) });
    expect((await admin.finishedRun(imported.body.runId)).status).toBe('succeeded');
    await intacctOf(1).delete(
      'CUSTOMER',
      customers.slice(0, 12).map((customer: any) => customer.recordNo),
    );

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(`Sign in as ${other.tenantId} admin`);
    await openFromAdminMenu('Integrations');
    await page.getByRole('button', { name: 'Sync clients now' }).click();
    const summary = await summaryOf('Client sync');
    await expect(summary.textContent()).resolves.toMatch(/Needs review/);
    await summary.getByRole('link', { name: 'View run' }).click();
    await page.getByRole('button', { name: 'Confirm unlinks' }).waitFor();
    await expect(page.getByText(/more than a sync unlinks on its own/).isVisible()).resolves.toBe(true);
    await check('run-needs-review');

    await page.getByRole('button', { name: 'Confirm unlinks' }).click();
    await page.getByText('Succeeded', { exact: true }).waitFor({ timeout: 60_000 });
    await expect(page.getByRole('table', { name: 'Records' }).getByRole('cell', { name: 'Unlinked', exact: true }).count()).resolves.toBe(12);
  });

  it('checked every page it visited', () => {
    expect(checkedPages).toHaveLength(19);
  });
});
