import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWithinBusinessHours } from '../../server/core/availability.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
});
afterAll(async () => {
  await parley.stop();
});

const publicGet = (path: string, origin = parley.url) => fetch(parley.url + path, { headers: { origin } });

describe('the widget configuration', () => {
  it('serves a Flex Flow’s pre-engagement form without its business hours', async () => {
    const { body: flow } = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Support site',
      channelType: 'web',
      contactIdentity: 'support-site',
      enabled: true,
      integrationType: 'task',
      allowedOrigins: ['self'],
      widgetConfig: {
        preEngagementConfig: {
          description: 'Tell us who you are',
          fields: [{ name: 'name', label: 'Name', type: 'text', required: true }],
        },
        businessHours: { timezone: 'UTC', schedule: [{ days: ['mon'], open: '00:00', close: '24:00' }] },
        offlineMessage: 'We are closed',
      },
    });
    const res = await publicGet(`/v1/WebChannels/Config?flexFlowSid=${flow.sid}`);
    expect(res.status).toBe(200);
    const config = await res.json();
    expect(config.widgetConfig).toEqual({
      preEngagementConfig: {
        description: 'Tell us who you are',
        fields: [{ name: 'name', label: 'Name', type: 'text', required: true }],
      },
      offlineMessage: 'We are closed',
    });
    expect(config.availability.available).toBe(false);
  });

  it('says no agents are available until one is, and refuses other origins', async () => {
    const before = await (await publicGet(`/v1/WebChannels/Config?flexFlowSid=${parley.flexFlowSid}`)).json();
    expect(before.availability).toEqual({ available: false, reason: 'no_agents', agentsAvailable: false });
    const [agent] = (await parley.api('GET', '/v1/Workers')).body.workers;
    await parley.api('POST', `/v1/Workers/${agent.sid}`, { activity: 'Available' });
    const after = await (await publicGet(`/v1/WebChannels/Config?flexFlowSid=${parley.flexFlowSid}`)).json();
    expect(after.availability).toEqual({ available: true, reason: null, agentsAvailable: true });
    await parley.api('POST', `/v1/Workers/${agent.sid}`, { activity: 'Offline' });
    expect(
      (await publicGet(`/v1/WebChannels/Config?flexFlowSid=${parley.flexFlowSid}`, 'https://evil.example'))
        .status,
    ).toBe(403);
  });

  it("names a refused page's origin in the server's log, once, for the site's owner", async () => {
    const lines: { msg: string; origin: string | null }[] = [];
    const logged = await startParley({
      log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
    });
    try {
      const config = `${logged.url}/v1/WebChannels/Config?flexFlowSid=${logged.flexFlowSid}`;
      for (const origin of [
        'https://shop.example.com',
        'https://shop.example.com',
        'https://blog.example.com',
      ]) {
        const res = await fetch(config, { headers: { origin } });
        expect(res.status).toBe(403);
        // The browser hides this answer from the page: the log is where the owner sees why.
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
      const refusals = () => lines.filter((line) => line.msg.includes('was refused the chat'));
      expect(refusals().map((line) => line.origin)).toEqual([
        'https://shop.example.com',
        'https://blog.example.com',
      ]);
      expect(refusals()[0]?.msg).toContain(`Flex Flow ${logged.flexFlowSid}'s allowedOrigins`);
      // Made-up origins by the dozen: a few lines a minute, not one each.
      for (let i = 0; i < 12; i++) await fetch(config, { headers: { origin: `https://x${i}.example.net` } });
      expect(refusals()).toHaveLength(5);
    } finally {
      await logged.stop();
    }
  });

  it('refuses a widgetConfig with a bad time zone or time, naming the field', async () => {
    const bad = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Bad hours',
      channelType: 'web',
      contactIdentity: 'bad-hours',
      enabled: false,
      integrationType: 'task',
      widgetConfig: { businessHours: { timezone: 'Mars/Olympus', schedule: [] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      'body.widgetConfig.businessHours.timezone: expected an IANA time zone, e.g. "Europe/Berlin"',
    );
    const badTime = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Bad hours',
      channelType: 'web',
      contactIdentity: 'bad-hours',
      enabled: false,
      integrationType: 'task',
      widgetConfig: {
        businessHours: { timezone: 'UTC', schedule: [{ days: ['mon'], open: '9am', close: '17:00' }] },
      },
    });
    expect(badTime.body.message).toMatch(
      /^body\.widgetConfig\.businessHours\.schedule\.0\.open: expected a time as HH:MM/,
    );
  });

  it('refuses an allowed origin that could never match a page, naming the entry, and keeps origins as browsers send them', async () => {
    const flexFlow = (allowedOrigins: string[]) =>
      parley.api('POST', '/v1/FlexFlows', {
        friendlyName: 'Origins',
        channelType: 'web',
        contactIdentity: `origins-${allowedOrigins.length}`,
        enabled: false,
        integrationType: 'task',
        allowedOrigins,
      });
    for (const entry of [
      'shop.example.com',
      'https://shop.example.com/checkout',
      'https://*.example.com',
      'not a url',
      'ftp://shop.example.com',
    ]) {
      const bad = await flexFlow(['self', entry]);
      expect(bad.status, entry).toBe(400);
      expect(bad.body.message, entry).toBe(
        `body.allowedOrigins.1: expected a full origin such as "https://shop.example.com" (scheme and host, no path), "*" for any or "self" for this server's own; got ${JSON.stringify(entry)}`,
      );
    }
    const good = await flexFlow(['self', '*', 'https://Shop.Example.com/', 'http://localhost:8081']);
    expect(good.status).toBe(201);
    expect(good.body.allowedOrigins).toEqual([
      'self',
      '*',
      'https://shop.example.com',
      'http://localhost:8081',
    ]);
  });

  it('turns an offline message into a pending task with the message in its channel', async () => {
    const res = await fetch(`${parley.url}/v1/WebChannels/OfflineMessages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({
        flexFlowSid: parley.flexFlowSid,
        name: 'Lee',
        email: 'lee@example.com',
        body: 'Call me back',
      }),
    });
    expect(res.status).toBe(201);
    const { taskSid } = await res.json();
    const task = (await parley.api('GET', `/v1/Tasks/${taskSid}`)).body;
    expect(task).toMatchObject({
      status: 'pending',
      attributes: { offline: true, email: 'lee@example.com', name: 'Lee' },
    });
    const messages = (await parley.api('GET', `/v1/Channels/${task.channelSid}/Messages`)).body.messages;
    expect(messages.map((m: { body: string }) => m.body)).toEqual(['Call me back']);
    expect(
      (await parley.api('GET', `/v1/Tasks?status=pending`)).body.tasks.filter(
        (t: { channelSid: string }) => t.channelSid === task.channelSid,
      ),
    ).toHaveLength(1);
  });

  it('names a bad email in an offline message', async () => {
    const res = await fetch(`${parley.url}/v1/WebChannels/OfflineMessages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({
        flexFlowSid: parley.flexFlowSid,
        name: 'Lee',
        email: 'not-an-email',
        body: 'x',
      }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('body.email: expected an email address, e.g. "dana@example.com"');
  });
});

