/**
 * Settings and data an admin manages from the console: the retention policy (stored for every
 * node, the environment as default, validated, audited) and finding a contact by email, phone
 * or identity for a privacy request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetention } from '../../server/core/retention.ts';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import { openWebChannel } from '../helpers/clients.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { webFlexFlow } from '../helpers/records.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley({ retentionDays: 90 });
});
afterAll(async () => {
  await parley.stop();
});

describe('retention settings', () => {
  it('starts from PARLEY_RETENTION_DAYS, is set by an admin for every node, and says what it deletes', async () => {
    expect((await parley.api('GET', '/v1/Settings/Retention')).body).toEqual({
      days: 90,
      source: 'environment',
      defaultDays: 90,
      description: 'Conversations idle for more than 90 days are deleted, with their messages and files',
      expiredNow: 0,
    });
    const set = await parley.api('POST', '/v1/Settings/Retention', { days: 30 });
    expect(set).toMatchObject({ status: 200, body: { days: 30, source: 'settings', defaultDays: 90 } });
    expect(set.body.description).toMatch(/more than 30 days/);
    // A second node on the same database sees the admin's setting.
    const other = await startParley({ keepDataDir: parley.dataDir, retentionDays: 90 });
    try {
      expect((await other.api('GET', '/v1/Settings/Retention')).body).toMatchObject({
        days: 30,
        source: 'settings',
      });
    } finally {
      await other.stop();
    }
    const kept = await parley.api('POST', '/v1/Settings/Retention', { days: null });
    expect(kept.body).toMatchObject({
      days: null,
      description: 'Conversations are kept until they are erased by hand',
    });
    const { body: audit } = await parley.api('GET', '/v1/AuditEvents?resourceSid=Retention');
    expect(audit.auditEvents.map((e: { after: { days: number | null } }) => e.after.days)).toEqual([
      null,
      30,
    ]);
    expect(audit.auditEvents[0]).toMatchObject({ action: 'update', resourceType: 'Settings' });
  });

  it('refuses days outside 1–3650, naming the field', async () => {
    for (const days of [0, 3651, 1.5, '30']) {
      const res = await parley.api('POST', '/v1/Settings/Retention', { days });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^body\.days: /);
    }
    expect((await parley.api('POST', '/v1/Settings/Retention', { dayz: 3 })).body.message).toMatch(
      /body\.dayz is not a field.*did you mean days\?/,
    );
  });

  it('sweeps with the stored setting rather than the default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-retention-setting-'));
    let now = new Date('2026-01-01T10:00:00Z');
    const clock = () => now;
    const store = createSqliteStore({ file: join(dir, 'r.db'), clock });
    try {
      const flexFlow = await store.flexFlows.create(webFlexFlow({ friendlyName: 'Web', allowedOrigins: [] }));
      const contact = await store.contacts.create({ identity: 'v-old', friendlyName: 'Old' });
      const channel = await store.channels.create({
        flexFlowSid: flexFlow.sid,
        contactSid: contact.sid,
        friendlyName: 'Old',
        attributes: { from: 'Old', channelType: 'web' },
      });
      now = new Date('2026-01-11T10:00:00Z');
      const retention = createRetention({ store, clock, log: pino({ level: 'silent' }), days: 30 });
      expect(await retention.sweep()).toBe(0);
      expect((await retention.setDays(7)).expiredNow).toBe(1);
      expect(await retention.sweep()).toBe(1);
      expect(await store.channels.get(channel.sid)).toBeNull();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('privacy lookup', () => {
  it('finds a contact by email whatever its case, with its conversations counted', async () => {
    const session = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: 'Ana',
      preEngagementData: { email: 'Ana.Lopez@Example.com' },
    });
    const { body } = await parley.api('GET', '/v1/Contacts?email=ana.lopez%40EXAMPLE.com');
    expect(body.contacts).toEqual([
      expect.objectContaining({
        identity: session.identity,
        friendlyName: 'Ana',
        conversations: 1,
        matchedBy: 'pre-engagement form (unverified)',
      }),
    ]);
    const byIdentity = await parley.api(
      'GET',
      `/v1/Contacts?identity=${encodeURIComponent(session.identity)}`,
    );
    expect(byIdentity.body.contacts).toEqual([
      expect.objectContaining({ sid: body.contacts[0].sid, matchedBy: 'verified identity' }),
    ]);
    expect((await parley.api('GET', '/v1/Contacts?email=nobody%40example.com')).body.contacts).toEqual([]);
  });

  it('finds a phone contact however the number is written', async () => {
    const core = parley.server.core;
    const sms = await core.store.contacts.create({
      identity: 'whatsapp:+15550102030',
      friendlyName: 'Ben',
      address: 'whatsapp:+15550102030',
    });
    await core.store.contacts.create({
      identity: 'v-phone',
      friendlyName: 'Cy',
      attributes: { phone: '+44 20 7946 0018' },
    });
    for (const phone of ['+1 (555) 010-2030', '15550102030', 'whatsapp:+15550102030']) {
      const { body } = await parley.api('GET', `/v1/Contacts?phone=${encodeURIComponent(phone)}`);
      expect(body.contacts).toEqual([
        expect.objectContaining({ sid: sms.sid, conversations: 0, matchedBy: 'messaging address' }),
      ]);
    }
    const { body } = await parley.api('GET', '/v1/Contacts?phone=%2B442079460018');
    expect(body.contacts).toEqual([
      expect.objectContaining({ friendlyName: 'Cy', matchedBy: 'pre-engagement form (unverified)' }),
    ]);
  });

  it('says where each contact matched: a verified identity, a messaging address, or an unverified form', async () => {
    await expectMatchSources(parley);
  });

  it('refuses a lookup without a key or with a malformed one, naming the field', async () => {
    expect((await parley.api('GET', '/v1/Contacts')).body.message).toMatch(/email, phone or identity/);
    expect((await parley.api('GET', '/v1/Contacts?email=not-an-email')).body.message).toMatch(
      /^email: expected/,
    );
    expect((await parley.api('GET', '/v1/Contacts?phone=12ab')).body.message).toMatch(/^phone: expected/);
    expect((await parley.api('GET', '/v1/Contacts?name=x')).body.message).toMatch(/^query\.name is not/);
    const anonymous = await fetch(`${parley.url}/v1/Contacts?email=a%40b.c`);
    expect(anonymous.status).toBe(401);
  });
});

describe('privacy lookup on PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(() => postgres?.stop());

  it('says where each contact matched, as on SQLite', async () => {
    const pg = await startParley({ databaseUrl: await postgres.createDatabase() });
    try {
      await expectMatchSources(pg);
    } finally {
      await pg.stop();
    }
  });
});

/**
 * One email matching four contacts: a user a Flex Flow verified, an email channel's sender,
 * a web visitor who typed it into the pre-engagement form, and an offline message's sender
 * (also typed). A contact matching in several places shows the most trustworthy: the verified
 * user's email is in its attributes, as a form's would be, and it still counts as verified.
 */
