/**
 * The phone simulator and the agent desktop in a real Chromium against a real server: a
 * customer texts the demo SMS number from /phone, the agent takes the chat and answers, and
 * the answer arrives on the phone, shown delivered on the desk.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await parley?.stop();
});

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(parley.url + path);
  return page;
}

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

describe('the phone simulator', () => {
  it('texts the demo number, and the agent’s reply from the desk arrives on the phone, delivered', async () => {
    const phone = await open('/phone');
    await phone.getByText('+15550100').waitFor();
    await phone.getByRole('textbox', { name: 'Text message' }).fill('Do you ship to Canada?');
    await phone.getByRole('button', { name: 'Send text' }).click();
    const texts = phone.getByRole('log', { name: 'Text messages' });
    await texts.getByText('Do you ship to Canada?').waitFor();

    const desk = await open('/agent');
    await desk.getByRole('textbox', { name: 'Username' }).fill('agent');
    await desk.getByRole('textbox', { name: 'Password' }).fill('agent');
    await desk.getByRole('button', { name: 'Sign in' }).click();
    const activity = desk.getByRole('combobox', { name: 'Activity' });
    await eventually(() => activity.isEnabled()).toBe(true);
    await activity.selectOption('Available');

    const offer = desk.getByRole('article', { name: 'Incoming chat from +15557777' });
    await offer.getByText('Do you ship to Canada?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await offer.waitFor({ state: 'detached' });
    await desk.getByRole('textbox', { name: 'Message' }).fill('Yes, in 3 to 5 days');
    await desk.getByRole('button', { name: 'Send' }).click();

    await texts.getByText('Yes, in 3 to 5 days').waitFor();
    const conversation = desk.getByRole('log', { name: 'Conversation' });
    await conversation.getByText('Delivered').waitFor();
  });
});
