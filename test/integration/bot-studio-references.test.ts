/**
 * What a flow from another Twilio account names, and what Studio's REST Executions give a flow,
 * through a real server: a send-to-flex workflow that does not exist here is a warning listing
 * the local workflows and takes failedToEnqueue (no task); trigger.conversation.ParticipantSid
 * is the participant the Twilio-shaped Conversations API lists; an execution started at
 * /v2/Flows/:sid/Executions has `Parameters` at flow.data, `From` at flow.channel.address and
 * `To` at contact.channel.address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { connectVisitor, next, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const ACCOUNT_SID = `AC${'5678abcd'.repeat(4)}`;
const OTHER_ACCOUNTS_WORKFLOW = 'WW0123456789abcdef0123456789abcdef';

let parley: TestParley;
let workflowSid: string;
const sockets: VisitorSocket[] = [];

beforeAll(async () => {
  parley = await startParley();
  const queue = (await parley.api('POST', '/v1/TaskQueues', { friendlyName: 'Support' })).body;
  workflowSid = (
    await parley.api('POST', '/v1/Workflows', {
      friendlyName: 'Support',
      configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
    })
  ).body.sid;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await parley?.stop();
});

/** Twilio's form-encoded request with Basic auth, as the twilio library sends it. */
async function twilio(method: string, path: string, form?: Record<string, string>) {
  const res = await fetch(parley.url + path, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
      ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    body: form && new URLSearchParams(form),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON Parley answers
  return { status: res.status, body: (await res.json()) as any };
}

/** Makes `definition` the web Flex Flow's bot flow; returns the flow's sid and its warnings. */
async function useFlow(definition: unknown) {
  const flow = await parley.api('POST', '/v1/Flows', { friendlyName: 'Imported', definition });
  expect(flow.status).toBe(201);
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: flow.body.sid },
  });
  return flow.body as { sid: string; warnings: { state: string; field: string; message: string }[] };
}

async function visitor(name: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const socket = await connectVisitor(parley.url, session.token);
  sockets.push(socket);
  const say = async (body: string) => {
    const answer = next<MessageDTO>(socket, 'message:new', (m) => m.authorRole === 'bot');
    await request(socket, 'message:send', { clientId: `c-${Math.random()}`, body });
    return (await answer).body;
  };
  return { session, say };
}

const handOver = (workflow: string) => ({
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: {},
      transitions: [{ event: 'incomingMessage', next: 'to_agent' }],
    },
    {
      name: 'to_agent',
      type: 'send-to-flex',
      properties: {
        workflow,
        channel: 'TC0123456789abcdef0123456789abcdef',
        attributes:
          '{"name": "{{trigger.message.ChannelAttributes.from}}", "channelType": "{{trigger.message.ChannelAttributes.channel_type}}", "channelSid": "{{trigger.message.ChannelSid}}"}',
      },
      transitions: [
        { event: 'callComplete' },
        { event: 'failedToEnqueue', next: 'sorry' },
        { event: 'callFailure' },
      ],
    },
    {
      name: 'sorry',
      type: 'send-message',
      properties: { body: 'No agent could take this: {{ widgets.to_agent.error }}' },
      transitions: [{ event: 'sent' }],
    },
  ],
});

