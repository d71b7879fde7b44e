import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
afterEach(async () => {
  await parley?.stop();
});

/** A flow as a Studio user would export it: offsets, flags, voice events on the trigger. */
const supportFlow = {
  description: 'Support intake',
  flags: { allow_concurrent_calls: true },
  initial_state: 'Trigger',
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      properties: { offset: { x: 0, y: 0 } },
      transitions: [
        { event: 'incomingMessage', next: 'ask_email' },
        { event: 'incomingCall' },
        { event: 'incomingConversationMessage' },
        { event: 'incomingRequest' },
        { event: 'incomingParent' },
      ],
    },
    {
      name: 'ask_email',
      type: 'send-and-wait-for-reply',
      properties: {
        offset: { x: 0, y: 200 },
        body: 'Hello {{ trigger.message.ChannelAttributes.from | capitalize }}! Your email?',
        timeout: '3600',
      },
      transitions: [
        { event: 'incomingMessage', next: 'check_email' },
        { event: 'timeout' },
        { event: 'deliveryFailure' },
      ],
    },
    {
      name: 'check_email',
      type: 'split-based-on',
      properties: { offset: { x: 0, y: 400 }, input: '{{ widgets.ask_email.inbound.Body }}' },
      transitions: [
        { event: 'noMatch', next: 'ask_email' },
        {
          event: 'match',
          next: 'save',
          conditions: [
            {
              friendly_name: 'email',
              arguments: ['{{ widgets.ask_email.inbound.Body }}'],
              type: 'regex',
              value: '^[^@\\s]+@[^@\\s]+$',
            },
          ],
        },
      ],
    },
    {
      name: 'save',
      type: 'set-variables',
      properties: { variables: [{ key: 'email', value: '{{ widgets.ask_email.inbound.Body | downcase }}' }] },
      transitions: [{ event: 'next', next: 'handover' }],
    },
    {
      name: 'handover',
      type: 'send-to-flex',
      properties: {
        workflow: 'WW00000000000000000000000000000000',
        channel: 'TC00000000000000000000000000000000',
        priority: '3',
        attributes:
          '{"name": "{{ trigger.message.ChannelAttributes.from }}", "email": "{{ flow.variables.email }}", "tries": {{ flow.variables.email | size }}}',
      },
      transitions: [{ event: 'callComplete' }, { event: 'failedToEnqueue' }, { event: 'callFailure' }],
    },
  ],
};

async function studioChannel(definition: unknown, identity = 'sam') {
  // The workflow sid came from another account: mapped to one here, as the validation warning says.
  const queue = (await parley.api('POST', '/v1/TaskQueues', { friendlyName: 'Intake' })).body;
  const workflow = await parley.api('POST', '/v1/Workflows', {
    friendlyName: 'Intake',
    configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
  });
  const mapped = JSON.parse(
    JSON.stringify(definition).replaceAll('WW00000000000000000000000000000000', workflow.body.sid),
  );
  const flow = await parley.api('POST', '/v1/Flows', { friendlyName: 'Support intake', definition: mapped });
  expect(flow.status).toBe(201);
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: flow.body.sid },
  });
  const { body: channel } = await parley.api('POST', '/v1/Channels', {
    flexFlowSid: parley.flexFlowSid,
    identity,
    chatUserFriendlyName: 'sam',
  });
  return { flowSid: flow.body.sid as string, channelSid: channel.sid as string };
}

const say = (channelSid: string, from: string, body: string) =>
  parley.api('POST', `/v1/Channels/${channelSid}/Messages`, { from, body });

async function bodies(channelSid: string) {
  const { body } = await parley.api('GET', `/v1/Channels/${channelSid}/Messages?pageSize=1000`);
  return body.messages.map((m: { authorRole: string; body: string }) => `${m.authorRole}: ${m.body}`);
}

