/**
 * The rating after a chat and a returning visitor's history, in Chromium: the visitor ends a
 * chat an agent's task stood behind, picks "4 stars", writes a Comment and sends it (the task
 * then carries it); an anonymous visitor's next chat starts on its own, while a verified user
 * sees their earlier conversation above the new one, on another device too.
 */
import { createHmac } from 'node:crypto';
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

    // An anonymous visitor's next chat starts on its own: the earlier one is not shown above it.
    await page.getByRole('button', { name: 'Start new chat' }).click();
    await eventually(async () => (await storedSession(page, flow))?.channelSid).not.toBe(channelSid);
    await write(page, 'Back again');
    await delivered(page);
    expect(await conversation(page).textContent()).not.toContain('Where is my order?');
  });

  it('shows a verified visitor their earlier conversation above the new one, on another device', async () => {
    const secret = 'widget-history-secret';
    const { body } = await parley.api<Json>('POST', '/v1/FlexFlows', {
      friendlyName: 'Signed-in shop',
      channelType: 'web',
      contactIdentity: 'signed-in-shop',
      enabled: true,
      integrationType: 'task',
      integration: { identityVerification: { required: false, secret } },
      allowedOrigins: ['self'],
    });
    const identity = {
      userId: 'u-88',
      name: 'Grace Hopper',
      userHash: createHmac('sha256', secret).update('u-88').digest('hex'),
    };
    const signedIn = async () => {
      const page = await visitor.page(`/spa.html?flow=${body.sid}`);
      await page.evaluate((id) => {
        const spa = (window as unknown as { spa: { mount(): { identify(i: object): void } } }).spa;
        spa.mount().identify(id);
      }, identity);
      await openChat(page);
      return page;
    };

    const laptop = await signedIn();
    await write(laptop, 'Is the blue kettle in stock?');
    await delivered(laptop);
    await laptop.getByRole('button', { name: 'End chat' }).click();
    await laptop.getByRole('button', { name: 'Yes, end it' }).click();
    await laptop.getByRole('button', { name: 'Start new chat' }).waitFor();

    // The same user on their phone: a new chat, the earlier one above it.
    const phone = await signedIn();
    const [before, now] = [await storedSession(laptop, body.sid), await storedSession(phone, body.sid)];
    expect(now?.contactSid).toBe(before?.contactSid);
    expect(now?.channelSid).not.toBe(before?.channelSid);
    await eventually(() => conversation(phone).textContent()).toContain('Is the blue kettle in stock?');
    await write(phone, 'Back again');
    await delivered(phone);
    const text = (await conversation(phone).textContent()) ?? '';
    expect(text.indexOf('Is the blue kettle in stock?')).toBeLessThan(text.indexOf('Back again'));
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
