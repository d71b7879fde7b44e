/**
 * The demo bot in real browsers: a visitor on the demo shop talks to the Northwind assistant
 * with quick replies, tracks an order, then asks for a person; the agent on the agent desktop
 * takes the chat and sees the bot part of the conversation and the answers it collected.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let browser: Browser;

beforeAll(async () => {
  parley = await startParley({ integration: 'studio' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

const logText = (page: Page) => page.getByRole('log', { name: 'Conversation' }).innerText();

describe('the demo bot in the browser', () => {
  it('answers at once while no agent is Available, and says so only once the visitor waits for one', async () => {
    const visitor = await newPage();
    await visitor.goto(parley.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    // The bot answers whoever is about: the header promises a reply, not an email.
    await expect.poll(() => visitor.getByText('We usually reply in a few minutes').count()).toBe(1);
    expect(await visitor.getByText('We will answer by email').count()).toBe(0);
    const message = visitor.getByRole('textbox', { name: 'Message' });
    await message.fill('Good morning');
    await message.press('Enter');
    await expect.poll(() => logText(visitor), { timeout: 10_000 }).toContain("I'm the Northwind assistant");
    await visitor.getByRole('button', { name: 'Talk to a person' }).click();
    await expect
      .poll(() => visitor.getByText('We will answer by email').count(), { timeout: 10_000 })
      .toBe(1);
    // Its chat leaves the queue, so the next test's agent is offered only its own.
    await visitor.getByRole('button', { name: 'End chat' }).click();
    await visitor.getByRole('button', { name: 'Yes, end it' }).click();
    await expect
      .poll(async () => (await parley.api('GET', '/v1/Tasks?status=pending')).body.tasks.length)
      .toBe(0);
  });

  it('answers with quick replies, looks up an order, and hands over to an agent who sees it all', async () => {
    const visitor = await newPage();
    await visitor.goto(parley.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const message = visitor.getByRole('textbox', { name: 'Message' });
    await message.fill('Hello');
    await message.press('Enter');

    await expect.poll(() => logText(visitor), { timeout: 10_000 }).toContain("I'm the Northwind assistant");
    await visitor.getByRole('button', { name: 'Track an order' }).click();
    await expect.poll(() => logText(visitor)).toContain('What is your order number?');
    await message.fill('10002');
    await message.press('Enter');
    await expect.poll(() => logText(visitor)).toContain('Order 10002: being roasted.');
    // The buttons of an answered question are gone; the newest message offers its own.
    await expect.poll(() => visitor.getByRole('button', { name: 'Track an order' }).count()).toBe(0);

    const agent = await newPage();
    await agent.goto(`${parley.url}/agent`);
    await agent.getByRole('textbox', { name: 'Username' }).fill('agent');
    await agent.getByRole('textbox', { name: 'Password' }).fill('agent');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('combobox', { name: 'Activity' }).selectOption('Available');

    await visitor.getByRole('button', { name: 'Talk to a person' }).click();
    await expect.poll(() => logText(visitor)).toContain('Connecting you with a person');

    // The offer shows the customer's first message.
    const offer = agent.getByRole('article').filter({ hasText: 'Hello' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => logText(visitor), { timeout: 10_000 }).toContain('Alex Morgan joined the chat');

    // The desk loads the conversation's history once the chat is accepted.
    await expect.poll(() => logText(agent), { timeout: 10_000 }).toContain("I'm the Northwind assistant");
    expect(await logText(agent)).toContain('Order 10002: being roasted.');
    const context = () => agent.getByRole('complementary', { name: 'Customer context' }).innerText();
    await expect.poll(context).toContain('10002');
    expect(await context()).toContain('being roasted');

    await agent.getByRole('textbox', { name: 'Message' }).fill('Hi, I can help with order 10002.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => logText(visitor)).toContain('Hi, I can help with order 10002.');
  });
});
