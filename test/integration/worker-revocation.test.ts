/**
 * Revoking agents on a running server: deleting, disabling or re-passwording a worker ends
 * its sessions at once (REST, media and open desk sockets), a demoted supervisor's open socket
 * stops receiving what supervisors see, and sign-in backs off per username.
 */
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  Ack,
  AgentChatDTO,
  MessageDTO,
  OfferDTO,
  SupervisorSnapshot,
  SyncReply,
} from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
} from '../helpers/clients.ts';
import { type StartOptions, startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await parley?.stop();
});

const start = async (options: StartOptions = {}) => {
  parley = await startParley({ limits: { signInPerMinute: 1000 }, ...options });
  return parley;
};

/** A worker signed in on a desktop socket. */
async function agent(name: string, attributes: Record<string, unknown> = {}, activity = 'Available') {
  const username = name.toLowerCase();
  const { status, body } = await parley.api('POST', '/v1/Workers', {
    friendlyName: name,
    username,
    password: 'pw-test',
    attributes,
  });
  expect(status).toBe(201);
  const { token } = await signIn(parley.url, username, 'pw-test');
  const socket = await desk(token);
  await request(socket, 'activity:set', { activity });
  return { sid: body.sid as string, username, token, socket };
}

async function desk(token: string) {
  const socket = await connectAgent(parley.url, token);
  sockets.push(socket);
  await request(socket, 'session:sync');
  return socket;
}

async function visitor(name: string) {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const socket = await connectVisitor(parley.url, session.token);
  sockets.push(socket);
  return { ...session, socket };
}

/** The visitor writes; the agent is offered the chat and accepts it. */
async function chatWith(holder: { socket: AgentSocket }, name: string) {
  const customer = await visitor(name);
  const offered = next<OfferDTO>(holder.socket, 'offer:new');
  await request(customer.socket, 'message:send', { clientId: 'first', body: 'Hello?' });
  const chat = await request<AgentChatDTO>(holder.socket, 'reservation:accept', {
    reservationSid: (await offered).reservation.sid,
  });
  return { customer, chat };
}

/** Resolves with the reason the server gave when it closed the socket. */
const closedByServer = (socket: Socket) =>
  new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