describe('a send-to-flex workflow from another account', () => {
  it('is a warning that lists the workflows here and how to set properties.workflow', async () => {
    const res = await parley.api('POST', '/v1/Flows/validate', {
      definition: handOver(OTHER_ACCOUNTS_WORKFLOW),
    });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      {
        state: 'to_agent',
        field: 'properties.workflow',
        message: `state "to_agent" names workflow ${OTHER_ACCOUNTS_WORKFLOW}, which does not exist here: until it is mapped no task is created and the widget takes failedToEnqueue. To map it, set the state's properties.workflow to the sid of one of this server's workflows: ${workflowSid} ("Support")`,
      },
    ]);
  });

  it('takes failedToEnqueue at run time and creates no task', async () => {
    const flow = await useFlow(handOver(OTHER_ACCOUNTS_WORKFLOW));
    const robin = await visitor('Robin');
    expect(await robin.say('I need help')).toBe(
      `No agent could take this: workflow ${OTHER_ACCOUNTS_WORKFLOW} does not exist here`,
    );
    await parley.server.core.idle();
    const channel = (await parley.api('GET', `/v1/Channels/${robin.session.channelSid}`)).body;
    expect(channel.taskSid ?? null).toBeNull();
    const { executions } = (await parley.api('GET', `/v1/Flows/${flow.sid}/Executions`)).body;
    const steps = (await parley.api('GET', `/v1/Flows/${flow.sid}/Executions/${executions[0].sid}`)).body
      .steps;
    expect(
      steps.find((s: { state: string; event: string | null }) => s.state === 'to_agent' && s.event),
    ).toMatchObject({
      event: 'failedToEnqueue',
      error: `workflow ${OTHER_ACCOUNTS_WORKFLOW} does not exist here`,
    });
  });

  it('once mapped to a workflow here, routes the task with Flex’s default attributes', async () => {
    await useFlow(handOver(workflowSid));
    const sam = await visitor('Sam');
    const socket = sockets.at(-1) as VisitorSocket;
    await request(socket, 'message:send', { clientId: 'c-sam', body: 'I need help' });
    await parley.server.core.idle();
    const channel = (await parley.api('GET', `/v1/Channels/${sam.session.channelSid}`)).body;
    const task = (await parley.api('GET', `/v1/Tasks/${channel.taskSid}`)).body;
    expect(task).toMatchObject({
      workflowSid,
      attributes: { name: 'Sam', channelType: 'web', channelSid: sam.session.channelSid },
    });
  });
});

describe('trigger.conversation', () => {
  it('has the sender’s participant sid, the one /v1/Conversations/:sid/Participants lists', async () => {
    await useFlow({
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingConversationMessage', next: 'echo' }],
        },
        {
          name: 'echo',
          type: 'send-message',
          properties: {
            body: '{{ trigger.conversation.ParticipantSid }}|{{ trigger.conversation.Author }}|{{ trigger.conversation.ConversationSid }}|{{ trigger.conversation.DateCreated }}',
          },
          transitions: [{ event: 'sent' }],
        },
      ],
    });
    const kim = await visitor('Kim');
    const [participantSid, author, conversationSid, dateCreated] = (await kim.say('hello')).split('|');
    expect(conversationSid).toBe(kim.session.channelSid);
    expect(dateCreated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const { body } = await twilio('GET', `/v1/Conversations/${kim.session.channelSid}/Participants`);
    const sender = body.participants.find((p: { identity: string }) => p.identity === author);
    expect(sender.sid).toMatch(/^MB/);
    expect(participantSid).toBe(sender.sid);
  });
});

describe("Studio's REST Executions", () => {
  it('gives Parameters at flow.data, From at flow.channel.address and To at contact.channel.address', async () => {
    const flow = await useFlow({
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingRequest', next: 'notify' }],
        },
        {
          name: 'notify',
          type: 'send-message',
          properties: {
            body: '{{ flow.data.order.id }} {{ flow.data.status }}|{{ flow.channel.address }}|{{ contact.channel.address }}|{{ flow.sid }}|{{ flow.flow_sid }}|{{ trigger.request.parameters.status }}',
          },
          transitions: [{ event: 'sent' }],
        },
      ],
    });
    const flexFlow = (await parley.api('GET', `/v1/FlexFlows/${parley.flexFlowSid}`)).body;
    const started = await twilio('POST', `/v2/Flows/${flow.sid}/Executions`, {
      To: 'customer-42',
      From: flexFlow.contactIdentity,
      Parameters: JSON.stringify({ order: { id: 'A-7' }, status: 'shipped' }),
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      sid: expect.stringMatching(/^FN/),
      flow_sid: flow.sid,
      contact_channel_address: 'customer-42',
    });
    await parley.server.core.idle();
    const context = (await twilio('GET', `/v2/Flows/${flow.sid}/Executions/${started.body.sid}/Context`)).body
      .context;
    expect(context.flow).toMatchObject({
      data: { order: { id: 'A-7' }, status: 'shipped' },
      channel: { address: flexFlow.contactIdentity },
      sid: started.body.sid,
      flow_sid: flow.sid,
    });
    expect(context.widgets.notify.Body).toBe(
      `A-7 shipped|${flexFlow.contactIdentity}|customer-42|${started.body.sid}|${flow.sid}|shipped`,
    );
  });
});
