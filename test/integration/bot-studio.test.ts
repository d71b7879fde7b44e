/**
 * Flows written as Twilio documents Studio, run through a real server: Flex's default
 * send-to-flex attributes, the incomingConversationMessage trigger with trigger.conversation,
 * to_json, flow.sid / flow.data / flow.channel.address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { connectVisitor, next, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley | undefined;
let visitor: VisitorSocket | undefined;
afterEach(async () => {
  visitor?.close();
  await parley?.stop();
  parley = visitor = undefined;
});

async function webChat(definition: unknown, name = 'Robin') {
  parley = await startParley();
  // Another account's workflow sid, mapped to this server's as the validation warning says.
  const queue = (await parley.api('POST', '/v1/TaskQueues', { friendlyName: 'Support' })).body;
  const workflow = await parley.api('POST', '/v1/Workflows', {
    friendlyName: 'Support',
    configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
  });
  const mapped = JSON.parse(
    JSON.stringify(definition).replaceAll('WW00000000000000000000000000000000', workflow.body.sid),
  );
  const flow = await parley.api('POST', '/v1/Flows', { friendlyName: 'Studio export', definition: mapped });
  expect(flow.status).toBe(201);
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: flow.body.sid },
  });
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
    preEngagementData: { question: 'Where is my order?' },
  });
  visitor = await connectVisitor(parley.url, session.token);
  return { flowSid: flow.body.sid as string, session };
}

async function ask(body: string): Promise<MessageDTO> {
  const socket = visitor as VisitorSocket;
  const answer = next<MessageDTO>(socket, 'message:new', (m) => m.authorRole === 'bot');
  await request(socket, 'message:send', { clientId: `c-${Math.random()}`, body });
  return answer;
}

describe('a flow exported from Studio', () => {
  it('hands over with Flex’s default send-to-flex attributes', async () => {
    const { session } = await webChat({
      description: 'Webchat Flow',
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'SendMessageToAgent' }, { event: 'incomingCall' }],
        },
        {
          name: 'SendMessageToAgent',
          type: 'send-to-flex',
          properties: {
            workflow: 'WW00000000000000000000000000000000',
            channel: 'TC00000000000000000000000000000000',
            attributes:
              '{"name": "{{trigger.message.ChannelAttributes.from}}", "channelType": "{{trigger.message.ChannelAttributes.channel_type}}", "channelSid": "{{trigger.message.ChannelSid}}"}',
          },
          transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }],
        },
        // A spare widget left on the canvas: published by Studio, accepted here.
        { name: 'spare', type: 'send-message', properties: { body: 'never sent' }, transitions: [] },
      ],
    });
    await request(visitor as VisitorSocket, 'message:send', { clientId: 'c1', body: 'I need help' });
    await parley?.server.core.idle();
    const channel = (await parley?.api('GET', `/v1/Channels/${session.channelSid}`))?.body;
    const task = (await parley?.api('GET', `/v1/Tasks/${channel.taskSid}`))?.body;
    expect(task.attributes).toMatchObject({
      name: 'Robin',
      channelType: 'web',
      channelSid: session.channelSid,
    });
  });

  it('starts on incomingConversationMessage with trigger.conversation, to_json and flow.sid', async () => {
    const { flowSid, session } = await webChat({
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage' }, { event: 'incomingConversationMessage', next: 'echo' }],
        },
        {
          name: 'echo',
          type: 'send-message',
          properties: {
            body: [
              '{{ trigger.conversation.Author | size }}',
              '{{ trigger.conversation.Source }}',
              '{{ trigger.conversation.Body | to_json }}',
              '{{ trigger.conversation.Missing | to_json }}',
              '{{ flow.sid }}',
              '{{ flow.channel.address }}',
              '{{ trigger.conversation.ConversationSid }}',
              '{{ trigger.conversation.ChannelAttributes.initial_question }}',
            ].join('|'),
          },
          transitions: [{ event: 'sent' }, { event: 'failed' }],
        },
      ],
    });
    const answer = await ask('say "hi"');
    const { executions } = (await parley?.api('GET', `/v1/Flows/${flowSid}/Executions`))?.body ?? {};
    const [size, source, body, missing, sid, address, conversation, question] = answer.body.split('|');
    expect(Number(size)).toBeGreaterThan(0);
    expect([source, body, missing, sid, conversation, question]).toEqual([
      'SDK',
      '"say \\"hi\\""',
      'null',
      executions[0].sid,
      session.channelSid,
      'Where is my order?',
    ]);
    expect(sid).toMatch(/^FN/);
    // Studio's flow.channel.address is the address the customer wrote to: the Flex Flow's.
    const flexFlow = (await parley?.api('GET', `/v1/FlexFlows/${parley.flexFlowSid}`))?.body;
    expect(address).toBe(flexFlow.contactIdentity);
  });

  it('reads a REST execution’s parameters at flow.data', async () => {
    parley = await startParley();
    const flow = await parley.api('POST', '/v1/Flows', {
      friendlyName: 'Outbound',
      definition: {
        initial_state: 'Trigger',
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingRequest', next: 'hello' }],
          },
          {
            name: 'hello',
            type: 'send-message',
            properties: {
              body: 'Order {{ flow.data.order }} for {{ flow.data.customer.name }} ({{ flow.data | to_json | size }})',
            },
            transitions: [],
          },
        ],
      },
    });
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'sam',
      chatUserFriendlyName: 'Sam',
    });
    const parameters = { order: '10001', customer: { name: 'Sam' } };
    const started = await parley.api('POST', `/v1/Flows/${flow.body.sid}/Executions`, {
      channelSid: channel.sid,
      parameters,
    });
    expect(started.status).toBe(201);
    expect(started.body.context.flow).toMatchObject({ data: parameters, sid: started.body.sid });
    const { messages } = (await parley.api('GET', `/v1/Channels/${channel.sid}/Messages`)).body;
    expect(messages.map((m: { body: string }) => m.body)).toContain(
      `Order 10001 for Sam (${JSON.stringify(parameters).length})`,
    );
  });
});
