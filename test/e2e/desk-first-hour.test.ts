/**
 * What a new agent meets in their first hour on the desk, in Chromium against a real server:
 * a chat opens at its newest message and stays there as messages arrive (unless the agent
 * scrolled up to read), the whisper box stays folded away until used, the emoji picker closes
 * with Escape without covering the newest message, the chat list previews a message as
 * plain text, and the context panel keeps the bot transcript inside it and leaves out empty rows.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebChannelResponse } from '../../server/protocol.ts';
import { connectVisitor, request } from '../helpers/clients.ts';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  eventually,
  finishChat,
  scanForViolations,
  startDeskHarness,
  type Visitor,
} from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

/** A visitor whose chat already holds `count` messages ("Message 0" to "Message count-1"). */
async function longChat(name: string, count: number): Promise<Visitor> {
  const visitor = await desk.visitorWrites(name, 'Message 0');
  for (let i = 1; i < count; i++) {
    await desk.parley.server.core.conversations.post({
      channelSid: visitor.channel.channelSid,
      from: visitor.identity,
      clientId: `${name}-${i}`,
      body: `Message ${i}`,
    });
  }
  return visitor;
}

/** The log's geometry once the browser has drawn: rows skipped off screen are laid out by then. */
function measure(log: Locator) {
  return log.evaluate(async (el) => {
    await new Promise(requestAnimationFrame);
    await new Promise(requestAnimationFrame);
    const box = el.getBoundingClientRect();
    const messages = el.querySelectorAll('.message');
    const newest = messages[messages.length - 1]?.getBoundingClientRect();
    return {
      fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
      scrollTop: el.scrollTop,
      newestInView: !!newest && newest.top >= box.top - 1 && newest.bottom <= box.bottom + 1,
      newestBottom: newest?.bottom ?? 0,
      newestTop: newest?.top ?? 0,
    };
  });
}

async function visitorSays(visitor: Visitor, page: Page, body: string) {
  await request(visitor.socket, 'message:send', { clientId: `say-${Date.now()}-${body}`, body });
  await conversation(page).getByText(body, { exact: true }).waitFor();
}

