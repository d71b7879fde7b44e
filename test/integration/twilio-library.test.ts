/**
 * The official `twilio` library (v6) against a real Parley server, with only the host changed
 * (Parley's `parleyHttpClient`) and the admin key as auth token: a script written from Twilio's
 * documentation runs to completion and every field it reads is set.
 */
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';
import { fakeProvider } from './messaging-helpers.ts';

const ACCOUNT_SID = `AC${'1234abcd'.repeat(4)}`;
const PROXY_NUMBER = '+15550100';

let parley: TestParley;
let provider: Awaited<ReturnType<typeof fakeProvider>>;
let client: twilio.Twilio;

beforeAll(async () => {
  provider = await fakeProvider();
  parley = await startParley();
  client = twilioAt(parley.url, ACCOUNT_SID, parley.adminKey);
});
afterAll(async () => {
  await parley.stop();
  await provider.close();
});

const greeting = {
  description: 'Greets and hands over',
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      transitions: [{ event: 'incomingMessage' }, { event: 'incomingRequest', next: 'greet' }],
      properties: {},
    },
    {
      name: 'greet',
      type: 'send-message',
      transitions: [{ event: 'sent' }, { event: 'failed' }],
      properties: { body: 'Hello {{flow.data.name}}' },
    },
  ],
};

