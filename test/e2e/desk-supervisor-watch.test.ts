/**
 * A supervisor watching a live chat on the desk, in Chromium against a real server: the
 * supervisor view lists the chats agents hold, Watch opens one with its history and then every
 * new message from either side as it is written, and there is nothing to write with.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../helpers/clients.ts';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  eventually,
  finishChat,
  scanForViolations,
  signInAs,
  startDeskHarness,
} from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
  const made = await desk.parley.api('POST', '/v1/Workers', {
    friendlyName: 'Sam Okafor',
    username: 'sam',
    password: 'pw-test',
    attributes: { roles: ['supervisor'] },
  });
  expect(made.status).toBe(201);
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

async function supervisorView(): Promise<Page> {
  const page = await desk.openDesk();
  await signInAs(page, 'sam', 'pw-test');
  await page.getByRole('button', { name: 'Supervisor view' }).click();
  return page;
}

describe('watching a live chat', () => {
  it('shows the supervisor the chat so far and then each new message, read-only', async () => {
    const agent = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Ada Lovelace', 'My parcel says delivered but it is not here');
    await acceptOffer(agent, 'Ada Lovelace');
    await agent
      .getByRole('textbox', { name: 'Message' })
      .fill('Sorry to hear that, let me check the courier');
    await agent.getByRole('button', { name: 'Send' }).click();
    await conversation(agent).getByText('let me check the courier').waitFor();

    const page = await supervisorView();
    const view = page.getByRole('region', { name: 'Supervisor view' });
    const chats = view.getByRole('table', { name: 'Live chats' });
    await chats.getByRole('row', { name: /Ada Lovelace\s+Alex Morgan\s+Active/ }).waitFor();
    expect(await scanForViolations(page)).toEqual([]);
    await chats.getByRole('button', { name: 'Watch the chat with Ada Lovelace' }).click();

    const watching = page.getByRole('region', { name: 'Watching the chat with Ada Lovelace' });
    const log = watching.getByRole('log', { name: 'Live chat' });
    await log.getByText('My parcel says delivered but it is not here').waitFor();
    await log.getByText('Sorry to hear that, let me check the courier').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'End chat' }).count()).toBe(0);
    expect(await scanForViolations(page)).toEqual([]);

    // Live from both sides.
    await request(visitor.socket, 'message:send', { clientId: 'later-1', body: 'Tracking number is 4411' });
    await log.getByText('Tracking number is 4411').waitFor();
    await agent.getByRole('textbox', { name: 'Message' }).fill('Found it: the courier left it next door');
    await agent.getByRole('button', { name: 'Send' }).click();
    await log.getByText('Found it: the courier left it next door').waitFor();
    const bodies = await log.locator('.message__body').allTextContents();
    expect(bodies.filter((b) => b.includes('Tracking number is 4411'))).toHaveLength(1);

    await watching.getByRole('button', { name: 'Stop watching' }).click();
    await chats.waitFor();
    await finishChat(agent);
    await eventually(() => chats.getByRole('row', { name: /Ada Lovelace/ }).count()).toBe(0);
    await chats.getByText('No chats in progress.').waitFor();
  });

  it('keeps the Watch list to supervisors: an agent has no supervisor view', async () => {
    const agent = await desk.availableDesk();
    await agent.getByRole('button', { name: 'Search conversations' }).waitFor();
    expect(await agent.getByRole('button', { name: 'Supervisor view' }).count()).toBe(0);
  });
});
