import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetention, RETENTION_KIND } from '../../server/core/retention.ts';
import type { OfferDTO } from '../../server/protocol.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import { connectAgent, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { webFlexFlow } from '../helpers/records.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

/** The smallest valid PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
});
afterAll(async () => {
  await parley.stop();
});

/** A visitor who chatted with an agent and sent a file. */
async function chatWithAgent(name: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
    preEngagementData: { email: `${name.toLowerCase()}@example.com` },
  });
  const { token } = await signIn(parley.url);
  const agent = await connectAgent(parley.url, token);
  await request(agent, 'session:sync');
  await request(agent, 'activity:set', { activity: 'Available' });
  const offered = next<OfferDTO>(agent, 'offer:new');
  await parley.api('POST', `/v1/Channels/${session.channelSid}/Messages`, {
    from: session.identity,
    body: `Hi, I am ${name}, my card ends 4242`,
  });
  const offer = await offered;
  await request(agent, 'reservation:accept', { reservationSid: offer.reservation.sid });
  await request(agent, 'message:send', {
    channelSid: session.channelSid,
    clientId: 'a1',
    body: `Hello ${name}`,
  });
  const upload = await fetch(`${parley.url}/media/${session.channelSid}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${session.token}`,
      'x-filename': 'receipt.png',
      'content-type': 'image/png',
    },
    body: PNG,
  });
  await request(agent, 'activity:set', { activity: 'Unavailable' });
  agent.close();
  return { session, media: upload.status === 201 ? ((await upload.json()) as { sid: string }) : null };
}

describe('privacy requests', () => {
  it('exports everything stored about a contact as JSON', async () => {
    const { session, media } = await chatWithAgent('Dana');
    const res = await parley.api('GET', `/v1/Contacts/${session.contactSid}/Export`);
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ sid: session.contactSid, friendlyName: 'Dana' });
    expect(res.body.channels.map((c: { sid: string }) => c.sid)).toEqual([session.channelSid]);
    expect(res.body.channels[0].attributes.preEngagementData).toEqual({ email: 'dana@example.com' });
    const bodies = res.body.messages.map((m: { body: string }) => m.body);
    expect(bodies).toEqual(expect.arrayContaining(['Hi, I am Dana, my card ends 4242', 'Hello Dana']));
    expect(res.body.members.map((m: { role: string }) => m.role).sort()).toEqual(['agent', 'customer']);
    expect(res.body.tasks).toHaveLength(1);
    expect(res.body.tasks[0].attributes).toMatchObject({ name: 'Dana' });
    expect(res.body.reservations.length).toBeGreaterThan(0);
    if (media) expect(res.body.media.map((m: { sid: string }) => m.sid)).toEqual([media.sid]);
  });

  it('erases a contact: messages, files and attributes go, tasks keep no personal data', async () => {
    const { session, media } = await chatWithAgent('Erin');
    const bystander = await chatWithAgent('Bea');
    const erased = await parley.api('DELETE', `/v1/Contacts/${session.contactSid}`);
    expect(erased).toMatchObject({ status: 200, body: { contactSid: session.contactSid, channels: 1 } });

    const after = (await parley.api('GET', `/v1/Contacts/${session.contactSid}/Export`)).body;
    expect(after.contact).toMatchObject({ friendlyName: 'Erased', attributes: {}, address: null });
    expect(after.contact.identity).not.toContain(session.identity);
    expect(after.messages).toEqual([]);
    expect(after.members).toEqual([]);
    expect(after.executions).toEqual([]);
    expect(after.channels[0]).toMatchObject({ status: 'inactive', friendlyName: 'Erased' });
    expect(after.channels[0].attributes).toEqual({
      from: 'Erased',
      channelType: 'web',
      taskSid: expect.any(String),
    });
    expect(after.tasks[0].attributes).toEqual({});
    expect(after.media).toEqual([]);
    const text = JSON.stringify(after);
    for (const personal of ['Erin', 'erin@example.com', '4242', session.identity])
      expect(text).not.toContain(personal);
    if (media) expect(existsSync(join(parley.dataDir, 'media', media.sid))).toBe(false);
    if (media) {
      const download = await fetch(`${parley.url}/media/${media.sid}`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      expect(download.status).toBe(404);
    }

    // Nobody else's data was touched.
    const other = (await parley.api('GET', `/v1/Contacts/${bystander.session.contactSid}/Export`)).body;
    expect(other.messages.length).toBeGreaterThan(0);
    if (bystander.media) expect(existsSync(join(parley.dataDir, 'media', bystander.media.sid))).toBe(true);
  });

  it('answers an unknown contact with 404 and a malformed sid with 400', async () => {
    expect(await parley.api('GET', `/v1/Contacts/US${'0'.repeat(32)}/Export`)).toMatchObject({ status: 404 });
    expect(await parley.api('DELETE', `/v1/Contacts/US${'0'.repeat(32)}`)).toMatchObject({ status: 404 });
    expect(await parley.api('GET', '/v1/Contacts/nope/Export')).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^path\.sid/) },
    });
  });
});