describe('the twilio library, pointed at Parley', () => {
  it('runs a Flex backend script: Flex Flows, channels, TaskRouter, Studio, Conversations', async () => {
    const flexFlow = await client.flexApi.v1.flexFlow.create({
      friendlyName: 'Support web chat',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
    });
    expect(flexFlow.sid).toMatch(/^FO[0-9a-f]{32}$/);
    expect(flexFlow).toMatchObject({
      accountSid: ACCOUNT_SID,
      friendlyName: 'Support web chat',
      channelType: 'web',
      integrationType: 'task',
      janitorEnabled: true,
      longLived: false,
    });
    expect(flexFlow.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(flexFlow.dateCreated.getTime())).toBe(false);
    expect(flexFlow.url).toBe(`${parley.url}/v1/FlexFlows/${flexFlow.sid}`);

    const priority = await client.flexApi.v1
      .flexFlow(flexFlow.sid)
      .update({ 'integration.priority': 7 } as never);
    expect(priority.integration).toMatchObject({ priority: 7 });
    expect(priority.friendlyName).toBe('Support web chat');

    const channel = await client.flexApi.v1.channel.create({
      flexFlowSid: flexFlow.sid,
      identity: 'dana@example.com',
      chatUserFriendlyName: 'Dana',
      chatFriendlyName: 'Order question',
    });
    expect(channel.sid).toMatch(/^CH/);
    expect(channel.flexFlowSid).toBe(flexFlow.sid);
    expect(channel.userSid).toBeTruthy();
    const channels = await client.flexApi.v1.channel.list();
    expect(channels.map((c) => c.sid)).toContain(channel.sid);

    const webChannel = await client.flexApi.v1.webChannel.create({
      flexFlowSid: flexFlow.sid,
      identity: 'lee@example.com',
      customerFriendlyName: 'Lee',
      chatFriendlyName: 'Web chat with Lee',
    });
    expect(webChannel.sid).toMatch(/^CH/);
    expect(webChannel.flexFlowSid).toBe(flexFlow.sid);

    // TaskRouter: the workspace, workers, queues, workflows, tasks.
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    expect(workspace?.sid).toMatch(/^WS/);
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const activities = await ws.activities.list();
    const available = activities.find((a) => a.friendlyName === 'Available');
    expect(available?.sid).toMatch(/^WA/);
    const queue = await ws.taskQueues.create({
      friendlyName: 'Billing',
      targetWorkers: 'skills HAS "billing"',
    });
    expect(queue).toMatchObject({ friendlyName: 'Billing', targetWorkers: 'skills HAS "billing"' });
    const workflow = await ws.workflows.create({
      friendlyName: 'Billing first',
      configuration: JSON.stringify({
        task_routing: {
          filters: [
            {
              filter_friendly_name: 'billing',
              expression: 'type == "billing"',
              targets: [{ queue: queue.sid }],
            },
          ],
          default_filter: { queue: queue.sid },
        },
      }),
    });
    expect(JSON.parse(workflow.configuration).task_routing.filters[0].targets[0].queue).toBe(queue.sid);
    const worker = await ws.workers.create({
      friendlyName: 'Robin',
      attributes: JSON.stringify({ skills: ['billing'] }),
    });
    expect(worker.sid).toMatch(/^WK/);
    expect(JSON.parse(worker.attributes)).toEqual({ skills: ['billing'] });
    const busy = await ws
      .workers(worker.sid)
      .update({ activitySid: activities.find((a) => a.friendlyName === 'Unavailable')?.sid });
    expect(busy).toMatchObject({ activityName: 'Unavailable', available: false });
    expect((await ws.workers.list()).map((w) => w.sid)).toContain(worker.sid);
    expect((await ws.taskQueues.list()).map((q) => q.sid)).toContain(queue.sid);
    expect((await ws.workflows.list()).map((w) => w.sid)).toContain(workflow.sid);
    const renamedQueue = await ws.taskQueues(queue.sid).update({ friendlyName: 'Billing desk' });
    expect(renamedQueue).toMatchObject({
      friendlyName: 'Billing desk',
      targetWorkers: 'skills HAS "billing"',
    });
    const slower = await ws.workflows(workflow.sid).update({ taskReservationTimeout: 90 });
    expect(slower).toMatchObject({ friendlyName: 'Billing first', taskReservationTimeout: 90 });

    const task = await ws.tasks.create({
      workflowSid: workflow.sid,
      attributes: JSON.stringify({ type: 'billing', name: 'Kim' }),
      priority: 5,
    });
    expect(task).toMatchObject({
      assignmentStatus: 'pending',
      taskQueueSid: queue.sid,
      taskQueueFriendlyName: 'Billing desk',
      workflowSid: workflow.sid,
      workflowFriendlyName: 'Billing first',
      priority: 5,
    });
    expect(JSON.parse(task.attributes)).toEqual({ type: 'billing', name: 'Kim' });
    const pending = await ws.tasks.list({ assignmentStatus: ['pending', 'reserved'] });
    expect(pending.map((t) => t.sid)).toContain(task.sid);
    const canceled = await ws.tasks(task.sid).update({ assignmentStatus: 'canceled', reason: 'duplicate' });
    expect(canceled).toMatchObject({ assignmentStatus: 'canceled', reason: 'duplicate' });
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe('canceled');

    // Studio v2: a flow and an execution with parameters, run on the web channel.
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Greeter',
      status: 'published',
      definition: greeting,
    });
    expect(flow.sid).toMatch(/^FW/);
    expect(flow).toMatchObject({ friendlyName: 'Greeter', status: 'published', valid: true });
    const execution = await client.studio.v2
      .flows(flow.sid)
      .executions.create({ to: webChannel.sid, from: flexFlow.contactIdentity, parameters: { name: 'Lee' } });
    expect(execution.sid).toMatch(/^FN/);
    expect(execution.flowSid).toBe(flow.sid);
    const context = await client.studio.v2
      .flows(flow.sid)
      .executions(execution.sid)
      .executionContext()
      .fetch();
    expect(context.context).toMatchObject({ flow: { data: { name: 'Lee' } } });
    const greeted = await client.conversations.v1.conversations(webChannel.sid).messages.list();
    expect(greeted.map((m) => m.body)).toContain('Hello Lee');

    // Conversations: 60 messages, listed past the first page.
    const conversation = await client.conversations.v1.conversations.create({ friendlyName: 'Returns' });
    expect(conversation.sid).toMatch(/^CH/);
    expect(conversation).toMatchObject({ friendlyName: 'Returns', state: 'active' });
    const participant = await client.conversations.v1
      .conversations(conversation.sid)
      .participants.create({ identity: 'kim' });
    expect(participant.sid).toBeTruthy();
    for (let i = 0; i < 60; i++) {
      const message = await client.conversations.v1
        .conversations(conversation.sid)
        .messages.create({ author: i % 2 ? 'kim' : 'returns-bot', body: `message ${i}` });
      expect(message.index).toBe(i);
    }
    const messages = await client.conversations.v1.conversations(conversation.sid).messages.list();
    expect(messages.map((m) => m.body)).toEqual(Array.from({ length: 60 }, (_, i) => `message ${i}`));
    expect(messages[1]).toMatchObject({
      author: 'kim',
      participantSid: participant.sid,
      conversationSid: conversation.sid,
    });
    expect(messages[1]?.dateCreated).toBeInstanceOf(Date);
  });

  it('creates an interaction: the agent holds the SMS conversation and writes through Conversations', async () => {
    await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'SMS',
      channelType: 'sms',
      contactIdentity: PROXY_NUMBER,
      enabled: true,
      integrationType: 'task',
      messagingConnector: { url: provider.url, authToken: 'provider-auth-token' },
    });
    const { workers } = (await parley.api('GET', '/v1/Workers')).body;
    const agent = workers.find((w: { username: string }) => w.username === 'agent');
    await parley.api('POST', `/v1/Workers/${agent.sid}`, { activity: 'Available' });
    const [workspace] = await client.taskrouter.v1.workspaces.list();

    const interaction = await client.flexApi.v1.interaction.create({
      channel: {
        type: 'sms',
        initiated_by: 'agent',
        participants: [{ address: '+15557777', proxy_address: PROXY_NUMBER }],
      },
      routing: {
        properties: { workspace_sid: workspace?.sid, worker_sid: agent.sid, task_channel_unique_name: 'sms' },
      },
    });
    expect(interaction.sid).toMatch(/^KD/);
    const conversationSid = (interaction.channel as { sid: string }).sid;
    expect(conversationSid).toMatch(/^CH/);
    const taskSid = (interaction.routing as { properties: { task_sid: string } }).properties.task_sid;
    const task = await client.taskrouter.v1
      .workspaces(workspace?.sid ?? '')
      .tasks(taskSid)
      .fetch();
    expect(task.assignmentStatus).toBe('assigned');

    await client.conversations.v1
      .conversations(conversationSid)
      .messages.create({ author: agent.sid, body: 'Your order is ready' });
    await parley.server.core.idle();
    expect(provider.received.map((r) => r.form.get('Body'))).toContain('Your order is ready');

    // Its one channel, and the participants on it: the customer and the agent holding the task.
    const tasks = client.taskrouter.v1.workspaces(workspace?.sid ?? '').tasks;
    const [channel] = await client.flexApi.v1.interaction(interaction.sid).channels.list();
    expect(channel).toMatchObject({ interactionSid: interaction.sid, type: 'sms', status: 'active' });
    expect(channel?.sid).toBe(`UO${conversationSid.slice(2)}`);
    const channelApi = client.flexApi.v1.interaction(interaction.sid).channels(channel?.sid ?? '');
    expect((await channelApi.fetch()).sid).toBe(channel?.sid);
    const participants = await channelApi.participants.list();
    expect(participants.map((p) => p.type).sort()).toEqual(['agent', 'customer']);
    const agentParticipant = participants.find((p) => p.type === 'agent');
    expect(agentParticipant?.routingProperties).toEqual({ task_sid: taskSid, worker_sid: agent.sid });
    const customer = participants.find((p) => p.type === 'customer');
    await expect(
      channelApi.participants(customer?.sid ?? '').update({ status: 'wrapup' }),
    ).rejects.toMatchObject({
      status: 409,
    });
    // The agent to wrapup: the task wraps up; the channel closed with Routing closed: it completes.
    await channelApi.participants(agentParticipant?.sid ?? '').update({ status: 'wrapup' });
    expect((await tasks(taskSid).fetch()).assignmentStatus).toBe('wrapping');
    await expect(channelApi.update({ status: 'inactive' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('body.Routing'),
    });
    const closed = await channelApi.update({ status: 'closed', routing: { status: 'closed' } });
    expect(closed.status).toBe('closed');
    expect((await tasks(taskSid).fetch()).assignmentStatus).toBe('completed');
    expect((await client.conversations.v1.conversations(conversationSid).fetch()).state).toBe('closed');

    // Closed without Routing, a held task wraps up, as on Twilio.
    const second = await client.flexApi.v1.interaction.create({
      channel: {
        type: 'sms',
        initiated_by: 'agent',
        participants: [{ address: '+15558888', proxy_address: PROXY_NUMBER }],
      },
      routing: { properties: { workspace_sid: workspace?.sid, worker_sid: agent.sid } },
    });
    const secondTask = (second.routing as { properties: { task_sid: string } }).properties.task_sid;
    const [secondChannel] = await client.flexApi.v1.interaction(second.sid).channels.list();
    await client.flexApi.v1
      .interaction(second.sid)
      .channels(secondChannel?.sid ?? '')
      .update({ status: 'closed' });
    expect((await tasks(secondTask).fetch()).assignmentStatus).toBe('wrapping');
    await expect(
      client.flexApi.v1
        .interaction(second.sid)
        .channels(channel?.sid ?? '')
        .fetch(),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('follows pages of every list and deletes what it created', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await ws.workers.create({ friendlyName: `Paged ${i}` })).sid);
    const first = await ws.workers.page({ pageSize: 2 });
    expect(first.instances).toHaveLength(2);
    expect(first.nextPageUrl).toContain('PageSize=2');
    const everyone = await ws.workers.list({ pageSize: 2 });
    expect(everyone.map((w) => w.sid)).toEqual(expect.arrayContaining(created));
    expect(new Set(everyone.map((w) => w.sid)).size).toBe(everyone.length);

    await ws.workers(created[0] ?? '').remove();
    await expect(ws.workers(created[0] ?? '').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });

    const queue = await ws.taskQueues.create({ friendlyName: 'Short-lived' });
    expect((await ws.taskQueues(queue.sid).update({ friendlyName: 'Renamed' })).friendlyName).toBe('Renamed');
    await ws.taskQueues(queue.sid).remove();
    await expect(ws.taskQueues(queue.sid).fetch()).rejects.toMatchObject({ code: 20404 });

    const flexFlow = await client.flexApi.v1.flexFlow.create({
      friendlyName: 'Temporary',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
      enabled: false,
    });
    expect((await client.flexApi.v1.flexFlow.list({ pageSize: 1 })).map((f) => f.sid)).toContain(
      flexFlow.sid,
    );
    await client.flexApi.v1.flexFlow(flexFlow.sid).remove();
    await expect(client.flexApi.v1.flexFlow(flexFlow.sid).fetch()).rejects.toMatchObject({ code: 20404 });

    const conversation = await client.conversations.v1.conversations.create({ uniqueName: 'paged' });
    const messages = client.conversations.v1.conversations(conversation.sid).messages;
    for (let i = 0; i < 9; i++) await messages.create({ body: `m${i}` });
    const newestFirst = await messages.list({ order: 'desc', pageSize: 4 });
    expect(newestFirst.map((m) => m.body)).toEqual(['m8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect((await client.conversations.v1.conversations.list({ pageSize: 3 })).map((c) => c.sid)).toContain(
      conversation.sid,
    );
    const closed = await client.conversations.v1.conversations(conversation.sid).update({ state: 'closed' });
    expect(closed.state).toBe('closed');
    // Page by page, the closed ones only (the interactions closed above among them).
    const closedOnes = await client.conversations.v1.conversations.list({ state: 'closed', pageSize: 1 });
    expect(closedOnes.map((c) => c.sid)).toContain(conversation.sid);
    expect(closedOnes.length).toBeGreaterThan(1);
    expect(closedOnes.every((c) => c.state === 'closed')).toBe(true);
    const active = await client.conversations.v1.conversations.list({ state: 'active' });
    expect(active.map((c) => c.sid)).not.toContain(conversation.sid);
    expect(active.every((c) => c.state === 'active')).toBe(true);
    expect(closed.uniqueName).toBe('paged');
    await client.conversations.v1.conversations(conversation.sid).remove();
    await expect(client.conversations.v1.conversations(conversation.sid).fetch()).rejects.toMatchObject({
      code: 20404,
    });
  });

  it("keeps a conversation's own attributes, and the channel a web chat came in on", async () => {
    const made = await client.conversations.v1.conversations.create({ attributes: '{"orderId":7}' });
    // No task yet: nothing of Parley's routing shows in what was set.
    expect(JSON.parse(made.attributes)).not.toHaveProperty('taskSid');
    expect(JSON.parse(made.attributes)).toMatchObject({ orderId: 7 });

    const web = await client.flexApi.v1.webChannel.create({
      flexFlowSid: parley.flexFlowSid,
      identity: 'attributes@example.com',
      customerFriendlyName: 'Ada',
      chatFriendlyName: 'Attributes',
    });
    const chat = client.conversations.v1.conversations(web.sid);
    await expect(chat.update({ attributes: '{"channelType":"sms"}' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('channelType'),
    });
    // The customer's name may change (a CRM knows better), as Flex reads it from `from`.
    const renamed = await chat.update({ attributes: '{"from":"Ada Lovelace","crmId":"c-1"}' });
    expect(JSON.parse(renamed.attributes)).toMatchObject({
      from: 'Ada Lovelace',
      channelType: 'web',
      crmId: 'c-1',
    });

    // A participant's attributes Parley does not keep are refused, not dropped.
    const participants = client.conversations.v1.conversations(made.sid).participants;
    await expect(
      participants.create({ identity: 'kim', attributes: '{"tier":"gold"}' }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('"tier"'),
    });
    const kim = await participants.create({ identity: 'kim', attributes: '{"friendlyName":"Kim"}' });
    expect(JSON.parse(kim.attributes)).toMatchObject({ friendlyName: 'Kim' });
    // What Parley shows of a participant may be given back as it is.
    const copy = await participants.create({ identity: 'kim-2', attributes: kim.attributes });
    expect(JSON.parse(copy.attributes)).toMatchObject({ role: 'customer', friendlyName: 'Kim' });
    // Twilio's way to add an SMS participant names the number it writes to as well.
    const texter = await participants.create({
      'messagingBinding.address': '+15550123',
      'messagingBinding.proxyAddress': '+15550100',
    });
    expect(texter.identity).toBe('+15550123');
  });

  it('answers Twilio errors: numeric codes, a field named, bad credentials refused', async () => {
    await expect(client.flexApi.v1.flexFlow(`FO${'9'.repeat(32)}`).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
    await expect(
      client.flexApi.v1.flexFlow.create({
        friendlyName: 'x',
        chatServiceSid: 'IS1',
        channelType: 'pigeon' as never,
      }),
    ).rejects.toMatchObject({ status: 400, code: 20001, message: expect.stringContaining('channelType') });
    const stranger = twilioAt(parley.url, ACCOUNT_SID, 'wrong-key');
    await expect(stranger.taskrouter.v1.workspaces.list()).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });
});