describe("the desk in a new agent's first hour", () => {
  it('opens a chat at its newest message and keeps it there as messages arrive, unless the agent scrolled up', async () => {
    const page = await desk.availableDesk();
    const visitor = await longChat('Grace Hopper', 40);
    await acceptOffer(page, 'Grace Hopper');
    const log = conversation(page);
    await log.getByText('Message 39', { exact: true }).waitFor();
    await eventually(async () => (await measure(log)).fromBottom).toBeLessThan(2);
    expect((await measure(log)).newestInView).toBe(true);

    await visitorSays(visitor, page, 'Message 40');
    await eventually(async () => (await measure(log)).newestInView).toBe(true);

    // Opened again after a reload: at the newest message, not the oldest.
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Active chats' })
      .getByRole('button', { name: /Grace Hopper/ })
      .click();
    await log.getByText('Message 40', { exact: true }).waitFor();
    await eventually(async () => (await measure(log)).fromBottom).toBeLessThan(2);
    expect((await measure(log)).newestInView).toBe(true);

    // Scrolled up to read: a new message leaves the view alone and offers a way back.
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await eventually(async () => (await measure(log)).scrollTop).toBe(0);
    await visitorSays(visitor, page, 'Message 41');
    expect((await measure(log)).scrollTop).toBeLessThan(2);
    const back = page.getByRole('button', { name: 'Jump to newest message' });
    await back.click();
    await eventually(async () => (await measure(log)).newestInView).toBe(true);
    await back.waitFor({ state: 'detached' });
    expect(await scanForViolations(page)).toEqual([]);
    await finishChat(page);
  });

  it('keeps the whisper box folded behind a Whisper button until the agent opens it', async () => {
    const page = await desk.availableDesk();
    await desk.visitorWrites('Alan Turing', 'Hello there');
    await acceptOffer(page, 'Alan Turing');
    const toggle = page.getByRole('button', { name: 'Whisper', exact: true });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('textbox', { name: 'Whisper' }).count()).toBe(0);

    await toggle.click();
    const box = page.getByRole('textbox', { name: 'Whisper' });
    await eventually(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('Note for the team');
    await page.getByRole('button', { name: 'Post whisper' }).click();
    await conversation(page).locator('.message--whisper', { hasText: 'Note for the team' }).waitFor();
    expect(await scanForViolations(page)).toEqual([]);
    await box.press('Escape');
    await eventually(() => box.count()).toBe(0);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await finishChat(page);
  });

  it('closes the emoji picker with Escape, focus back on its button, and never covers the newest message', async () => {
    const page = await desk.availableDesk();
    await longChat('Hedy Lamarr', 30);
    await acceptOffer(page, 'Hedy Lamarr');
    const log = conversation(page);
    await log.getByText('Message 29', { exact: true }).waitFor();
    const emoji = page.getByRole('button', { name: 'Emoji', exact: true });
    const grid = page.getByRole('group', { name: 'Emoji' });
    const focusedOnButton = () => emoji.evaluate((el) => el === document.activeElement);

    // Escape straight after opening it with the mouse (the focus on the button).
    await emoji.click();
    await grid.waitFor();
    expect(await emoji.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    await grid.waitFor({ state: 'detached' });
    expect(await emoji.getAttribute('aria-expanded')).toBe('false');
    expect(await focusedOnButton()).toBe(true);

    // Escape from an emoji inside the grid.
    await emoji.press('Enter');
    await grid.getByRole('button', { name: 'thumbs up' }).focus();
    await page.keyboard.press('Escape');
    await grid.waitFor({ state: 'detached' });
    expect(await emoji.getAttribute('aria-expanded')).toBe('false');
    expect(await focusedOnButton()).toBe(true);

    // Open, the grid sits below the newest message, which stays in view.
    await emoji.click();
    await grid.waitFor();
    const opened = await measure(log);
    const picker = await grid.boundingBox();
    expect(opened.newestInView).toBe(true);
    expect(opened.newestBottom).toBeLessThanOrEqual(picker?.y ?? 0);
    await grid.getByRole('button', { name: 'thumbs up' }).click();
    await grid.waitFor({ state: 'detached' });
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('👍');
    await finishChat(page);
  });

  it('previews the newest message in the chat list as plain text, without markdown markers', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Katherine Johnson', 'Hi');
    await acceptOffer(page, 'Katherine Johnson');
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('**Thanks** for waiting, see [the guide](https://shop.example/help) `now`');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const preview = page
      .getByRole('navigation', { name: 'Active chats' })
      .getByRole('button', { name: /Katherine Johnson/ })
      .locator('.chat-item__preview');
    await eventually(() => preview.textContent()).toBe('Thanks for waiting, see the guide now');

    await request(visitor.socket, 'message:send', {
      clientId: 'late',
      body: 'It is _really_ *late*\nand **very** cold',
    });
    await eventually(() => preview.textContent()).toBe('It is really late and very cold');
    await finishChat(page);
  });

  for (const width of [1024, 1280]) {
    it(`keeps the bot transcript inside the context panel at ${width} wide and leaves out rows with no value`, async () => {
      const page = await desk.availableDesk({ width, height: 768 });
      const name = `Ada ${width}`;
      const response = await fetch(`${desk.parley.url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: desk.parley.url },
        body: JSON.stringify({
          flexFlowSid: desk.parley.flexFlowSid,
          customerFriendlyName: name,
          preEngagementData: { email: 'ada@example.com', orderNumber: '' },
        }),
      });
      const channel = (await response.json()) as WebChannelResponse;
      await desk.parley.server.core.store.messages.append({
        channelSid: channel.channelSid,
        from: 'bot',
        authorRole: 'bot',
        authorName: 'Northwind assistant',
        body: 'Order 10002: being roasted. Your beans go in the roaster tomorrow morning and ship the same day. Anything else?',
      });
      const socket = await connectVisitor(desk.parley.url, channel.token);
      try {
        await request(socket, 'message:send', { clientId: `ada-${width}`, body: 'Talk to a person' });
        await acceptOffer(page, name);
        const context = page.getByRole('complementary', { name: 'Customer context' });
        const transcript = context.getByRole('list', { name: 'Bot transcript' });
        await transcript.getByText('Talk to a person').waitFor();
        const fits = await transcript.evaluate((list) => {
          const panel = list.closest('.desk__context') as HTMLElement;
          const outer = panel.getBoundingClientRect();
          const box = list.getBoundingClientRect();
          const items = [...list.querySelectorAll('li')].map((li) => li.getBoundingClientRect());
          return {
            left: box.left - outer.left,
            right: outer.right - box.right,
            itemsRight: Math.max(...items.map((r) => outer.right - r.right)),
            overflow: panel.scrollWidth - panel.clientWidth,
          };
        });
        expect(fits.left).toBeGreaterThanOrEqual(16);
        expect(fits.right).toBeGreaterThanOrEqual(16);
        expect(fits.overflow).toBeLessThanOrEqual(0);
        await context.getByText('ada@example.com').waitFor();
        expect(await context.getByText('Order number').count()).toBe(0);
        expect(await scanForViolations(page)).toEqual([]);
        await finishChat(page);
      } finally {
        socket.close();
      }
    });
  }
});
