/**
 * A Studio execution created as Twilio's docs show it, with phone numbers that are no Flex
 * Flow's address: it runs on a conversation of its own with `To` as the customer, its messages
 * are read through Conversations, and the customer's reply posted there reaches the waiting
 * widget — all through the official `twilio` library with only the host changed.
 */
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

const ACCOUNT_SID = `AC${'5e'.repeat(16)}`;
const TO = '+15558675310';
const FROM = '+15017122661';

let parley: TestParley;
let client: twilio.Twilio;

beforeAll(async () => {
  parley = await startParley();
  client = twilioAt(parley.url, ACCOUNT_SID, parley.adminKey);
});
afterAll(() => parley?.stop());

const orderFlow = {
  description: 'Order status',
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      transitions: [{ event: 'incomingMessage' }, { event: 'incomingRequest', next: 'ask' }],
      properties: { offset: { x: 0, y: 0 } },
    },
    {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      transitions: [
        { event: 'incomingMessage', next: 'thanks' },
        { event: 'timeout' },
        { event: 'deliveryFailure' },
      ],
      properties: {
        from: '{{flow.channel.address}}',
        body: 'Hi {{flow.data.name}}, which order is it about?',
        timeout: '3600',
      },
    },
    {
      name: 'thanks',
      type: 'send-message',
      transitions: [{ event: 'sent' }, { event: 'failed' }],
      properties: {
        from: '{{flow.channel.address}}',
        to: '{{contact.channel.address}}',
        body: 'Order {{widgets.ask.inbound.Body}} for {{contact.channel.address}} is on its way.',
      },
    },
  ],
};

/** The conversation's message bodies once `count` are there (the bot answers asynchronously). */
async function bodiesWhen(channelSid: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const messages = await client.conversations.v1.conversations(channelSid).messages.list();
    if (messages.length >= count || Date.now() > deadline) return messages.map((m) => m.body);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a Studio execution from Twilio docs, From no Flex Flow address', () => {
  it('runs on its own conversation, and the customer reply there resumes the flow', async () => {
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Order status',
      status: 'published',
      definition: orderFlow,
    });
    const execution = await client.studio.v2
      .flows(flow.sid)
      .executions.create({ to: TO, from: FROM, parameters: { name: 'Ada' } });
    expect(execution).toMatchObject({ flowSid: flow.sid, status: 'active', contactChannelAddress: TO });
    expect(execution.sid).toMatch(/^FN[0-9a-f]{32}$/);
    const context = await client.studio.v2
      .flows(flow.sid)
      .executions(execution.sid)
      .executionContext()
      .fetch();
    expect(context.context).toMatchObject({ flow: { data: { name: 'Ada' }, channel: { address: FROM } } });

    const { body } = await parley.api('GET', `/v1/Flows/${flow.sid}/Executions/${execution.sid}`);
    const channelSid: string = body.channelSid;
    expect(await bodiesWhen(channelSid, 1)).toEqual(['Hi Ada, which order is it about?']);
    const participants = await client.conversations.v1.conversations(channelSid).participants.list();
    expect(participants.map((p) => p.identity)).toContain(TO);

    await client.conversations.v1.conversations(channelSid).messages.create({ author: TO, body: '10042' });
    expect(await bodiesWhen(channelSid, 3)).toEqual([
      'Hi Ada, which order is it about?',
      '10042',
      `Order 10042 for ${TO} is on its way.`,
    ]);
    const deadline = Date.now() + 60_000;
    let status = '';
    while (status !== 'ended' && Date.now() < deadline) {
      status = (await client.studio.v2.flows(flow.sid).executions(execution.sid).fetch()).status;
      if (status !== 'ended') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('ended');
  });
});
