/**
 * The Twilio-shaped surface writes the admin audit log as Parley's own routes do: changes made
 * with the official `twilio` library are there, before the reply, with the actor, the action,
 * Parley's record before and after, and secrets left out; reads and refused changes are not.
 */
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
type Json = any;

const ACCOUNT_SID = `AC${'90ab'.repeat(8)}`;

let parley: TestParley;
let client: twilio.Twilio;

beforeAll(async () => {
  parley = await startParley();
  client = twilioAt(parley.url, ACCOUNT_SID, parley.adminKey);
});
afterAll(() => parley?.stop());

async function eventsOf(resourceSid: string): Promise<Json[]> {
  const { body } = await parley.api('GET', `/v1/AuditEvents?resourceSid=${resourceSid}`);
  return body.auditEvents;
}

describe('the audit trail of the Twilio-shaped surface', () => {
  it('records TaskRouter workers, queues, workflows and task updates, with before and after', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const worker = await ws.workers.create({ friendlyName: 'Robin', attributes: '{"skills":["billing"]}' });
    await ws.workers(worker.sid).update({ friendlyName: 'Robin Hart' });
    const queue = await ws.taskQueues.create({ friendlyName: 'Billing', targetWorkers: '1==1' });
    const workflow = await ws.workflows.create({
      friendlyName: 'Billing first',
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
    });
    const task = await ws.tasks.create({ workflowSid: workflow.sid, attributes: '{"type":"billing"}' });
    await ws.tasks(task.sid).update({ assignmentStatus: 'canceled', reason: 'duplicate' });
    await ws.workers(worker.sid).remove();

    const workerEvents = await eventsOf(worker.sid);
    expect(workerEvents.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    const [deleted, renamed, created] = workerEvents;
    expect(created).toMatchObject({
      actor: { kind: 'admin_key', workerSid: null, name: 'admin key' },
      resourceType: 'Workers',
      request: `POST /v1/Workspaces/${workspace?.sid}/Workers`,
      before: null,
      after: { sid: worker.sid, friendlyName: 'Robin', attributes: { skills: ['billing'] } },
    });
    expect(renamed).toMatchObject({
      request: `POST /v1/Workspaces/${workspace?.sid}/Workers/${worker.sid}`,
      before: { friendlyName: 'Robin' },
      after: { friendlyName: 'Robin Hart' },
    });
    expect(deleted).toMatchObject({ before: { friendlyName: 'Robin Hart' }, after: null });
    expect(JSON.stringify(workerEvents)).not.toMatch(/passwordHash/i);

    expect((await eventsOf(queue.sid))[0]).toMatchObject({ action: 'create', resourceType: 'TaskQueues' });
    expect((await eventsOf(workflow.sid))[0]).toMatchObject({ action: 'create', resourceType: 'Workflows' });
    const taskEvents = await eventsOf(task.sid);
    expect(taskEvents.map((e) => e.action)).toEqual(['update', 'create']);
    expect(taskEvents[0]).toMatchObject({
      resourceType: 'Tasks',
      before: { status: 'pending' },
      after: { status: 'canceled' },
    });
  });

  it('records Flex Flows, Studio flows and Conversations, and not what failed or only read', async () => {
    const flexFlow = await client.flexApi.v1.flexFlow.create({
      friendlyName: 'Support web chat',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
    });
    await client.flexApi.v1.flexFlow(flexFlow.sid).update({ 'integration.priority': 7 } as never);
    await client.flexApi.v1.flexFlow(flexFlow.sid).fetch();
    const flexEvents = await eventsOf(flexFlow.sid);
    expect(flexEvents.map((e) => [e.action, e.resourceType])).toEqual([
      ['update', 'FlexFlows'],
      ['create', 'FlexFlows'],
    ]);

    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Greeter',
      status: 'published',
      definition: {
        description: 'Greets',
        initial_state: 'Trigger',
        flags: { allow_concurrent_calls: true },
        states: [{ name: 'Trigger', type: 'trigger', transitions: [], properties: {} }],
      },
    });
    await client.studio.v2.flows(flow.sid).remove();
    expect((await eventsOf(flow.sid)).map((e) => [e.action, e.resourceType])).toEqual([
      ['delete', 'Flows'],
      ['create', 'Flows'],
    ]);

    const conversation = await client.conversations.v1.conversations.create({ friendlyName: 'Returns' });
    const message = await client.conversations.v1
      .conversations(conversation.sid)
      .messages.create({ author: 'returns-bot', body: 'Your parcel is on its way' });
    expect((await eventsOf(conversation.sid))[0]).toMatchObject({
      action: 'create',
      resourceType: 'Conversations',
    });
    expect((await eventsOf(message.sid))[0]).toMatchObject({
      action: 'create',
      resourceType: 'Conversations/Messages',
      after: {
        sid: message.sid,
        bodyLength: 'Your parcel is on its way'.length,
        channelSid: conversation.sid,
      },
    });

    const missing = `WK${'0'.repeat(32)}`;
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    await expect(
      client.taskrouter.v1
        .workspaces(workspace?.sid ?? '')
        .workers(missing)
        .update({ friendlyName: 'x' }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await eventsOf(missing)).toEqual([]);
  });

  it("keeps customers' text out: messages without body or media, attributes by key name only", async () => {
    const secretText = 'my card number is 4111 1111 1111 1111';
    const conversations = client.conversations.v1.conversations;
    const conversation = await conversations.create({
      friendlyName: 'Refund',
      attributes: JSON.stringify({ customerEmail: 'ada@private.example', note: secretText }),
    });
    const message = await conversations(conversation.sid).messages.create({
      author: 'ada',
      body: secretText,
      attributes: JSON.stringify({ orderNote: 'leave it with Mrs Private next door' }),
    });
    await conversations(conversation.sid)
      .messages(message.sid)
      .update({ attributes: JSON.stringify({ orderNote: 'changed: Mrs Private again' }) });
    await conversations(conversation.sid).update({ attributes: JSON.stringify({ note: secretText }) });
    // The Flex API's chat channel: pre-engagement data and task attributes are the customer's.
    const channel = await client.flexApi.v1.channel.create({
      flexFlowSid: (await parley.api('GET', '/v1/FlexFlows')).body.flexFlows[0].sid,
      identity: 'ada-private',
      chatUserFriendlyName: 'Ada',
      chatFriendlyName: 'Ada chat',
      preEngagementData: JSON.stringify({ question: secretText }),
      taskAttributes: JSON.stringify({ ssn: '078-05-1120' }),
    });
    // A Chat/Channel message through Parley's own route with Basic credentials (the Twilio trail).
    const chat = await fetch(`${parley.url}/v1/Channels/${channel.sid}/Messages`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ from: 'ada-private', body: `chat: ${secretText}` }),
    });
    expect(chat.status).toBe(201);
    const chatMessage = (await chat.json()) as { sid: string };
    await conversations(conversation.sid).messages(message.sid).remove();

    const messageEvents = await eventsOf(message.sid);
    expect(messageEvents.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    expect(messageEvents[2]).toMatchObject({
      resourceType: 'Conversations/Messages',
      after: {
        sid: message.sid,
        channelSid: conversation.sid,
        authorRole: 'system',
        bodyLength: secretText.length,
      },
    });
    expect(messageEvents[2].after).not.toHaveProperty('body');
    expect(messageEvents[0].before).toMatchObject({ sid: message.sid, bodyLength: secretText.length });
    const chatEvents = await eventsOf(chatMessage.sid);
    expect(chatEvents).toEqual([
      expect.objectContaining({ resourceType: 'Channels/Messages', action: 'create' }),
    ]);
    expect(chatEvents[0].after).toMatchObject({ sid: chatMessage.sid, authorRole: 'customer' });
    const conversationEvents = await eventsOf(conversation.sid);
    expect(conversationEvents[0]).toMatchObject({
      action: 'update',
      before: { attributes: { customerEmail: '[redacted]', note: '[redacted]' } },
      after: { attributes: { note: '[redacted]' } },
    });
    const channelEvents = await eventsOf(channel.sid);
    expect(channelEvents).toHaveLength(1);

    const { body } = await parley.api('GET', '/v1/AuditEvents?limit=200');
    const log = JSON.stringify(body.auditEvents);
    for (const text of ['4111', 'ada@private.example', 'Mrs Private', '078-05-1120'])
      expect(log, text).not.toContain(text);
  });

  it("records a change once when Basic credentials reach one of Parley's own JSON routes", async () => {
    const res = await fetch(`${parley.url}/v1/TaskQueues`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ friendlyName: 'Basic queue', targetWorkers: '1==1' }),
    });
    expect(res.status).toBe(201);
    const { sid } = (await res.json()) as { sid: string };
    const validated = await fetch(`${parley.url}/v1/Flows/validate`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        definition: {
          initial_state: 'Trigger',
          states: [{ name: 'Trigger', type: 'trigger', transitions: [], properties: {} }],
        },
      }),
    });
    expect(validated.status).toBe(200);
    expect(await eventsOf('validate')).toEqual([]);
    expect(await eventsOf(sid)).toEqual([
      expect.objectContaining({ action: 'create', resourceType: 'TaskQueues' }),
    ]);
  });

  it('names the API key that made a change', async () => {
    const key = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'flex backend' })).body;
    const keyed = twilioAt(parley.url, key.sid, key.secret, ACCOUNT_SID);
    const flexFlow = await keyed.flexApi.v1.flexFlow.create({
      friendlyName: 'Keyed flow',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
    });
    expect((await eventsOf(flexFlow.sid))[0].actor).toEqual({
      kind: 'api_key',
      workerSid: null,
      name: `API key "flex backend" (${key.sid})`,
    });
  });
});
