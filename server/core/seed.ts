/**
 * Demo data, on an empty database only: the agent `agent` / `agent`, the demo bot flow, a web
 * Flex Flow that runs the bot before handing over to agents, and one TaskQueue everyone is in.
 */
import { randomBytes } from 'node:crypto';
import type { FlexFlow, Store } from '../store/types.ts';
import type { Agents } from './agents.ts';
import type { FlowDefinition } from './bot/definition.ts';
import demoFlow from './bot/demo-flow.json' with { type: 'json' };
import type { FlexFlows } from './flex-flows.ts';

export const DEMO_AGENT = { username: 'agent', password: 'agent', friendlyName: 'Alex Morgan' };

export async function seedDemo(store: Store, agents: Agents): Promise<boolean> {
  // Several nodes may start at once on an empty database: one of them seeds.
  if (!(await store.isEmpty()) || !(await store.claimOnce('demo-seed'))) return false;
  await store.queues.create({ friendlyName: 'Everyone', targetWorkers: '1==1' });
  const bot = await store.flows.create({
    friendlyName: 'Northwind assistant',
    definition: demoFlow as FlowDefinition,
  });
  await store.flexFlows.create({
    friendlyName: 'Demo shop webchat',
    channelType: 'web',
    contactIdentity: 'webchat',
    enabled: true,
    integrationType: 'studio',
    integration: { flowSid: bot.sid, botName: 'Northwind assistant', priority: 0 },
    longLived: false,
    janitorEnabled: true,
    allowedOrigins: ['self'],
  });
  await agents.createWorker({
    ...DEMO_AGENT,
    activity: 'Offline',
    capacity: 3,
    attributes: { skills: ['sales', 'support'], languages: ['en'] },
  });
  return true;
}

/** Shared canned responses `parley demo` starts with: type `/` in the desk's composer. */
export const DEMO_CANNED_RESPONSES = [
  {
    shortcut: 'hello',
    title: 'Greeting',
    body: 'Hi {{customer.name}}, I am {{agent.name}}. How can I help?',
  },
  {
    shortcut: 'thanks',
    title: 'Closing',
    body: 'Thanks for chatting with us, {{customer.name}}. Have a good day!',
  },
];

export async function seedDemoCannedResponses(store: Store) {
  for (const reply of DEMO_CANNED_RESPONSES)
    await store.cannedResponses.create({ ...reply, workerSid: null });
}

/** The Flex Flow the demo pages embed: the first enabled web one. */
export async function demoFlexFlowSid(store: Store): Promise<string | null> {
  const flows = await store.flexFlows.list();
  return flows.find((f) => f.enabled && f.channelType === 'web')?.sid ?? null;
}

/** The number the phone simulator (`/phone`) texts: the demo SMS Flex Flow's contact identity. */
export const DEMO_PHONE_NUMBER = '+15550100';
/** Where the demo's fake provider takes Parley's outbound messages (relative: Parley's own URL). */
export const DEMO_PHONE_CONNECTOR_PATH = '/demo/phone/Messages';

/**
 * The demo SMS Flex Flow the phone simulator plays the provider for, unless it exists. Created
 * after the web one, so `demoFlexFlowSid` still picks the web flow.
 */
export async function seedDemoPhone(store: Store, flexFlows: FlexFlows): Promise<FlexFlow> {
  const existing = (await store.flexFlows.list()).find(
    (f) => f.channelType === 'sms' && f.contactIdentity === DEMO_PHONE_NUMBER,
  );
  if (existing) return existing;
  return flexFlows.create({
    friendlyName: 'Demo phone (SMS)',
    channelType: 'sms',
    contactIdentity: DEMO_PHONE_NUMBER,
    enabled: true,
    integrationType: 'task',
    integration: { priority: 0 },
    longLived: false,
    janitorEnabled: true,
    allowedOrigins: [],
    messagingConnector: { url: DEMO_PHONE_CONNECTOR_PATH, authToken: randomBytes(24).toString('hex') },
  });
}
