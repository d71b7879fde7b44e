/**
 * The whole product in two real browsers: a visitor on the demo shop chats through the
 * script-tag widget with an agent on the agent desktop, over a real server. The widget and the
 * pages are built into dist/ by test/global-setup.ts before any test runs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let browser: Browser;

beforeAll(async () => {
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

/** A browser context whose steps time out before the test does, so a failure names the step. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

async function availableAgent(): Promise<Page> {
  const page = await newPage();
  await page.goto(`${parley.url}/agent`);
  await page.getByRole('textbox', { name: 'Username' }).fill('agent');
  await page.getByRole('textbox', { name: 'Password' }).fill('agent');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const activity = page.getByRole('combobox', { name: 'Activity' });
  await expect.poll(() => activity.isEnabled(), { timeout: 5_000 }).toBe(true);
  await activity.selectOption('Available');
  await expect.poll(() => activity.inputValue(), { timeout: 5_000 }).toBe('Available');
  return page;
}

async function visitorOnShop(): Promise<Page> {
  const page = await newPage();
  await page.goto(parley.url);
  return page;
}

/** Resolves with the time at which `text` first appears in the page's conversation log. */
function whenLogShows(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (wanted) =>
      new Promise<number>((resolve) => {
        const seen = () => {
          const log = document.querySelector('[role="log"]');
          return log?.textContent?.includes(wanted) ?? false;
        };
        const observer = new MutationObserver(() => {
          if (!seen()) return;
          observer.disconnect();
          resolve(Date.now());
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      }),
    text,
  );
}

describe('a chat between a shop visitor and an agent', () => {
  it('connects the visitor to the agent, both ways, and survives a visitor reload', async () => {
    const agent = await availableAgent();
    const visitor = await visitorOnShop();

    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('textbox', { name: 'Message' }).fill('Do you ship to Canada?');
    await visitor.getByRole('textbox', { name: 'Message' }).press('Enter');

    const offer = agent.getByRole('article').filter({ hasText: 'Do you ship to Canada?' });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const agentLog = agent.getByRole('log', { name: 'Conversation' });
    await agentLog.getByText('Do you ship to Canada?').waitFor();
    const visitorLog = visitor.getByRole('log', { name: 'Conversation' });
    await visitorLog.getByText('joined the chat').waitFor();

    await agent.getByRole('textbox', { name: 'Message' }).fill('We do, in 3 to 5 days.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await visitorLog.getByText('We do, in 3 to 5 days.').waitFor();

    // Latency: from the visitor pressing Enter to the text in the agent's log.
    const seen = whenLogShows(agent, 'Great, thank you!');
    await visitor.getByRole('textbox', { name: 'Message' }).fill('Great, thank you!');
    const sentAt = Date.now();
    await visitor.getByRole('textbox', { name: 'Message' }).press('Enter');
    const latencyMs = (await seen) - sentAt;
    console.log(`visitor → agent latency: ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(5_000);

    // The widget remembers, per tab, that it was open and which conversation it holds.
    await visitor.reload();
    await visitorLog.getByText('We do, in 3 to 5 days.').waitFor();
    await visitorLog.getByText('Great, thank you!').waitFor();
    expect(await visitorLog.getByText('Do you ship to Canada?').count()).toBe(1);

    await visitor.getByRole('textbox', { name: 'Message' }).fill('One more thing');
    await visitor.getByRole('textbox', { name: 'Message' }).press('Enter');
    await agentLog.getByText('One more thing').waitFor();
  });
});
