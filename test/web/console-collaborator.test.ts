/**
 * A collaborator sees the same pages read-only: no import, edit, delete, link, invite, connect or
 * sync control anywhere. Where the API answers admins only (the connection, the runs), the page
 * says so in words rather than showing a refusal.
 */

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientsFor } from '../e2e/api-client';
import { screenshot, seriousAccessibilityProblems } from './support/browser';
import { type ConsoleRuntime, type ConsoleSession, openConsole } from './support/console-runtime';

let session: ConsoleSession;
let runtime: ConsoleRuntime;
let page: Page;

/** Every control the spec names that only an admin may have. */
const ADMIN_CONTROLS = [
  'Import from Sage Intacct',
  'Import Team Members from Sage Intacct',
  'Edit',
  'Delete client',
  'Re-link to Sage Intacct',
  'Invite',
  'Connect',
  'Connect with Sage Intacct',
  'Connect with Sage Intacct and unlink all',
  'Switch to Sage Intacct sign-in',
  'Disconnect',
  'Sync clients now',
  'Sync team members now',
  'Confirm unlinks',
  'Save',
];

beforeAll(async () => {
  session = await openConsole();
  ({ runtime, page } = session);
  // Something to look at: a few linked clients and team members, one client unlinked.
  const { admin } = clientsFor(runtime, 0);
  const customers = (await admin.get('/intacct/customers?limit=3')).body.items;
  await admin.finishedRun((await admin.post('/clients/import', { customerIds: customers.map((c: any) => c.customerId) })).body.runId);
  const employees = (await admin.get('/intacct/employees?limit=2')).body.items;
  await admin.finishedRun(
    (
      await admin.post('/users/import', {
        employeeIds: employees.map((e: any) => e.employeeId),
        permissionProfile: 'collaborator',
        assignDepartments: true,
      })
    ).body.runId,
  );
}, 240_000);
afterAll(() => session?.close());

async function adminControlsShown(): Promise<string[]> {
  await page.waitForLoadState('networkidle');
  const shown: string[] = [];
  for (const name of ADMIN_CONTROLS) {
    if ((await page.getByRole('button', { name, exact: true }).count()) > 0) shown.push(name);
  }
  if ((await page.getByRole('textbox', { name: 'Email' }).count()) > 0) shown.push('Email text box');
  return shown;
}

async function visit(menuItem: string): Promise<void> {
  await page.getByRole('button', { name: 'Admin' }).click();
  await page.getByRole('menuitem', { name: menuItem }).click();
  await page.getByRole('heading', { level: 1, name: menuItem }).waitFor();
}

it('shows every page read-only to a collaborator', async () => {
  await page.goto(runtime.info.consoleUrl);
  await page.getByRole('button', { name: `Sign in as ${runtime.info.tenants[0]!.tenantId} collaborator` }).click();
  await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
  const seen: Record<string, string[]> = {};

  await page.getByRole('table', { name: 'Clients' }).waitFor();
  seen.clients = await adminControlsShown();
  await screenshot(page, 'collaborator-clients');
  await page.getByRole('table', { name: 'Clients' }).getByRole('link').first().click();
  await page.getByRole('region', { name: 'Integrations' }).waitFor();
  seen.clientProfile = await adminControlsShown();

  await visit('Resources');
  await page.getByRole('table', { name: 'People' }).waitFor();
  seen.people = await adminControlsShown();
  await page.getByRole('table', { name: 'People' }).getByRole('link').first().click();
  await page.getByRole('region', { name: 'Integrations' }).waitFor();
  seen.userProfile = await adminControlsShown();

  // The API keeps the connection and the runs to admins (spec §5): the pages say so, in words.
  await visit('Integrations');
  await page.getByText('Only an admin of this workspace can see the Sage Intacct connection').waitFor();
  seen.integrations = await adminControlsShown();
  expect(await page.getByRole('alert').count()).toBe(0);

  await visit('Sync history');
  await page.getByText('Only an admin of this workspace can see the imports and syncs').waitFor();
  seen.syncHistory = await adminControlsShown();
  expect(await page.getByRole('alert').count()).toBe(0);
  expect(await seriousAccessibilityProblems(page)).toEqual([]);
  await screenshot(page, 'collaborator-sync-history');

  expect(seen).toEqual({ clients: [], clientProfile: [], people: [], userProfile: [], integrations: [], syncHistory: [] });
});