describe('retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-retention-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes conversations idle longer than N days, keeps newer ones and those with an open task', async () => {
    let now = new Date('2026-01-01T10:00:00Z');
    const clock = () => now;
    const store = createSqliteStore({ file: join(dir, 'a.db'), clock });
    const flexFlow = await store.flexFlows.create(webFlexFlow({ friendlyName: 'Web', allowedOrigins: [] }));
    const queue = await store.queues.create({ friendlyName: 'All', targetWorkers: '1==1' });
    const chat = async (name: string) => {
      const contact = await store.contacts.create({ identity: `v-${name}`, friendlyName: name });
      const channel = await store.channels.create({
        flexFlowSid: flexFlow.sid,
        contactSid: contact.sid,
        friendlyName: name,
        attributes: { from: name, channelType: 'web' },
      });
      await store.members.add({
        channelSid: channel.sid,
        identity: contact.identity,
        role: 'customer',
        friendlyName: name,
      });
      await store.messages.append({
        channelSid: channel.sid,
        from: contact.identity,
        authorRole: 'customer',
        authorName: name,
        body: 'hello',
      });
      return { contact, channel };
    };
    const old = await chat('old');
    const busy = await chat('busy');
    await store.tasks.createUnlessOpen({
      channelSid: busy.channel.sid,
      queueSid: queue.sid,
      attributes: {},
    } as never);
    now = new Date('2026-01-09T10:00:00Z');
    const recent = await chat('recent');

    const log = pino({ level: 'silent' });
    const retention = createRetention({ store, clock, log, days: 7 });
    // Two nodes sweeping at once delete each conversation once, and fail on nothing.
    const other = createRetention({
      store: createSqliteStore({ file: join(dir, 'a.db'), clock }),
      clock,
      log,
      days: 7,
    });
    const [a, b] = await Promise.all([retention.sweep(), other.sweep()]);
    expect(a + b).toBe(1);

    expect(await store.channels.get(old.channel.sid)).toBeNull();
    expect(await store.contacts.get(old.contact.sid)).toBeNull();
    expect(await store.messages.list(old.channel.sid, { limit: 10 })).toEqual([]);
    expect(await store.channels.get(busy.channel.sid)).not.toBeNull();
    expect(await store.channels.get(recent.channel.sid)).not.toBeNull();
    await store.close();
  });

  it('runs on a schedule of timer rows, the next slot booked after each sweep', async () => {
    const now = new Date('2026-03-01T10:20:00Z');
    const store = createSqliteStore({ file: join(dir, 'b.db'), clock: () => now });
    const retention = createRetention({ store, clock: () => now, log: pino({ level: 'silent' }), days: 30 });
    await retention.start();
    const [first] = await store.timers.claimDue(now.toISOString(), 10);
    expect(first).toMatchObject({ kind: RETENTION_KIND, ref: 'start' });
    await retention.onTimer();
    await store.timers.complete((first as { id: number }).id);
    const later = await store.timers.claimDue('2026-03-01T11:00:00.000Z', 10);
    expect(later).toMatchObject([{ kind: RETENTION_KIND, dueAt: '2026-03-01T11:00:00.000Z' }]);
    await store.close();
  });
});
