/**
 * The messaging widgets' outputs through the real runner and store: `widgets.NAME.outbound.Sid`
 * is the sid the bot's message was stored under, for send-message and for a
 * send-and-wait-for-reply whose message is stored after the step that waits (docs/flows.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
afterEach(async () => {
  await parley?.stop();
});

interface StoredMessage {
  sid: string;
  authorRole: string;
  body: string;
}

const report =
  'hello={{widgets.hello.Sid}},{{widgets.hello.outbound.Sid}} ask={{widgets.ask.outbound.Sid}} "{{widgets.ask.outbound.Body}}" to={{widgets.ask.outbound.To}} from={{widgets.ask.outbound.From}} reply=[{{widgets.ask.inbound.Body}}]';

const definition = {
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage', next: 'hello' }],
    },
    {
      name: 'hello',
      type: 'send-message',
      properties: { body: 'Hello!', to: '{{contact.channel.address}}' },
      transitions: [{ event: 'sent', next: 'ask' }, { event: 'failed' }],
    },
    {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      properties: { body: 'Your name?', timeout: '3600' },
      transitions: [
        { event: 'incomingMessage', next: 'report' },
        { event: 'timeout', next: 'report' },
        { event: 'deliveryFailure' },
      ],
    },
    { name: 'report', type: 'send-message', properties: { body: report }, transitions: [{ event: 'sent' }] },
  ],
};

async function chat() {
  const flow = await parley.api('POST', '/v1/Flows', { friendlyName: 'outputs', definition });
  expect(flow.status).toBe(201);
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: flow.body.sid },
  });
  const { body: channel } = await parley.api('POST', '/v1/Channels', {
    flexFlowSid: parley.flexFlowSid,
    identity: 'sam',
    chatUserFriendlyName: 'Sam',
  });
  const say = async (body: string) => {
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'sam', body });
    await parley.server.core.idle();
  };
  const botMessages = async () => {
    const { body } = await parley.api('GET', `/v1/Channels/${channel.sid}/Messages?pageSize=100`);
    return (body.messages as StoredMessage[]).filter((m) => m.authorRole === 'bot');
  };
  const { body: flexFlow } = await parley.api('GET', `/v1/FlexFlows/${parley.flexFlowSid}`);
  return { say, botMessages, flowAddress: flexFlow.contactIdentity as string };
}

describe('the messaging widgets’ outputs', () => {
  it('give the stored sids of what the bot sent, beside the visitor’s reply', async () => {
    parley = await startParley();
    const { say, botMessages, flowAddress } = await chat();
    await say('hi');
    await say('Sam');
    const [hello, ask, said] = await botMessages();
    expect(said?.body).toBe(
      `hello=${hello?.sid},${hello?.sid} ask=${ask?.sid} "Your name?" to=sam from=${flowAddress} reply=[Sam]`,
    );
  });

  it('give the sid of the question after a timeout', async () => {
    parley = await startParley();
    const { say, botMessages } = await chat();
    await say('hi');
    const { core } = parley.server;
    const far = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const [timer] = (await core.store.timers.claimDue(far, 10)).filter((t) => t.kind === 'bot.timeout');
    await core.bot.onTimeout(timer?.ref ?? '');
    await core.idle();
    const [, ask, said] = await botMessages();
    expect(said?.body).toContain(`ask=${ask?.sid} `);
    expect(said?.body).toContain('reply=[]');
  });
});
