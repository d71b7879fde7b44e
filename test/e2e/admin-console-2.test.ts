/**
 * The admin console's integration and data screens in Chromium: event webhooks (add one, its
 * secret shown once, a failed delivery in "Last deliveries", "Resend" delivering it signed),
 * retention (what it deletes, in words), privacy requests found by email (export downloads the
 * JSON, erase after confirmation) and the shared canned responses. Each passes an axe-core scan
 * (WCAG 2.2 AA). The Activities screen lists who is in each activity. With
 * PARLEY_SCREENSHOTS=1 it also writes the screenshots docs/admin.md shows.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../server/core/external.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { webFlexFlow } from '../helpers/records.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ADMIN = { username: 'ops', password: 'correct horse battery' };

let parley: TestParley;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** A CRM on loopback answering `crmStatus`, keeping what it received. */
let crm: Server;
let crmUrl: string;
let crmStatus = 500;
const received: { body: string; signature: string }[] = [];

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

beforeAll(async () => {
  crm = createServer(async (req, res) => {
    received.push({ body: await read(req), signature: String(req.headers['x-parley-signature']) });
    res.statusCode = crmStatus;
    res.end();
  });
  await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
  crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/parley-events`;
  parley = await startParley({
    seedDemo: false,
    adminBootstrap: ADMIN,
    limits: { signInPerMinute: 1000 },
    egress: { allowLoopback: true },
    webhookRetry: { retries: 0 },
  });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${parley.url}/admin`);
  await page.getByRole('textbox', { name: 'Username' }).fill(ADMIN.username);
  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav('Settings').waitFor();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await parley?.stop();
  await new Promise((resolve) => crm?.close(resolve));
});

/** axe-core's WCAG 2.0–2.2 A and AA rules over the whole console page. */
async function violations(): Promise<{ id: string; help: string; targets: unknown[] }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: [] }> } })
      .axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map(
      ({ id, help, nodes }: { id: string; help: string; nodes: { target: unknown }[] }) => ({
        id,
        help,
        targets: nodes.map((n) => n.target),
      }),
    );
  });
}

/** For docs/admin.md, when PARLEY_SCREENSHOTS=1. */
async function screenshot(name: string) {
  if (process.env.PARLEY_SCREENSHOTS === '1') {
    await page.screenshot({
      path: join(import.meta.dirname, '../../docs', `admin-${name}.png`),
      fullPage: true,
    });
  }
}

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name, exact: true });
}

