/**
 * A messaging flow as Twilio exports it (test/fixtures/flows), run unchanged on a real server:
 * send-and-wait-for-reply, split-based-on with several condition types, set-variables,
 * run-function to a local Function, make-http-request, run-subflow with a subflow that waits
 * for a reply, send-to-flex with Flex's attribute names; through a web Flex Flow and through
 * POST /v1/Flows/:sid/Executions. Validation problems come back as a list.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { connectVisitor, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const fixtures = join(import.meta.dirname, '../fixtures/flows');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
/** The sids the exported parent names: another account's, mapped to this server's below. */
const EXPORTED_SUBFLOW = 'FW5a1d0c0ffee5a1d0c0ffee5a1d0c0ffe';
const EXPORTED_WORKFLOW = 'WW9f8e7d6c5b4a39281706f5e4d3c2b1a0';

let parley: TestParley;
let crm: Server;
const crmCases: unknown[] = [];
let flowSid: string;
let subflowSid: string;
let workflowSid: string;
const visitors: VisitorSocket[] = [];

beforeAll(async () => {
  crm = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      crmCases.push({ contentType: req.headers['content-type'], body: JSON.parse(body) });
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ case: `CS-${1000 + crmCases.length}` }));
    });
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
  const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/cases`;
  parley = await startParley({ functionsDir: join(fixtures, 'functions') });

  // Twilio's CLI sends the definition as JSON text.
  const subflow = JSON.parse(fixture('survey-subflow.json'));
  const sub = await parley.api('POST', '/v1/Flows', {
    friendlyName: subflow.friendlyName,
    definition: JSON.stringify(subflow.definition),
  });
  expect(sub.status).toBe(201);
  expect(sub.body.warnings).toEqual([]);
  subflowSid = sub.body.sid;

  // Mapped as the validation warnings say: the subflow and the workflow to this server's sids.
  const queue = (await parley.api('POST', '/v1/TaskQueues', { friendlyName: 'Orders' })).body;
  workflowSid = (
    await parley.api('POST', '/v1/Workflows', {
      friendlyName: 'Orders',
      configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
    })
  ).body.sid;
  const exported = fixture('order-support.json')
    .replaceAll(EXPORTED_SUBFLOW, subflowSid)
    .replaceAll(EXPORTED_WORKFLOW, workflowSid)
    .replaceAll('https://crm.example.com/cases', crmUrl);
  const parent = await parley.api('POST', '/v1/Flows', {
    friendlyName: 'Northwind order support',
    definition: JSON.parse(exported),
  });
  expect(parent.status).toBe(201);
  // Accepted with what deserves a look: a variable that renders empty.
  expect(parent.body.warnings).toEqual([
    {
      state: 'log_case',
      field: 'properties.body',
      message: expect.stringContaining('reads {{ widgets.missing.value }}, which renders empty'),
    },
  ]);
  flowSid = parent.body.sid;
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid, botName: 'Northwind assistant' },
  });
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await parley?.stop();
  crm.closeAllConnections();
  await new Promise((r) => crm.close(r));
});

/** A visitor on the web Flex Flow, who can write and collects what the bot says. */
async function visitor(name: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const socket = await connectVisitor(parley.url, session.token);
  visitors.push(socket);
  const said: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message:new', (m: MessageDTO) => {
    if (m.authorRole !== 'bot') return;
    said.push(m.body);
    for (const w of waiters.splice(0)) w();
  });
  /** Resolves once the bot has said `count` messages in all. */
  const botSaid = (count: number) =>
    new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the bot said ${JSON.stringify(said)}, not ${count} messages`)),
        10_000,
      );
      const check = () => {
        if (said.length >= count) {
          clearTimeout(timer);
          resolve(said.slice());
        } else waiters.push(check);
      };
      check();
    });
  const write = (body: string) => request(socket, 'message:send', { clientId: `c-${Math.random()}`, body });
  return { session, said, botSaid, write };
}

async function taskOf(channelSid: string) {
  await parley.server.core.idle();
  const channel = (await parley.api('GET', `/v1/Channels/${channelSid}`)).body;
  return (await parley.api('GET', `/v1/Tasks/${channel.taskSid}`)).body;
}

