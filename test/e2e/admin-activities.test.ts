/**
 * The admin console's Activities screen in Chromium against a real server: an admin adds
 * "Break" (no chats), renames it, sees an agent in it counted, is refused deleting it while the
 * agent is there, deletes it after confirming once the agent has left, and the built-ins offer
 * no edit. The screen passes an axe-core scan (WCAG 2.2 AA).
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { scanForViolations } from './desk-helpers.ts';

const ADMIN = { username: 'ops', password: 'correct horse battery' };

let parley: TestParley;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  parley = await startParley({ seedDemo: false, adminBootstrap: ADMIN, limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${parley.url}/admin`);
  await page.getByRole('textbox', { name: 'Username' }).fill(ADMIN.username);
  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const nav = page
    .getByRole('navigation', { name: 'Areas' })
    .getByRole('link', { name: 'Activities', exact: true });
  await nav.click();
  await page.getByRole('heading', { level: 1, name: 'Activities' }).waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await parley?.stop();
});

describe('admin console: activities', () => {
  it('adds, renames and deletes a custom activity, refusing while an agent is in it', async () => {
    const table = page.getByRole('table', { name: 'Activities' });
    const cells = (name: RegExp) => table.getByRole('row', { name }).getByRole('cell');
    await expect.poll(async () => (await cells(/^Offline/).allTextContents()).at(-1)).toBe('Built in');

    await page.getByRole('button', { name: 'Add activity' }).click();
    const form = page.getByRole('form', { name: 'New activity' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Lunch');
    expect(await form.getByRole('checkbox', { name: 'Offers chats' }).isChecked()).toBe(false);
    expect(await scanForViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save activity' }).click();
    await expect
      .poll(async () => (await cells(/^Lunch/).allTextContents()).slice(0, 3))
      .toEqual(['Lunch', 'No', '0']);

    await table.getByRole('button', { name: 'Edit Lunch' }).click();
    const edit = page.getByRole('form', { name: 'Edit Lunch' });
    await edit.getByRole('textbox', { name: 'Name' }).fill('Break');
    await edit.getByRole('button', { name: 'Save activity' }).click();
    await table.getByRole('row', { name: /^Break/ }).waitFor();
    const [breakActivity] = (await parley.api('GET', '/v1/Activities')).body.activities.filter(
      (a: { builtIn: boolean }) => !a.builtIn,
    );
    expect(breakActivity).toMatchObject({ friendlyName: 'Break', available: false });

    const worker = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Kai',
      activity: breakActivity.sid,
    });
    expect(worker.status).toBe(201);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Activities' }).waitFor();
    await expect.poll(async () => (await cells(/^Break/).allTextContents())[2]).toBe('1');
    if (process.env.PARLEY_SCREENSHOTS === '1') {
      await page.screenshot({
        path: join(import.meta.dirname, '../../docs/admin-activities.png'),
        fullPage: true,
      });
    }
    expect(await scanForViolations(page)).toEqual([]);

    page.once('dialog', (dialog) => void dialog.accept());
    await table.getByRole('button', { name: 'Delete Break' }).click();
    await page.getByRole('alert').getByText('1 agent is in this activity').waitFor();

    await parley.api('POST', `/v1/Workers/${worker.body.sid}`, { activity: 'Offline' });
    page.once('dialog', (dialog) => void dialog.accept());
    await table.getByRole('button', { name: 'Delete Break' }).click();
    await page.getByText('Break deleted').waitFor();
    await table.getByRole('row', { name: /^Break/ }).waitFor({ state: 'detached' });
  });
});