/** The handshake's answer for a token: `connected`, or the refusal's code. */
async function handshake(token: string): Promise<string> {
  try {
    const socket = await connectAgent(parley.url, token);
    socket.close();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

async function signInStatus(username: string, password: string) {
  const res = await fetch(`${parley.url}/v1/AgentSessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

const upload = (channelSid: string, token: string) =>
  fetch(`${parley.url}/media/${channelSid}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'x-filename': 'note.txt' },
    body: 'order 1234',
  });

describe('deleting a worker', () => {
  it('disconnects its open desks, refuses its token everywhere and its password, and requeues its chat', async () => {
    await start();
    const ana = await agent('Ana');
    const { customer, chat } = await chatWith(ana, 'Dana');
    const secondTab = await desk(ana.token);
    expect((await upload(customer.channelSid, ana.token)).status).toBe(201);
    const ben = await agent('Ben');

    // Only the admin key deletes a worker; the agent's own token is no admin key.
    for (const authorization of [undefined, `Bearer ${ana.token}`]) {
      const res = await fetch(`${parley.url}/v1/Workers/${ana.sid}`, {
        method: 'DELETE',
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
    }

    const tabsClosed = Promise.all([closedByServer(ana.socket), closedByServer(secondTab)]);
    const toBen = next<OfferDTO>(ben.socket, 'offer:new');
    const { status } = await parley.api('DELETE', `/v1/Workers/${ana.sid}`);
    expect(status).toBe(204);

    expect(await tabsClosed).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await handshake(ana.token)).toBe('unauthorized');
    expect((await upload(customer.channelSid, ana.token)).status).toBe(401);
    expect(await signInStatus('ana', 'pw-test')).toMatchObject({
      status: 401,
      body: { code: 'invalid_credentials' },
    });
    expect((await parley.api('GET', `/v1/Workers/${ana.sid}`)).status).toBe(404);
    expect((await parley.api('DELETE', `/v1/Workers/${ana.sid}`)).status).toBe(404);

    // The customer's chat goes on with the next agent, history and a note included.
    const offer = await toBen;
    expect(offer.channel.sid).toBe(customer.channelSid);
    expect(offer.transfer).toMatchObject({ fromWorkerSid: ana.sid, to: { queueSid: chat.task.queueSid } });
    const task = await parley.api('GET', `/v1/Tasks/${chat.task.sid}`);
    expect(task.body).toMatchObject({ status: 'completed', reason: 'transferred' });
  });

  it('releases an offer it had not answered to the next agent', async () => {
    await start();
    const ana = await agent('Ana');
    const customer = await visitor('Dana');
    const offered = next<OfferDTO>(ana.socket, 'offer:new');
    await request(customer.socket, 'message:send', { clientId: 'first', body: 'Hello?' });
    const offer = await offered;
    const ben = await agent('Ben');
    const toBen = next<OfferDTO>(ben.socket, 'offer:new');
    expect((await parley.api('DELETE', `/v1/Workers/${ana.sid}`)).status).toBe(204);
    expect((await toBen).task.sid).toBe(offer.task.sid);
  });
});

describe('changing a worker', () => {
  it('ends every session on a new password: the old token and password are refused, the new one works', async () => {
    await start();
    const ana = await agent('Ana');
    const closed = closedByServer(ana.socket);
    const { status, body } = await parley.api('POST', `/v1/Workers/${ana.sid}`, { password: 'new-secret' });
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('passwordHash');
    expect(body).not.toHaveProperty('tokenVersion');

    expect(await closed).toBe('io server disconnect');
    expect(await handshake(ana.token)).toBe('unauthorized');
    expect((await signInStatus('ana', 'pw-test')).status).toBe(401);
    const fresh = await signIn(parley.url, 'ana', 'new-secret');
    expect(await handshake(fresh.token)).toBe('connected');
  });

  it('renames the username, refusing one another worker has', async () => {
    await start();
    const ana = await agent('Ana');
    const renamed = await parley.api('PATCH', `/v1/Workers/${ana.sid}`, { username: 'ana.lopez' });
    expect(renamed).toMatchObject({ status: 200, body: { username: 'ana.lopez' } });
    expect((await signInStatus('ana.lopez', 'pw-test')).status).toBe(201);
    expect((await signInStatus('ana', 'pw-test')).status).toBe(401);
    // Renaming alone keeps the sessions.
    expect(await handshake(ana.token)).toBe('connected');

    const taken = await parley.api('POST', `/v1/Workers/${ana.sid}`, { username: 'agent' });
    expect(taken).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(taken.body.message).toContain('agent');
    const duplicate = await parley.api('POST', '/v1/Workers', { friendlyName: 'Other', username: 'agent' });
    expect(duplicate.status).toBe(409);
  });

  it('refuses a password or username it cannot use, naming the field', async () => {
    await start();
    const ana = await agent('Ana');
    const short = await parley.api('POST', `/v1/Workers/${ana.sid}`, { password: 'abc' });
    expect(short).toMatchObject({ status: 400 });
    expect(short.body.message).toContain('password');
    const empty = await parley.api('POST', `/v1/Workers/${ana.sid}`, { username: '' });
    expect(empty).toMatchObject({ status: 400 });
    expect(empty.body.message).toContain('username');
    expect((await signInStatus('ana', 'pw-test')).status).toBe(201);
  });

  it('disables a worker: sessions end and sign-in is refused until it is enabled', async () => {
    await start();
    const ana = await agent('Ana');
    const closed = closedByServer(ana.socket);
    const disabled = await parley.api('POST', `/v1/Workers/${ana.sid}`, { disabled: true });
    expect(disabled).toMatchObject({ status: 200, body: { disabled: true, activity: 'Offline' } });
    expect(await closed).toBe('io server disconnect');
    expect(await handshake(ana.token)).toBe('unauthorized');
    expect(await signInStatus('ana', 'pw-test')).toMatchObject({
      status: 403,
      body: { code: 'worker_disabled' },
    });
    const available = await parley.api('POST', `/v1/Workers/${ana.sid}`, { activity: 'Available' });
    expect(available).toMatchObject({ status: 409 });
    expect(available.body.message).toContain('disabled');

    const enabled = await parley.api('POST', `/v1/Workers/${ana.sid}`, { disabled: false });
    expect(enabled).toMatchObject({ status: 200, body: { disabled: false } });
    const { token } = await signIn(parley.url, 'ana', 'pw-test');
    expect(await handshake(token)).toBe('connected');
  });
});

describe('a supervisor who is demoted', () => {
  it('stops receiving live messages and supervision on the socket it has open', async () => {
    await start();
    const ana = await agent('Ana');
    const { customer } = await chatWith(ana, 'Dana');
    const sup = await agent('Sam', { roles: ['supervisor'] }, 'Unavailable');
    const sentinel = await agent('Sue', { roles: ['supervisor'] }, 'Unavailable');
    for (const s of [sup, sentinel]) await request(s.socket, 'supervisor:sync');
    await request<SyncReply>(sup.socket, 'messages:sync', {
      channelSid: customer.channelSid,
      afterIndex: -1,
    });
    const watched = next<MessageDTO>(sup.socket, 'message:new', (m) => m.body === 'watched');
    await request(customer.socket, 'message:send', { clientId: 'w', body: 'watched' });
    await watched;

    const received: string[] = [];
    sup.socket.on('message:new', (m: MessageDTO) => received.push(m.body));
    sup.socket.on('supervisor:updated', () => received.push('supervisor:updated'));
    const demoted = await parley.api('POST', `/v1/Workers/${sup.sid}`, { attributes: { roles: [] } });
    expect(demoted.status).toBe(200);

    // The room is left right after the change; send until a message no longer reaches the
    // socket. A round trip on the same socket after each send proves nothing is in flight.
    let stoppedAfter = -1;
    for (let i = 0; i < 20 && stoppedAfter < 0; i++) {
      received.length = 0;
      await request(customer.socket, 'message:send', { clientId: `after-${i}`, body: `after ${i}` });
      await request(sup.socket, 'transfer:targets');
      if (!received.includes(`after ${i}`)) stoppedAfter = i;
    }
    expect(stoppedAfter).toBeGreaterThanOrEqual(0);
    expect(stoppedAfter).toBeLessThan(5);

    // Still quiet afterwards, for the holder's messages too, while the holder does receive them.
    received.length = 0;
    const toCustomer = next<MessageDTO>(customer.socket, 'message:new', (m) => m.body === 'from ana');
    await request(ana.socket, 'message:send', {
      channelSid: customer.channelSid,
      clientId: 'a1',
      body: 'from ana',
    });
    await toCustomer;
    // A new chat makes the supervisors' snapshot go out: the sentinel gets it, the demoted one does not.
    const pushed = next<SupervisorSnapshot>(sentinel.socket, 'supervisor:updated');
    const other = await visitor('Eve');
    await request(other.socket, 'message:send', { clientId: 'e1', body: 'Hi' });
    await pushed;
    await request(sup.socket, 'transfer:targets');
    expect(received).toEqual([]);

    const refused = await request<Ack<SyncReply>>(sup.socket, 'messages:sync', {
      channelSid: customer.channelSid,
      afterIndex: -1,
    });
    expect(refused).toMatchObject({ error: { code: 'forbidden' } });
    expect(await request(sup.socket, 'supervisor:sync')).toMatchObject({ error: { code: 'forbidden' } });
  });
});

describe('sign-in backoff per username', () => {
  const backoff = { freeAttempts: 3, baseSeconds: 1, maxSeconds: 4 };

  it('locks a username after its free failures, known or unknown alike, and says when to retry', async () => {
    await start({ signInBackoff: backoff });
    const answers = async (username: string, password: string) => {
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await signInStatus(username, 'wrong-password'));
      seen.push(await signInStatus(username, password));
      return seen;
    };
    const known = await answers('agent', 'agent');
    const unknown = await answers('nobody', 'agent');
    for (const seen of [known, unknown]) {
      expect(seen.map((a) => a.status)).toEqual([401, 401, 401, 401, 429]);
      expect(seen[0]?.body).toEqual({
        code: 'invalid_credentials',
        message: 'Wrong username or password',
        status: 401,
      });
      expect(seen[4]).toMatchObject({ retryAfter: '1', body: { code: 'sign_in_locked', status: 429 } });
    }
    // Other accounts are not touched.
    await parley.api('POST', '/v1/Workers', { friendlyName: 'Ben', username: 'ben', password: 'pw-test' });
    expect((await signInStatus('ben', 'pw-test')).status).toBe(201);

    // Once the lock passes, one more try; a failure doubles the lock.
    await expect
      .poll(async () => (await signInStatus('nobody', 'x-wrong')).status, { timeout: 5000 })
      .toBe(401);
    expect(await signInStatus('nobody', 'x-wrong')).toMatchObject({ status: 429, retryAfter: '2' });
  });

  it('forgets the failures of a username on a successful sign-in', async () => {
    await start({ signInBackoff: backoff });
    for (let i = 0; i < 3; i++) expect((await signInStatus('agent', 'wrong-password')).status).toBe(401);
    expect((await signInStatus('agent', 'agent')).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await signInStatus('agent', 'wrong-password')).status).toBe(401);
    expect((await signInStatus('agent', 'agent')).status).toBe(201);
  });

  it('lifts the lock when an administrator sets a new password', async () => {
    await start({ signInBackoff: { ...backoff, baseSeconds: 60 } });
    const ana = await agent('Ana');
    for (let i = 0; i < 4; i++) await signInStatus('ana', 'wrong-password');
    expect((await signInStatus('ana', 'pw-test')).status).toBe(429);
    expect((await parley.api('POST', `/v1/Workers/${ana.sid}`, { password: 'new-secret' })).status).toBe(200);
    expect((await signInStatus('ana', 'new-secret')).status).toBe(201);
  });

  it('lets no more than the free attempts and one more through a burst of parallel guesses', async () => {
    // A lock longer than the burst takes on a busy machine (each guess hashes a password).
    await start({ signInBackoff: { ...backoff, baseSeconds: 60, maxSeconds: 60 } });
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => signInStatus('agent', 'wrong-password')),
    );
    const statuses = burst.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(backoff.freeAttempts + 1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20 - backoff.freeAttempts - 1);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('keeps the per-address limit besides it', async () => {
    await start({ limits: { signInPerMinute: 3 } });
    const statuses = [];
    for (const username of ['a', 'b', 'c', 'd'])
      statuses.push((await signInStatus(username, 'wrong')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
