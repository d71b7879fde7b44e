import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley();
});
afterAll(async () => {
  await parley.stop();
});

describe('the admin REST API', () => {
  it('refuses a request without the admin key', async () => {
    const res = await fetch(`${parley.url}/v1/Channels/CH00000000000000000000000000000000`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('creates a channel, posts as the customer, and that message starts a task', async () => {
    const created = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'customer-42',
      chatFriendlyName: 'Order help',
      chatUserFriendlyName: 'Sam',
      preEngagementData: { email: 'sam@example.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ friendlyName: 'Order help', status: 'active', taskSid: null });
    expect(created.body.attributes).toMatchObject({
      from: 'Sam',
      channelType: 'web',
      preEngagementData: { email: 'sam@example.com' },
    });
    const sid = created.body.sid;

    const posted = await parley.api('POST', `/v1/Channels/${sid}/Messages`, {
      from: 'customer-42',
      body: 'Hello',
      clientId: 'r1',
    });
    expect(posted).toMatchObject({ status: 201, body: { index: 0, body: 'Hello', authorRole: 'customer' } });
    const retried = await parley.api('POST', `/v1/Channels/${sid}/Messages`, {
      from: 'customer-42',
      body: 'Hello',
      clientId: 'r1',
    });
    expect(retried).toMatchObject({ status: 200, body: { sid: posted.body.sid } });

    await expect
      .poll(async () => (await parley.api('GET', `/v1/Channels/${sid}`)).body.taskSid, { timeout: 2000 })
      .toMatch(/^WT/);
    const channel = (await parley.api('GET', `/v1/Channels/${sid}`)).body;
    const task = (await parley.api('GET', `/v1/Tasks/${channel.taskSid}`)).body;
    expect(task).toMatchObject({
      status: 'pending',
      channelSid: sid,
      attributes: { name: 'Sam', firstMessage: 'Hello' },
    });
  });

  it('creates the task at once when taskAttributes are given', async () => {
    const created = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'customer-43',
      chatUserFriendlyName: 'Kim',
      taskAttributes: { topic: 'billing' },
    });
    expect(created.body.taskSid).toMatch(/^WT/);
    const task = (await parley.api('GET', `/v1/Tasks/${created.body.taskSid}`)).body;
    expect(task.attributes).toEqual({ topic: 'billing' });
  });

  it('pages messages in index order with afterIndex and pageSize', async () => {
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'pager',
    });
    for (let i = 0; i < 7; i++) {
      await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'pager', body: `m${i}` });
    }
    const page = await parley.api('GET', `/v1/Channels/${channel.sid}/Messages?afterIndex=2&pageSize=3`);
    expect(page.body.messages.map((m: { index: number }) => m.index)).toEqual([3, 4, 5]);
    expect(page.body.meta).toMatchObject({ pageSize: 3, nextAfterIndex: 5 });
    const last = await parley.api('GET', `/v1/Channels/${channel.sid}/Messages?afterIndex=5&pageSize=3`);
    expect(last.body.meta.nextAfterIndex).toBeNull();
    const tooBig = await parley.api('GET', `/v1/Channels/${channel.sid}/Messages?pageSize=5000`);
    expect(tooBig).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(tooBig.body.message).toMatch(/^query\.pageSize:/);
    const members = await parley.api('GET', `/v1/Channels/${channel.sid}/Members`);
    expect(members.body.members).toMatchObject([{ identity: 'pager', role: 'customer', lastReadIndex: -1 }]);
  });

  it('names the bad field of a request', async () => {
    const missing = await parley.api('POST', '/v1/Channels', { identity: 'x' });
    expect(missing).toMatchObject({ status: 400, body: { code: 'invalid_request', status: 400 } });
    expect(missing.body.message).toMatch(/^body\.flexFlowSid:/);
    const badSid = await parley.api('POST', '/v1/Channels', { flexFlowSid: 'nope', identity: 'x' });
    expect(badSid.body.message).toMatch(/body\.flexFlowSid: expected a FO… sid/);
    const res = await fetch(`${parley.url}/v1/Channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parley.adminKey}`, 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('invalid_request');
  });

  it('refuses a message from a non-member and on an unknown channel', async () => {
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'm1',
    });
    const stranger = await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, {
      from: 'stranger',
      body: 'hi',
    });
    expect(stranger).toMatchObject({ status: 403, body: { code: 'not_a_member' } });
    const unknown = await parley.api('GET', '/v1/Channels/CH00000000000000000000000000000000');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});

