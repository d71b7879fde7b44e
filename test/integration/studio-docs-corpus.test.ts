/**
 * The Studio-docs corpus (test/fixtures/flows/studio-docs, flows written as Studio exports them)
 * on a real server: validated over REST as Twilio's CLI sends definitions (JSON text), and run
 * through a web Flex Flow by a visitor on a real socket — Flex's attribute names into the task,
 * a content template falling back to text, a message addressed to another number not sent,
 * Liquid rendered as Studio renders it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { connectVisitor, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const DIR = join(import.meta.dirname, '../fixtures/flows/studio-docs');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const text = (file: string) => readFileSync(join(DIR, file), 'utf8');
/** The workflow the exports name, from the Twilio account they came from. */
const EXPORTED_WORKFLOW = 'WW3f2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f';

let parley: TestParley;
let workflowSid: string;
const visitors: VisitorSocket[] = [];

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
  for (const v of visitors) v.close();
  await parley?.stop();
});

/** Uploads a corpus flow (its workflow mapped to this server's) and runs the web Flex Flow on it. */
async function useFlow(file: string) {
  const exported = JSON.parse(text(file).replaceAll(EXPORTED_WORKFLOW, workflowSid));
  const definition = Array.isArray(exported) ? exported[0].definition : exported;
  const created = await parley.api('POST', '/v1/Flows', { friendlyName: file, definition });
  expect(created.status).toBe(201);
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: created.body.sid },
  });
}

/** A visitor on the web Flex Flow, who writes and collects what the bot says. */
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

describe('the Studio-docs corpus over REST', () => {
  it('validates each flow as Twilio’s CLI sends it, with warnings, and refuses the voice line as a list', async () => {
    const warned: Record<string, string[]> = {};
    for (const file of FILES) {
      const res = await parley.api('POST', '/v1/Flows/validate', { definition: text(file) });
      if (file.startsWith('voice-')) {
        expect(res.status).toBe(400);
        expect(res.body.problems.filter((p: { field: string }) => p.field === 'type')).toEqual(
          ['gather_menu', 'enqueue_support', 'voicemail', 'say_goodbye'].map((state) => ({
            state,
            field: 'type',
            message: expect.stringContaining('which is voice-only'),
          })),
        );
        continue;
      }
      expect(res.status, file).toBe(200);
      warned[file] = res.body.warnings.map((w: { state: string }) => w.state);
    }
    expect(warned).toEqual({
      'every-split-operator.json': [],
      // The workflow and the Function belong to the account the flows came from.
      'flex-messaging-flow.json': ['SendMessageToAgent'],
      'liquid-filters.json': [],
      'order-status.json': ['check_hours'],
      'survey.json': [],
      'webchat-intake.json': ['send_message_1', 'SendMessageToAgent'],
      'whatsapp-conversations.json': ['menu', 'alert_manager'],
    });
  });
});

describe('the Studio-docs corpus on a web Flex Flow', () => {
  it('hands over to an agent with Flex’s default attributes and the topic the visitor chose', async () => {
    await useFlow('webchat-intake.json');
    const dana = await visitor('Dana');
    await dana.write('hi');
    expect(await dana.botSaid(1)).toEqual([
      'Hi Dana! What can we help you with? Reply AGENT to talk to a person.',
    ]);
    await dana.write('  Agent ');
    await parley.server.core.idle();
    const channel = (await parley.api('GET', `/v1/Channels/${dana.session.channelSid}`)).body;
    const task = (await parley.api('GET', `/v1/Tasks/${channel.taskSid}`)).body;
    expect(task.attributes).toMatchObject({
      name: 'Dana',
      channelType: 'web',
      channelSid: dana.session.channelSid,
      topic: 'agent',
      question: null,
    });
    expect(task.priority).toBe(10);
  });

  it('falls back from a content template to text, and sends nothing to another number', async () => {
    await useFlow('whatsapp-conversations.json');
    const lee = await visitor('Lee');
    await lee.write('hola');
    expect(await lee.botSaid(1)).toEqual(['Reply 1 for opening hours, 2 to talk to someone.']);
    await lee.write('2');
    expect(await lee.botSaid(2)).toEqual([
      'Reply 1 for opening hours, 2 to talk to someone.',
      'Someone from our team will write to you here shortly.',
    ]);
  });

  it('renders Liquid as Studio does', async () => {
    await useFlow('liquid-filters.json');
    const sam = await visitor('sam');
    await sam.write(' a12 ');
    const [summary] = await sam.botSaid(1);
    expect(summary?.split('\n').slice(0, 7)).toEqual([
      'Hi Sam!',
      'Order A-A12: tea + cake (2 items, 3 each, 3.5 exactly)',
      'Colours: 1.RED 2.GREEN 3.BLUE',
      // `count` is set to 3 unquoted: a number, which `{% when "3" %}` (text) does not match.
      'other / 4 / n/a / 01',
      'https://shop.example.com/track?q=A-A12+now',
      '{"id":"A-A12","items":["tea","cake"],"total":7} null',
      'At most 15: 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15',
    ]);
  });
});
