/**
 * `GET /v1/Figures` through the real Express app: a chat answered on a real server shows in a
 * supervisor's figures, which still read the same after the server restarts on its data; the
 * admin key reads them too, an agent without the supervisor role is refused, and a bad query
 * is told which field to fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FiguresDTO, OfferDTO } from '../../server/protocol.ts';
import { connectAgent, next, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-figures-'));
let parley: TestParley;
let agentToken: string;
let supervisorToken: string;

async function figures(token: string | null, query = '') {
  const res = await fetch(`${parley.url}/v1/Figures${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  parley = await startParley({ keepDataDir: dataDir });
  const agent = await signIn(parley.url);
  agentToken = agent.token;
  const socket = await connectAgent(parley.url, agent.token);
  await request(socket, 'session:sync');
  const visitor = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: 'Ada',
  });
  await parley.api('POST', `/v1/Channels/${visitor.channelSid}/Messages`, {
    from: visitor.identity,
    body: 'hello',
  });
  // The chat waits until the agent becomes Available.
  const offered = next<OfferDTO>(socket, 'offer:new');
  await request(socket, 'activity:set', { activity: 'Available' });
  const offer = await offered;
  await request(socket, 'reservation:accept', { reservationSid: offer.reservation.sid });
  await request(socket, 'task:wrap', { taskSid: offer.task.sid });
  await request(socket, 'task:complete', { taskSid: offer.task.sid });
  socket.close();
  await parley.api('POST', '/v1/Workers', {
    friendlyName: 'Sam Supervisor',
    username: 'sam',
    password: 'sam-password',
    attributes: { roles: ['supervisor'] },
  });
  supervisorToken = (await signIn(parley.url, 'sam', 'sam-password')).token;
}, 60_000);
afterAll(async () => {
  await parley?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /v1/Figures', () => {
  it("shows a supervisor the answered chat, its wait and the agent's timeline", async () => {
    const { status, body } = await figures(supervisorToken);
    expect(status).toBe(200);
    const result = body as FiguresDTO;
    expect(result.bucketSeconds).toBe(900);
    expect(result.buckets.length).toBeGreaterThanOrEqual(32);
    expect(result.totals).toMatchObject({ chats: 1, answered: 1, queueLength: 0, csatCount: 0 });
    expect(result.totals.waitAverageSeconds).toBeGreaterThanOrEqual(0);
    expect(result.totals.handleAverageSeconds).toBeGreaterThanOrEqual(0);
    const last = result.buckets.at(-1);
    expect(last?.answered).toBe(1);
    const agent = result.agents.find((a) => a.friendlyName !== 'Sam Supervisor');
    expect(agent?.intervals.at(-1)?.activity).toBe('Available');
  });

  it('reads the same after a restart, from the stored events', async () => {
    const before = (await figures(parley.adminKey)).body as FiguresDTO;
    await parley.stop();
    parley = await startParley({ keepDataDir: dataDir });
    const after = (await figures(parley.adminKey)).body as FiguresDTO;
    expect(after.totals).toEqual(before.totals);
  }, 60_000);

  it('limits the figures to a queue, and names an unknown one', async () => {
    const queues = (await parley.api('GET', '/v1/TaskQueues')).body.taskQueues as { sid: string }[];
    const queueSid = queues[0]?.sid;
    const inQueue = await figures(parley.adminKey, `?hours=2&queueSid=${queueSid}`);
    expect(inQueue.status).toBe(200);
    expect(inQueue.body).toMatchObject({ queueSid, totals: { chats: 1 } });
    const unknown = await figures(parley.adminKey, `?queueSid=WQ${'0'.repeat(32)}`);
    expect(unknown.status).toBe(404);
  });

  it('refuses an agent without the supervisor role, and anyone without credentials', async () => {
    const agent = await figures(agentToken);
    expect(agent.status).toBe(403);
    expect(agent.body.message).toContain('supervisor');
    expect((await figures(null)).status).toBe(401);
    expect((await figures('not-a-token')).status).toBe(401);
  });

  it('names the field of a bad query and how to fix it', async () => {
    const tooLong = await figures(parley.adminKey, '?hours=100');
    expect(tooLong).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(tooLong.body.message).toContain('hours');
    const tooFine = await figures(parley.adminKey, '?hours=72&bucketMinutes=1');
    expect(tooFine.status).toBe(400);
    expect(tooFine.body.message).toContain('bucketMinutes');
    const unknownField = await figures(parley.adminKey, '?hour=8');
    expect(unknownField.status).toBe(400);
  });
});
