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

async function availableDesk(): Promise<Page> {
  const desk = await open('/agent');
  await desk.getByRole('textbox', { name: 'Username' }).fill('agent');
  await desk.getByRole('textbox', { name: 'Password' }).fill('agent');
  await desk.getByRole('button', { name: 'Sign in' }).click();
  const activity = desk.getByRole('combobox', { name: 'Activity' });
  await eventually(() => activity.isEnabled()).toBe(true);
  await activity.selectOption('Available');
  await eventually(() => activity.inputValue()).toBe('Available');
  return desk;
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

    const desk = await availableDesk();

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

  it('lets the agent start a conversation from the desk, and the customer’s answer comes back to it', async () => {
    const phone = await open('/phone');
    const address = phone.getByRole('textbox', { name: 'Your number' });
    await address.fill('+15558888');
    await address.dispatchEvent('change');

    const desk = await availableDesk();
    await desk.getByRole('button', { name: 'New conversation' }).click();
    const form = desk.getByRole('form', { name: 'New conversation' });
    await form.getByRole('textbox', { name: 'Address' }).fill('+15558888');
    await form.getByRole('combobox', { name: 'Channel' }).selectOption('sms');
    await form.getByRole('textbox', { name: 'First message' }).fill('Your beans are back in stock');
    await form.getByRole('button', { name: 'Start conversation' }).click();

    const conversation = desk.getByRole('log', { name: 'Conversation' });
    await conversation.getByText('Your beans are back in stock').waitFor();
    const texts = phone.getByRole('log', { name: 'Text messages' });
    await texts.getByText('Your beans are back in stock').waitFor();

    await phone.getByRole('textbox', { name: 'Text message' }).fill('Great, two bags please');
    await phone.getByRole('button', { name: 'Send text' }).click();
    await conversation.getByText('Great, two bags please').waitFor();
  });
});
