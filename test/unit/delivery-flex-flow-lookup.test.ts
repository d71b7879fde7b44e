/**
 * The outbound listeners remember a channel's Flex Flow per node, and the store keeps the
 * Flex Flow itself until it changes: another node sharing the database may change its channel
 * type or connector, and node A must act on the change. Two stores on one PostgreSQL database
 * stand for two nodes; a real HTTP provider receives what node A sends.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../server/core/events.ts';
import { createMediaLinks } from '../../server/core/media-links.ts';
import { createHttpConnector } from '../../server/core/proxy/connector.ts';
import { createDelivery } from '../../server/core/proxy/delivery.ts';
import { systemClock } from '../../server/ids.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import type { FlexFlow, Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';
import { fakeProvider } from '../integration/messaging-helpers.ts';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('outbound delivery on several nodes', () => {
  it("sees a Flex Flow turned from web to SMS on node B at node A's next agent message", async () => {
    const url = await postgres.createDatabase();
    const nodeA: Store = await createPostgresStore({ url });
    cleanups.push(() => nodeA.close());
    const nodeB: Store = await createPostgresStore({ url });
    cleanups.push(() => nodeB.close());
    // Node A hears B's change when B's transaction commits, a moment later.
    const heard = (check: (flexFlow: FlexFlow | null) => boolean) =>
      vi.waitFor(async () => expect(check(await nodeA.flexFlows.get(flexFlow.sid))).toBe(true), {
        timeout: 10_000,
        interval: 20,
      });
    const provider = await fakeProvider();
    cleanups.push(() => provider.close());

    const log = pino({ level: 'silent' });
    const delivery = createDelivery({
      store: nodeA,
      events: new EventBus(),
      log,
      connector: createHttpConnector({ log, attempts: 1 }),
      publicUrl: () => 'http://127.0.0.1:9',
      mediaLinks: createMediaLinks('unit-test-secret-0123456789', systemClock),
    });

    const flexFlow = await nodeA.flexFlows.create(
      webFlexFlow({ friendlyName: 'Shop', contactIdentity: '+15550100', allowedOrigins: [] }),
    );
    const contact = await nodeA.contacts.create({ identity: '+15550123', friendlyName: 'Ana' });
    const channel = await nodeA.channels.create({
      flexFlowSid: flexFlow.sid,
      contactSid: contact.sid,
      friendlyName: 'Chat with Ana',
      attributes: { from: 'Ana', channelType: 'web' },
    });
    await nodeA.proxySessions.open({
      flexFlowSid: flexFlow.sid,
      channelSid: channel.sid,
      identity: contact.identity,
      address: '+15550123',
      proxyAddress: '+15550100',
    });
    const agentSays = async (body: string) => {
      const { message } = await nodeA.messages.append({
        channelSid: channel.sid,
        from: 'agent-1',
        authorRole: 'agent',
        authorName: 'Sam',
        body,
      });
      await delivery.onMessage(message);
      return (await nodeA.messages.get(channel.sid, message.sid))?.attributes.deliveryStatus;
    };

    // A web chat: nothing goes out (and node A now remembers the channel's Flex Flow).
    expect(await agentSays('first')).toBeUndefined();
    expect(provider.calls()).toBe(0);

    await nodeB.flexFlows.update(flexFlow.sid, {
      channelType: 'sms',
      messagingConnector: { url: provider.url, authToken: 'token-0123456789' },
    });
    await heard((f) => f?.channelType === 'sms');
    expect(await agentSays('second')).toBe('queued');
    expect(provider.received.map((r) => [r.form.get('To'), r.form.get('Body')])).toEqual([
      ['+15550123', 'second'],
    ]);

    // And back: node A stops sending as soon as node B makes it a web Flex Flow again.
    await nodeB.flexFlows.update(flexFlow.sid, { channelType: 'web', messagingConnector: null });
    await heard((f) => f?.channelType === 'web');
    expect(await agentSays('third')).toBeUndefined();
    expect(provider.calls()).toBe(1);
  });
});