async function expectMatchSources(server: TestParley) {
  const email = `dana-${Math.random().toString(36).slice(2)}@example.com`;
  const contacts = server.server.core.store.contacts;
  const verified = await contacts.create({
    identity: `user:${server.flexFlowSid}:dana`,
    friendlyName: 'Dana (verified)',
    attributes: { userId: 'dana', verified: true, email },
  });
  const mailbox = await contacts.create({ identity: email, friendlyName: 'Dana (email)', address: email });
  const typed = await contacts.create({
    identity: 'v-typed',
    friendlyName: 'Dana (offline form)',
    attributes: { email },
  });
  const visitor = await openWebChannel(server.url, {
    flexFlowSid: server.flexFlowSid,
    customerFriendlyName: 'Dana (pre-engagement)',
    preEngagementData: { email: email.toUpperCase() },
  });
  const { body } = await server.api('GET', `/v1/Contacts?email=${encodeURIComponent(email)}`);
  const bySid = Object.fromEntries(
    body.contacts.map((c: { sid: string; matchedBy: string }) => [c.sid, c.matchedBy]),
  );
  expect(bySid).toEqual({
    [verified.sid]: 'verified identity',
    [mailbox.sid]: 'messaging address',
    [typed.sid]: 'pre-engagement form (unverified)',
    [visitor.contactSid]: 'pre-engagement form (unverified)',
  });
}

describe('activities', () => {
  it('lists the three activities with who is in each, the same sids as the Twilio-shaped surface', async () => {
    const { body: worker } = await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Activity agent',
      activity: 'Available',
    });
    const { body } = await parley.api('GET', '/v1/Activities');
    expect(
      body.activities.map((a: { friendlyName: string; available: boolean }) => [a.friendlyName, a.available]),
    ).toEqual([
      ['Available', true],
      ['Unavailable', false],
      ['Offline', false],
    ]);
    const workers = await parley.api('GET', '/v1/Workers');
    const inAvailable = workers.body.workers.filter(
      (w: { activity: string }) => w.activity === 'Available',
    ).length;
    expect(body.activities[0].workers).toBe(inAvailable);
    expect(inAvailable).toBeGreaterThanOrEqual(1);
    await parley.api('POST', `/v1/Workers/${worker.sid}`, { activity: 'Offline' });
    const after = (await parley.api('GET', `/v1/Activities/${body.activities[0].sid}`)).body;
    expect(after.workers).toBe(inAvailable - 1);

    const twilio = await fetch(`${parley.url}/v1/Workspaces`, {
      headers: {
        authorization: `Basic ${Buffer.from(`AC${'0'.repeat(32)}:${parley.adminKey}`).toString('base64')}`,
      },
    });
    const workspaceSid = ((await twilio.json()) as { workspaces: { sid: string }[] }).workspaces[0]?.sid;
    const listed = await fetch(`${parley.url}/v1/Workspaces/${workspaceSid}/Activities`, {
      headers: {
        authorization: `Basic ${Buffer.from(`AC${'0'.repeat(32)}:${parley.adminKey}`).toString('base64')}`,
      },
    });
    const twilioSids = ((await listed.json()) as { activities: { sid: string }[] }).activities.map(
      (a) => a.sid,
    );
    expect(twilioSids.sort()).toEqual(body.activities.map((a: { sid: string }) => a.sid).sort());
  });

  it('refuses to rename or delete a built-in activity, saying why', async () => {
    const { body } = await parley.api('GET', '/v1/Activities');
    const available = body.activities[0].sid;
    for (const [method, path, payload] of [
      ['POST', `/v1/Activities/${available}`, { friendlyName: 'Ready' }],
      ['DELETE', `/v1/Activities/${available}`, undefined],
    ] as const) {
      expect(await parley.api(method, path, payload)).toMatchObject({
        status: 409,
        body: { code: 'built_in', message: expect.stringMatching(/Available is a built-in activity/) },
      });
    }
    expect((await parley.api('DELETE', `/v1/Activities/WA${'f'.repeat(32)}`)).status).toBe(404);
  });
});
