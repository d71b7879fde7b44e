/**
 * Admin access: console sessions for workers holding the admin role, the admin key beside
 * them, the audit log of every change, the bootstrap admin and `parley admin create-user`.
 * Real servers on port 0, real SQLite files, a real PostgreSQL for the two-node case.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { trackProcess } from '../helpers/processes.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const root = join(import.meta.dirname, '../..');
const ADMIN = { username: 'ops', password: 'correct horse battery' };

async function call(
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answers
): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function signIn(url: string, username: string, password: string) {
  return call(url, 'POST', '/v1/AdminSessions', undefined, { username, password });
}

describe('admin console sessions on a served (not demo) deployment', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startParley({ seedDemo: false, adminBootstrap: ADMIN, limits: { signInPerMinute: 1000 } });
  });
  afterAll(() => parley?.stop());

  it('creates the bootstrap admin, who signs in and uses the admin REST API with the session token', async () => {
    const session = await signIn(parley.url, ADMIN.username, ADMIN.password);
    expect(session.status).toBe(201);
    expect(session.body.worker.attributes.roles).toEqual(['admin']);
    const workers = await call(parley.url, 'GET', '/v1/Workers', session.body.token);
    expect(workers.status).toBe(200);
    expect(workers.body.workers.map((w: { username: string }) => w.username)).toEqual(['ops']);
  });

  it('refuses the console to a worker without the admin role, and its desk token on the admin API', async () => {
    await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Sam',
      username: 'sam',
      password: 'sam-password',
    });
    const refused = await signIn(parley.url, 'sam', 'sam-password');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('admin role');
    const agent = await call(parley.url, 'POST', '/v1/AgentSessions', undefined, {
      username: 'sam',
      password: 'sam-password',
    });
    expect(agent.status).toBe(201);
    const denied = await call(parley.url, 'GET', '/v1/Workers', agent.body.token);
    expect(denied.status).toBe(401);
    expect(denied.body.message).toContain('agent desktop session is not one');
    expect((await call(parley.url, 'GET', '/v1/Workers', 'not-a-token')).status).toBe(401);
  });

  it("refuses an admin's own desk token, and a console session once the admin role is taken away", async () => {
    const made = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Lee',
      username: 'lee',
      password: 'lee-password-long',
      attributes: { roles: ['agent', 'admin'] },
    });
    const desk = await call(parley.url, 'POST', '/v1/AgentSessions', undefined, {
      username: 'lee',
      password: 'lee-password-long',
    });
    expect((await call(parley.url, 'GET', '/v1/Workers', desk.body.token)).status).toBe(401);
    const { token } = (await signIn(parley.url, 'lee', 'lee-password-long')).body;
    expect((await call(parley.url, 'GET', '/v1/Workers', token)).status).toBe(200);
    await parley.api('POST', `/v1/Workers/${made.body.sid}`, { attributes: { roles: ['agent'] } });
    const demoted = await call(parley.url, 'GET', '/v1/Workers', token);
    expect(demoted.status).toBe(403);
    expect(demoted.body.message).toContain('admin role');
  });

  it('does not treat a worker named "agent" as an admin outside demo mode', async () => {
    await parley.api('POST', '/v1/Workers', { friendlyName: 'Agent', username: 'agent', password: 'agent' });
    expect((await signIn(parley.url, 'agent', 'agent')).status).toBe(403);
  });

  it('writes who changed what, when, before and after, for the console and the admin key alike', async () => {
    const { token, worker } = (await signIn(parley.url, ADMIN.username, ADMIN.password)).body;
    const created = await call(parley.url, 'POST', '/v1/TaskQueues', token, {
      friendlyName: 'Billing',
      targetWorkers: "skills HAS 'billing'",
    });
    expect(created.status).toBe(201);
    const queueSid = created.body.sid;
    await call(parley.url, 'POST', `/v1/TaskQueues/${queueSid}`, token, { friendlyName: 'Billing desk' });
    await parley.api('DELETE', `/v1/TaskQueues/${queueSid}`);

    const log = await call(parley.url, 'GET', `/v1/AuditEvents?resourceSid=${queueSid}`, token);
    expect(log.status).toBe(200);
    const [deleted, updated, made] = log.body.auditEvents;
    expect(made).toMatchObject({
      action: 'create',
      resourceType: 'TaskQueues',
      actor: { kind: 'worker', workerSid: worker.sid, name: 'ops' },
      before: null,
      after: { friendlyName: 'Billing' },
    });
    expect(updated).toMatchObject({
      action: 'update',
      request: `POST /v1/TaskQueues/${queueSid}`,
      before: { friendlyName: 'Billing' },
      after: { friendlyName: 'Billing desk' },
    });
    expect(deleted).toMatchObject({
      action: 'delete',
      actor: { kind: 'admin_key', name: 'admin key' },
      before: { friendlyName: 'Billing desk' },
      after: null,
    });
    expect(Date.parse(deleted.dateCreated)).toBeGreaterThanOrEqual(Date.parse(made.dateCreated));
  });

  it('keeps passwords out of the log and leaves failed changes out of it', async () => {
    const made = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Kim',
      username: 'kim',
      password: 'kim-password',
    });
    await parley.api('POST', `/v1/Workers/${made.body.sid}`, { password: 'another-password' });
    const refused = await parley.api('POST', `/v1/Workers/${made.body.sid}`, { capacity: -1 });
    expect(refused.status).toBe(400);
    const log = await parley.api('GET', `/v1/AuditEvents?resourceSid=${made.body.sid}`);
    expect(log.body.auditEvents.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    expect(JSON.stringify(log.body)).not.toMatch(/kim-password|another-password|passwordHash/);
  });

  it('tries a flow against visitor lines without storing anything or writing the audit log', async () => {
    const before = (await parley.api('GET', '/v1/AuditEvents?limit=1')).body.auditEvents[0]?.sid;
    const definition = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          properties: {},
          transitions: [{ event: 'incomingMessage', next: 'Ask' }],
        },
        {
          name: 'Ask',
          type: 'send-and-wait-for-reply',
          properties: { body: 'Your order number?', timeout: '60' },
          transitions: [{ event: 'incomingMessage', next: 'Thanks' }],
        },
        {
          name: 'Thanks',
          type: 'send-message',
          properties: { body: 'Thanks, {{widgets.Ask.inbound.Body}}' },
          transitions: [],
        },
      ],
    };
    const tried = await parley.api('POST', '/v1/Flows/simulate', { definition, script: ['hi', '10001'] });
    expect(tried.status).toBe(200);
    expect(tried.body.transcript).toEqual(
      expect.arrayContaining([
        'Visitor: hi',
        'bot: Your order number?',
        'Visitor: 10001',
        'bot: Thanks, 10001',
      ]),
    );
    expect(tried.body.status).toBe('ended');
    const broken = await parley.api('POST', '/v1/Flows/simulate', {
      definition: { states: [] },
      script: ['hi'],
    });
    expect(broken.status).toBe(400);
    expect(broken.body.message).toContain('body.definition');
    const noLines = await parley.api('POST', '/v1/Flows/simulate', { definition, script: [] });
    expect(noLines.body.message).toContain('visitor line');
    expect((await parley.api('GET', '/v1/Flows')).body.flows).toEqual([]);
    expect((await parley.api('GET', '/v1/AuditEvents?limit=1')).body.auditEvents[0]?.sid).toBe(before);
  });

  it('pages the log and names a bad query parameter', async () => {
    const page = await parley.api('GET', '/v1/AuditEvents?limit=2');
    expect(page.body.auditEvents).toHaveLength(2);
    const next = await parley.api('GET', `/v1/AuditEvents?limit=2&before=${page.body.meta.nextBefore}`);
    expect(next.body.auditEvents[0].sid).not.toBe(page.body.auditEvents[1].sid);
    const bad = await parley.api('GET', '/v1/AuditEvents?limt=2');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('limit');
  });

  it('ends the console session at once when the admin is deleted', async () => {
    const made = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Temp admin',
      username: 'temp-admin',
      password: 'temp-admin-password',
      attributes: { roles: ['admin'] },
    });
    const { token } = (await signIn(parley.url, 'temp-admin', 'temp-admin-password')).body;
    expect((await call(parley.url, 'GET', '/v1/TaskQueues', token)).status).toBe(200);
    await parley.api('DELETE', `/v1/Workers/${made.body.sid}`);
    expect((await call(parley.url, 'GET', '/v1/TaskQueues', token)).status).toBe(401);
  });
});

describe('the demo', () => {
  it("lets the demo's agent into the console", async () => {
    const parley = await startParley();
    try {
      expect((await signIn(parley.url, 'agent', 'agent')).status).toBe(201);
    } finally {
      await parley.stop();
    }
  });
});

describe('the bootstrap admin', () => {
  it('is created once: a later start with another bootstrap value creates nobody', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-admin-'));
    try {
      const first = await startParley({ seedDemo: false, adminBootstrap: ADMIN, keepDataDir: dataDir });
      await first.stop();
      const second = await startParley({
        seedDemo: false,
        keepDataDir: dataDir,
        adminBootstrap: { username: 'intruder', password: 'intruder-password' },
      });
      try {
        const workers = await second.api('GET', '/v1/Workers');
        expect(workers.body.workers.map((w: { username: string }) => w.username)).toEqual(['ops']);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('parley admin create-user', () => {
  function run(args: string[], env: Record<string, string>, stdin = '') {
    const child = spawn(process.execPath, ['bin/parley.js', 'admin', ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    trackProcess(child, 'parley admin');
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.stdin.end(stdin);
    return new Promise<{ code: number | null; output: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, output })),
    );
  }

  it('creates an admin who can sign in, reading the password from stdin, and refuses a short one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-admin-cli-'));
    try {
      const short = await run(['create-user', '--username', 'root'], { PARLEY_DATA_DIR: dataDir }, 'short\n');
      expect(short.code).toBe(1);
      expect(short.output).toContain('at least 10 characters');
      const onCommandLine = await run(['create-user', '--username', 'root', '--password', 'x'], {
        PARLEY_DATA_DIR: dataDir,
      });
      expect(onCommandLine.code).toBe(2);
      expect(onCommandLine.output).toContain('PARLEY_ADMIN_PASSWORD');
      const nameless = await run(['create-user'], { PARLEY_DATA_DIR: dataDir });
      expect(nameless.code).toBe(2);
      expect(nameless.output).toContain('parley admin: --username is missing');
      const made = await run(
        ['create-user', '--username', 'root', '--name', 'Rita Root'],
        { PARLEY_DATA_DIR: dataDir },
        'a-long-enough-password\n',
      );
      expect(made.output).toContain('Created admin root');
      expect(made.code).toBe(0);
      const parley = await startParley({ seedDemo: false, keepDataDir: dataDir });
      try {
        const session = await signIn(parley.url, 'root', 'a-long-enough-password');
        expect(session.status).toBe(201);
        expect(session.body.worker.friendlyName).toBe('Rita Root');
      } finally {
        await parley.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('on two nodes over PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(() => postgres?.stop());

  it('a session signed in on one node changes things on the other, and both read the same log', async () => {
    const databaseUrl = await postgres.createDatabase();
    const a = await startParley({ seedDemo: false, databaseUrl, adminBootstrap: ADMIN });
    const b = await startParley({ seedDemo: false, databaseUrl, adminBootstrap: ADMIN });
    try {
      const { token } = (await signIn(a.url, ADMIN.username, ADMIN.password)).body;
      const made = await call(b.url, 'POST', '/v1/TaskQueues', token, {
        friendlyName: 'Sales',
        targetWorkers: '1==1',
      });
      expect(made.status).toBe(201);
      const log = await call(a.url, 'GET', '/v1/AuditEvents', token);
      expect(log.body.auditEvents.map((e: { action: string }) => e.action)).toEqual(['create', 'sign_in']);
      expect(log.body.auditEvents[0].after.friendlyName).toBe('Sales');
      expect((await b.api('GET', '/v1/Workers')).body.workers).toHaveLength(1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