describe('a Studio flow through the REST Channel API', () => {
  it('runs templates, a wait, a regex loop, variables and send-to-flex with templated attributes', async () => {
    parley = await startParley();
    const { flowSid, channelSid } = await studioChannel(supportFlow);
    await say(channelSid, 'sam', 'hi');
    await parley.server.core.idle();
    await say(channelSid, 'sam', 'not an email');
    await parley.server.core.idle();
    await say(channelSid, 'sam', 'Sam@Example.com');
    await parley.server.core.idle();

    expect(await bodies(channelSid)).toEqual([
      'customer: hi',
      'bot: Hello Sam! Your email?',
      'customer: not an email',
      'bot: Hello Sam! Your email?',
      'customer: Sam@Example.com',
    ]);
    const channel = (await parley.api('GET', `/v1/Channels/${channelSid}`)).body;
    const task = (await parley.api('GET', `/v1/Tasks/${channel.taskSid}`)).body;
    expect(task).toMatchObject({
      status: 'pending',
      priority: 3,
      attributes: { name: 'sam', email: 'sam@example.com', tries: 15, channelSid },
    });
    const members = (await parley.api('GET', `/v1/Channels/${channelSid}/Members`)).body.members;
    expect(members.map((m: { role: string }) => m.role)).toEqual(['customer']);

    const { executions } = (await parley.api('GET', `/v1/Flows/${flowSid}/Executions`)).body;
    expect(executions).toHaveLength(1);
    const execution = (await parley.api('GET', `/v1/Flows/${flowSid}/Executions/${executions[0].sid}`)).body;
    expect(execution.status).toBe('ended');
    expect(
      execution.steps
        .filter((s: { event: string | null }) => s.event)
        .map((s: { state: string; event: string }) => `${s.state}:${s.event}`),
    ).toEqual([
      'Trigger:incomingMessage',
      'ask_email:incomingMessage',
      'check_email:noMatch',
      'ask_email:incomingMessage',
      'check_email:match',
      'save:next',
      'handover:callComplete',
    ]);
  });

  it('keeps the bot quiet once an agent has the conversation', async () => {
    parley = await startParley();
    const { channelSid } = await studioChannel(supportFlow);
    for (const text of ['hi', 'me@example.com', 'still there?']) {
      await say(channelSid, 'sam', text);
      await parley.server.core.idle();
    }
    expect((await bodies(channelSid)).filter((b: string) => b.startsWith('bot:'))).toHaveLength(1);
  });

  it('validates a flow, naming the offending state, and keeps revisions', async () => {
    parley = await startParley();
    const broken = {
      ...supportFlow,
      states: supportFlow.states.map((s) =>
        s.name === 'save' ? { ...s, transitions: [{ event: 'next', next: 'nowhere' }] } : s,
      ),
    };
    const validate = await parley.api('POST', '/v1/Flows/validate', { definition: broken });
    expect(validate.status).toBe(400);
    expect(validate.body.message).toContain(
      'state "save" goes to "nowhere" on next, and no state has that name',
    );
    // The workflow sid came from another account: a warning that says how to map it.
    const workflowWarning = {
      state: 'handover',
      field: 'properties.workflow',
      message: expect.stringContaining(
        'names workflow WW00000000000000000000000000000000, which does not exist here',
      ),
    };
    expect((await parley.api('POST', '/v1/Flows/validate', { definition: supportFlow })).body).toEqual({
      valid: true,
      warnings: [workflowWarning],
    });
    // A spare widget nothing leads to is a warning, as Studio publishes such flows.
    const spare = { name: 'spare', type: 'send-message', properties: { body: 'unused' }, transitions: [] };
    const withSpare = { ...supportFlow, states: [...supportFlow.states, spare] };
    const warned = await parley.api('POST', '/v1/Flows', { friendlyName: 'spare', definition: withSpare });
    expect(warned.status).toBe(201);
    expect(warned.body.warnings).toEqual([
      {
        state: 'spare',
        field: null,
        message: 'state "spare" is unreachable: no transition leads to it from "Trigger" (it never runs)',
      },
      workflowWarning,
    ]);
    expect((await parley.api('POST', '/v1/Flows', { friendlyName: 'x', definition: broken })).status).toBe(
      400,
    );

    const created = (
      await parley.api('POST', '/v1/Flows', { friendlyName: 'Intake', definition: supportFlow })
    ).body;
    expect(created.revision).toBe(1);
    const updated = (
      await parley.api('POST', `/v1/Flows/${created.sid}`, {
        definition: { ...supportFlow, description: 'v2' },
      })
    ).body;
    expect(updated).toMatchObject({ revision: 2, definition: { description: 'v2' } });
    const list = (await parley.api('GET', '/v1/Flows')).body;
    expect(list.flows.map((f: { sid: string }) => f.sid)).toContain(created.sid);
    expect((await parley.api('DELETE', `/v1/Flows/${created.sid}`)).status).toBe(204);
    expect((await parley.api('GET', `/v1/Flows/${created.sid}`)).status).toBe(404);
  });

  it('starts a flow by request with parameters', async () => {
    parley = await startParley();
    const flow = {
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
          properties: { body: 'Your parcel {{ trigger.request.parameters.parcel }} is out for delivery' },
          transitions: [],
        },
      ],
    };
    const { flowSid, channelSid } = await studioChannel(flow);
    const started = await parley.api('POST', `/v1/Flows/${flowSid}/Executions`, {
      channelSid,
      parameters: { parcel: 'NW-77' },
    });
    expect(started.status).toBe(201);
    expect(await bodies(channelSid)).toEqual(['bot: Your parcel NW-77 is out for delivery']);
  });
});

