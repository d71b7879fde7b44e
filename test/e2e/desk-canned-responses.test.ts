/**
 * Canned responses on the desk in Chromium: typed as `/shortcut` in the composer or picked
 * from the "Canned responses" list, placeholders filled in, and what the customer receives.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { next } from '../helpers/clients.ts';
import { acceptOffer, type DeskHarness, eventually, finishChat, startDeskHarness } from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
  const create = (body: object) => desk.parley.api('POST', '/v1/CannedResponses', body);
  expect(
    (
      await create({
        shortcut: 'refund',
        title: 'Refund policy',
        body: 'Hi {{customer.name}}, refunds reach your card within **5 days**. {{agent.name}}',
      })
    ).status,
  ).toBe(201);
  expect(
    (await create({ shortcut: 'thanks', title: 'Thanks for waiting', body: 'Thanks for waiting!' })).status,
  ).toBe(201);
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

describe('canned responses on the desk', () => {
  it('inserts a reply typed as /shortcut, with the customer and agent names filled in', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Ada Lovelace', 'Where is my refund?');
    await acceptOffer(page, 'Ada Lovelace');

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.pressSequentially('/re');
    const suggestions = page.getByRole('listbox', { name: 'Canned responses' });
    await suggestions.getByRole('option', { name: /\/refund Refund policy/ }).waitFor();
    expect(await suggestions.getByRole('option').count()).toBe(1);
    await box.press('Enter');
    const filled = 'Hi Ada Lovelace, refunds reach your card within **5 days**. Alex Morgan';
    await eventually(() => box.inputValue()).toBe(filled);

    const received = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    await box.press('Enter');
    expect((await received).body).toBe(filled);
    // The desk shows it as the widget does: markdown-lite, bold.
    await page.getByRole('log', { name: 'Conversation' }).locator('strong', { hasText: '5 days' }).waitFor();
    await finishChat(page);
  });

  it('picks a reply from the Canned responses list, and an agent’s own reply wins over a shared one', async () => {
    const page = await desk.availableDesk();
    const token = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('parley.agent.session') ?? '{}').token,
    );
    const own = await fetch(`${desk.parley.url}/v1/CannedResponses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shortcut: 'thanks', title: 'My thanks', body: 'Thank you, {{customer.name}}!' }),
    });
    expect(own.status).toBe(201);
    const visitor = await desk.visitorWrites('Grace Hopper', 'Hello?');
    await acceptOffer(page, 'Grace Hopper');

    await page.getByRole('button', { name: 'Canned responses' }).click();
    const menu = page.getByRole('dialog', { name: 'Canned responses' });
    await menu.getByRole('searchbox', { name: 'Search canned responses' }).fill('than');
    await menu.getByRole('button', { name: /\/thanks/ }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await eventually(() => box.inputValue()).toBe('Thank you, Grace Hopper!');
    await expect.poll(() => menu.count()).toBe(0);

    const received = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    await page.getByRole('button', { name: 'Send' }).click();
    expect((await received).body).toBe('Thank you, Grace Hopper!');
    await finishChat(page);
  });

  it('sends a / message as typed when no shortcut matches', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Mary Jackson', 'Which folder?');
    await acceptOffer(page, 'Mary Jackson');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.pressSequentially('/tmp');
    const received = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.authorRole === 'agent', 10_000);
    await box.press('Enter');
    expect((await received).body).toBe('/tmp');
    await finishChat(page);
  });
});
