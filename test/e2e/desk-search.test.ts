/**
 * "Search conversations" on the desk in Chromium against a real server: an agent finds a
 * conversation they had by words of a message and opens it as a read-only transcript; another
 * agent does not find it, a supervisor does.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  endChat,
  eventually,
  scanForViolations,
  signInAs,
  startDeskHarness,
} from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
  for (const [username, friendlyName, roles] of [
    ['bea', 'Bea Novak', []],
    ['sam', 'Sam Okafor', ['supervisor']],
  ] as const) {
    const made = await desk.parley.api('POST', '/v1/Workers', {
      friendlyName,
      username,
      password: 'pw-test',
      attributes: { roles },
    });
    expect(made.status).toBe(201);
  }
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

/** One conversation the demo agent had, ended and completed; made once, by the first test that needs it. */
let pastConversation: Promise<void> | undefined;
const havePastConversation = () => {
  pastConversation ??= (async () => {
    const page = await desk.availableDesk();
    await desk.visitorWrites('Ada Lovelace', 'The brass lamp arrived with a cracked shade');
    await acceptOffer(page, 'Ada Lovelace');
    await conversation(page).getByText('cracked shade').waitFor();
    await endChat(page);
    await page.getByRole('combobox', { name: 'Disposition' }).selectOption('Resolved');
    await page.getByRole('textbox', { name: 'Wrap-up notes' }).fill('Replacement shade sent');
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('form', { name: 'Wrap-up' }).waitFor({ state: 'detached' });
    await page.getByRole('combobox', { name: 'Activity' }).selectOption('Unavailable');
  })();
  return pastConversation;
};

async function signedIn(username: string, password: string): Promise<Page> {
  await havePastConversation();
  const page = await desk.openDesk();
  await signInAs(page, username, password);
  await page.getByRole('combobox', { name: 'Activity' }).waitFor();
  return page;
}

async function search(page: Page, text: string) {
  await page.getByRole('button', { name: 'Search conversations' }).click();
  const view = page.getByRole('region', { name: 'Search conversations' });
  await view.getByRole('searchbox', { name: 'Customer name, address or message text' }).fill(text);
  await view.getByRole('button', { name: 'Search', exact: true }).click();
  return view;
}

describe('search conversations', () => {
  it('finds an agent their own past conversation by message words and opens it read-only', async () => {
    const page = await signedIn('agent', 'agent');
    const view = await search(page, 'BRASS lamp');
    const results = view.getByRole('list', { name: 'Search results' });
    const result = results.getByRole('button', { name: /Ada Lovelace/ });
    await result.waitFor();
    expect(await results.getByRole('listitem').count()).toBe(1);
    expect(await result.textContent()).toContain('Ada Lovelace: The brass lamp arrived with a cracked shade');
    // The words that matched are marked (case aside), the rest of the stored text is plain text.
    expect(await result.locator('mark').allTextContents()).toEqual(['brass', 'lamp']);
    expect(await result.textContent()).toContain('Ended');
    expect(await scanForViolations(page)).toEqual([]);

    await result.click();
    const transcript = page.getByRole('region', { name: 'Transcript with Ada Lovelace' });
    const log = transcript.getByRole('log', { name: 'Transcript' });
    await log.getByText('The brass lamp arrived with a cracked shade').waitFor();
    await log.getByText('Alex Morgan ended the chat').waitFor();
    expect(await transcript.getByRole('list', { name: 'Wrap-up' }).textContent()).toBe(
      'Resolved · Alex Morgan · Replacement shade sent',
    );
    expect(await scanForViolations(page)).toEqual([]);
    // Read-only: nothing to write with, nothing to end.
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'End chat' }).count()).toBe(0);

    await transcript.getByRole('button', { name: 'Back to results' }).click();
    await view.getByRole('button', { name: /Ada Lovelace/ }).waitFor();
    await view.getByRole('button', { name: 'Back to chats' }).click();
    await page.getByText('Select a chat, or accept an incoming one.').waitFor();
  });

  it("does not find another agent's conversation, and says so", async () => {
    const page = await signedIn('bea', 'pw-test');
    const view = await search(page, 'brass lamp');
    await view.getByText('No conversations match “brass lamp”.').waitFor();
    expect(await view.getByRole('list', { name: 'Search results' }).count()).toBe(0);
  });

  it("finds a supervisor every agent's conversations, by customer name too", async () => {
    const page = await signedIn('sam', 'pw-test');
    const view = await search(page, 'lovelace');
    const result = view.getByRole('button', { name: /Ada Lovelace/ });
    await result.click();
    await page
      .getByRole('log', { name: 'Transcript' })
      .getByText('The brass lamp arrived with a cracked shade')
      .waitFor();
  });

  it('asks for two characters before searching', async () => {
    const page = await signedIn('agent', 'agent');
    await page.getByRole('button', { name: 'Search conversations' }).click();
    const view = page.getByRole('region', { name: 'Search conversations' });
    const box = view.getByRole('searchbox', { name: 'Customer name, address or message text' });
    await eventually(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('a');
    expect(await view.getByRole('button', { name: 'Search', exact: true }).isDisabled()).toBe(true);
  });
});
