/**
 * Managed webhooks (/v1/Webhooks): made and changed at run time, each delivery recorded with
 * its outcome, and a recorded delivery sent again with a valid signature, from any node. The
 * recorded bodies hold customers' words, so none outlives its purpose: they go with an erased
 * or expired conversation, with their webhook (even one deleted mid-delivery), with age, and
 * with a PARLEY_WEBHOOK_URL removed from the configuration.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../server/core/external.ts';
import { createRetention } from '../../server/core/retention.ts';
import { CONFIGURED_WEBHOOK_SID } from '../../server/core/webhooks.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const started: TestParley[] = [];
const receivers: (() => void)[] = [];
afterEach(async () => {
  for (const parley of started.splice(0).reverse()) await parley.stop();
  for (const close of receivers.splice(0)) close();
});

async function start(options: Parameters<typeof startParley>[0] = {}) {
  const parley = await startParley({ webhookRetry: { retries: 1, backoffMs: 10 }, ...options });
  started.push(parley);
  return parley;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

/** A CRM on loopback answering `status` (changeable), keeping what it received. */
async function crm() {
  const received: { body: string; signature: string }[] = [];
  let status = 200;
  const server = createServer(async (req, res) => {
    received.push({ body: await read(req), signature: String(req.headers['x-parley-signature']) });
    res.statusCode = status;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receivers.push(() => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    answer(next: number) {
      status = next;
    },
  };
}

/** A receiver that holds the first request's answer until `release()`; `arrived` resolves with it. */
async function heldReceiver() {
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let arrive = () => {};
  const arrived = new Promise<void>((r) => {
    arrive = r;
  });
  let requests = 0;
  const server = createServer(async (req, res) => {
    await read(req);
    requests++;
    arrive();
    await held;
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receivers.push(() => {
    release();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    arrived,
    release,
    requests: () => requests,
  };
}

/**
 * Deletes a webhook while its delivery is in flight (the receiver has the request, no answer
 * yet, a retry due after its failure): the retry is not sent, and nothing is recorded.
 */
async function deleteMidDelivery(parley: TestParley) {
  const receiver = await heldReceiver();
  const { body: webhook } = await parley.api('POST', '/v1/Webhooks', {
    url: receiver.url,
    events: ['task.created'],
  });
  await parley.api('POST', '/v1/Channels', {
    flexFlowSid: parley.flexFlowSid,
    identity: `crm-deleted-${webhook.sid}`,
    taskAttributes: {},
  });
  await receiver.arrived;
  expect((await parley.api('DELETE', `/v1/Webhooks/${webhook.sid}`)).status).toBe(204);
  receiver.release();
  await parley.server.core.idle();
  expect(receiver.requests()).toBe(1);
  expect(await parley.server.core.store.webhooks.listDeliveries(webhook.sid, 10)).toEqual([]);
}

/**
 * The retention sweep, as if run `days` from now: recorded deliveries older than 30 days, or
 * than the retention days if fewer, are deleted.
 */
async function sweepAt(parley: TestParley, days: number, retentionDays?: number) {
  const at = new Date(Date.now() + days * 86_400_000);
  const retention = createRetention({
    store: parley.server.core.store,
    clock: () => at,
    log: pino({ level: 'silent' }),
    ...(retentionDays !== undefined && { days: retentionDays }),
  });
  await retention.sweep();
}

/** Opens a chat and posts one customer message: task.created and message.created follow. */
async function chat(parley: TestParley, identity: string) {
  const { body: channel } = await parley.api('POST', '/v1/Channels', {
    flexFlowSid: parley.flexFlowSid,
    identity,
    taskAttributes: {},
  });
  await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: identity, body: 'Hello' });
  await parley.server.core.idle();
  return channel;
}

describe('managed webhooks', () => {
  it('shows a generated secret once, delivers only the events chosen, signed, and records each delivery', async () => {
    const receiver = await crm();
    const parley = await start();
    const created = await parley.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['message.created'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: receiver.url, events: ['message.created'], enabled: true });
    const { secret, sid } = created.body;
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect((await parley.api('GET', `/v1/Webhooks/${sid}`)).body.secret).toBeUndefined();
    expect(
      (await parley.api('GET', '/v1/Webhooks')).body.webhooks.map((w: { sid: string }) => w.sid),
    ).toEqual([sid]);

    await chat(parley, 'crm-one');
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual(['message.created']);
    const [sent] = receiver.received;
    expect(sent?.signature).toBe(signBody(secret, sent?.body ?? ''));

    const { body } = await parley.api('GET', `/v1/Webhooks/${sid}/Deliveries`);
    expect(body.deliveries).toEqual([
      expect.objectContaining({
        webhookSid: sid,
        event: 'message.created',
        eventId: JSON.parse(sent?.body ?? '{}').id,
        payloadSize: Buffer.byteLength(sent?.body ?? ''),
        attempts: 1,
        statusCode: 200,
        delivered: true,
        error: null,
        resendOf: null,
      }),
    ]);
    expect(body.deliveries[0].durationMs).toBeGreaterThanOrEqual(0);
    // Erasing the contact forgets the deliveries that carried their messages.
    const { body: channel } = await parley.api(
      'GET',
      `/v1/Channels/${JSON.parse(sent?.body ?? '{}').data.channelSid}`,
    );
    expect((await parley.api('DELETE', `/v1/Contacts/${channel.contactSid}`)).status).toBe(200);
    expect((await parley.api('GET', `/v1/Webhooks/${sid}/Deliveries`)).body.deliveries).toEqual([]);
    // A disabled webhook receives nothing more.
    await parley.api('POST', `/v1/Webhooks/${sid}`, { enabled: false });
    await chat(parley, 'crm-two');
    expect(receiver.received).toHaveLength(1);
  });

  it('records a failed delivery with its status and attempts, and Resend delivers it signed with the rotated secret', async () => {
    const receiver = await crm();
    const parley = await start();
    const { body: webhook } = await parley.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['task.created'],
    });
    receiver.answer(503);
    await chat(parley, 'crm-failing');
    // One try and one retry, both refused.
    expect(receiver.received).toHaveLength(2);
    const [failed] = (await parley.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;
    expect(failed).toMatchObject({
      event: 'task.created',
      attempts: 2,
      statusCode: 503,
      delivered: false,
      error: 'The receiver answered HTTP 503',
    });

    receiver.answer(200);
    const rotated = await parley.api('POST', `/v1/Webhooks/${webhook.sid}`, { rotateSecret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(webhook.secret);
    const resent = await parley.api('POST', `/v1/Webhooks/${webhook.sid}/Deliveries/${failed.sid}/Resend`);
    expect(resent).toMatchObject({
      status: 201,
      body: { resendOf: failed.sid, eventId: failed.eventId, delivered: true, statusCode: 200, attempts: 1 },
    });
    const last = receiver.received.at(-1);
    expect(JSON.parse(last?.body ?? '{}')).toMatchObject({ id: failed.eventId, event: 'task.created' });
    expect(last?.body).toBe(receiver.received[0]?.body);
    expect(last?.signature).toBe(signBody(rotated.body.secret, last?.body ?? ''));
    const deliveries = (await parley.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;
    expect(deliveries.map((d: { sid: string }) => d.sid)).toEqual([resent.body.sid, failed.sid]);
  });

  it('records an unreachable receiver with its error and no status', async () => {
    const receiver = await crm();
    receivers.pop()?.();
    const parley = await start();
    const { body: webhook } = await parley.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['task.created'],
    });
    await chat(parley, 'crm-gone');
    const [failed] = (await parley.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;
    expect(failed).toMatchObject({ attempts: 2, statusCode: null, delivered: false });
    expect(failed.error).toEqual(expect.any(String));
  });

  it('lists the webhook set by PARLEY_WEBHOOK_URL read-only, its deliveries recorded too', async () => {
    const receiver = await crm();
    const parley = await start({
      webhook: { url: receiver.url, secret: 'configured-secret-0123456789', backoffMs: 10 },
    });
    const { body } = await parley.api('GET', '/v1/Webhooks');
    expect(body.webhooks).toEqual([
      expect.objectContaining({
        sid: CONFIGURED_WEBHOOK_SID,
        url: receiver.url,
        readOnly: true,
        enabled: true,
      }),
    ]);
    expect(body.webhooks[0].secret).toBeUndefined();
    expect(
      await parley.api('POST', `/v1/Webhooks/${CONFIGURED_WEBHOOK_SID}`, { enabled: false }),
    ).toMatchObject({
      status: 409,
      body: { code: 'read_only', message: expect.stringContaining('PARLEY_WEBHOOK_URL') },
    });
    await chat(parley, 'crm-env');
    const deliveries = (await parley.api('GET', `/v1/Webhooks/${CONFIGURED_WEBHOOK_SID}/Deliveries`)).body
      .deliveries;
    expect(deliveries.map((d: { event: string }) => d.event).sort()).toEqual([
      'message.created',
      'task.created',
    ]);
    const resent = await parley.api(
      'POST',
      `/v1/Webhooks/${CONFIGURED_WEBHOOK_SID}/Deliveries/${deliveries[0].sid}/Resend`,
    );
    expect(resent.body).toMatchObject({ delivered: true, resendOf: deliveries[0].sid });
    expect(receiver.received.at(-1)?.signature).toBe(
      signBody('configured-secret-0123456789', receiver.received.at(-1)?.body ?? ''),
    );
  });

  it('refuses a bad URL or event naming the field, and an unknown webhook or delivery', async () => {
    const parley = await start();
    expect(
      await parley.api('POST', '/v1/Webhooks', { url: 'ftp://x', events: ['task.created'] }),
    ).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^body\.url: expected an http\(s\) URL/) },
    });
    expect(
      await parley.api('POST', '/v1/Webhooks', { url: 'https://crm.example.com', events: ['task.made'] }),
    ).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^body\.events\.0: expected one of task\.created/) },
    });
    expect(
      await parley.api('POST', '/v1/Webhooks', { url: 'https://crm.example.com', events: [] }),
    ).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^body\.events: choose at least one event/) },
    });
    const missing = `WH${'a'.repeat(32)}`;
    expect((await parley.api('GET', `/v1/Webhooks/${missing}`)).status).toBe(404);
    const { body: webhook } = await parley.api('POST', '/v1/Webhooks', {
      url: 'https://crm.example.com',
      events: ['task.created'],
    });
    expect(
      (await parley.api('POST', `/v1/Webhooks/${webhook.sid}/Deliveries/WD${'b'.repeat(32)}/Resend`)).status,
    ).toBe(404);
    expect((await parley.api('DELETE', `/v1/Webhooks/${webhook.sid}`)).status).toBe(204);
    expect((await parley.api('GET', `/v1/Webhooks/${webhook.sid}`)).status).toBe(404);
    // Changes are in the audit log, the secret redacted.
    const { body: audit } = await parley.api('GET', `/v1/AuditEvents?resourceSid=${webhook.sid}`);
    expect(audit.auditEvents.map((e: { action: string }) => e.action)).toEqual(['delete', 'create']);
    expect(audit.auditEvents[1].after.secret).toBe('[redacted]');
  });

  it('neither retries nor records a delivery whose webhook was deleted while it was being tried', async () => {
    await deleteMidDelivery(await start({ webhookRetry: { retries: 1, backoffMs: 10 } }));
  });

  it('deletes deliveries older than 30 days, or than the retention days if fewer, in the retention sweep', async () => {
    const receiver = await crm();
    const parley = await start();
    const { body: webhook } = await parley.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['task.created'],
    });
    const deliveries = async () =>
      (await parley.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;
    await chat(parley, 'crm-aged');
    expect(await deliveries()).toHaveLength(1);
    await sweepAt(parley, 29);
    expect(await deliveries()).toHaveLength(1);
    await sweepAt(parley, 31);
    expect(await deliveries()).toEqual([]);
    // Retention of 7 days: a 10-day-old delivery goes, though its conversation (task still
    // open) is kept.
    const channel = await chat(parley, 'crm-aged-short');
    await sweepAt(parley, 10, 7);
    expect(await deliveries()).toEqual([]);
    expect((await parley.api('GET', `/v1/Channels/${channel.sid}`)).status).toBe(200);
  });

  it('deletes the deliveries of PARLEY_WEBHOOK_URL at start once it is removed from the configuration', async () => {
    const receiver = await crm();
    const first = await start();
    const configured = await start({
      keepDataDir: first.dataDir,
      webhook: { url: receiver.url, secret: 'configured-secret-0123456789', backoffMs: 10 },
    });
    await chat(configured, 'crm-env-removed');
    const recorded = await configured.server.core.store.webhooks.listDeliveries(CONFIGURED_WEBHOOK_SID, 10);
    expect(recorded).toHaveLength(2);
    await configured.stop();
    started.splice(started.indexOf(configured), 1);
    // Set again by one node's start, still there; a start without it deletes them.
    const again = await start({
      keepDataDir: first.dataDir,
      webhook: { url: receiver.url, secret: 'configured-secret-0123456789' },
    });
    await again.server.core.idle();
    expect(await again.server.core.store.webhooks.listDeliveries(CONFIGURED_WEBHOOK_SID, 10)).toHaveLength(2);
    await again.stop();
    started.splice(started.indexOf(again), 1);
    const without = await start({ keepDataDir: first.dataDir });
    await without.server.core.idle();
    expect(await without.server.core.store.webhooks.listDeliveries(CONFIGURED_WEBHOOK_SID, 10)).toEqual([]);
    expect(await without.server.core.store.webhooks.getDelivery(recorded[0]?.sid ?? '')).toBeNull();
  });

  it("shares webhooks and deliveries between two nodes on one database: either resends the other's", async () => {
    const receiver = await crm();
    const a = await start();
    const b = await start({ keepDataDir: a.dataDir });
    const { body: webhook } = await a.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['task.created'],
    });
    // Node B has had no event yet, so it reads the webhooks from the shared database.
    await chat(b, 'crm-node-b');
    const seenByA = (await a.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;
    expect(seenByA).toEqual([expect.objectContaining({ event: 'task.created', delivered: true })]);
    const resent = await a.api('POST', `/v1/Webhooks/${webhook.sid}/Deliveries/${seenByA[0].sid}/Resend`);
    expect(resent.body).toMatchObject({ delivered: true });
    expect(receiver.received.map((r) => JSON.parse(r.body).id)).toEqual([
      seenByA[0].eventId,
      seenByA[0].eventId,
    ]);
  });
});

