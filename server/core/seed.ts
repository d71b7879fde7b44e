/**
 * Demo data, on an empty database only: the agent `agent` / `agent`, the demo bot flow, a web
 * Flex Flow that runs the bot before handing over to agents, and one TaskQueue everyone is in.
 */
import type { Store } from '../store/types.ts';
import type { Agents } from './agents.ts';
import type { FlowDefinition } from './bot/definition.ts';
import demoFlow from './bot/demo-flow.json' with { type: 'json' };

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

/** The Flex Flow the demo pages embed: the first enabled web one. */
export async function demoFlexFlowSid(store: Store): Promise<string | null> {
  const flows = await store.flexFlows.list();
  return flows.find((f) => f.enabled && f.channelType === 'web')?.sid ?? null;
}
