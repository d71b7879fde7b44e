/**
 * The conversation on the agent desk in Chromium against a real server: attachments both
 * ways through the authorised media route, markdown-lite, "Sent" / "Seen", the customer's
 * typing, and a 2,000-message chat that renders one page at a time.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { next, request } from '../helpers/clients.ts';
import { PNG } from '../helpers/uploads.ts';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  eventually,
  finishChat,
  startDeskHarness,
} from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

describe('the desk conversation', () => {
  it('previews an image the customer sends, inline', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Ada Lovelace', 'Here is the damage');
    await acceptOffer(page, 'Ada Lovelace');

    const upload = await fetch(`${desk.parley.url}/media/${visitor.channel.channelSid}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${visitor.channel.token}`,
        'content-type': 'image/png',
        'x-filename': 'broken-lamp.png',
      },
      body: PNG,
    });
    expect(upload.status).toBe(201);
    const media = await upload.json();
    await request(visitor.socket, 'message:send', {
      clientId: 'img-1',
      body: media.filename,
      attributes: { media },
    });

    const image = conversation(page).getByRole('img', { name: 'broken-lamp.png' });
    await image.waitFor();
    // Loaded through the authorised route: a decoded 1×1 picture, not a broken image.
    await eventually(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(
      1,
    );
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await conversation(page)
      .getByRole('link', { name: /Download broken-lamp\.png/ })
      .waitFor();
    await finishChat(page);
  });

  it('sends a file the agent attaches, which the customer can download with their own token', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Grace Hopper', 'Can I have the invoice?');
    await acceptOffer(page, 'Grace Hopper');

    const received = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach file' }).click();
    await (await chooser).setFiles({
      name: 'invoice.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Total: 42 EUR'),
    });

    const message = await received;
    const media = message.attributes.media as { sid: string; filename: string };
    expect(media.filename).toBe('invoice.txt');
    const download = await fetch(`${desk.parley.url}/media/${media.sid}`, {
      headers: { authorization: `Bearer ${visitor.channel.token}` },
    });
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('Total: 42 EUR');
    // Not an image: a download link, no preview.
    await conversation(page)
      .getByRole('link', { name: /Download invoice\.txt/ })
      .waitFor();
    expect(await conversation(page).getByRole('img').count()).toBe(0);
    await finishChat(page);
  });

  it('renders markdown-lite as the widget does, never as HTML, and inserts emoji', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Mary Jackson', 'Is it **urgent**? <b>no</b>');
    await acceptOffer(page, 'Mary Jackson');

    await conversation(page).locator('strong', { hasText: 'urgent' }).waitFor();
    await conversation(page).getByText('<b>no</b>').waitFor();

    const received = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('It is *not*, see https://shop.example/help ');
    // The icon buttons draw their icons: no emoji glyph, which a machine without an emoji font shows as a box.
    for (const name of ['Emoji', 'Attach file']) {
      const button = page.getByRole('button', { name, exact: true });
      expect(await button.locator('svg').count(), name).toBe(1);
      expect((await button.innerText()).trim(), name).toBe('');
    }
    await page.getByRole('button', { name: 'Emoji', exact: true }).click();
    await page.getByRole('button', { name: 'thumbs up' }).click();
    await box.press('Enter');
    expect((await received).body).toBe('It is *not*, see https://shop.example/help 👍');
    await conversation(page).locator('em', { hasText: 'not' }).waitFor();
    const link = conversation(page).getByRole('link', { name: 'https://shop.example/help' });
    expect(await link.getAttribute('rel')).toContain('noopener');
    await finishChat(page);
  });

  it('marks a reply Sent, then Seen once the customer has read it, and shows the customer typing', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Katherine Johnson', 'Hello');
    await acceptOffer(page, 'Katherine Johnson');

    const received = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    await page.getByRole('textbox', { name: 'Message' }).fill('How can I help?');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = await received;
    const item = conversation(page).locator('.message--agent', { hasText: 'How can I help?' });
    await item.getByText('Sent', { exact: true }).waitFor();

    visitor.socket.emit('channel:read', { index: reply.index });
    await item.getByText('Seen', { exact: true }).waitFor();

    visitor.socket.emit('typing:start');
    await page.getByText('Katherine Johnson is typing…').waitFor();
    await finishChat(page);
  });

  it('opens a chat of 2,000 messages one page at a time and keeps the reading position', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Dorothy Vaughan', 'Message 0');
    const { conversations } = desk.parley.server.core;
    for (let i = 1; i < 2000; i++) {
      await conversations.post({
        channelSid: visitor.channel.channelSid,
        from: visitor.identity,
        clientId: `long-${i}`,
        body: `Message ${i}`,
      });
    }
    const started = Date.now();
    await acceptOffer(page, 'Dorothy Vaughan');
    const log = conversation(page);
    await log.getByText('Message 1999', { exact: true }).waitFor({ timeout: 20_000 });
    const openedInMs = Date.now() - started;

    // One page is in the document, the newest at the bottom and in view.
    const rendered = await log.locator('.message--customer').count();
    expect(rendered).toBeLessThanOrEqual(100);
    await expect.poll(() => log.getByText('Message 1999', { exact: true }).isVisible()).toBe(true);

    const earlier = log.getByRole('button', { name: /Show earlier messages/ });
    // Scrolled to the top, then measured once the browser has drawn a frame: until then the rows
    // now on screen are still skipped (`content-visibility`) and a forced layout places their
    // text differently from what the agent sees.
    await log.evaluate(async (el) => {
      el.scrollTo({ top: 0 });
      await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
    });
    const anchor = log.getByText(`Message ${2000 - rendered}`, { exact: true });
    const before = await anchor.boundingBox();
    await earlier.click();
    await log.getByText(`Message ${2000 - rendered - 100}`, { exact: true }).waitFor({ state: 'attached' });
    // The message the agent was looking at stays where it was.
    const after = await anchor.boundingBox();
    expect(Math.abs((after?.y ?? 0) - (before?.y ?? 0))).toBeLessThan(4);

    // Scrolling the log stays smooth: no frame takes more than a few tens of milliseconds.
    const worstFrameMs = await log.evaluate(async (el) => {
      let worst = 0;
      let last = performance.now();
      for (let i = 0; i < 40; i++) {
        el.scrollTop = (el.scrollHeight * i) / 40;
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }
      return worst;
    });
    console.info(
      `2,000-message chat: opened in ${openedInMs} ms, worst scroll frame ${worstFrameMs.toFixed(1)} ms`,
    );
    expect(worstFrameMs).toBeLessThan(200);
    await finishChat(page);
  }, 120_000);
});
