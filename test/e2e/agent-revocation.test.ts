/**
 * The agent desktop when the agent's access is taken away while it is open: a new password
 * set by an administrator sends every open tab back to the sign-in form at once. Real server,
 * real Chromium; the pages are built into dist/ by test/global-setup.ts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let browser: Browser;
const openContexts: BrowserContext[] = [];

beforeAll(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const context of openContexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

async function signedInDesk(username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  openContexts.push(context);
  const page = await context.newPage();
  await page.goto(`${parley.url}/agent`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const activity = page.getByRole('combobox', { name: 'Activity' });
  await expect.poll(() => activity.isEnabled(), { timeout: 5_000 }).toBe(true);
  return page;
}

describe('the agent desktop, when the agent is revoked', () => {
  it('goes back to the sign-in form when an administrator sets a new password, and the new one signs in', async () => {
    const { body: worker } = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Ana',
      username: 'ana',
      password: 'pw-test',
    });
    const page = await signedInDesk('ana', 'pw-test');

    expect((await parley.api('POST', `/v1/Workers/${worker.sid}`, { password: 'new-secret' })).status).toBe(
      200,
    );
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Sign in again.').waitFor();

    await page.getByRole('textbox', { name: 'Username' }).fill('ana');
    await page.getByRole('textbox', { name: 'Password' }).fill('new-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: 'Activity' }).waitFor();
  });
});
