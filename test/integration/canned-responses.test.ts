/**
 * `/v1/CannedResponses` through the real Express app on both engines: the admin key manages
 * the shared library and any agent's replies; an agent's session token reads the shared ones
 * and manages only their own; shortcuts are unique per owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
type Json = any;

async function call(parley: TestParley, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(parley.url + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Json };
}

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

describe.each([
  ['SQLite', async () => startParley()],
  ['PostgreSQL', async () => startParley({ databaseUrl: await postgres.createDatabase() })],
])('canned responses on %s', (_engine, start) => {
  let parley: TestParley;
  let alex: string;
  let blake: string;
  let alexSid: string;

  beforeAll(async () => {
    parley = await start();
    const session = await signIn(parley.url);
    alex = session.token;
    alexSid = session.worker.sid;
    const created = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Blake Reed',
      username: 'blake',
      password: 'blake-password',
    });
    expect(created.status).toBe(201);
    blake = (await signIn(parley.url, 'blake', 'blake-password')).token;
  }, 60_000);
  afterAll(() => parley?.stop());

  it('keeps a shared library the admin key manages and every agent reads', async () => {
    const refund = await call(parley, parley.adminKey, 'POST', '/v1/CannedResponses', {
      shortcut: 'refund',
      title: 'Refund policy',
      body: 'Hi {{customer.name}}, refunds take 5 days. {{agent.name}}',
    });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ shortcut: 'refund', workerSid: null });
    expect(refund.body.sid).toMatch(/^CR[0-9a-f]{32}$/);

    const seen = await call(parley, blake, 'GET', '/v1/CannedResponses');
    expect(seen.status).toBe(200);
    expect(seen.body.cannedResponses.map((r: Json) => r.shortcut)).toEqual(['refund']);
    expect(seen.body.meta.pageSize).toBe(1);

    const again = await call(parley, parley.adminKey, 'POST', '/v1/CannedResponses', {
      shortcut: 'refund',
      title: 'Another',
      body: 'x',
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('/refund');
  });

  it('gives each agent their own replies, which other agents neither see nor change', async () => {
    const mine = await call(parley, alex, 'POST', '/v1/CannedResponses', {
      shortcut: 'hello',
      title: 'Greeting',
      body: 'Hello, I am {{agent.name}}',
    });
    expect(mine.status).toBe(201);
    expect(mine.body.workerSid).toBe(alexSid);
    // An agent's own may reuse a shared shortcut.
    const own = await call(parley, alex, 'POST', '/v1/CannedResponses', {
      shortcut: 'refund',
      title: 'My refund text',
      body: 'Refunds: 5 working days',
    });
    expect(own.status).toBe(201);

    const alexList = await call(parley, alex, 'GET', '/v1/CannedResponses');
    expect(alexList.body.cannedResponses.map((r: Json) => [r.shortcut, r.workerSid])).toEqual([
      ['hello', alexSid],
      ['refund', null],
      ['refund', alexSid],
    ]);
    const blakeList = await call(parley, blake, 'GET', '/v1/CannedResponses');
    expect(blakeList.body.cannedResponses.map((r: Json) => r.shortcut)).toEqual(['refund']);

    expect((await call(parley, blake, 'GET', `/v1/CannedResponses/${mine.body.sid}`)).status).toBe(404);
    expect(
      (await call(parley, blake, 'POST', `/v1/CannedResponses/${mine.body.sid}`, { title: 'x' })).status,
    ).toBe(404);
    expect((await call(parley, blake, 'DELETE', `/v1/CannedResponses/${mine.body.sid}`)).status).toBe(404);

    const changed = await call(parley, alex, 'PATCH', `/v1/CannedResponses/${mine.body.sid}`, {
      title: 'Hi',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ title: 'Hi', shortcut: 'hello' });

    const all = await call(parley, parley.adminKey, 'GET', `/v1/CannedResponses?workerSid=${alexSid}`);
    expect(all.body.cannedResponses).toHaveLength(3);

    expect((await call(parley, alex, 'DELETE', `/v1/CannedResponses/${own.body.sid}`)).status).toBe(204);
    expect((await call(parley, alex, 'GET', `/v1/CannedResponses/${own.body.sid}`)).status).toBe(404);
  });

  it('lets agents read the shared library but not change it, nor write as another agent', async () => {
    const shared = (await call(parley, blake, 'GET', '/v1/CannedResponses')).body.cannedResponses[0];
    const edit = await call(parley, blake, 'POST', `/v1/CannedResponses/${shared.sid}`, { body: 'changed' });
    expect(edit.status).toBe(403);
    expect((await call(parley, blake, 'DELETE', `/v1/CannedResponses/${shared.sid}`)).status).toBe(403);
    const asAlex = await call(parley, blake, 'POST', '/v1/CannedResponses', {
      shortcut: 'sneaky',
      title: 'x',
      body: 'x',
      workerSid: alexSid,
    });
    expect(asAlex.status).toBe(403);
    expect(asAlex.body.message).toContain('workerSid');
  });

  it('refuses requests without a credential, and bad fields by name', async () => {
    expect((await call(parley, null, 'GET', '/v1/CannedResponses')).status).toBe(401);
    expect((await call(parley, 'not-a-token', 'GET', '/v1/CannedResponses')).status).toBe(401);

    const spaced = await call(parley, alex, 'POST', '/v1/CannedResponses', {
      shortcut: 'Refund Policy',
      title: 'x',
      body: 'x',
    });
    expect(spaced.status).toBe(400);
    expect(spaced.body.message).toContain('body.shortcut');
    expect(spaced.body.message).toContain('lowercase');

    const typo = await call(parley, alex, 'POST', '/v1/CannedResponses', {
      shortcut: 'a',
      title: 'x',
      bdy: 'x',
    });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain('body.bdy');

    const unknownWorker = await call(parley, parley.adminKey, 'POST', '/v1/CannedResponses', {
      shortcut: 'ok',
      title: 'x',
      body: 'x',
      workerSid: `WK${'0'.repeat(32)}`,
    });
    expect(unknownWorker.status).toBe(404);
  });
});
