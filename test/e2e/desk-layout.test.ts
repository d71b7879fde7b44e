/**
 * The desk's layout and accessibility in Chromium: at 1024, 1280 and 1920 wide, light and
 * dark, the three panes fit without a horizontal scrollbar and the composer stays in view;
 * an axe-core scan (WCAG 2.x A and AA) of the sign-in form and of a chat finds nothing.
 * With PARLEY_SCREENSHOTS=1 it also writes the screenshots docs/desk.md shows.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../helpers/clients.ts';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  finishChat,
  scanForViolations as scan,
  startDeskHarness,
} from './desk-helpers.ts';

const DOCS = join(import.meta.dirname, '../../docs');

let desk: DeskHarness;
beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

const screenshot = async (page: Page, name: string) => {
  if (process.env.PARLEY_SCREENSHOTS === '1') await page.screenshot({ path: join(DOCS, `desk-${name}.png`) });
};

/** A chat with some history: customer, agent, markdown and a link. */
async function busyChat(page: Page, name: string) {
  const visitor = await desk.visitorWrites(name, 'Hi, my order **10002** has not arrived');
  await acceptOffer(page, name);
  await page.getByRole('textbox', { name: 'Message' }).fill('Let me check that for you, one moment.');
  await page.getByRole('button', { name: 'Send' }).click();
  await request(visitor.socket, 'message:send', {
    clientId: `${name}-2`,
    body: 'Thanks! Tracking said *Tuesday*.',
  });
  await conversation(page).getByText('Thanks! Tracking said').waitFor();
  return visitor;
}

describe('the desk layout', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [1024, 1280, 1920]) {
      it(`fits ${width} wide in ${colorScheme} mode, with no accessibility violations`, async () => {
        const page = await desk.openDesk({ width, height: width >= 1920 ? 1080 : 768, colorScheme });
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        if (width === 1280) {
          expect(await scan(page)).toEqual([]);
          await screenshot(page, `sign-in-${colorScheme}`);
        }
        await page.getByRole('textbox', { name: 'Username' }).fill('agent');
        await page.getByRole('textbox', { name: 'Password' }).fill('agent');
        await page.getByRole('button', { name: 'Sign in' }).click();
        const activity = page.getByRole('combobox', { name: 'Activity' });
        await expect.poll(() => activity.isEnabled()).toBe(true);
        await activity.selectOption('Available');
        await busyChat(page, `Ada ${colorScheme} ${width}`);
        await desk.visitorWrites(`Grace ${colorScheme} ${width}`, 'Can I change my delivery address?');
        await page.getByRole('article', { name: /Incoming chat from Grace/ }).waitFor();

        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        expect(await page.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
        const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
        expect((send?.x ?? 0) + (send?.width ?? 0)).toBeLessThanOrEqual(width);
        if (width === 1280) expect(await scan(page)).toEqual([]);
        await screenshot(page, `chat-${width}-${colorScheme}`);
        await page.getByRole('button', { name: 'Reject' }).click();
        await finishChat(page);
      });
    }
  }
});
