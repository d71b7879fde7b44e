/**
 * An agent's attachment reaches an SMS / WhatsApp customer as `MediaUrl`, end to end: a real
 * HTTP receiver stands in for the provider and, as a provider does, downloads each MediaUrl
 * it is sent. The link is absolute under Parley's public URL, carries no staff token, opens
 * that one file only, and a file of another conversation is never linked.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaLinks } from '../../server/core/media-links.ts';
import { createHttpConnector } from '../../server/core/proxy/connector.ts';
import { createDelivery } from '../../server/core/proxy/delivery.ts';
import { twilioSignature } from '../../server/core/proxy/signature.ts';
import type { OfferDTO } from '../../server/protocol.ts';
import { type AgentSocket, connectAgent, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const AUTH_TOKEN = 'provider-auth-token';
const PROXY_NUMBER = '+15550100';
const CUSTOMER = '+15557777';
const LABEL = 'Return label: RMA-2291\nDrop the parcel at any post office.\n';

interface Delivered {
  form: URLSearchParams;
  /** What downloading each MediaUrl gave, with no credentials, as a provider fetches it. */
  downloads: { status: number; body: string }[];
}

/** A provider's Messages endpoint that fetches the media of every message it is given. */
async function mediaFetchingProvider() {
  const waiting: ((delivered: Delivered) => void)[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => resolve(text));
    });
  const server = createServer(async (req, res) => {
    const form = new URLSearchParams(await read(req));
    const downloads = [];
    for (const url of form.getAll('MediaUrl')) {
      const got = await fetch(url);
      downloads.push({ status: got.status, body: await got.text() });
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sid: 'SM1' }));
    waiting.shift()?.({ form, downloads });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/Messages`,
    /** The next message the provider is given. */
    nextMessage: () => new Promise<Delivered>((resolve) => waiting.push(resolve)),
    close: () => new Promise((r) => server.close(r)),
  };
}

let parley: TestParley;
let provider: Awaited<ReturnType<typeof mediaFetchingProvider>>;
let agent: AgentSocket;
let agentToken: string;
let channelSid: string;

async function upload(token: string, channel: string, filename: string, body: string) {
  const res = await fetch(`${parley.url}/media/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'x-filename': filename },
    body,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { sid: string; filename: string; contentType: string; size: number };
}

beforeEach(async () => {
  provider = await mediaFetchingProvider();
  parley = await startParley();
  const created = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'SMS',
    channelType: 'sms',
    contactIdentity: PROXY_NUMBER,
    enabled: true,
    integrationType: 'task',
    messagingConnector: { url: provider.url, authToken: AUTH_TOKEN },
  });
  expect(created.status).toBe(201);

  agentToken = (await signIn(parley.url)).token;
  agent = await connectAgent(parley.url, agentToken);
  await request(agent, 'session:sync');
  await request(agent, 'activity:set', { activity: 'Available' });
  const offered = next<OfferDTO>(agent, 'offer:new', () => true, 10_000);
  // The customer's SMS, signed as the provider signs it.
  const path = `/webhooks/messaging/${created.body.sid}`;
  const params = {
    From: CUSTOMER,
    To: PROXY_NUMBER,
    Body: 'Can I return the lamp?',
    MessageSid: 'SM0001',
    NumMedia: '0',
  };
  const inbound = await fetch(parley.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(AUTH_TOKEN, parley.url + path, params),
    },
    body: new URLSearchParams(params),
  });
  expect(inbound.status).toBe(200);
  const { reservation, task } = await offered;
  await request(agent, 'reservation:accept', { reservationSid: reservation.sid });
  channelSid = task.channelSid;
});
afterEach(async () => {
  agent?.close();
  await parley.stop();
  await provider.close();
});

describe('an agent’s attachment on a messaging channel', () => {
  it('reaches the provider as an absolute, signed MediaUrl that downloads the file without a token', async () => {
    const file = await upload(agentToken, channelSid, 'label.txt', LABEL);
    const delivered = provider.nextMessage();
    const sent = await request<{ sid?: string; error?: unknown }>(agent, 'message:send', {
      channelSid,
      clientId: 'c-label',
      body: 'Here is your return label',
      attributes: { media: file },
    });
    expect(sent.error).toBeUndefined();
    const { form, downloads } = await delivered;

    expect(form.get('Body')).toBe('Here is your return label');
    expect(form.get('To')).toBe(CUSTOMER);
    const [mediaUrl, ...more] = form.getAll('MediaUrl');
    expect(more).toEqual([]);
    expect(mediaUrl).toMatch(
      new RegExp(`^${parley.url}/media/${file.sid}\\?expires=\\d+&signature=[\\w-]+$`),
    );
    expect(mediaUrl).not.toContain(agentToken);
    expect(downloads).toEqual([{ status: 200, body: LABEL }]);

    const link = new URL(mediaUrl ?? '');
    const signature = link.searchParams.get('signature') ?? '';
    const tampered = new URL(link);
    tampered.searchParams.set('signature', `${signature.slice(0, -2)}AA`);
    expect((await fetch(tampered)).status).toBe(403);
    const later = new URL(link);
    later.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    expect((await fetch(later)).status).toBe(403);
    // The signature opens this file only.
    const other = await upload(agentToken, channelSid, 'other.txt', 'another file\n');
    expect((await fetch(`${parley.url}/media/${other.sid}${link.search}`)).status).toBe(403);
    // Without a link, the file still needs a member's token.
    expect((await fetch(`${parley.url}/media/${file.sid}`)).status).toBe(401);
  });

  it('leaves a stored file out while no public URL is known, warning once with the fix', async () => {
    const file = await upload(agentToken, channelSid, 'label.txt', LABEL);
    const first = provider.nextMessage();
    await request(agent, 'message:send', {
      channelSid,
      clientId: 'c-no-url',
      body: 'Here is your return label',
      attributes: { media: file },
    });
    await first;
    const message = await parley.server.core.store.messages.findByClientId(channelSid, 'c-no-url');
    if (!message) throw new Error('the message was not stored');
    // The same delivery as a Parley mounted in another app, before any URL of its own is known.
    const lines: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const delivery = createDelivery({
      store: parley.server.core.store,
      events: parley.server.core.events,
      log,
      connector: createHttpConnector({ log, attempts: 1 }),
      publicUrl: () => null,
      mediaLinks: createMediaLinks('a secret', () => new Date()),
    });
    for (let i = 0; i < 2; i++) {
      const delivered = provider.nextMessage();
      await delivery.onMessage(message);
      const { form } = await delivered;
      expect(form.get('Body')).toBe('Here is your return label');
      expect(form.getAll('MediaUrl')).toEqual([]);
    }
    const warnings = lines.filter((line) => line.includes('PARLEY_PUBLIC_URL'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 40, mediaSid: file.sid });
  });

  it('never links a file of another conversation, whatever the message’s attributes say', async () => {
    const web = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: 'Ada',
    });
    const foreign = await upload(web.token, web.channelSid, 'secret.txt', 'not for the SMS customer\n');
    const delivered = provider.nextMessage();
    const posted = await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
      from: (await parley.api('GET', '/v1/Workers')).body.workers[0].sid,
      body: 'See attached',
      attributes: { media: { sid: foreign.sid, filename: 'secret.txt' } },
    });
    expect(posted.status).toBe(201);
    const { form } = await delivered;
    expect(form.get('Body')).toBe('See attached');
    expect(form.getAll('MediaUrl')).toEqual([]);
  });
});
