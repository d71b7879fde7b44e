/**
 * The rating after a chat and a returning visitor's history, in Chromium: the visitor ends a
 * chat an agent's task stood behind, picks "4 stars", writes a Comment and sends it (the task
 * then carries it); after "Start new chat" the earlier conversation shows above the new one.
 */
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestParley } from '../helpers/server.ts';
import {
  conversation,
  delivered,
  eventually,
  openChat,
  storedSession,
  widgetSuite,
  write,
} from './widget-helpers.ts';

let parley: TestParley;
let flow: string;
const visitor = widgetSuite((suite: { parley: TestParley; browser: Browser; flow: string }) => {
  ({ parley, flow } = suite);
});

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
type Json = any;

describe('rating and history', () => {
  it('asks for a rating when the chat ends, and the task carries it', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
    await openChat(page);
    await write(page, 'Where is my order?');
    await delivered(page);
    const channelSid = (await storedSession(page, flow))?.channelSid ?? '';
    const taskSidOf = async () =>
      (await parley.api<Json>('GET', `/v1/Channels/${channelSid}`)).body.attributes?.taskSid;
    await eventually(taskSidOf).toMatch(/^WT/);

    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await expect.poll(() => page.getByText('How was your chat?').isVisible(), { timeout: 10_000 }).toBe(true);
    const send = page.getByRole('button', { name: 'Send rating' });
    expect(await send.isDisabled()).toBe(true);
    for (const name of ['1 star', '2 stars', '3 stars', '5 stars']) {
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    }
    await page.getByRole('button', { name: '4 stars' }).click();
    expect(await page.getByRole('button', { name: '4 stars' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('textbox', { name: 'Comment' }).fill('Fast and friendly');
    await send.click();
    await expect.poll(() => page.getByText('Thank you for your rating!').isVisible()).toBe(true);

    const task = await parley.api<Json>('GET', `/v1/Tasks/${await taskSidOf()}`);
    expect(task.body.attributes.csat).toEqual({ score: 4, comment: 'Fast and friendly' });
    const ratings = await parley.api<Json>('GET', `/v1/Ratings?flexFlowSid=${flow}`);
    expect(ratings.body.meta).toMatchObject({ count: 1, average: 4 });

    // A returning visitor: the next chat shows the earlier one above the greeting.
    await page.getByRole('button', { name: 'Start new chat' }).click();
    await eventually(async () => (await storedSession(page, flow))?.channelSid).not.toBe(channelSid);
    await eventually(() => conversation(page).textContent()).toContain('Where is my order?');
    await write(page, 'Back again');
    await delivered(page);
    const text = (await conversation(page).textContent()) ?? '';
    expect(text.indexOf('Where is my order?')).toBeLessThan(text.indexOf('Back again'));

    // After a reload the stored session still shows the earlier conversation.
    await page.reload();
    await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
    // The window was open, so it opens again by itself.
    await eventually(() => conversation(page).textContent()).toContain('Where is my order?');
  });

  it('asks nothing on a Flex Flow that turned ratings off', async () => {
    const { body } = await parley.api<Json>('POST', '/v1/FlexFlows', {
      friendlyName: 'No ratings',
      channelType: 'web',
      contactIdentity: 'no-ratings',
      enabled: true,
      integrationType: 'task',
      allowedOrigins: ['self'],
      widgetConfig: { rating: { enabled: false } },
    });
    const page = await visitor.page(`/spa.html?flow=${body.sid}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
    await openChat(page);
    await write(page, 'Hello');
    await delivered(page);
    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await page.getByRole('button', { name: 'Start new chat' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send rating' }).count()).toBe(0);
  });
});
