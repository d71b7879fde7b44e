/**
 * What the admin console's data screens rely on in the store, run against both engines
 * (a temp SQLite file and a real PostgreSQL started for this file): recorded webhook
 * deliveries kept newest first and pruned per webhook, settings shared by key, and contacts
 * found by a normalised email or phone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseLookup } from '../../server/core/privacy.ts';
import { createPostgresStore } from '../../server/store/postgres/index.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import type { Store } from '../../server/store/types.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';

let postgres: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), 'parley-admin-stores-'));
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => {
  postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engines: [string, () => Promise<Store>][] = [
  ['sqlite', async () => createSqliteStore({ file: join(dir, `${Math.random()}.db`) })],
  ['postgres', async () => createPostgresStore({ url: await postgres.createDatabase() })],
];

describe.each(engines)('%s store', (_engine, open) => {
  it('keeps the newest deliveries of each webhook, with their bodies', async () => {
    const store = await open();
    try {
      const webhook = await store.webhooks.create({
        url: 'https://crm.example.com/in',
        secret: 'whsec_x',
        events: ['task.created'],
        enabled: true,
      });
      expect(
        await store.webhooks.update(webhook.sid, { enabled: false, events: ['task.rated'] }),
      ).toMatchObject({
        enabled: false,
        events: ['task.rated'],
        secret: 'whsec_x',
      });
      const record = (webhookSid: string, n: number) =>
        store.webhooks.recordDelivery(
          {
            webhookSid,
            event: 'task.created',
            eventId: `event-${n}`,
            payload: `{"n":${n}}`,
            payloadSize: 7,
            attempts: 2,
            statusCode: n % 2 ? 200 : null,
            error: n % 2 ? null : 'refused',
            delivered: n % 2 === 1,
            durationMs: 12,
            resendOf: null,
          },
          3,
        );
      for (let n = 1; n <= 5; n++) await record(webhook.sid, n);
      await record('WHother', 1);
      const kept = await store.webhooks.listDeliveries(webhook.sid, 10);
      expect(kept.map((d) => [d.eventId, d.delivered, d.statusCode])).toEqual([
        ['event-5', true, 200],
        ['event-4', false, null],
        ['event-3', true, 200],
      ]);
      expect(await store.webhooks.getDelivery(kept[1]?.sid ?? '')).toMatchObject({
        payload: '{"n":4}',
        error: 'refused',
        attempts: 2,
      });
      expect(await store.webhooks.listDeliveries('WHother', 10)).toHaveLength(1);
      // Erasure and retention forget the deliveries naming a conversation.
      await store.webhooks.recordDelivery(
        {
          webhookSid: 'WHother',
          event: 'message.created',
          eventId: 'event-ch',
          payload: '{"data":{"channelSid":"CHabc123"}}',
          payloadSize: 30,
          attempts: 1,
          statusCode: 200,
          error: null,
          delivered: true,
          durationMs: 1,
          resendOf: null,
        },
        3,
      );
      expect(await store.webhooks.forgetChannels(['CHabc123', 'CHnone'])).toBe(1);
      expect((await store.webhooks.listDeliveries('WHother', 10)).map((d) => d.eventId)).toEqual(['event-1']);
      expect(await store.webhooks.forgetChannels([])).toBe(0);
      await store.webhooks.delete(webhook.sid);
      expect(await store.webhooks.listDeliveries(webhook.sid, 10)).toEqual([]);
      expect(await store.webhooks.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('keeps one value per setting key', async () => {
    const store = await open();
    try {
      expect(await store.settings.get('retention')).toBeUndefined();
      await store.settings.set('retention', { days: 30 });
      await store.settings.set('retention', { days: null });
      expect(await store.settings.get('retention')).toEqual({ days: null });
    } finally {
      await store.close();
    }
  });

  it('finds contacts by email, phone or identity however they were written', async () => {
    const store = await open();
    try {
      const flexFlow = await store.flexFlows.create(webFlexFlow({ friendlyName: 'Web', allowedOrigins: [] }));
      const mail = await store.contacts.create({
        identity: 'Ana@Example.com',
        friendlyName: 'Ana',
        address: 'Ana@Example.com',
      });
      const phone = await store.contacts.create({
        identity: 'whatsapp:+1 555-010-2030',
        friendlyName: 'Ben',
      });
      const visitor = await store.contacts.create({ identity: 'visitor-1', friendlyName: 'Cy' });
      for (const contactSid of [visitor.sid, visitor.sid, mail.sid]) {
        await store.channels.create({
          flexFlowSid: flexFlow.sid,
          contactSid,
          friendlyName: 'Chat',
          attributes: {
            from: 'Cy',
            channelType: 'web',
            preEngagementData: { email: 'CY@example.com', phone: '+44 20 7946 0018' },
          },
        });
      }
      // Contacts made in the same millisecond have no order between them: compared by name.
      const find = async (query: Record<string, string>) =>
        (await store.privacy?.findContacts(normaliseLookup(query), 50))
          ?.map((m) => [m.contact.friendlyName, m.conversations])
          .sort();
      expect(await find({ email: 'ana@EXAMPLE.com' })).toEqual([['Ana', 1]]);
      expect(await find({ email: 'cy@example.com' })).toEqual([
        ['Ana', 1],
        ['Cy', 2],
      ]);
      expect(await find({ phone: '+15550102030' })).toEqual([['Ben', 0]]);
      expect(await find({ phone: '442079460018' })).toEqual([
        ['Ana', 1],
        ['Cy', 2],
      ]);
      expect(await find({ identity: 'visitor-1' })).toEqual([['Cy', 2]]);
      expect(await find({ phone: '5550102030' })).toEqual([]);
      expect(phone.sid).toMatch(/^US/);
    } finally {
      await store.close();
    }
  });
});
