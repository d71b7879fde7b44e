/**
 * `/v1/ApiKeys` through the real Express app on both engines: a key is created with its secret
 * answered once, authenticates as Bearer and as Twilio's Basic `SK…:secret` wherever the admin
 * key does, and stops at once when revoked, on every node sharing the store. Creation and
 * revocation are in the audit log without the secret; the official `twilio` library works
 * with a key as Twilio's documentation shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
type Json = any;

const ACCOUNT_SID = `AC${'5678abcd'.repeat(4)}`;
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(url: string, authorization: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(authorization && { authorization }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

describe.each([
  ['SQLite', async () => startParley()],
  ['PostgreSQL', async () => startParley({ databaseUrl: await postgres.createDatabase() })],
])('API keys on %s', (_engine, start) => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await start();
  }, 60_000);
  afterAll(() => parley?.stop());

  it('answers the secret once, works as Bearer and Basic, and stops at once when revoked', async () => {
    const created = await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'billing sync' });
    expect(created.status).toBe(201);
    const { sid, secret } = created.body;
    expect(sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ friendlyName: 'billing sync', dateLastUsed: null });

    const listed = await parley.api('GET', '/v1/ApiKeys');
    expect(listed.body.apiKeys).toEqual([expect.objectContaining({ sid, friendlyName: 'billing sync' })]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify((await parley.api('GET', `/v1/ApiKeys/${sid}`)).body)).not.toContain(secret);

    const bearer = await call(parley.url, `Bearer ${secret}`, 'GET', '/v1/Workers');
    expect(bearer.status).toBe(200);
    expect(bearer.body.workers.length).toBeGreaterThan(0);
    const viaBasic = await call(parley.url, basic(sid, secret), 'GET', '/v1/Workspaces');
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body.workspaces).toHaveLength(1);
    // Staff routes that take the admin key take a key too.
    expect((await call(parley.url, `Bearer ${secret}`, 'GET', '/v1/CannedResponses')).status).toBe(200);
    const metrics = await fetch(`${parley.url}/metrics`, { headers: { authorization: `Bearer ${secret}` } });
    expect(metrics.status).toBe(200);
    expect((await parley.api('GET', `/v1/ApiKeys/${sid}`)).body.dateLastUsed).not.toBeNull();

    // The secret is bound to its own SID, and a wrong secret is no key.
    const other = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'other' })).body;
    expect((await call(parley.url, basic(other.sid, secret), 'GET', '/v1/Workspaces')).status).toBe(401);
    expect((await call(parley.url, `Bearer ${'x'.repeat(43)}`, 'GET', '/v1/Workers')).status).toBe(401);

    expect((await parley.api('DELETE', `/v1/ApiKeys/${sid}`)).status).toBe(204);
    const refusedBearer = await call(parley.url, `Bearer ${secret}`, 'GET', '/v1/Workers');
    expect(refusedBearer).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    const refusedBasic = await call(parley.url, basic(sid, secret), 'GET', '/v1/Workspaces');
    expect(refusedBasic).toMatchObject({ status: 401, body: { code: 20003 } });
    // The other key still works; revoking it twice is a 404 naming how to list keys.
    expect((await call(parley.url, `Bearer ${other.secret}`, 'GET', '/v1/Workers')).status).toBe(200);
    expect((await parley.api('GET', '/v1/ApiKeys')).body.apiKeys.map((k: Json) => k.sid)).toEqual([
      other.sid,
    ]);
    const again = await parley.api('DELETE', `/v1/ApiKeys/${sid}`);
    expect(again).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(again.body.message).toContain('GET /v1/ApiKeys');
  });

  it('keeps API keys from creating, listing or revoking API keys, as Bearer or Basic', async () => {
    const { sid, secret } = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'leaky' })).body;
    const message = 'API keys cannot manage API keys; use the admin key or the admin console';
    for (const authorization of [`Bearer ${secret}`, basic(sid, secret), `bearer ${secret}`]) {
      const minted = await call(parley.url, authorization, 'POST', '/v1/ApiKeys', {
        friendlyName: 'replacement',
      });
      expect(minted).toMatchObject({ status: 403, body: { code: 'forbidden', message } });
      expect((await call(parley.url, authorization, 'GET', '/v1/ApiKeys')).status).toBe(403);
      expect((await call(parley.url, authorization, 'GET', `/v1/ApiKeys/${sid}`)).status).toBe(403);
      expect((await call(parley.url, authorization, 'DELETE', `/v1/ApiKeys/${sid}`)).status).toBe(403);
      // The same credentials still reach every other admin resource.
      expect((await call(parley.url, authorization, 'GET', '/v1/Workers')).status).toBe(200);
    }
    const names = (await parley.api('GET', '/v1/ApiKeys')).body.apiKeys.map((k: Json) => k.friendlyName);
    expect(names).toContain('leaky');
    expect(names).not.toContain('replacement');

    // An admin console session manages keys as the admin key does.
    const session = await call(parley.url, null, 'POST', '/v1/AdminSessions', {
      username: 'agent',
      password: 'agent',
    });
    expect(session.status).toBe(201);
    const byConsole = `Bearer ${session.body.token}`;
    expect((await call(parley.url, byConsole, 'DELETE', `/v1/ApiKeys/${sid}`)).status).toBe(204);
    const made = await call(parley.url, byConsole, 'POST', '/v1/ApiKeys', { friendlyName: 'console made' });
    expect(made.status).toBe(201);
    expect((await parley.api('DELETE', `/v1/ApiKeys/${made.body.sid}`)).status).toBe(204);
  });

  it('takes the Basic and Bearer schemes in any case, as RFC 7617 and RFC 7235 say', async () => {
    const { sid, secret } = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'lowercase' })).body;
    const encoded = Buffer.from(`${sid}:${secret}`).toString('base64');
    for (const scheme of ['basic', 'BASIC', 'Basic']) {
      expect((await call(parley.url, `${scheme} ${encoded}`, 'GET', '/v1/Workers')).status).toBe(200);
    }
    const adminEncoded = Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64');
    expect((await call(parley.url, `basic ${adminEncoded}`, 'GET', '/v1/ApiKeys')).status).toBe(200);
    expect((await call(parley.url, `BEARER ${parley.adminKey}`, 'GET', '/v1/ApiKeys')).status).toBe(200);
    const wrong = `basic ${Buffer.from(`${sid}:wrong`).toString('base64')}`;
    expect((await call(parley.url, wrong, 'GET', '/v1/Workers')).status).toBe(401);
    await parley.api('DELETE', `/v1/ApiKeys/${sid}`);
  });

  it('writes creation, use and revocation to the audit log without the secret', async () => {
    const { sid, secret } = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'audited' })).body;
    const queue = await call(parley.url, `Bearer ${secret}`, 'POST', '/v1/TaskQueues', {
      friendlyName: 'Keyed queue',
      targetWorkers: '1==1',
    });
    expect(queue.status).toBe(201);
    await parley.api('DELETE', `/v1/ApiKeys/${sid}`);
    const events = (await parley.api('GET', `/v1/AuditEvents?resourceSid=${sid}`)).body.auditEvents;
    expect(events.map((e: Json) => e.action)).toEqual(['delete', 'create']);
    expect(events[1]).toMatchObject({
      resourceType: 'ApiKeys',
      actor: { kind: 'admin_key' },
      after: { sid, friendlyName: 'audited', secret: '[redacted]' },
    });
    expect(events[0]).toMatchObject({ before: { sid, friendlyName: 'audited' }, after: null });
    expect(JSON.stringify(events)).not.toContain(secret);
    const byKey = (await parley.api('GET', `/v1/AuditEvents?resourceSid=${queue.body.sid}`)).body.auditEvents;
    expect(byKey[0].actor).toEqual({ kind: 'api_key', workerSid: null, name: `API key "audited" (${sid})` });
  });

  it('refuses a key without a name, and an unknown field, naming the field', async () => {
    const unnamed = await parley.api('POST', '/v1/ApiKeys', { friendlyName: '  ' });
    expect(unnamed).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(unnamed.body.message).toContain('body.friendlyName');
    const typo = await parley.api('POST', '/v1/ApiKeys', { friendlyname: 'x' });
    expect(typo.body.message).toContain('did you mean friendlyName?');
    expect((await parley.api('GET', '/v1/ApiKeys/SK123')).body.message).toContain('path.sid');
  });

  it('lets the twilio library authenticate with a key, as Twilio documents it', async () => {
    const { sid, secret } = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'twilio lib' })).body;
    const client = twilioAt(parley.url, sid, secret, ACCOUNT_SID);
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    expect(workspace?.sid).toMatch(/^WS/);
    const worker = await client.taskrouter.v1
      .workspaces(workspace?.sid as string)
      .workers.create({ friendlyName: 'Keyed Worker' });
    // TaskRouter's paths name no account: Parley answers with its own, as for any Basic SK… caller.
    expect(worker.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(worker.friendlyName).toBe('Keyed Worker');
    await parley.api('DELETE', `/v1/ApiKeys/${sid}`);
    await expect(client.taskrouter.v1.workspaces.list()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});

describe('API keys on two nodes sharing PostgreSQL', () => {
  let a: TestParley;
  let b: TestParley;
  beforeAll(async () => {
    const databaseUrl = await postgres.createDatabase();
    a = await startParley({ databaseUrl });
    b = await startParley({ databaseUrl, seedDemo: false });
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('refuses a key on every node as soon as one node revokes it', async () => {
    const { sid, secret } = (await a.api('POST', '/v1/ApiKeys', { friendlyName: 'both nodes' })).body;
    expect((await call(b.url, `Bearer ${secret}`, 'GET', '/v1/Workers')).status).toBe(200);
    expect((await call(b.url, basic(sid, secret), 'GET', '/v1/Workspaces')).status).toBe(200);
    expect((await a.api('DELETE', `/v1/ApiKeys/${sid}`)).status).toBe(204);
    expect((await call(b.url, `Bearer ${secret}`, 'GET', '/v1/Workers')).status).toBe(401);
    expect((await call(b.url, basic(sid, secret), 'GET', '/v1/Workspaces')).status).toBe(401);
  });
});
