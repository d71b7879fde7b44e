import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../server/http/security.ts';
import { connectVisitor, openWebChannel, request } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeAll(async () => {
  parley = await startParley({
    limits: { messagesPerMinute: 5, messagesPerMinutePerIp: 8, webChannelsPerMinute: 4 },
  });
});
afterAll(async () => {
  await parley.stop();
});

describe('rate limits', () => {
  it('acks messages over the per-connection limit with rate_limited and stores none of them', async () => {
    const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    const visitor = await connectVisitor(parley.url, session.token);
    const replies: { index?: number; error?: { code: string; message: string } }[] = [];
    for (let i = 0; i < 7; i++)
      replies.push(await request(visitor, 'message:send', { clientId: `c${i}`, body: `m${i}` }));
    expect(replies.slice(0, 5).every((r) => typeof r.index === 'number')).toBe(true);
    expect(replies[5]).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringMatching(/at most 5 a minute/) },
    });
    expect(replies[6]).toMatchObject({ error: { code: 'rate_limited' } });
    const stored = await parley.api('GET', `/v1/Channels/${session.channelSid}/Messages`);
    expect(stored.body.messages.map((m: { body: string }) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    visitor.close();

    // Another connection from the same address has its own count, until the address's limit.
    const again = await connectVisitor(parley.url, session.token);
    const more = [];
    for (let i = 7; i < 12; i++)
      more.push(
        await request<{ error?: { code: string } }>(again, 'message:send', {
          clientId: `c${i}`,
          body: `m${i}`,
        }),
      );
    expect(more.filter((r) => !r.error)).toHaveLength(3);
    expect(more.at(-1)).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringMatching(/address/) },
    });
    again.close();
  });

  it('answers chats opened over the per-address limit with 429 rate_limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${parley.url}/v1/WebChannels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: parley.url },
        body: JSON.stringify({ flexFlowSid: parley.flexFlowSid }),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(await res.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    }
    // One channel was opened in the test above.
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });
});

describe('security headers', () => {
  it('send a strict policy with every page and API answer', async () => {
    for (const path of [
      '/',
      '/agent',
      '/npm-example',
      '/v1/Channels',
      '/healthz',
      '/v1/WebChannels/Config',
    ]) {
      const res = await fetch(parley.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    expect(Object.keys(CONTENT_SECURITY_POLICY)).toContain('default-src');
  });

  it('let customers’ sites load the widget script from another origin', async () => {
    const res = await fetch(`${parley.url}/widget/parley.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
