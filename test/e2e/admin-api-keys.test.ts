/**
 * The admin console in Chromium: the API keys section of Integrations (create with the secret
 * shown once and copied, list with last use, revoke after confirming, the key refused at once),
 * and the bot flow diagram of a 15-state flow full of loops, drawn with no box on another. Both
 * screens pass an axe-core scan (WCAG 2.2 AA).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportBot } from '../fixtures/flows/support-bot.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
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
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: parley.url });
  page = await context.newPage();
  await page.goto(`${parley.url}/admin`);
  await page.getByRole('textbox', { name: 'Username' }).fill(ADMIN.username);
  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav('Integrations').waitFor();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await parley?.stop();
});

/** axe-core's WCAG 2.0–2.2 A and AA rules over the whole console page. */
async function violations(): Promise<{ id: string; help: string }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: [] }> } })
      .axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map(({ id, help }: { id: string; help: string }) => ({ id, help }));
  });
}

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name, exact: true });

async function openArea(name: string) {
  await nav(name).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

const bearer = (secret: string) =>
  fetch(`${parley.url}/v1/Workers`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);

describe('the API keys section', () => {
  it('creates a key, shows and copies its secret once, lists its last use and revokes it', async () => {
    await openArea('Integrations');
    const section = page.getByRole('region', { name: 'API keys' });
    await section.getByText('No API keys yet.').waitFor();
    const form = section.getByRole('form', { name: 'Create an API key' });
    await form.getByRole('textbox', { name: 'API key name' }).fill('billing sync');
    await form.getByRole('button', { name: 'Create API key' }).click();

    const shown = section.getByRole('group', { name: 'New API key billing sync' });
    const secret = (await shown.locator('code').nth(1).textContent()) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await shown.getByRole('button', { name: 'Copy secret' }).click();
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await violations()).toEqual([]);

    const row = section.getByRole('row', { name: /billing sync/ });
    expect(await row.textContent()).toContain('Never');
    expect(await bearer(secret)).toBe(200);
    // The list reads the last use from the server: shown once the console loads it again.
    await openArea('Agents');
    await openArea('Integrations');
    expect(await section.getByRole('group', { name: /New API key/ }).count()).toBe(0);
    expect(await section.getByText(secret).count()).toBe(0);
    await expect.poll(async () => (await row.textContent()) ?? '').not.toContain('Never');

    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await row.getByRole('button', { name: 'Revoke billing sync' }).click();
    await expect.poll(() => asked).toContain('Revoke the API key billing sync?');
    expect(await bearer(secret)).toBe(200);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke billing sync' }).click();
    await section.getByRole('status').filter({ hasText: 'billing sync revoked' }).waitFor();
    await section.getByText('No API keys yet.').waitFor();
    expect(await bearer(secret)).toBe(401);
    expect(await violations()).toEqual([]);
  });

  it('says what a key needs when it has no name', async () => {
    await openArea('Integrations');
    const form = page.getByRole('form', { name: 'Create an API key' });
    await form.getByRole('textbox', { name: 'API key name' }).fill('   ');
    await form.getByRole('button', { name: 'Create API key' }).click();
    const alert = page.getByRole('region', { name: 'API keys' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('friendlyName');
  });
});

describe('the bot flow diagram', () => {
  it('draws a 15-state flow full of loops with every state and arrow, no box on another', async () => {
    await openArea('Bot flows');
    await page.getByRole('button', { name: 'Import bot flow' }).click();
    const form = page.getByRole('form', { name: 'Import a bot flow' });
    await form.getByRole('textbox', { name: 'Flow definition' }).fill(JSON.stringify(supportBot));
    await form.getByRole('img', { name: 'Flow diagram: 15 states, 26 transitions' }).waitFor();
    const boxes = await form.locator('[data-state] rect').evaluateAll((rects) =>
      rects.map((rect) => {
        const { x, y, width, height } = rect.getBoundingClientRect();
        return { name: rect.parentElement?.getAttribute('data-state') ?? '', x, y, width, height };
      }),
    );
    expect(boxes).toHaveLength(15);
    const overlapping = boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter(
          (b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height,
        )
        .map((b) => `${a.name} / ${b.name}`),
    );
    expect(overlapping).toEqual([]);
    expect(await form.locator('[data-from="retry"][data-to="lookup"]').textContent()).toBe('success');
    expect(await form.locator('[data-from="route_topic"][data-to="ask_topic"]').textContent()).toBe(
      'noMatch',
    );
    expect(await violations()).toEqual([]);
  });
});
