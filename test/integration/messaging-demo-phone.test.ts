import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PHONE_NUMBER } from '../../server/core/seed.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeEach(async () => {
  parley = await startParley();
});
afterEach(() => parley.stop());

const json = (path: string, body?: unknown) =>
  fetch(parley.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.json() }));

describe('the demo phone (a fake provider for the phone simulator)', () => {
  it('texts the demo SMS Flex Flow signed, and receives the agent’s reply reported delivered', async () => {
    const config = await json('/demo/phone/config');
    expect(config.body).toMatchObject({
      number: DEMO_PHONE_NUMBER,
      flexFlowSid: expect.stringMatching(/^FO/),
    });
    // The demo web Flex Flow stays the one the demo pages embed.
    expect(parley.flexFlowSid).not.toBe(config.body.flexFlowSid);
    expect((await json('/demo/phone/config')).body.flexFlowSid).toBe(config.body.flexFlowSid);

    expect((await json('/demo/phone/send', { from: '+15557777', body: 'Hi there' })).status).toBe(201);
    expect((await json('/demo/phone/send', { from: 'nobody', body: 'x' })).status).toBe(400);
    await parley.server.core.idle();
    const [session] = (await parley.api('GET', '/v1/Sessions')).body.sessions;
    expect(session.participants[0]).toMatchObject({ address: '+15557777', proxyAddress: DEMO_PHONE_NUMBER });

    await parley.api('POST', `/v1/Channels/${session.channelSid}/Members`, {
      identity: 'WKa',
      friendlyName: 'Alex',
    });
    const reply = await parley.api('POST', `/v1/Channels/${session.channelSid}/Messages`, {
      from: 'WKa',
      body: 'Hello from the desk',
    });
    await expect
      .poll(async () => (await json('/demo/phone/messages?address=%2B15557777')).body.messages, {
        timeout: 5000,
      })
      .toMatchObject([
        { direction: 'inbound', body: 'Hi there' },
        { direction: 'outbound', body: 'Hello from the desk' },
      ]);
    await expect
      .poll(
        async () =>
          (await parley.api('GET', `/v1/Channels/${session.channelSid}/Messages/${reply.body.sid}`)).body
            .attributes.deliveryStatus,
        { timeout: 5000 },
      )
      .toBe('delivered');
  });

  it('refuses outbound messages not signed with the Flex Flow’s token', async () => {
    await json('/demo/phone/config');
    const res = await fetch(`${parley.url}/demo/phone/Messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+15557777', From: DEMO_PHONE_NUMBER, Body: 'spoof' }),
    });
    expect(res.status).toBe(403);
  });

  it('is seeded by `parley demo` after the web Flex Flow, and carries an outbound conversation before /phone is opened', async () => {
    const demo = await startParley({ demoPhone: true });
    try {
      const { flexFlows } = (await demo.api('GET', '/v1/FlexFlows')).body;
      const sms = flexFlows.find((f: { channelType: string }) => f.channelType === 'sms');
      expect(sms).toMatchObject({
        contactIdentity: DEMO_PHONE_NUMBER,
        messagingConnector: { url: '/demo/phone/Messages' },
      });
      expect(flexFlows.find((f: { channelType: string }) => f.channelType === 'web').sid).toBe(
        demo.flexFlowSid,
      );
      // And the shared canned responses the desk offers on `/`.
      const { cannedResponses } = (await demo.api('GET', '/v1/CannedResponses')).body;
      expect(cannedResponses.map((r: { shortcut: string }) => r.shortcut)).toEqual(['hello', 'thanks']);

      const started = await demo.api('POST', '/v1/Interactions', {
        channel: { type: 'sms', to: '+15551234' },
        body: 'Your order shipped',
        creationOnMessage: true,
      });
      expect(started.status).toBe(201);
      await expect
        .poll(async () => {
          const res = await fetch(`${demo.url}/demo/phone/messages?address=%2B15551234`);
          return ((await res.json()) as { messages: unknown[] }).messages;
        })
        .toMatchObject([{ direction: 'outbound', body: 'Your order shipped' }]);
    } finally {
      await demo.stop();
    }
  });
});
