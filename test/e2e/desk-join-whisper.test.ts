/**
 * A supervisor on a live chat in Chromium against a real server: from the supervisor view's
 * Live chats they watch a chat, whisper to its agent (who sees the note in the log, labelled
 * "Whisper"; the visitor never receives it), whisper back from the agent's desk, then Join and
 * write to the visitor, and Leave.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO, SyncReply } from '../../server/protocol.ts';
import { next, request } from '../helpers/clients.ts';
import {
  acceptOffer,
  conversation,
  type DeskHarness,
  endChat,
  scanForViolations,
  signInAs,
  startDeskHarness,
} from './desk-helpers.ts';

let desk: DeskHarness;
/** With PARLEY_SCREENSHOTS=1 the test also writes the screenshot docs/desk.md shows. */
const SCREENSHOT = join(import.meta.dirname, '../../docs/desk-supervisor-join.png');

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

describe('a supervisor on a live chat', () => {
  it('whispers to the agent unseen by the visitor, then joins and writes to the visitor', async () => {
    const agent = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Ada Lovelace', 'I was charged twice');
    const heard: string[] = [];
    visitor.socket.onAny((event, payload) => heard.push(`${event} ${JSON.stringify(payload)}`));
    await acceptOffer(agent, 'Ada Lovelace');

    const page = await desk.openDesk();
    await signInAs(page, 'sam', 'pw-test');
    await page.getByRole('button', { name: 'Supervisor view' }).click();
    const chats = page.getByRole('table', { name: 'Live chats' });
    await chats.getByRole('button', { name: 'Watch the chat with Ada Lovelace' }).click();
    const watching = page.getByRole('region', { name: 'Watching the chat with Ada Lovelace' });
    const log = watching.getByRole('log', { name: 'Live chat' });
    await log.getByText('I was charged twice').waitFor();

    // Sam whispers: the agent's log shows it as a whisper, the visitor hears nothing of it.
    await watching.getByRole('textbox', { name: 'Whisper' }).fill('Refund the second charge, no questions');
    await watching.getByRole('button', { name: 'Post whisper' }).click();
    const agentLog = conversation(agent);
    const note = agentLog.locator('.message--whisper', { hasText: 'Refund the second charge' });
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Whisper\s*Sam Okafor/);
    await log.locator('.message--whisper', { hasText: 'Refund the second charge' }).waitFor();
    expect(await scanForViolations(page)).toEqual([]);
    expect(await scanForViolations(agent)).toEqual([]);

    // The agent whispers back from their own desk.
    await agent.getByRole('textbox', { name: 'Whisper' }).fill('On it');
    await agent.getByRole('button', { name: 'Post whisper' }).click();
    await log.locator('.message--whisper', { hasText: 'On it' }).waitFor();

    // Join: the visitor sees Sam join, and then Sam's message.
    const joined = next<MessageDTO>(
      visitor.socket,
      'message:new',
      (m) => m.body === 'Sam Okafor joined the chat',
    );
    await watching.getByRole('button', { name: 'Join' }).click();
    await joined;
    await watching.getByText('Joined · the customer sees your messages').waitFor();
    const fromSam = next<MessageDTO>(visitor.socket, 'message:new', (m) =>
      m.body.includes('second charge is refunded'),
    );
    await watching.getByRole('textbox', { name: 'Message' }).fill('Hello Ada, the second charge is refunded');
    await watching.getByRole('button', { name: 'Send', exact: true }).click();
    expect((await fromSam).authorName).toBe('Sam Okafor');
    await log.getByText('the second charge is refunded').waitFor();
    await agentLog.getByText('the second charge is refunded').waitFor();
    if (process.env.PARLEY_SCREENSHOTS === '1') await page.screenshot({ path: SCREENSHOT });
    expect(await scanForViolations(page)).toEqual([]);

    const left = next<MessageDTO>(
      visitor.socket,
      'message:new',
      (m) => m.body === 'Sam Okafor left the chat',
    );
    await watching.getByRole('button', { name: 'Leave' }).click();
    await left;
    await watching.getByRole('button', { name: 'Join' }).waitFor();

    // Nothing the visitor received, live or by sync, carries a whisper.
    const synced = await request<SyncReply>(visitor.socket, 'messages:sync', { afterIndex: -1 });
    expect(synced.messages.map((m) => m.body)).not.toContain('On it');
    expect(heard.join('\n')).not.toMatch(/Refund the second charge|On it|whisper/);

    // The agent ends the chat: the supervisor sees it ended, with nothing left to join.
    await endChat(agent);
    await watching.getByText('The chat has ended').waitFor();
    expect(await watching.getByRole('button', { name: 'Join' }).count()).toBe(0);
    await watching.getByRole('button', { name: 'Stop watching' }).click();
    await chats.waitFor();
    await agent.getByRole('button', { name: 'Complete' }).click();
  });
});