async function openArea(name: string) {
  await nav(name).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** A contact with one conversation, as a web visitor who gave an email. */
async function visitor(name: string, email: string) {
  const { store } = parley.server.core;
  const flexFlow =
    (await store.flexFlows.list())[0] ??
    (await store.flexFlows.create(webFlexFlow({ friendlyName: 'Web', allowedOrigins: [] })));
  const contact = await store.contacts.create({
    identity: `visitor-${name.toLowerCase()}`,
    friendlyName: name,
  });
  const channel = await store.channels.create({
    flexFlowSid: flexFlow.sid,
    contactSid: contact.sid,
    friendlyName: name,
    attributes: { from: name, channelType: 'web', preEngagementData: { email } },
  });
  await store.members.add({
    channelSid: channel.sid,
    identity: contact.identity,
    role: 'customer',
    friendlyName: name,
  });
  return { contact, channel };
}

describe('the admin console: integrations and data', () => {
  it('adds a webhook, shows its secret once, lists a failed delivery and resends it signed', async () => {
    await openArea('Integrations');
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByRole('textbox', { name: 'Webhook URL' }).fill(crmUrl);
    await form
      .getByRole('group', { name: 'Events to send' })
      .getByRole('checkbox', { name: 'message.created' })
      .check();
    expect(await violations()).toEqual([]);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const shown = page.getByText(/shown once, copy it now/);
    await shown.waitFor();
    const secret = /whsec_[0-9a-f]+/.exec((await shown.textContent()) ?? '')?.[0] ?? '';
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    const card = page.getByRole('form', { name: `Webhook ${crmUrl}` });
    await card.waitFor();

    // The receiver refuses the first delivery.
    const { channel } = await visitor('Wes', 'wes@example.com');
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, {
      from: 'visitor-wes',
      body: 'Where is my order?',
    });
    await parley.server.core.idle();
    expect(received).toHaveLength(1);
    await card.getByText(`Last deliveries to ${crmUrl}`).click();
    const row = card.getByRole('row', { name: /message\.created/ });
    await expect.poll(() => row.textContent()).toContain('Failed (HTTP 500)');
    expect(await violations()).toEqual([]);

    crmStatus = 200;
    await row.getByRole('button', { name: 'Resend' }).click();
    await card.getByText('Resent message.created: delivered').waitFor();
    expect(received).toHaveLength(2);
    expect(received[1]?.body).toBe(received[0]?.body);
    expect(received[1]?.signature).toBe(signBody(secret, received[1]?.body ?? ''));
    await card
      .getByRole('row', { name: /message\.created \(resent\)/ })
      .getByText('Delivered (HTTP 200)')
      .waitFor();

    await screenshot('webhooks');
    await card.getByRole('button', { name: 'Rotate secret' }).click();
    await expect
      .poll(async () => /whsec_[0-9a-f]+/.exec((await shown.textContent()) ?? '')?.[0])
      .not.toBe(secret);
  });

  it('sets retention and says what it will delete', async () => {
    await openArea('Settings');
    const form = page.getByRole('form', { name: 'Retention' });
    await form.getByText('Conversations are kept until they are erased by hand').waitFor();
    await form.getByRole('checkbox', { name: 'Keep conversations until erased by hand' }).uncheck();
    await form.getByRole('spinbutton', { name: 'Delete conversations idle for more than (days)' }).fill('90');
    await form
      .getByText('Messages, files and tasks of conversations older than 90 days will be deleted every hour.')
      .waitFor();
    expect(await violations()).toEqual([]);
    await form.getByRole('button', { name: 'Save retention' }).click();
    await form
      .getByText('Conversations idle for more than 90 days are deleted, with their messages and files')
      .waitFor();
    expect((await parley.api('GET', '/v1/Settings/Retention')).body).toMatchObject({
      days: 90,
      source: 'settings',
    });
    await screenshot('retention');
  });

  it('finds a contact by email, says where it matched, downloads their data and erases them after confirmation', async () => {
    const { contact } = await visitor('Ana', 'ana.lopez@example.com');
    await openArea('Settings');
    const finder = page.getByRole('form', { name: 'Find a contact' });
    await finder.getByRole('combobox', { name: 'Find by' }).selectOption('email');
    await finder.getByRole('textbox', { name: 'Contact email' }).fill('ANA.Lopez@example.com');
    await finder.getByRole('button', { name: 'Find contact' }).click();
    const row = page.getByRole('table', { name: 'Contacts found' }).getByRole('row', { name: /Ana/ });
    await row.waitFor();
    // Found by the email typed into the pre-engagement form: said plainly, here and on erasing.
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('Pre-engagement form (unverified)');
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('1');
    expect(await violations()).toEqual([]);

    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: 'Export Ana' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`contact-${contact.sid}.json`);
    const exported = JSON.parse(readFileSync((await file.path()) ?? '', 'utf8'));
    expect(exported).toMatchObject({ contact: { sid: contact.sid, friendlyName: 'Ana' } });
    expect(exported.channels).toHaveLength(1);

    page.once('dialog', (dialog) => void dialog.dismiss());
    await row.getByRole('button', { name: 'Erase Ana' }).click();
    expect((await parley.server.core.store.contacts.get(contact.sid))?.friendlyName).toBe('Ana');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await row.getByRole('button', { name: 'Erase Ana' }).click();
    await page.getByText('Ana erased').waitFor();
    expect(asked).toMatch(/^Unverified match: .*pre-engagement form.*may be another person/);
    expect(asked).toContain('Erase Ana (visitor-ana) and their 1 conversation(s)?');
    await page.getByText('No contact matches.').waitFor();
    expect((await parley.server.core.store.contacts.get(contact.sid))?.friendlyName).toBe('Erased');

    // An email channel's sender is matched by its messaging address, with no such warning.
    await parley.server.core.store.contacts.create({
      identity: 'ben@example.com',
      friendlyName: 'Ben',
      address: 'ben@example.com',
    });
    await finder.getByRole('textbox', { name: 'Contact email' }).fill('ben@example.com');
    await finder.getByRole('button', { name: 'Find contact' }).click();
    const ben = page.getByRole('table', { name: 'Contacts found' }).getByRole('row', { name: /Ben/ });
    await ben.waitFor();
    expect(await ben.getByRole('cell').nth(2).textContent()).toBe('Messaging address');
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await ben.getByRole('button', { name: 'Erase Ben' }).click();
    await expect.poll(() => asked).toMatch(/^Erase Ben \(ben@example.com\)/);
  });

  it('adds, edits and deletes a shared canned response', async () => {
    await openArea('Settings');
    await page.getByRole('button', { name: 'Add canned response' }).click();
    const form = page.getByRole('form', { name: 'New canned response' });
    await form.getByRole('textbox', { name: 'Shortcut' }).fill('Refund!');
    await form.getByRole('textbox', { name: 'Title' }).fill('Refund policy');
    await form.getByRole('textbox', { name: 'Text' }).fill('Hi {{customer.name}}, refunds take 5 days.');
    await form.getByRole('button', { name: 'Save canned response' }).click();
    await form
      .getByRole('alert')
      .getByText(/shortcut/)
      .waitFor();
    await form.getByRole('textbox', { name: 'Shortcut' }).fill('refund');
    expect(await violations()).toEqual([]);
    await form.getByRole('button', { name: 'Save canned response' }).click();
    const row = page.getByRole('table', { name: 'Canned responses' }).getByRole('row', { name: /\/refund/ });
    await row.waitFor();

    await row.getByRole('button', { name: 'Edit /refund' }).click();
    const edit = page.getByRole('form', { name: 'Edit /refund' });
    await edit.getByRole('textbox', { name: 'Title' }).fill('Refunds');
    await edit.getByRole('button', { name: 'Save canned response' }).click();
    await expect.poll(() => row.textContent()).toContain('Refunds');
    const [shared] = (await parley.api('GET', '/v1/CannedResponses')).body.cannedResponses;
    expect(shared).toMatchObject({ shortcut: 'refund', title: 'Refunds', workerSid: null });
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete /refund' }).click();
    await page.getByText('/refund deleted').waitFor();
    expect((await parley.api('GET', '/v1/CannedResponses')).body.cannedResponses).toEqual([]);
  });

  it('lists the activities with whether they are offered chats and who is in each', async () => {
    await parley.api('POST', '/v1/Workers', { friendlyName: 'Ready agent', activity: 'Available' });
    await openArea('Activities');
    const table = page.getByRole('table', { name: 'Activities' });
    const available = table.getByRole('row', { name: /^Available/ });
    await expect
      .poll(async () => (await available.getByRole('cell').allTextContents()).slice(0, 3))
      .toEqual(['Available', 'Yes', '1']);
    expect(
      await table
        .getByRole('row', { name: /^Offline/ })
        .getByRole('cell')
        .nth(1)
        .textContent(),
    ).toBe('No');
    await page.getByText('are built in and cannot be renamed or deleted').waitFor();
    expect(await violations()).toEqual([]);
  });
});
