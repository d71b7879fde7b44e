import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../server/core/proxy/signature.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { fakeProvider } from './messaging-helpers.ts';

const AUTH_TOKEN = 'provider-auth-token';
const PROXY_NUMBER = '+15550100';
const CUSTOMER = '+15557777';

let parley: TestParley;
let provider: Awaited<ReturnType<typeof fakeProvider>>;
let flexFlowSid: string;
let workerSid: string;

beforeEach(async () => {
  provider = await fakeProvider();
  parley = await startParley();
  const created = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'Northwind SMS',
    channelType: 'sms',
    contactIdentity: PROXY_NUMBER,
    enabled: true,
    integrationType: 'task',
    messagingConnector: { url: provider.url, authToken: AUTH_TOKEN },
  });
  flexFlowSid = created.body.sid;
  const { workers } = (await parley.api('GET', '/v1/Workers')).body;
  workerSid = workers.find((w: { username: string }) => w.username === 'agent').sid;
  await parley.api('POST', `/v1/Workers/${workerSid}`, { activity: 'Available' });
});
afterEach(async () => {
  await parley.stop();
  await provider.close();
});

async function customerAnswers(body: string, messageSid: string) {
  const path = `/webhooks/messaging/${flexFlowSid}`;
  const params = { From: CUSTOMER, To: PROXY_NUMBER, Body: body, MessageSid: messageSid };
  const res = await fetch(parley.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(AUTH_TOKEN, parley.url + path, params),
    },
    body: new URLSearchParams(params),
  });
  expect(res.status).toBe(200);
}

describe('outbound conversations (POST /v1/Interactions)', () => {
  it('with immediate task creation, reserves the task for the initiating agent, who writes at once', async () => {
    const res = await parley.api('POST', '/v1/Interactions', {
      channel: { type: 'sms', to: CUSTOMER, from: PROXY_NUMBER },
      routing: { workerSid },
      body: 'Your order is ready for pickup',
    });
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({ status: 'assigned', workerSid });
    await parley.server.core.idle();
    expect(provider.received.map((r) => [r.form.get('To'), r.form.get('From'), r.form.get('Body')])).toEqual([
      [CUSTOMER, PROXY_NUMBER, 'Your order is ready for pickup'],
    ]);
    const more = await parley.api('POST', `/v1/Channels/${res.body.channelSid}/Messages`, {
      from: workerSid,
      body: 'Open until 6pm',
    });
    expect(more.status).toBe(201);
    await parley.server.core.idle();
    expect(provider.received).toHaveLength(2);
  });

  it('with task creation on the response, sends the first message and creates the task only when the customer answers', async () => {
    const res = await parley.api('POST', '/v1/Interactions', {
      channel: { type: 'sms', to: CUSTOMER, flexFlowSid },
      routing: { workerSid },
      body: 'Can we help with your return?',
      creationOnMessage: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.taskSid).toBeNull();
    await parley.server.core.idle();
    expect(provider.received.map((r) => r.form.get('Body'))).toEqual(['Can we help with your return?']);
    expect((await parley.api('GET', `/v1/Channels/${res.body.channelSid}`)).body.taskSid).toBeNull();

    await customerAnswers('Yes please', 'SM9001');
    await parley.server.core.idle();
    const channel = (await parley.api('GET', `/v1/Channels/${res.body.channelSid}`)).body;
    expect(channel.taskSid).toMatch(/^WT/);
    const messages = (await parley.api('GET', `/v1/Channels/${res.body.channelSid}/Messages`)).body.messages;
    expect(messages.map((m: { body: string }) => m.body)).toEqual([
      'Can we help with your return?',
      'Yes please',
    ]);
  });

  it('explains what is missing or wrong', async () => {
    const noWorker = await parley.api('POST', '/v1/Interactions', {
      channel: { type: 'sms', to: CUSTOMER, flexFlowSid },
      body: 'hi',
    });
    expect(noWorker.status).toBe(400);
    expect(noWorker.body.message).toContain('routing.workerSid');
    const wrongFrom = await parley.api('POST', '/v1/Interactions', {
      channel: { type: 'sms', to: CUSTOMER, from: '+15550000', flexFlowSid },
      body: 'hi',
      creationOnMessage: true,
    });
    expect(wrongFrom.status).toBe(400);
    const web = await parley.api('POST', '/v1/Interactions', {
      channel: { type: 'sms', to: CUSTOMER, flexFlowSid: parley.flexFlowSid },
      body: 'hi',
      creationOnMessage: true,
    });
    expect(web.status).toBe(400);
  });

  it('refuses to start when the agent cannot take another chat', async () => {
    await parley.api('POST', `/v1/Workers/${workerSid}`, { activity: 'Offline' });
    const res = await parley.api('POST', '/v1/Interactions', {
      channel: { type: 'sms', to: CUSTOMER, flexFlowSid },
      routing: { workerSid },
      body: 'hi',
    });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('Available');
    await parley.server.core.idle();
    expect(provider.received).toEqual([]);
    expect((await parley.api('GET', '/v1/Sessions')).body.sessions).toEqual([]);
  });
});
