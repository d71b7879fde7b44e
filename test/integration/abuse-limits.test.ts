/**
 * Limits found by the adversarial pass beyond issue 13's findings, against a real server:
 * socket events no handler knows, the main namespace `/`, transport sessions that join no
 * namespace, and credentials guessed over HTTP.
 */
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { ADMIN_KEY, type StartOptions, startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley | undefined;
afterEach(async () => {
  await parley?.stop();
  parley = undefined;
});
const start = async (limits: StartOptions['limits']) => {
  parley = await startParley({ limits });
  return parley;
};

const disconnected = (socket: { once(event: 'disconnect', fn: () => void): unknown }) =>
  new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

describe('socket events no handler knows', () => {
  it('answers each with unknown_event and cuts off a socket that floods them', async () => {
    const { url, flexFlowSid } = await start({});
    const chat = await openWebChannel(url, { flexFlowSid, customerFriendlyName: 'Mallory' });
    const socket = await connectVisitor(url, chat.token);
    const gone = disconnected(socket);
    const reply = await request<{ error?: { code: string } }>(socket, 'no:such:event', { pad: 'x' });
    expect(reply.error?.code).toBe('unknown_event');
    // Ten a minute are answered; four times that is no widget, and the socket goes.
    const names = Array.from({ length: 60 }, (_, i) => `made-up-${i}`);
    const emit = socket.emit as (event: string, payload: unknown) => void;
    for (const name of names) emit.call(socket, name, { pad: 'x'.repeat(1000) });
    await gone;
    expect(socket.connected).toBe(false);
    socket.close();
  });
  it("are refused on the agent desktop's socket too, and a flood of them cuts it off", async () => {
    const { url } = await start({});
    const desk = await connectAgent(url, (await signIn(url)).token);
    const gone = disconnected(desk);
    const reply = await request<{ error?: { code: string } }>(desk, 'no:such:event', {});
    expect(reply.error?.code).toBe('unknown_event');
    // Known events still answer as before.
    expect(await request(desk, 'session:sync', {})).not.toHaveProperty('error');
    const emit = desk.emit as (event: string, payload: unknown) => void;
    for (let i = 0; i < 150; i++) emit.call(desk, `made-up-${i}`, {});
    await gone;
    desk.close();
  });
});

describe('pre-engagement data', () => {
  it('is a form, not a file: 50 fields and 16,000 characters of JSON at most', async () => {
    const { url, flexFlowSid } = await start({});
    const open = (preEngagementData: Record<string, string>) =>
      fetch(`${url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ flexFlowSid, preEngagementData }),
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
    const fields = (n: number, size: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`field${i}`, 'v'.repeat(size)]));
    expect((await open(fields(20, 700))).status).toBe(201);
    const many = await open(fields(51, 1));
    expect(many.status).toBe(400);
    expect(many.body.message).toContain('preEngagementData');
    expect(many.body.message).toContain('at most 50 fields');
    const large = await open(fields(30, 1990));
    expect(large.status).toBe(400);
    expect(large.body.message).toContain('at most 16000 characters');
  });
});

describe('transcripts by email', () => {
  it('are limited per address before any token is looked up', async () => {
    const { url } = await start({ webChannelsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/v1/WebChannels/Transcripts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ token: `not-a-token-${i}`, email: 'dana@example.com' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('the main namespace', () => {
  it('refuses every connection, so a session there holds nothing', async () => {
    const { url } = await start({});
    const socket = io(`${url}/`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const error = await new Promise<Error & { data?: { code: string } }>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the main namespace accepted a connection')));
      socket.once('connect_error', resolve);
    });
    socket.close();
    expect(error.data?.code).toBe('unknown_namespace');
  });
});

describe('transport sessions per address', () => {
  /** A long-polling Engine.IO handshake: a session that holds no TCP connection of its own. */
  const handshake = async (url: string) => {
    const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    const text = await res.text();
    return { status: res.status, sid: res.ok ? (JSON.parse(text.slice(1)) as { sid: string }).sid : null };
  };
  const closeSession = (url: string, sid: string) =>
    fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '1' });
  const nextWindow = () => new Promise((resolve) => setTimeout(resolve, 10_100));

  it('are capped at the connections allowed per address, even when they join no namespace', {
    timeout: 40_000,
  }, async () => {
    // Handshakes are also limited to half the cap per 10 s, so the cap is reached over two windows.
    const { url } = await start({ connectionsPerIp: 6 });
    const first = await Promise.all([1, 2, 3].map(() => handshake(url)));
    await nextWindow();
    const second = await Promise.all([1, 2, 3].map(() => handshake(url)));
    expect([...first, ...second].map((h) => h.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await nextWindow();
    // A fresh window, so only the six sessions still open refuse the seventh.
    expect((await handshake(url)).status).toBe(403);
    await closeSession(url, second[0]?.sid ?? '');
    await expect.poll(async () => (await handshake(url)).status, { timeout: 5_000 }).toBe(200);
  });
});

describe('credentials guessed over HTTP', () => {
  const withAuth = (url: string, path: string, authorization: string) =>
    fetch(`${url}${path}`, { headers: { authorization } });

  it('refuses an address after too many 401s in a minute, whichever key it then sends', async () => {
    const { url, flexFlowSid } = await start({ authFailuresPerMinute: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await withAuth(url, '/v1/Workers', `Bearer guess-${i}`)).status);
    }
    // Counted once answered: the sixth failure locks the address.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429, 429, 429]);
    const right = await withAuth(url, '/v1/Workers', `Bearer ${ADMIN_KEY}`);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await right.json()).toMatchObject({ code: 'rate_limited' });
    // The Twilio-shaped surface shares the lock.
    const basic = `Basic ${Buffer.from(`AC${'0'.repeat(32)}:${ADMIN_KEY}`).toString('base64')}`;
    expect((await withAuth(url, '/v2/Flows', basic)).status).toBe(429);
    // Requests without credentials (the widget's) are not the guesser's.
    const config = await fetch(`${url}/v1/WebChannels/Config?flexFlowSid=${flexFlowSid}`, {
      headers: { origin: url },
    });
    expect(config.status).toBe(200);
  });

  it('counts Basic guesses on the Twilio-shaped surface too', async () => {
    const { url } = await start({ authFailuresPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const basic = `Basic ${Buffer.from(`AC${'0'.repeat(32)}:guess-${i}`).toString('base64')}`;
      statuses.push((await withAuth(url, '/v2/Flows', basic)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('leaves a key that keeps succeeding alone', async () => {
    const { url } = await start({ authFailuresPerMinute: 3 });
    for (let i = 0; i < 20; i++) {
      expect((await withAuth(url, '/v1/Workers', `Bearer ${ADMIN_KEY}`)).status).toBe(200);
    }
  });
});

describe('IPv6 clients', () => {
  it('meet one per-address budget across the addresses of their /56', async () => {
    // Behind a trusted proxy (loopback here), as IPv6 clients usually reach Parley.
    const { url, flexFlowSid } = await start({});
    const chat = await openWebChannel(url, { flexFlowSid, customerFriendlyName: 'Mallory' });
    const statuses: number[] = [];
    for (let i = 1; i <= 24; i++) {
      const res = await fetch(`${url}/media/${chat.channelSid}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${chat.token}`,
          'x-filename': `note-${i}.txt`,
          'x-forwarded-for': `2001:db8:7:4200::${i.toString(16)}`,
        },
        body: `note ${i}`,
      });
      statuses.push(res.status);
    }
    // PARLEY_UPLOADS_PER_MINUTE_PER_IP (20), though no two uploads came from the same address.
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);
  });
});

describe('downloads', () => {
  it('are limited in megabytes per visitor address', async () => {
    const { url, flexFlowSid } = await start({ downloadMbPerMinutePerIp: 3 });
    const chat = await openWebChannel(url, { flexFlowSid, customerFriendlyName: 'Mallory' });
    const uploaded = await fetch(`${url}/media/${chat.channelSid}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'x-filename': 'note.txt' },
      body: 'a small note',
    });
    const { sid } = (await uploaded.json()) as { sid: string };
    const download = async () => {
      const res = await fetch(`${url}/media/${sid}`, { headers: { authorization: `Bearer ${chat.token}` } });
      await res.arrayBuffer();
      return res;
    };
    // A file under a megabyte counts as one.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await download()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await download();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