describe('an exported Studio messaging flow', () => {
  it('runs through a web Flex Flow: waits, conditions, a local Function, a request, a subflow, send-to-flex', async () => {
    const robin = await visitor('Robin');
    await robin.write('hi');
    expect((await robin.botSaid(1))[0]).toBe(
      'Hi Robin! Reply 1 for the status of an order, or tell us what you need.',
    );
    await robin.write('Track');
    await robin.botSaid(2);
    await robin.write('12'); // not five digits: asked again (regex noMatch)
    await robin.botSaid(3);
    await robin.write('10001');
    const said = await robin.botSaid(5);
    expect(said.slice(1)).toEqual([
      'What is your five-digit order number?',
      'What is your five-digit order number?',
      'Robin, order 10001 is SHIPPED (case CS-1001).',
      'How did we do, Robin? Reply with a number from 1 to 5.',
    ]);
    // make-http-request sent the templated JSON: flow.sid, flow.flow_sid, to_json of an object and of nil.
    const { executions } = (await parley.api('GET', `/v1/Flows/${flowSid}/Executions`)).body;
    const executionSid = executions[0].sid;
    expect(crmCases[0]).toEqual({
      contentType: 'application/json;charset=utf-8',
      body: {
        execution: executionSid,
        flow: flowSid,
        order: { order: '10001', status: 'shipped', customer: 'Robin' },
        note: null,
      },
    });

    await robin.write(' 5 ');
    expect((await robin.botSaid(6))[5]).toBe('Thanks for the 5/5 (happy)! An agent will follow up.');
    const task = await taskOf(robin.session.channelSid);
    expect(task.attributes).toEqual({
      name: 'Robin',
      channelType: 'web',
      channelSid: robin.session.channelSid,
      order: { order: '10001', status: 'shipped', customer: 'Robin' },
      rating: '5',
      intent: 'Track',
    });

    const execution = (await parley.api('GET', `/v1/Flows/${flowSid}/Executions/${executionSid}`)).body;
    expect(execution.context.widgets.lookup_order).toMatchObject({
      status_code: 200,
      content_type: 'application/json',
      parsed: { order: '10001', status: 'shipped' },
    });
    // The subflow's variables came back as widgets.survey.*, not as the parent's flow.variables.
    expect(execution.context.widgets.survey).toEqual({ rating: '5', mood: 'happy' });
    expect(execution.context.flow.variables).toEqual({ order: '10001', customer: 'Robin' });
    const subflowSteps = execution.steps.filter((s: { flowSid?: string }) => s.flowSid === subflowSid);
    expect(subflowSteps.map((s: { state: string; event: string | null }) => `${s.state}:${s.event}`)).toEqual(
      [
        'Trigger:incomingParent',
        'ask_rating:null',
        'ask_rating:incomingMessage',
        'check_rating:match',
        'store_rating:next',
      ],
    );
    expect(execution.steps.find((s: { state: string }) => s.state === 'survey')).toMatchObject({
      event: 'completed',
    });
  });

  it('runs through POST /v1/Flows/:sid/Executions with the parameters as flow.data', async () => {
    const sam = await visitor('Sam');
    const started = await parley.api('POST', `/v1/Flows/${flowSid}/Executions`, {
      channelSid: sam.session.channelSid,
      parameters: { order: '10002', customer: 'sam' },
    });
    expect(started.status).toBe(201);
    expect(started.body.context.flow.data).toEqual({ order: '10002', customer: 'sam' });
    // It waits inside the subflow, whose own flow.data holds the run-subflow parameters.
    expect(started.body.subflow).toMatchObject({
      flowSid: subflowSid,
      state: 'survey',
      context: { flow: { flow_sid: subflowSid, data: { question: 'How did we do, sam?' } } },
    });
    expect(await sam.botSaid(2)).toEqual([
      'Sam, order 10002 is DELIVERED (case CS-1002).',
      'How did we do, sam? Reply with a number from 1 to 5.',
    ]);
    await sam.write('2');
    expect((await sam.botSaid(3))[2]).toBe('Thanks for the 2/5 (unhappy)! An agent will follow up.');
    const task = await taskOf(sam.session.channelSid);
    // A REST-started execution has no trigger.message: Flex's attributes fall back as the flow says.
    expect(task.attributes).toMatchObject({
      name: 'sam',
      channelType: '',
      order: { order: '10002', status: 'delivered' },
      rating: '2',
      intent: null,
    });
  });

  it('takes the Function’s fail transition on a 404 from it', async () => {
    const kim = await visitor('Kim');
    await parley.api('POST', `/v1/Flows/${flowSid}/Executions`, {
      channelSid: kim.session.channelSid,
      parameters: { order: '99999', customer: 'kim' },
    });
    expect(await kim.botSaid(1)).toEqual(['We could not find order 99999 (404). Let me get you an agent.']);
    expect((await taskOf(kim.session.channelSid)).attributes).toMatchObject({
      name: 'kim',
      order: { error: 'unknown order' },
    });
  });
});

describe('validating exported flows over REST', () => {
  it('refuses a voice flow, naming each voice-only widget, as a list of problems', async () => {
    const res = await parley.api('POST', '/v1/Flows/validate', { definition: fixture('voice-ivr.json') });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_flow');
    expect(res.body.problems.filter((p: { field: string }) => p.field === 'type')).toEqual([
      {
        state: 'greeting',
        field: 'type',
        message:
          'state "greeting" is a gather-input-on-call widget, which is voice-only: a chat has no call; use send-and-wait-for-reply instead',
      },
      { state: 'to_support', field: 'type', message: expect.stringContaining('voice-only') },
      { state: 'voicemail', field: 'type', message: expect.stringContaining('voice-only') },
    ]);
    expect(res.body.message).toContain('state "to_support" is a connect-call-to widget, which is voice-only');
  });

  it('reports broken JSON with its line and column, and an unknown filter with its state and field', async () => {
    const broken = await parley.api('POST', '/v1/Flows', {
      friendlyName: 'broken',
      definition: '{\n  "initial_state": "Trigger",\n  "states": [,]\n}',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.problems).toEqual([
      {
        state: null,
        field: null,
        message: expect.stringMatching(/^the definition is not valid JSON: .* at line 3, column 14$/),
      },
    ]);

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
          properties: { body: 'Hi {{ trigger.message.Body | shout }}' },
          transitions: [{ next: 'Trigger' }],
        },
        { type: 'send-message', properties: { body: 'x' }, transitions: [] },
      ],
    };
    const refused = await parley.api('POST', '/v1/Flows/validate', { definition });
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([
      {
        state: null,
        field: 'states[2].name',
        message:
          'states[2] (a send-message widget) has no name: add "name", a text the transitions can point to',
      },
      {
        state: 'hello',
        field: 'properties.body',
        message: expect.stringContaining(
          'state "hello": properties.body template failed (syntax): undefined filter: shout',
        ),
      },
      {
        state: 'hello',
        field: 'transitions[0]',
        message:
          'state "hello" has a transition to "Trigger" without an event: add "event", one of sent, failed',
      },
    ]);
  });
});
