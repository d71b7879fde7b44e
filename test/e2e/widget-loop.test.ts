/**
 * The widget's side of the customer's loop, in Chromium: a greeting on open and End chat only
 * once a chat exists, "You ended the chat"; a message over the limit held in the composer with
 * a clear note; a refused message kept where it was written with Retry and Remove; a log that
 * follows the newest message unless the visitor scrolled up (then "New messages"); dir="auto"
 * on message text; no second banner landmark on the demo shop; the demo bot reading an order
 * number in the first message.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import {
  agentJoins,
  agentSays,
  conversation,
  createTaskFlow,
  delivered,
  eventually,
  messageBox,
  openChat,
  storedMessages,
  storedSession,
  visitors,
  write,
} from './widget-helpers.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Two messages a minute per connection: the third is refused as rate_limited, for real. */
const MESSAGES_PER_MINUTE = 2;

let parley: TestParley;
let browser: Browser;
let flow: string;
const visitor = visitors(
  () => browser,
  () => parley,
);

beforeAll(async () => {
  // The demo Flex Flow runs the demo bot first, as on `npm start`; `flow` goes straight to agents.
  parley = await startParley({ integration: 'studio', limits: { messagesPerMinute: MESSAGES_PER_MINUTE } });
  browser = await launchBrowser();
  flow = await createTaskFlow(parley);
});
afterEach(() => visitor.closeAll());
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

async function spaVisitor(): Promise<Page> {
  const page = await visitor.page(`/spa.html?flow=${flow}`);
  await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
  return page;
}

async function channelOf(page: Page): Promise<string> {
  await eventually(async () => (await storedSession(page, flow))?.channelSid).toMatch(/^CH/);
  return (await storedSession(page, flow))?.channelSid ?? '';
}

/** How far the log is from showing its newest line (0 when it is at the bottom). */
const distanceFromBottom = (page: Page) =>
  conversation(page).evaluate((log) => Math.round(log.scrollHeight - log.scrollTop - log.clientHeight));

describe('opening and ending a chat', () => {
  it('greets on open, offers End chat only once a chat exists, and tells the visitor they ended it', async () => {
    const page = await spaVisitor();
    await openChat(page);
    await eventually(() => conversation(page).textContent()).toContain('Hi! How can we help you today?');
    // Ready to write, but nothing said yet: nothing to end.
    expect(await page.getByRole('button', { name: 'Close chat' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'End chat' }).count()).toBe(0);

    await write(page, 'Hello there');
    await delivered(page);
    await channelOf(page);
    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await eventually(() => conversation(page).textContent()).toContain('You ended the chat.');
    expect(await conversation(page).textContent()).not.toContain('Customer ended the chat');
    await page.getByRole('button', { name: 'Start new chat' }).waitFor();
    expect(await page.getByRole('button', { name: 'End chat' }).count()).toBe(0);
  });
});

describe('the composer and refused messages', () => {
  it('holds a 5,000-character message in the composer with a clear note, and sends nothing', async () => {
    const page = await spaVisitor();
    await openChat(page);
    await write(page, 'First');
    await delivered(page);
    const channelSid = await channelOf(page);

    await messageBox(page).fill('x'.repeat(5000));
    const note = page.getByRole('alert').filter({ hasText: 'characters long' });
    await eventually(() => note.textContent()).toBe(
      'Your message is 5000 characters long; the limit is 4000. Please shorten it.',
    );
    expect(await messageBox(page).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await messageBox(page).press('Enter');
    // Still in the composer, never sent, and no raw server text anywhere.
    expect((await messageBox(page).inputValue()).length).toBe(5000);
    await parley.server.core.idle();
    expect((await storedMessages(parley, channelSid)).map((m) => m.body)).toEqual(['First']);
    expect(await conversation(page).textContent()).not.toMatch(/Too big|message:send|invalid_request/);

    // Shortened to the limit, it goes.
    await messageBox(page).fill('y'.repeat(4000));
    await eventually(() => page.getByText('0 characters left').isVisible()).toBe(true);
    await messageBox(page).press('Enter');
    await delivered(page);
    await eventually(async () => (await storedMessages(parley, channelSid)).at(-1)?.body.length).toBe(4000);
  });

  it('keeps a refused message where it was written, with a human reason, Retry and Remove', async () => {
    const page = await spaVisitor();
    const sends: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        if (String(payload).includes('"message:send"')) sends.push(String(payload));
      }),
    );
    await openChat(page);
    await write(page, 'One');
    await delivered(page);
    const channelSid = await channelOf(page);
    await write(page, 'Two');
    await delivered(page);
    // Over the server's budget for this connection: refused as rate_limited.
    await write(page, 'Three');
    const failure = page.getByText('Not delivered: you are sending too fast, wait a moment');
    await failure.waitFor();
    expect(await conversation(page).textContent()).not.toContain('rate_limited');

    // A reply written after it shows below it: the refused message does not sink to the bottom.
    await agentJoins(parley, channelSid);
    await agentSays(parley, channelSid, 'An answer after your message');
    await eventually(() => conversation(page).textContent()).toContain('An answer after your message');
    const text = (await conversation(page).textContent()) ?? '';
    expect(text.indexOf('Three')).toBeGreaterThan(text.indexOf('Two'));
    expect(text.indexOf('Three')).toBeLessThan(text.indexOf('An answer after your message'));

    // Retry sends the same text again (still over budget, so it is refused again, once).
    const before = sends.filter((frame) => frame.includes('"Three"')).length;
    await page.getByRole('button', { name: 'Retry' }).click();
    await eventually(async () => sends.filter((frame) => frame.includes('"Three"')).length).toBe(before + 1);
    await failure.waitFor();
    expect(await failure.count()).toBe(1);

    // Remove takes it away for good; nothing of it reached the server.
    await page.getByRole('button', { name: 'Remove' }).click();
    await eventually(() => conversation(page).textContent()).not.toContain('Three');
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect((await storedMessages(parley, channelSid)).map((m) => m.body)).not.toContain('Three');
  });
});

