/**
 * Ending and wrapping up a chat on the desk, in Chromium against a real server: End chat asks
 * first, and Complete stores the disposition (from the Flex Flow's list) and notes on the task,
 * where REST shows them; the socket refuses a disposition outside the list.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO, WrapUpInfo } from '../../server/protocol.ts';
import { connectAgent, next, request, signIn } from '../helpers/clients.ts';
import {
  acceptOffer,
  type DeskHarness,
  endChat,
  eventually,
  finishChat,
  scanForViolations,
  startDeskHarness,
} from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

async function taskOf(channelSid: string) {
  const channel = await desk.parley.api('GET', `/v1/Channels/${channelSid}`);
  const task = await desk.parley.api('GET', `/v1/Tasks/${channel.body.attributes.taskSid}`);
  expect(task.status).toBe(200);
  return task.body as { sid: string; status: string; attributes: { wrapUp?: WrapUpInfo } };
}

describe('ending a chat', () => {
  it('asks first: Cancel keeps the chat going, End chat in the dialog ends it', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Ada Lovelace', 'Is my order on its way?');
    await acceptOffer(page, 'Ada Lovelace');
    const endedMessages: MessageDTO[] = [];
    visitor.socket.on('message:new', (m: MessageDTO) => {
      if (m.body.includes('ended the chat')) endedMessages.push(m);
    });

    await page.getByRole('button', { name: 'End chat' }).click();
    const confirm = page.getByRole('dialog', { name: 'End the chat with Ada Lovelace?' });
    await confirm.waitFor();
    expect(await scanForViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await page.getByRole('textbox', { name: 'Message' }).isEnabled()).toBe(true);
    expect((await taskOf(visitor.channel.channelSid)).status).toBe('assigned');

    const ended = next<MessageDTO>(visitor.socket, 'message:new', (m) => m.body.includes('ended the chat'));
    await endChat(page);
    await ended;
    await eventually(() => page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    expect(endedMessages).toHaveLength(1);
    expect((await taskOf(visitor.channel.channelSid)).status).toBe('wrapping');
    await page.getByRole('button', { name: 'Complete' }).click();
  });
});

describe('wrap-up', () => {
  it('stores the disposition chosen from the Flex Flow list and the notes on the task', async () => {
    const flow = await desk.parley.api('GET', `/v1/FlexFlows/${desk.parley.flexFlowSid}`);
    const integration = flow.body.integration;
    const codes = ['Order tracked', 'Refund issued', 'Complaint'];
    await desk.parley.api('POST', `/v1/FlexFlows/${desk.parley.flexFlowSid}`, {
      integration: { ...integration, dispositions: codes },
    });
    try {
      const page = await desk.availableDesk();
      const visitor = await desk.visitorWrites('Grace Hopper', 'The lamp arrived broken');
      await acceptOffer(page, 'Grace Hopper');
      await endChat(page);

      const form = page.getByRole('form', { name: 'Wrap-up' });
      const disposition = form.getByRole('combobox', { name: 'Disposition' });
      expect(await disposition.locator('option').allTextContents()).toEqual(['Choose…', ...codes]);
      await disposition.selectOption('Refund issued');
      await form.getByRole('textbox', { name: 'Wrap-up notes' }).fill('Refund of 49 EUR, lamp not returned');
      expect(await scanForViolations(page)).toEqual([]);
      await form.getByRole('button', { name: 'Complete' }).click();

      const chats = page.getByRole('navigation', { name: 'Active chats' });
      await eventually(() => chats.getByText('Grace Hopper').count()).toBe(0);
      const task = await taskOf(visitor.channel.channelSid);
      expect(task.status).toBe('completed');
      expect(task.attributes.wrapUp).toMatchObject({
        disposition: 'Refund issued',
        notes: 'Refund of 49 EUR, lamp not returned',
        workerSid: expect.stringMatching(/^WK/),
      });
      expect(Date.parse(task.attributes.wrapUp?.dateWrapped ?? '')).not.toBeNaN();
    } finally {
      await desk.parley.api('POST', `/v1/FlexFlows/${desk.parley.flexFlowSid}`, { integration });
    }
  });

  it('offers the server default codes, and refuses one outside the list naming the list', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Alan Turing', 'Just a question');
    await acceptOffer(page, 'Alan Turing');
    await endChat(page);
    const disposition = page.getByRole('combobox', { name: 'Disposition' });
    expect(await disposition.locator('option').allTextContents()).toEqual([
      'Choose…',
      'Resolved',
      'Follow-up needed',
      'Escalated',
      'No answer needed',
    ]);

    // The desk only offers listed codes; another client sending any other is told the list.
    const { taskSid } = (await desk.parley.api('GET', `/v1/Channels/${visitor.channel.channelSid}`)).body
      .attributes;
    const session = await signIn(desk.parley.url);
    const agent = await connectAgent(desk.parley.url, session.token);
    try {
      type Refusal = { error?: { code: string; message: string } };
      const refused = await request<Refusal>(agent, 'task:complete', { taskSid, disposition: 'Made up' });
      expect(refused.error?.code).toBe('invalid_disposition');
      expect(refused.error?.message).toMatch(/disposition must be one of "Resolved", "Follow-up needed"/);
      const unknownField = await request<Refusal>(agent, 'task:complete', { taskSid, outcome: 'x' });
      expect(unknownField.error?.message).toMatch(/outcome/);
      expect((await taskOf(visitor.channel.channelSid)).status).toBe('wrapping');
    } finally {
      agent.close();
    }

    await page.getByRole('textbox', { name: 'Wrap-up notes' }).fill('Answered from the FAQ');
    await page.getByRole('button', { name: 'Complete' }).click();
    await eventually(async () => (await taskOf(visitor.channel.channelSid)).attributes.wrapUp?.notes).toBe(
      'Answered from the FAQ',
    );
    expect((await taskOf(visitor.channel.channelSid)).attributes.wrapUp?.disposition).toBeNull();
  });

  it('completes without a wrap-up, leaving the task attributes as they were', async () => {
    const page = await desk.availableDesk();
    const visitor = await desk.visitorWrites('Katherine Johnson', 'Thanks, all good');
    await acceptOffer(page, 'Katherine Johnson');
    await finishChat(page);
    await eventually(async () => (await taskOf(visitor.channel.channelSid)).status).toBe('completed');
    expect((await taskOf(visitor.channel.channelSid)).attributes.wrapUp).toBeUndefined();
  });
});
