/**
 * The import dialog by keyboard alone: from the sign-in page to an imported client with Tab,
 * arrows, Enter and Space only, the way someone who cannot use a mouse works.
 */

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ConsoleRuntime, type ConsoleSession, openConsole } from './support/console-runtime';

let session: ConsoleSession;
let runtime: ConsoleRuntime;
let page: Page;

beforeAll(async () => {
  session = await openConsole();
  ({ runtime, page } = session);
}, 240_000);
afterAll(() => session?.close());

/** The accessible name (or text) of the focused element. */
const focused = async (): Promise<string> => {
  const element = page.locator(':focus');
  if ((await element.count()) === 0) return '';
  return element.evaluate((node) => (node.closest('label')?.textContent ?? node.getAttribute('aria-label') ?? node.textContent ?? '').trim());
};

/** Presses Tab until the focus is on something named `name` (at most `limit` times). */
async function tabTo(name: string | RegExp, limit = 40): Promise<void> {
  for (let step = 0; step < limit; step += 1) {
    await page.keyboard.press('Tab');
    const now = await focused();
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

it('imports two customers with the keyboard alone', async () => {
  await page.goto(runtime.info.consoleUrl);
  await tabTo(`Sign in as ${runtime.info.tenants[0]!.tenantId} admin`);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();

  await tabTo('Admin');
  await page.keyboard.press('ArrowDown');
  expect(await focused()).toBe('Clients');
  await page.keyboard.press('Enter');
  await tabTo('Import from Sage Intacct');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Import from Sage Intacct' });
  await dialog.getByRole('checkbox').nth(2).waitFor();

  // Into the search box, narrow the list, then pick the first two results.
  await tabTo('Search');
  const firstName = (await dialog.getByRole('group', { name: 'Customers' }).locator('label').first().textContent())!.trim();
  await page.keyboard.type(firstName.slice(0, 3));
  await page.waitForTimeout(600);
  await tabTo('Select all');
  const picked: string[] = [];
  for (let step = 0; step < 30 && picked.length < 2; step += 1) {
    await page.keyboard.press('Tab');
    const isEnabledChoice = await page
      .locator('fieldset input[type="checkbox"]:not([disabled]):focus')
      .count()
      .then((count) => count === 1);
    if (isEnabledChoice) {
      await page.keyboard.press('Space');
      picked.push(await focused());
    }
  }
  expect(picked).toHaveLength(2);
  await tabTo('Import Selected Clients');
  await page.keyboard.press('Enter');
  await dialog.getByRole('region', { name: 'Import summary' }).waitFor({ timeout: 60_000 });
  await expect(dialog.getByRole('region', { name: 'Import summary' }).textContent()).resolves.toMatch(/Created\s*2/);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  for (const name of picked) await page.getByRole('table', { name: 'Clients' }).getByRole('link', { name, exact: true }).waitFor();
});