describe('the log', () => {
  it('follows the newest message, and offers "New messages" when the visitor scrolled up', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`, { viewport: { width: 1280, height: 700 } });
    await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
    await openChat(page);
    await write(page, 'Tell me everything');
    await delivered(page);
    const channelSid = await channelOf(page);
    await agentJoins(parley, channelSid);
    for (let i = 1; i <= 25; i++) await agentSays(parley, channelSid, `Line ${i} of the answer`);
    await eventually(() => conversation(page).textContent()).toContain('Line 25 of the answer');
    expect(await conversation(page).evaluate((log) => log.scrollHeight > log.clientHeight * 2)).toBe(true);
    await eventually(() => distanceFromBottom(page)).toBeLessThanOrEqual(2);
    expect(await page.getByRole('button', { name: 'New messages' }).count()).toBe(0);

    // Scrolled up to read: a new line does not pull the view down, the pill says it is there.
    // The browser tells the page of a scroll at its next frame: the widget has seen this one
    // once two frames have been drawn.
    await conversation(page).evaluate(async (log) => {
      log.scrollTop = 0;
      await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
    });
    await eventually(() => conversation(page).evaluate((log) => log.scrollTop)).toBe(0);
    await agentSays(parley, channelSid, 'One more thing');
    const pill = page.getByRole('button', { name: 'New messages' });
    await pill.waitFor();
    expect(await conversation(page).evaluate((log) => log.scrollTop)).toBe(0);
    await pill.click();
    await eventually(() => distanceFromBottom(page)).toBeLessThanOrEqual(2);
    expect(await pill.count()).toBe(0);

    // Following again: the next line brings the view down by itself.
    await agentSays(parley, channelSid, 'And the very last one');
    await eventually(() => conversation(page).textContent()).toContain('And the very last one');
    await eventually(() => distanceFromBottom(page)).toBeLessThanOrEqual(2);
    expect(await pill.count()).toBe(0);
  });

  it('lays out right-to-left message text from the right (dir="auto")', async () => {
    const page = await spaVisitor();
    await openChat(page);
    await write(page, 'Hello');
    await delivered(page);
    const channelSid = await channelOf(page);
    await agentJoins(parley, channelSid);
    const hebrew = 'שלום, ההזמנה שלך נשלחה היום ותגיע תוך שלושה ימי עסקים. תודה שקנית אצלנו!';
    await agentSays(parley, channelSid, hebrew);
    await write(page, 'مرحبا، شكرا جزيلا على المساعدة السريعة');
    await delivered(page);
    const layout = (text: string) =>
      conversation(page)
        .getByText(text)
        .evaluate((element) => {
          const box = element.closest('[dir]') as HTMLElement;
          const style = getComputedStyle(box);
          return { dir: box.getAttribute('dir'), direction: style.direction };
        });
    expect(await layout(hebrew)).toEqual({ dir: 'auto', direction: 'rtl' });
    expect(await layout('مرحبا، شكرا جزيلا على المساعدة السريعة')).toEqual({ dir: 'auto', direction: 'rtl' });
    expect(await layout('Hello')).toEqual({ dir: 'auto', direction: 'ltr' });
  });
});

describe('the demo shop', () => {
  it('with the widget open, has one banner landmark in the whole page (axe)', async () => {
    const page = await visitor.page('/');
    await openChat(page);
    await conversation(page).waitFor();
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
    const scan = () =>
      page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string }[] }> };
          }
        ).axe;
        // The whole document, the widget's shadow root included.
        const result = await axe.run(document, {
          runOnly: {
            type: 'rule',
            values: ['landmark-no-duplicate-banner', 'landmark-unique', 'landmark-banner-is-top-level'],
          },
        });
        return result.violations.map((v) => v.id);
      });
    expect(await scan()).toEqual([]);
    // The page's own banner is still there: the scan had something to compare against.
    expect(await page.getByRole('banner').count()).toBe(1);
    // And the scan reaches into the widget: a <header> put there is reported as a second banner.
    await conversation(page).evaluate((log) => {
      log.getRootNode().appendChild(document.createElement('header')).textContent = 'Chat with us';
    });
    expect(await scan()).toContain('landmark-no-duplicate-banner');
  });

  it('demo bot answers "where is my order 10002?" with the order\'s status straight away', async () => {
    const page = await visitor.page('/');
    await openChat(page);
    await write(page, 'where is my order 10002?');
    await eventually(() => conversation(page).textContent()).toContain('Order 10002: being roasted.');
    expect(await conversation(page).textContent()).not.toContain('What is your order number?');
  });
});
