/**
 * Attachments in Chromium: "Attach file" and drag-and-drop upload to the server, image
 * previews fetched with the session token, downloads, the widget's own size and type errors
 * and the server's refusal shown, and another visitor refused the file.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import type { TestParley } from '../helpers/server.ts';
import {
  conversation,
  createTaskFlow,
  delivered,
  eventually,
  openChat,
  storedMessages,
  storedSession,
  widgetSuite,
  write,
} from './widget-helpers.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let parley: TestParley;
let browser: Browser;
let flow: string;
const visitor = widgetSuite((suite) => {
  ({ parley, browser, flow } = suite);
});

async function chatting(options: object = {}, flexFlowSid = flow): Promise<Page> {
  const page = await visitor.page(`/spa.html?flow=${flexFlowSid}`);
  await page.evaluate(
    (options) => (window as unknown as { spa: { mount(o: object): void } }).spa.mount(options),
    options,
  );
  await openChat(page);
  return page;
}

async function attach(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Attach file' }).click(),
  ]);
  await chooser.setFiles(file);
}

function uploads(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/media/'))
      seen.push(request.url());
  });
  return seen;
}

describe('attachments', () => {
  it('uploads a picked image, shows its preview from a blob URL, and downloads it', async () => {
    const page = await chatting();
    await write(page, 'Here is the label');
    await delivered(page);
    await attach(page, { name: 'label.png', mimeType: 'image/png', buffer: PNG });
    const preview = conversation(page).getByRole('img', { name: 'label.png' });
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    await delivered(page);

    const session = await storedSession(page, flow);
    const sent = (await storedMessages(parley, session?.channelSid ?? '')).at(-1) as MessageDTO;
    expect(sent).toMatchObject({
      body: 'label.png',
      clientId: expect.any(String),
      attributes: {
        media: {
          sid: expect.stringMatching(/^ME/),
          filename: 'label.png',
          contentType: 'image/png',
          size: PNG.length,
        },
      },
    });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      conversation(page)
        .getByRole('button', { name: /Download label\.png/ })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe('label.png');

    // Another visitor, with a session of their own, is refused the file.
    const other = await chatting();
    const media = (sent.attributes.media as { sid: string }).sid;
    const status = await other.evaluate(
      async ({ url, key }) => {
        const token = JSON.parse(localStorage.getItem(key) ?? '{}').token;
        return (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;
      },
      { url: `${parley.url}/media/${media}`, key: `parley:session:${flow}` },
    );
    expect(status).toBe(403);
  });

  it('uploads a dropped file, also in a conversation resumed after a reload', async () => {
    const page = await chatting();
    await write(page, 'Before the reload');
    await delivered(page);
    await page.reload();
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await conversation(page).getByText('Before the reload').waitFor();
    await page.getByRole('button', { name: 'Attach file' }).waitFor();
    await page.getByRole('dialog').evaluate((dialog) => {
      const data = new DataTransfer();
      data.items.add(new File(['Order 1042, please check'], 'note.txt', { type: 'text/plain' }));
      dialog.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }),
      );
      dialog.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await conversation(page)
      .getByRole('button', { name: /Download note\.txt/ })
      .waitFor();
    await delivered(page);
  });

  it('says so in the widget when a file is too large or of a refused type, without uploading it', async () => {
    const page = await chatting({ fileAttachment: { enabled: true, maxFileSize: 1000 } });
    const posted = uploads(page);
    await attach(page, { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(2000, 0x61) });
    await page.getByRole('alert').getByText('big.txt is larger than 1 KB.').waitFor();
    await attach(page, {
      name: 'setup.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('MZ'),
    });
    await page
      .getByRole('alert')
      .getByText('setup.exe cannot be sent: only png, jpg, jpeg, gif, webp, pdf, txt files are accepted.')
      .waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await eventually(() => page.getByRole('alert').count()).toBe(0);
    expect(posted).toEqual([]);
  });

  it('shows the server’s refusal of a file that is not what its name says', async () => {
    const page = await chatting();
    await attach(page, {
      name: 'cat.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<script>alert(1)</script>'),
    });
    await page
      .getByRole('alert')
      .getByText('cat.png could not be sent: cat.png is not really a .png file', { exact: false })
      .waitFor();
    expect(await conversation(page).getByText('cat.png').count()).toBe(0);
  });

  it('offers no "Attach file" when the Flex Flow turns attachments off', async () => {
    const noFiles = await createTaskFlow(parley, { fileAttachment: { enabled: false } });
    const page = await chatting({}, noFiles);
    expect(await page.getByRole('button', { name: 'Attach file' }).count()).toBe(0);
  });
});