describe('request bodies Parley cannot read', () => {
  const form = (
    body: Record<string, string>,
    auth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
  ) => ({
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });

  it('refuses a form field the resource does not read, naming it', async () => {
    const res = await fetch(
      `${parley.url}/v1/FlexFlows`,
      form({ FriendlyName: 'x', ChannelType: 'web', Colour: 'red' }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 20001, message: expect.stringContaining('body.Colour') });
  });

  it("refuses a non-JSON body on Parley's JSON API with 415 instead of ignoring it", async () => {
    const res = await fetch(`${parley.url}/v1/Workers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parley.adminKey}`, 'content-type': 'text/plain' },
      body: 'friendlyName=Robin',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type', status: 415 });
  });

  it("accepts Basic auth on Parley's own JSON routes too", async () => {
    const authorization = `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`;
    const res = await fetch(`${parley.url}/v1/Sessions`, { headers: { authorization } });
    expect(res.status).toBe(200);
    // Where a Twilio resource shares the path but not the method, Parley's own route answers.
    const { channelSid } = (
      await parley.api('POST', '/v1/WebChannels', {
        flexFlowSid: parley.flexFlowSid,
        customerFriendlyName: 'Basic',
      })
    ).body;
    const renamed = await fetch(`${parley.url}/v1/Channels/${channelSid}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ friendlyName: 'Renamed over Basic' }),
    });
    expect(renamed.status).toBe(200);
    expect((await renamed.json()).friendlyName).toBe('Renamed over Basic');
    // And what neither serves is Twilio's 405, with the full path.
    const patched = await fetch(`${parley.url}/v1/Channels/${channelSid}`, {
      method: 'PUT',
      headers: { authorization },
    });
    expect(patched.status).toBe(405);
    expect((await patched.json()).message).toContain(`on /v1/Channels/${channelSid} in Parley`);
  });

  it('reads the Basic scheme whatever its case (RFC 7617), answering in Twilio shape', async () => {
    const res = await fetch(`${parley.url}/v1/Workspaces`, {
      headers: {
        authorization: `basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workspaces: { account_sid: string }[]; meta: { key: string } };
    expect(body.meta.key).toBe('workspaces');
    expect(body.workspaces[0]?.account_sid).toBe(ACCOUNT_SID);
  });
});
