/**
 * Offers and attention on the desk in Chromium: the labelled countdown, a chime and a browser
 * notification for a new offer and for messages in a chat the agent is not looking at, the
 * tab title counting what waits, and a context panel in words with ids kept out of sight.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../helpers/clients.ts';
import { acceptOffer, type DeskHarness, eventually, finishChat, startDeskHarness } from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

/** Records, in the page, every notification shown and every tone the chime starts. */
function recordAttention() {
  const seen = { notifications: [] as string[], tones: 0 };
  (window as unknown as { attention: typeof seen }).attention = seen;
  const Original = window.Notification;
  class Recorded extends Original {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      seen.notifications.push(`${title} | ${options?.body ?? ''}`);
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded });
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
    seen.tones += 1;
    return start.apply(this, args);
  };
}

const attention = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { attention: { notifications: string[]; tones: number } }).attention,
  );

describe('offers and attention', () => {
  it('chimes, notifies and counts in the tab title for a new offer, with a labelled countdown', async () => {
    const page = await desk.availableDesk({ permissions: ['notifications'], initScript: recordAttention });
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    await desk.visitorWrites('Ada Lovelace', 'Where is my order?');

    const offer = page.getByRole('article', { name: 'Incoming chat from Ada Lovelace' });
    await offer
      .getByRole('timer')
      .getByText(/^Reserved for you · \d+ s$/)
      .waitFor();
    await offer.getByText('Web chat').waitFor();
    await eventually(() => attention(page)).toMatchObject({
      notifications: ['New chat from Ada Lovelace | Where is my order?'],
    });
    expect((await attention(page)).tones).toBeGreaterThanOrEqual(2);
    await eventually(() => page.title()).toBe('(1) Parley · Agent desktop');

    await acceptOffer(page, 'Ada Lovelace');
    await eventually(() => page.title()).toBe('Parley · Agent desktop');
    await finishChat(page);
  });

  it('notifies about a message in a chat the agent is not looking at', async () => {
    const page = await desk.availableDesk({ permissions: ['notifications'], initScript: recordAttention });
    const first = await desk.visitorWrites('Grace Hopper', 'First question');
    await acceptOffer(page, 'Grace Hopper');
    await desk.visitorWrites('Mary Jackson', 'Second question');
    await acceptOffer(page, 'Mary Jackson');

    await request(first.socket, 'message:send', { clientId: 'gh-2', body: 'Still there?' });
    await eventually(async () => (await attention(page)).notifications).toContain(
      'Grace Hopper wrote | Still there?',
    );
    await eventually(() => page.title()).toBe('(1) Parley · Agent desktop');
    await finishChat(page);
    await page.getByRole('button', { name: /Grace Hopper/ }).click();
    await eventually(() => page.title()).toBe('Parley · Agent desktop');
    await finishChat(page);
  });

  it('labels the context panel in words and keeps internal ids under Technical details', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Katherine Johnson', 'Hello');
    await acceptOffer(page, 'Katherine Johnson');
    const context = page.getByRole('complementary', { name: 'Customer context' });
    await context.getByText('Web chat').waitFor();
    await context.getByText('In progress').waitFor();
    // innerText, not textContent: what is on screen, without the closed disclosure.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
    const shown = await context.innerText();
    expect(shown).not.toMatch(/\b[A-Z]{2}[0-9a-f]{32}\b/);
    expect(shown).not.toMatch(/channelSid|channel_type|taskSid/);

    await context.getByText('Technical details').click();
    await context.getByText(visitor.channel.channelSid).waitFor();
    await finishChat(page);
  });
});