describe('Flex Flows', () => {
  const flow = {
    friendlyName: 'Support SMS',
    channelType: 'sms',
    contactIdentity: '+15550001111',
    enabled: true,
    integrationType: 'task',
    integration: { priority: 1 },
  };

  it('creates, lists, gets, updates and deletes', async () => {
    const created = await parley.api('POST', '/v1/FlexFlows', flow);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...flow,
      sid: expect.stringMatching(/^FO/),
      longLived: false,
      janitorEnabled: true,
    });
    const sid = created.body.sid;
    const list = await parley.api('GET', '/v1/FlexFlows');
    expect(list.body.flexFlows.map((f: { sid: string }) => f.sid)).toContain(sid);
    expect(list.body.meta).toBeDefined();
    expect((await parley.api('GET', `/v1/FlexFlows/${sid}`)).body.friendlyName).toBe('Support SMS');
    const updated = await parley.api('POST', `/v1/FlexFlows/${sid}`, {
      friendlyName: 'Renamed',
      longLived: true,
    });
    expect(updated.body).toMatchObject({ friendlyName: 'Renamed', longLived: true, channelType: 'sms' });
    const patched = await parley.api('PATCH', `/v1/FlexFlows/${sid}`, { enabled: false });
    expect(patched.body.enabled).toBe(false);
    expect((await parley.api('DELETE', `/v1/FlexFlows/${sid}`)).status).toBe(204);
    expect((await parley.api('GET', `/v1/FlexFlows/${sid}`)).status).toBe(404);
  });

  it('refuses a second enabled flow for the same channel type and contact identity', async () => {
    const first = await parley.api('POST', '/v1/FlexFlows', { ...flow, contactIdentity: '+15550002222' });
    const second = await parley.api('POST', '/v1/FlexFlows', { ...flow, contactIdentity: '+15550002222' });
    expect(second).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(second.body.message).toContain(first.body.sid);
    const disabled = await parley.api('POST', '/v1/FlexFlows', {
      ...flow,
      contactIdentity: '+15550002222',
      enabled: false,
    });
    expect(disabled.status).toBe(201);
  });

  it('names the bad field', async () => {
    const bad = await parley.api('POST', '/v1/FlexFlows', { ...flow, channelType: 'pigeon' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^body\.channelType:/);
  });
});

describe('the public endpoints', () => {
  it('opens a web channel only from an allowed origin', async () => {
    const post = (origin: string) =>
      fetch(`${parley.url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ flexFlowSid: parley.flexFlowSid }),
      });
    expect((await post(parley.url)).status).toBe(201);
    const refused = await post('https://evil.example');
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe('forbidden');
  });

  it('signs an agent in and refuses a wrong password', async () => {
    const sign = (password: string) =>
      fetch(`${parley.url}/v1/AgentSessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'agent', password }),
      });
    const ok = await sign('agent');
    expect(ok.status).toBe(201);
    const body = await ok.json();
    expect(body.worker).toMatchObject({ username: 'agent', friendlyName: 'Alex Morgan' });
    expect(body.worker.passwordHash).toBeUndefined();
    expect((await sign('wrong')).status).toBe(401);
  });

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${parley.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${parley.url}/readyz`)).json()).toMatchObject({
      status: 'ready',
      store: 'sqlite',
    });
  });

  it('answers a path nothing serves with a JSON 404, whatever its case or slashes', async () => {
    for (const path of ['/V2/Flows', '//v1/Workspaces', '/no/such/page']) {
      const res = await fetch(`${parley.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'");
      expect(await res.json(), path).toMatchObject({ code: 'not_found', status: 404 });
    }
  });
});