describe('business hours', () => {
  const hours = {
    timezone: 'Europe/Berlin',
    schedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, open: '09:00', close: '17:00' }],
  };
  it('opens on a weekday inside the span, in the schedule’s time zone', () => {
    // Wednesday 2026-11-25 08:30 UTC is 09:30 in Berlin.
    expect(
      isWithinBusinessHours(
        { ...hours, schedule: [...hours.schedule.map((s) => ({ ...s, days: [...s.days] }))] },
        new Date('2026-11-25T08:30:00Z'),
      ),
    ).toBe(true);
  });
  it('is closed before opening, after closing and at weekends', () => {
    const h = { ...hours, schedule: hours.schedule.map((s) => ({ ...s, days: [...s.days] })) };
    expect(isWithinBusinessHours(h, new Date('2026-11-25T07:30:00Z'))).toBe(false);
    expect(isWithinBusinessHours(h, new Date('2026-11-25T16:00:00Z'))).toBe(false);
    expect(isWithinBusinessHours(h, new Date('2026-11-28T10:00:00Z'))).toBe(false);
  });
});

describe('the widget endpoints across origins', () => {
  it('answer a CORS preflight and let an allowed origin read the answer', async () => {
    const { body: flow } = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Partner site',
      channelType: 'web',
      contactIdentity: 'partner-site',
      enabled: true,
      integrationType: 'task',
      allowedOrigins: ['https://shop.partner.example'],
    });
    const preflight = await fetch(`${parley.url}/v1/WebChannels`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.partner.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.partner.example');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const open = (origin: string) =>
      fetch(`${parley.url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ flexFlowSid: flow.sid }),
      });
    const allowed = await open('https://shop.partner.example');
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.partner.example');
    expect((await open('https://elsewhere.example')).status).toBe(403);
  });
});
