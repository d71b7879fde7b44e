/**
 * Custom activities through the real server on both engines: `/v1/Activities` lists the
 * built-ins then custom ones, admins create, rename, change and delete them (built-ins and
 * activities with agents in them are refused), agents read the list and choose one over the
 * desk's socket, and routing offers chats to an agent in a custom activity that offers chats
 * but not to one on "Break".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerDTO } from '../../server/protocol.ts';
import { connectAgent, request, signIn } from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
type Json = any;

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

describe.each([
  ['SQLite', async () => startParley()],
  ['PostgreSQL', async () => startParley({ databaseUrl: await postgres.createDatabase() })],
])('custom activities on %s', (_engine, start) => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await start();
  }, 60_000);
  afterAll(() => parley?.stop());

  const created = async (path: string, body: unknown): Promise<Json> => {
    const res = await parley.api('POST', path, body);
    if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('creates, renames, changes and deletes custom activities, refusing what would break routing', async () => {
    const breakActivity = await created('/v1/Activities', { friendlyName: 'Break', available: false });
    expect(breakActivity).toMatchObject({
      friendlyName: 'Break',
      available: false,
      builtIn: false,
      workers: 0,
    });
    expect(breakActivity.sid).toMatch(/^WA[0-9a-f]{32}$/);

    const list = await parley.api('GET', '/v1/Activities');
    expect(list.body.activities.map((a: Json) => a.friendlyName)).toEqual([
      'Available',
      'Unavailable',
      'Offline',
      'Break',
    ]);

    const same = await parley.api('POST', '/v1/Activities', { friendlyName: 'break', available: true });
    expect(same.status).toBe(409);
    expect(same.body.message).toContain('friendlyName');
    const builtInName = await parley.api('POST', '/v1/Activities', {
      friendlyName: 'Offline',
      available: false,
    });
    expect(builtInName.status).toBe(409);
    const empty = await parley.api('POST', '/v1/Activities', { friendlyName: ' ', available: false });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain('friendlyName');
    const noAvailable = await parley.api('POST', '/v1/Activities', { friendlyName: 'Lunch' });
    expect(noAvailable.status).toBe(400);
    expect(noAvailable.body.message).toContain('available');

    const lunch = await created('/v1/Activities', { friendlyName: 'Lunch', available: false });
    const renamed = await parley.api('POST', `/v1/Activities/${lunch.sid}`, { friendlyName: 'Long lunch' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.friendlyName).toBe('Long lunch');
    const clash = await parley.api('POST', `/v1/Activities/${lunch.sid}`, { friendlyName: 'BREAK' });
    expect(clash.status).toBe(409);

    const offline = list.body.activities.find((a: Json) => a.friendlyName === 'Offline');
    const builtInDelete = await parley.api('DELETE', `/v1/Activities/${offline.sid}`);
    expect(builtInDelete.status).toBe(409);
    expect(builtInDelete.body.code).toBe('built_in');
    const builtInRename = await parley.api('POST', `/v1/Activities/${offline.sid}`, { friendlyName: 'Away' });
    expect(builtInRename.body.code).toBe('built_in');

    const worker = await created('/v1/Workers', { friendlyName: 'Quinn', activity: lunch.sid });
    expect(worker).toMatchObject({
      activity: 'Unavailable',
      activitySid: lunch.sid,
      activityName: 'Long lunch',
    });
    const inUse = await parley.api('DELETE', `/v1/Activities/${lunch.sid}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('activity_in_use');
    expect(inUse.body.message).toContain('1 agent is');

    await parley.api('POST', `/v1/Workers/${worker.sid}`, { activity: 'Offline' });
    const deleted = await parley.api('DELETE', `/v1/Activities/${lunch.sid}`);
    expect(deleted.status).toBe(204);
    expect((await parley.api('GET', `/v1/Activities/${lunch.sid}`)).status).toBe(404);

    const unknown = await parley.api('POST', `/v1/Workers/${worker.sid}`, { activity: lunch.sid });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_activity');
    const before = (await parley.api('GET', '/v1/Workers')).body.workers.length;
    const refusedCreate = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Ghost',
      activity: lunch.sid,
    });
    expect(refusedCreate.body.code).toBe('unknown_activity');
    expect((await parley.api('GET', '/v1/Workers')).body.workers.length).toBe(before);
    const nonsense = await parley.api('POST', `/v1/Workers/${worker.sid}`, { activity: 'Napping' });
    expect(nonsense.status).toBe(400);
    expect(nonsense.body.message).toContain('activity');

    const audit = await parley.api('GET', '/v1/AuditEvents');
    expect(JSON.stringify(audit.body)).toContain(lunch.sid);
  });

  it('offers chats to an agent in a custom activity that offers them, never to one on Break', async () => {
    const activities = (await parley.api('GET', '/v1/Activities')).body.activities as Json[];
    const breakSid = activities.find((a) => a.friendlyName === 'Break').sid;
    const focus = await created('/v1/Activities', { friendlyName: 'Focus', available: true });
    const ola = await created('/v1/Workers', { friendlyName: 'Ola', activity: breakSid, capacity: 1 });
    const pia = await created('/v1/Workers', { friendlyName: 'Pia', activity: 'Offline', capacity: 1 });

    const channel = await created('/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'visitor-1',
      taskAttributes: {},
    });
    await parley.server.core.idle();
    const offered = async () =>
      (await parley.api('GET', `/v1/Tasks/${channel.taskSid}/Reservations`)).body.reservations as Json[];
    expect(await offered()).toEqual([]);

    const moved = await parley.api('POST', `/v1/Workers/${pia.sid}`, { activity: focus.sid });
    expect(moved.body).toMatchObject({
      activity: 'Available',
      activitySid: focus.sid,
      activityName: 'Focus',
    });
    await parley.server.core.idle();
    expect((await offered()).map((r) => r.workerSid)).toEqual([pia.sid]);

    // Break starts offering chats: the agent in it is Available at once, under its new name.
    const changed = await parley.api('POST', `/v1/Activities/${breakSid}`, {
      friendlyName: 'Break (on call)',
      available: true,
    });
    expect(changed.body.workers).toBe(1);
    const after = (await parley.api('GET', `/v1/Workers/${ola.sid}`)).body;
    expect(after).toMatchObject({
      activity: 'Available',
      activitySid: breakSid,
      activityName: 'Break (on call)',
    });
    await parley.api('POST', `/v1/Activities/${breakSid}`, { friendlyName: 'Break', available: false });
    expect((await parley.api('GET', `/v1/Workers/${ola.sid}`)).body.activity).toBe('Unavailable');
  });

  it('lets an agent read the list and choose a custom activity over the desk socket', async () => {
    const session = await signIn(parley.url);
    const list = await fetch(`${parley.url}/v1/Activities`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(list.status).toBe(200);
    const breakSid = ((await list.json()) as Json).activities.find(
      (a: Json) => a.friendlyName === 'Break',
    ).sid;
    const create = await fetch(`${parley.url}/v1/Activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ friendlyName: 'Nap', available: false }),
    });
    expect(create.status).toBe(401);
    expect((await fetch(`${parley.url}/v1/Activities`)).status).toBe(401);

    const agent = await connectAgent(parley.url, session.token);
    try {
      const set = await request<{ ok: boolean; data?: WorkerDTO; error?: Json }>(agent, 'activity:set', {
        activity: breakSid,
      });
      expect(JSON.stringify(set)).toContain('"activityName":"Break"');
      const refused = await request<Json>(agent, 'activity:set', { activity: `WA${'0'.repeat(32)}` });
      expect(JSON.stringify(refused)).toContain('unknown_activity');
      const worker = (await parley.api('GET', `/v1/Workers/${session.worker.sid}`)).body;
      expect(worker).toMatchObject({ activity: 'Unavailable', activitySid: breakSid });
    } finally {
      agent.close();
    }
  });
});
