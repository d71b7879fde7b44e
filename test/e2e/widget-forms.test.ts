/**
 * What may stand before a conversation, in Chromium: the pre-engagement form (from the Flex
 * Flow, or the site's own overriding it) with inline validation, its answers reaching the
 * channel; and, when nobody answers now, the offline form whose message becomes a task.
 * Both forms live in a chunk loaded only when needed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelDTO, TaskDTO } from '../../server/protocol.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import {
  createTaskFlow,
  delivered,
  eventually,
  messageBox,
  openChat,
  storedSession,
  visitors,
  write,
} from './widget-helpers.ts';

let parley: TestParley;
let browser: Browser;
const visitor = visitors(
  () => browser,
  () => parley,
);

beforeAll(async () => {
  parley = await startParley();
  browser = await launchBrowser();
});
/** Contexts that see the server's real availability. */
const unrouted: BrowserContext[] = [];
afterEach(async () => {
  await visitor.closeAll();
  for (const context of unrouted.splice(0)) await context.close();
});
afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

const preEngagementConfig = {
  description: 'Tell us who you are and we will connect you.',
  fields: [
    { name: 'name', label: 'Your name', type: 'text', required: true },
    { name: 'email', label: 'Email', type: 'email', required: true },
    { name: 'topic', label: 'Topic', type: 'select', options: ['Orders', 'Brewing'], required: true },
    { name: 'order', label: 'Order number', type: 'text', pattern: '\\d{4}', placeholder: '1234' },
    { name: 'details', label: 'Anything else?', type: 'textarea' },
  ],
};

function recordRequests(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (request) => paths.push(new URL(request.url()).pathname));
  return paths;
}

describe('the pre-engagement form', () => {
  it('asks the Flex Flow’s questions, validates inline, then starts the chat with the answers', async () => {
    const flow = await createTaskFlow(parley, { preEngagementConfig });
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    const requested = recordRequests(page);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText('Tell us who you are').waitFor();
    const name = page.getByRole('textbox', { name: 'Your name' });
    await eventually(() => name.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(
      true,
    );

    await page.getByRole('button', { name: 'Start chat' }).click();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Please fill in this field.').count()).toBe(3); // name, email, topic
    await name.fill('Ada Lovelace');
    await page.getByRole('textbox', { name: 'Email' }).fill('ada@');
    await page.getByRole('combobox', { name: 'Topic' }).selectOption('Orders');
    await page.getByRole('textbox', { name: 'Order number' }).fill('12a');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText('Please enter an email address such as name@example.com.').waitFor();
    await page.getByText('Please check this field.').waitFor();
    expect(requested).not.toContain('/v1/WebChannels');

    await page.getByRole('textbox', { name: 'Email' }).fill('ada@example.com');
    await page.getByRole('textbox', { name: 'Order number' }).fill('1042');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    await write(page, 'Where is my order?');
    await delivered(page);
    const session = await storedSession(page, flow);
    const { body: channel } = await parley.api<ChannelDTO>('GET', `/v1/Channels/${session?.channelSid}`);
    expect(channel.attributes.from).toBe('Ada Lovelace');
    expect(channel.attributes.preEngagementData).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      topic: 'Orders',
      order: '1042',
    });
    expect(requested.some((path) => /\/forms-[\w-]+\.js$/.test(path))).toBe(true);
  });

  it('lets the site’s own preEngagementConfig override the Flex Flow’s', async () => {
    const flow = await createTaskFlow(parley, { preEngagementConfig });
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() =>
      (window as unknown as { spa: { mount(o: object): void } }).spa.mount({
        preEngagementConfig: {
          submitLabel: 'Start chat now',
          fields: [{ name: 'friendlyName', label: 'What should we call you?', type: 'text', required: true }],
        },
      }),
    );
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'What should we call you?' }).fill('Grace');
    expect(await page.getByRole('textbox', { name: 'Email' }).count()).toBe(0);
    await page.getByRole('textbox', { name: 'What should we call you?' }).press('Enter');
    await eventually(() => messageBox(page).isEnabled()).toBe(true);
    const session = await storedSession(page, flow);
    const { body: channel } = await parley.api<ChannelDTO>('GET', `/v1/Channels/${session?.channelSid}`);
    expect(channel.attributes.from).toBe('Grace');
  });

  it('does not load the forms chunk for a Flex Flow without a form', async () => {
    const flow = await createTaskFlow(parley);
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    const requested = recordRequests(page);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await openChat(page);
    expect(requested.filter((path) => /\/(forms|media|markdown|de|fr|es)-[\w-]+\.js$/.test(path))).toEqual(
      [],
    );
  });
});

describe('the offline form', () => {
  /** A visitor who sees the server's real availability (no agent is Available in these tests). */
  async function offlineVisitor(flow: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    unrouted.push(context);
    await page.goto(`${parley.url}/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await page.getByRole('button', { name: 'Open chat' }).click();
    return page;
  }

  it('says nobody can answer now and turns the visitor’s message into a task for later', async () => {
    const flow = await createTaskFlow(parley);
    const page = await offlineVisitor(flow);
    await page.getByRole('heading', { name: 'We are away right now' }).waitFor();
    await page.getByText('All our agents are busy or offline.').waitFor();
    await page.getByRole('button', { name: 'Send message' }).click();
    expect(await page.getByText('Please fill in this field.').count()).toBe(3);
    await page.getByRole('textbox', { name: 'Name' }).fill('Lin');
    await page.getByRole('textbox', { name: 'Email' }).fill('lin@example.com');
    await page.getByRole('textbox', { name: 'Message' }).fill('Do you roast decaf?');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByText('Thank you! We will get back to you by email.').waitFor();
    const { body } = await parley.api<{ tasks: TaskDTO[] }>('GET', '/v1/Tasks');
    const task = body.tasks.find((t) => t.attributes.email === 'lin@example.com');
    expect(task?.attributes).toMatchObject({
      name: 'Lin',
      firstMessage: 'Do you roast decaf?',
      offline: true,
    });
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley:session'))),
    ).toEqual([]);
  });

  it('names business hours as the reason outside them, with the Flex Flow’s own offline message', async () => {
    const flow = await createTaskFlow(parley, {
      offlineMessage: 'Our roasters chat Monday to Friday, 9 to 5.',
      businessHours: { timezone: 'UTC', schedule: [{ days: ['mon'], open: '23:59', close: '23:59' }] },
    });
    const page = await offlineVisitor(flow);
    await page.getByText('Our roasters chat Monday to Friday, 9 to 5.').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).waitFor();
  });
});
