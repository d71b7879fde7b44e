import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../../server/core/external.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let closeHook: () => void = () => {};
afterEach(async () => {
  closeHook();
  await parley.stop();
});

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

/** A webhook receiver on loopback that fails the first `failures` deliveries. */
async function receiver(failures: number) {
  const received: { body: string; signature: string | undefined }[] = [];
  let calls = 0;
  const server = createServer(async (req, res) => {
    const body = await read(req);
    calls++;
    received.push({ body, signature: req.headers['x-parley-signature'] as string | undefined });
    res.statusCode = calls <= failures ? 503 : 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closeHook = () => server.close();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    calls: () => calls,
  };
}

async function externalFlow(url: string, retryCount?: number) {
  const { body } = await parley.api('POST', '/v1/FlexFlows', {
    friendlyName: 'External bot',
    channelType: 'custom',
    contactIdentity: 'external-bot',
    enabled: true,
    integrationType: 'external',
    integration: { url, ...(retryCount !== undefined && { retryCount }) },
  });
  return body;
}

describe('integrationType external', () => {
  it('posts each customer message, signed with the flow’s secret, retrying failures', async () => {
    parley = await startParley();
    const hook = await receiver(2);
    const flow = await externalFlow(hook.url);
    expect(flow.integration.secret).toMatch(/^[0-9a-f]{48}$/);
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: flow.sid,
      identity: 'ext-1',
    });
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'ext-1', body: 'Hello bot' });
    await parley.server.core.idle();

    expect(hook.calls()).toBe(3);
    const last = hook.received.at(-1)!;
    expect(JSON.parse(last.body)).toMatchObject({
      event: 'onMessageSent',
      channelSid: channel.sid,
      body: 'Hello bot',
      index: 0,
    });
    expect(last.signature).toBe(signBody(flow.integration.secret, last.body));
    expect(last.signature).not.toBe(signBody('another-secret', last.body));

    // The external service answers through the REST API.
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'ext-1', body: 'follow-up' });
    await parley.server.core.idle();
    expect(hook.calls()).toBe(4);
  });

  it('gives up after retryCount retries', async () => {
    parley = await startParley();
    const hook = await receiver(99);
    const flow = await externalFlow(hook.url, 1);
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: flow.sid,
      identity: 'ext-2',
    });
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'ext-2', body: 'anyone?' });
    await parley.server.core.idle();
    expect(hook.calls()).toBe(2);
  });
});
