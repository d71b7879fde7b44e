/**
 * Ratings and a returning visitor's history through the real app on both engines: a visitor
 * rates their ended chat once (on the task as attributes.csat, in /v1/Ratings with the
 * figures); an anonymous visitor's next chat reads no history; tokens of other visitors,
 * other Flex Flows and foreign origins are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDTO } from '../../server/protocol.ts';
import { connectVisitor, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
type Json = any;

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

async function visitorCall(parley: TestParley, path: string, body: unknown, origin = parley.url) {
  const res = await fetch(`${parley.url}/v1/WebChannels/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function createFlow(parley: TestParley, widgetConfig: Record<string, unknown> = {}) {
  const { status, body } = await parley.api<Json>('POST', '/v1/FlexFlows', {
    friendlyName: `Ratings ${Math.random().toString(36).slice(2, 8)}`,
    channelType: 'web',
    contactIdentity: `ratings-${Math.random().toString(36).slice(2, 8)}`,
    enabled: true,
    integrationType: 'task',
    allowedOrigins: ['self'],
    widgetConfig,
  });
  expect(status).toBe(201);
  return body.sid as string;
}

describe.each([
  ['SQLite', async () => startParley()],
  ['PostgreSQL', async () => startParley({ databaseUrl: await postgres.createDatabase() })],
])('ratings and history on %s', (_engine, start) => {
  let parley: TestParley;
  let flow: string;
  const sockets: VisitorSocket[] = [];

  /** A visitor who wrote `body` (which creates the task) on `flexFlowSid`. */
  async function chat(flexFlowSid: string, body: string, token?: string) {
    const session = await openWebChannel(parley.url, { flexFlowSid, ...(token && { token }) });
    const socket = await connectVisitor(parley.url, session.token);
    sockets.push(socket);
    await request(socket, 'message:send', { clientId: `c-${Math.random()}`, body });
    const taskSidOf = async () =>
      (await parley.api<Json>('GET', `/v1/Channels/${session.channelSid}`)).body.attributes?.taskSid;
    await expect.poll(taskSidOf).toMatch(/^WT/);
    const task = (await parley.api<Json>('GET', `/v1/Tasks/${await taskSidOf()}`)).body as TaskDTO;
    return { ...session, socket, task };
  }

  beforeAll(async () => {
    parley = await start();
    flow = await createFlow(parley);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await parley?.stop();
  });

  it('takes one rating of an ended chat, keeps it on the task and counts it for supervisors', async () => {
    const ada = await chat(flow, 'Where is my parcel?');
    const early = await visitorCall(parley, 'Ratings', { token: ada.token, score: 4 });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('chat_active');

    expect(await request(ada.socket, 'chat:end')).toEqual({ ok: true });
    const wrong = await visitorCall(parley, 'Ratings', { token: ada.token, score: 6 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('score');

    const rated = await visitorCall(parley, 'Ratings', {
      token: ada.token,
      score: 4,
      comment: ' Quick and kind ',
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({
      taskSid: ada.task.sid,
      channelSid: ada.channelSid,
      flexFlowSid: flow,
    });
    expect(rated.body).toMatchObject({ score: 4, comment: 'Quick and kind' });

    const again = await visitorCall(parley, 'Ratings', { token: ada.token, score: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_rated');

    const task = await parley.api<Json>('GET', `/v1/Tasks/${ada.task.sid}`);
    expect(task.body.attributes.csat).toEqual({ score: 4, comment: 'Quick and kind' });

    const bea = await chat(flow, 'Can I return shoes?');
    await request(bea.socket, 'chat:end');
    expect((await visitorCall(parley, 'Ratings', { token: bea.token, score: 2 })).status).toBe(201);

    const list = await parley.api<Json>('GET', `/v1/Ratings?flexFlowSid=${flow}`);
    expect(list.status).toBe(200);
    expect(list.body.ratings.map((r: Json) => r.score)).toEqual([2, 4]);
    expect(list.body.meta).toMatchObject({
      count: 2,
      average: 3,
      distribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 0 },
    });
    const otherFlow = await parley.api<Json>('GET', `/v1/Ratings?flexFlowSid=${await createFlow(parley)}`);
    expect(otherFlow.body.meta).toMatchObject({ count: 0, average: null });
    const bad = await parley.api<Json>('GET', '/v1/Ratings?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('since');
  });

  it("forgets a rating, comment and all, when the customer's contact is erased", async () => {
    const own = await createFlow(parley);
    const cy = await chat(own, 'Please forget me afterwards');
    await request(cy.socket, 'chat:end');
    const rated = await visitorCall(parley, 'Ratings', {
      token: cy.token,
      score: 5,
      comment: 'Cy from Leeds',
    });
    expect(rated.status).toBe(201);
    expect((await parley.api<Json>('GET', `/v1/Ratings?flexFlowSid=${own}`)).body.meta.count).toBe(1);
    expect((await parley.api('DELETE', `/v1/Contacts/${cy.contactSid}`)).status).toBeLessThan(300);
    const after = await parley.api<Json>('GET', `/v1/Ratings?flexFlowSid=${own}`);
    expect(after.body.ratings).toEqual([]);
  });

  it('refuses ratings from a foreign origin, a bad token, and on a Flex Flow that asks for none', async () => {
    const cy = await chat(flow, 'Hello');
    await request(cy.socket, 'chat:end');
    const foreign = await visitorCall(
      parley,
      'Ratings',
      { token: cy.token, score: 5 },
      'https://evil.example',
    );
    expect(foreign.status).toBe(403);
    const forged = await visitorCall(parley, 'Ratings', { token: `${cy.token}x`, score: 5 });
    expect(forged.status).toBe(401);
    expect(forged.body.message).toContain('token');

    const quiet = await createFlow(parley, { rating: { enabled: false } });
    const dee = await chat(quiet, 'Hello');
    await request(dee.socket, 'chat:end');
    const off = await visitorCall(parley, 'Ratings', { token: dee.token, score: 5 });
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('ratings_disabled');
  });

  it("gives an anonymous returning visitor's widget no history, only the chat they are in", async () => {
    const first = await chat(flow, 'My first question');
    await request(first.socket, 'chat:end');
    const second = await chat(flow, 'Back again', first.token);
    expect(second.channelSid).not.toBe(first.channelSid);
    expect(second.contactSid).toBe(first.contactSid);

    // Verified users read theirs (earlier-conversations.test.ts); a browser's stored token does not.
    const history = await visitorCall(parley, 'History', { token: second.token });
    expect(history.status).toBe(200);
    expect(history.body.conversations).toEqual([]);
    const foreign = await visitorCall(parley, 'History', { token: second.token }, 'https://evil.example');
    expect(foreign.status).toBe(403);
    const forged = await visitorCall(parley, 'History', { token: `${second.token}x` });
    expect(forged.status).toBe(401);
  });
});