describe('the demo bot', () => {
  it('greets by name, tracks an order with the order service, and hands over with the answers', async () => {
    parley = await startParley({ integration: 'studio' });
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'robin',
      chatUserFriendlyName: 'Robin',
    });
    for (const text of ['hello', 'Track an order', '#123', '10001', 'Talk to a person']) {
      await say(channel.sid, 'robin', text);
      await parley.server.core.idle();
    }
    const transcript = await bodies(channel.sid);
    expect(transcript[1]).toBe(
      "bot: Hi Robin! I'm the Northwind assistant. I can track an order for you, or bring in a person.",
    );
    expect(transcript[3]).toBe('bot: What is your order number? It has five digits, like 10001.');
    expect(transcript[5]).toMatch(/^bot: "123" doesn't look like an order number/);
    expect(transcript[7]).toBe(
      'bot: Order 10001: shipped. It left our roastery on Monday and should arrive within two days. Anything else?',
    );
    expect(transcript.at(-1)).toBe('bot: Connecting you with a person. They will see what we talked about.');
    const taskSid = (await parley.api('GET', `/v1/Channels/${channel.sid}`)).body.taskSid;
    const task = (await parley.api('GET', `/v1/Tasks/${taskSid}`)).body;
    expect(task.attributes).toMatchObject({
      name: 'Robin',
      orderNumber: '10001',
      orderStatus: 'shipped',
      topic: 'Talk to a person',
    });
  });

  it('offers quick replies and hands over at once on "Talk to a person"', async () => {
    parley = await startParley({ integration: 'studio' });
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'kim',
    });
    await say(channel.sid, 'kim', 'hi');
    await parley.server.core.idle();
    const { body } = await parley.api('GET', `/v1/Channels/${channel.sid}/Messages`);
    expect(body.messages[1].attributes.quickReplies).toEqual(['Track an order', 'Talk to a person']);
    expect(body.messages[1].authorName).toBe('Northwind assistant');
    await say(channel.sid, 'kim', 'Talk to a person');
    await parley.server.core.idle();
    expect((await parley.api('GET', `/v1/Channels/${channel.sid}`)).body.taskSid).toMatch(/^WT/);
  });
});

describe('executions across a restart', () => {
  it('keeps a wait for reply, and its timeout, through a server restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));
    try {
      parley = await startParley({ keepDataDir: dataDir });
      const flow = {
        initial_state: 'Trigger',
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingMessage', next: 'ask' }],
          },
          {
            name: 'ask',
            type: 'send-and-wait-for-reply',
            properties: { body: 'Color?', timeout: '1' },
            transitions: [
              { event: 'incomingMessage', next: 'echo' },
              { event: 'timeout', next: 'nudge' },
            ],
          },
          {
            name: 'echo',
            type: 'send-message',
            properties: { body: 'You like {{ widgets.ask.inbound.Body }}' },
            transitions: [],
          },
          {
            name: 'nudge',
            type: 'send-and-wait-for-reply',
            properties: { body: 'Still there?', timeout: '3600' },
            transitions: [{ event: 'incomingMessage', next: 'echo2' }],
          },
          {
            name: 'echo2',
            type: 'send-message',
            properties: { body: 'Welcome back: {{ widgets.nudge.inbound.Body }}' },
            transitions: [],
          },
        ],
      };
      const { channelSid } = await studioChannel(flow);
      await say(channelSid, 'sam', 'hi');
      await parley.server.core.idle();
      await parley.stop();
      // Down for longer than the 1 s timeout: the timer is a row, so it fires after the restart.
      await new Promise((r) => setTimeout(r, 1200));
      parley = await startParley({ keepDataDir: dataDir, integration: 'studio' });
      await expect.poll(() => bodies(channelSid), { timeout: 5000 }).toContain('bot: Still there?');
      await say(channelSid, 'sam', 'blue');
      await parley.server.core.idle();
      expect(await bodies(channelSid)).toEqual([
        'customer: hi',
        'bot: Color?',
        'bot: Still there?',
        'customer: blue',
        'bot: Welcome back: blue',
      ]);
    } finally {
      await parley.stop();
      parley = undefined as never;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