describe('managed webhooks on PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(() => postgres?.stop());

  it('lets two nodes share webhooks and deliveries: one records, the other resends', async () => {
    const receiver = await crm();
    const databaseUrl = await postgres.createDatabase();
    const a = await start({ databaseUrl });
    const b = await start({ databaseUrl });
    const { body: webhook } = await a.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['task.created'],
    });
    receiver.answer(500);
    const flexFlowSid = (await b.api('GET', '/v1/FlexFlows')).body.flexFlows[0].sid;
    await b.api('POST', `/v1/FlexFlows/${flexFlowSid}`, { integrationType: 'task' });
    await b.api('POST', '/v1/Channels', { flexFlowSid, identity: 'crm-pg', taskAttributes: {} });
    await b.server.core.idle();
    const [failed] = (await a.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;
    expect(failed).toMatchObject({ event: 'task.created', delivered: false, statusCode: 500, attempts: 2 });
    receiver.answer(200);
    const resent = await a.api('POST', `/v1/Webhooks/${webhook.sid}/Deliveries/${failed.sid}/Resend`);
    expect(resent.body).toMatchObject({ delivered: true, resendOf: failed.sid });
    expect(receiver.received.at(-1)?.signature).toBe(
      signBody(webhook.secret, receiver.received.at(-1)?.body ?? ''),
    );
    expect((await b.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries).toHaveLength(2);
  });

  it('forgets deliveries with an erased contact, with age, of a webhook deleted mid-delivery, and of a removed PARLEY_WEBHOOK_URL', async () => {
    const receiver = await crm();
    const databaseUrl = await postgres.createDatabase();
    const parley = await start({ databaseUrl });
    const flexFlowSid = (await parley.api('GET', '/v1/FlexFlows')).body.flexFlows[0].sid;
    await parley.api('POST', `/v1/FlexFlows/${flexFlowSid}`, { integrationType: 'task' });
    parley.flexFlowSid = flexFlowSid;
    const { body: webhook } = await parley.api('POST', '/v1/Webhooks', {
      url: receiver.url,
      events: ['message.created'],
    });
    const deliveries = async () =>
      (await parley.api('GET', `/v1/Webhooks/${webhook.sid}/Deliveries`)).body.deliveries;

    const erased = await chat(parley, 'crm-pg-erased');
    expect(await deliveries()).toHaveLength(1);
    expect((await parley.api('DELETE', `/v1/Contacts/${erased.contactSid}`)).status).toBe(200);
    expect(await deliveries()).toEqual([]);

    await chat(parley, 'crm-pg-aged');
    await sweepAt(parley, 29);
    expect(await deliveries()).toHaveLength(1);
    await sweepAt(parley, 31);
    expect(await deliveries()).toEqual([]);

    await deleteMidDelivery(parley);

    // A node with PARLEY_WEBHOOK_URL records its deliveries; once it is removed, a start
    // deletes them.
    const configured = await start({
      databaseUrl,
      webhook: { url: receiver.url, secret: 'configured-secret-0123456789', backoffMs: 10 },
    });
    configured.flexFlowSid = flexFlowSid;
    await chat(configured, 'crm-pg-env');
    const { store } = configured.server.core;
    expect(await store.webhooks.listDeliveries(CONFIGURED_WEBHOOK_SID, 10)).toHaveLength(2);
    await configured.stop();
    started.splice(started.indexOf(configured), 1);
    const without = await start({ databaseUrl });
    await without.server.core.idle();
    expect(await without.server.core.store.webhooks.listDeliveries(CONFIGURED_WEBHOOK_SID, 10)).toEqual([]);
  });
});
