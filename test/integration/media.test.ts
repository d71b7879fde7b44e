/**
 * Attachments over the real HTTP app: who may upload and download a conversation's files
 * (its visitor and the agent holding it; nobody else), size limits, and types checked by the
 * file's bytes, never by its name or the client's content type.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentChatDTO, OfferDTO } from '../../server/protocol.ts';
import { type AgentSocket, connectAgent, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

/** The smallest valid PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let parley: TestParley;
const agents: AgentSocket[] = [];
let visitorA: { token: string; channelSid: string };
let visitorB: { token: string; channelSid: string };
let holderToken: string;
let otherAgentToken: string;

function upload(
  channelSid: string,
  bytes: Buffer,
  token?: string,
  filename = 'pixel.png',
  type = 'image/png',
) {
  return fetch(`${parley.url}/media/${channelSid}`, {
    method: 'POST',
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      'content-type': type,
      'x-filename': encodeURIComponent(filename),
    },
    body: new Uint8Array(bytes),
  });
}

const download = (sid: string, token?: string) =>
  fetch(`${parley.url}/media/${sid}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  parley = await startParley();
  // A Flex Flow straight to agents, so the first message makes a task to accept.
  const flow = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'Media test',
    channelType: 'web',
    contactIdentity: 'media-test',
    enabled: true,
    integrationType: 'task',
    allowedOrigins: [parley.url],
  });
  expect(flow.status).toBe(201);
  visitorA = await openWebChannel(parley.url, { flexFlowSid: flow.body.sid, customerFriendlyName: 'Ada' });
  visitorB = await openWebChannel(parley.url, { flexFlowSid: flow.body.sid, customerFriendlyName: 'Bob' });

  await parley.api('POST', '/v1/Workers', { friendlyName: 'Other', username: 'other', password: 'pw-other' });
  holderToken = (await signIn(parley.url)).token;
  otherAgentToken = (await signIn(parley.url, 'other', 'pw-other')).token;
  const holder = await connectAgent(parley.url, holderToken);
  agents.push(holder);
  await request(holder, 'session:sync');
  await request(holder, 'activity:set', { activity: 'Available' });
  const offered = next<OfferDTO>(holder, 'offer:new', (o) => o.channel.sid === visitorA.channelSid, 10_000);
  const { body } = await parley.api('GET', `/v1/Channels/${visitorA.channelSid}`);
  await parley.api('POST', `/v1/Channels/${visitorA.channelSid}/Messages`, {
    from: body.attributes.identity ?? (await identityOf(visitorA.channelSid)),
    body: 'Here is my screenshot',
    clientId: 'first',
  });
  const offer = await offered;
  const chat = await request<AgentChatDTO>(holder, 'reservation:accept', {
    reservationSid: offer.reservation.sid,
  });
  expect(chat.channel.sid).toBe(visitorA.channelSid);
});

async function identityOf(channelSid: string): Promise<string> {
  const members = await parley.api('GET', `/v1/Channels/${channelSid}/Members`);
  return members.body.members.find((m: { role: string }) => m.role === 'customer').identity;
}

afterAll(async () => {
  for (const agent of agents) agent.close();
  await parley?.stop();
});

describe('media upload and download', () => {
  it('stores a visitor’s image under a random name outside the web root, described by the store', async () => {
    const res = await upload(visitorA.channelSid, PNG, visitorA.token, 'my screen.png', 'text/html');
    expect(res.status).toBe(201);
    const media = await res.json();
    expect(media).toEqual({
      sid: expect.stringMatching(/^ME[0-9a-f]{32}$/),
      filename: 'my screen.png',
      contentType: 'image/png',
      size: PNG.length,
    });
    const files = readdirSync(join(parley.dataDir, 'media'));
    expect(files).toContain(media.sid);
    expect(files.filter((f) => !f.startsWith('ME'))).toEqual([]);
    expect(await parley.server.core.store.media.get(media.sid)).toMatchObject({
      channelSid: visitorA.channelSid,
      filename: 'my screen.png',
      contentType: 'image/png',
      size: PNG.length,
    });
    expect(existsSync(join(parley.dataDir, 'media', 'my screen.png'))).toBe(false);
  });

  it('serves a file to its visitor and to the agent holding the chat, with safe headers', async () => {
    const { sid } = await (await upload(visitorA.channelSid, PNG, visitorA.token)).json();
    for (const token of [visitorA.token, holderToken]) {
      const res = await download(sid, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''pixel.png");
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    }
  });

  it('lets the agent holding the chat upload, and serves text as an attachment', async () => {
    const text = Buffer.from('Order #1042\nTracking: 1Z999\n');
    const res = await upload(
      visitorA.channelSid,
      text,
      holderToken,
      'order ü.txt',
      'application/octet-stream',
    );
    expect(res.status).toBe(201);
    const { sid, contentType } = await res.json();
    expect(contentType).toBe('text/plain');
    const got = await download(sid, visitorA.token);
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('order ü.txt')}`,
    );
  });

  it('refuses another visitor, another agent, and no or a forged token, both ways', async () => {
    const { sid } = await (await upload(visitorA.channelSid, PNG, visitorA.token)).json();
    expect((await download(sid, visitorB.token)).status).toBe(403);
    expect((await download(sid, otherAgentToken)).status).toBe(403);
    expect((await download(sid)).status).toBe(401);
    expect((await download(sid, `${visitorA.token}x`)).status).toBe(401);
    expect((await upload(visitorA.channelSid, PNG, visitorB.token)).status).toBe(403);
    expect((await upload(visitorA.channelSid, PNG, otherAgentToken)).status).toBe(403);
    expect((await upload(visitorA.channelSid, PNG)).status).toBe(401);
    expect((await download('ME00000000000000000000000000000000', visitorA.token)).status).toBe(404);
    expect((await download('../parley.db', visitorA.token)).status).toBe(404);
  });

  it('refuses a file over the size limit', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
    const res = await upload(visitorA.channelSid, big, visitorA.token, 'big.txt', 'text/plain');
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('file_too_large');
  });

  it('refuses a ".png" that is really a script, naming the file', async () => {
    const script = Buffer.from('<script>alert(document.cookie)</script>');
    const res = await upload(visitorA.channelSid, script, visitorA.token, 'cute-cat.png', 'image/png');
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(body.code).toBe('unsupported_file_type');
    expect(body.message).toContain('cute-cat.png');
  });

  it('refuses a real file of a type that is not allowed (a zip named .pdf)', async () => {
    const zip = Buffer.from('504b0304140000000000000000000000000000000000000000000000000000', 'hex');
    const res = await upload(visitorA.channelSid, zip, visitorA.token, 'invoice.pdf', 'application/pdf');
    expect(res.status).toBe(415);
  });
});
