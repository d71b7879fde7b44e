/**
 * What a production server (`parley serve`: no demo data) publishes, and whose
 * X-Forwarded-For it believes (PARLEY_TRUST_PROXY), through the real Express app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

describe('pages of a production server', () => {
  let parley: TestParley;
  let demo: TestParley;
  beforeAll(async () => {
    [parley, demo] = await Promise.all([startParley({ seedDemo: false }), startParley()]);
  });
  afterAll(async () => {
    await Promise.all([parley?.stop(), demo?.stop()]);
  });

  it('answers / with a status page, not the demo shop', async () => {
    const res = await fetch(`${parley.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Parley is running');
    expect(html).not.toContain('<script');
    const shop = await (await fetch(`${demo.url}/`)).text();
    expect(shop).toContain('<script');
    expect(shop).not.toContain('Parley is running');
  });

  it('keeps the agent desktop and the widget files', async () => {
    const agent = await fetch(`${parley.url}/agent`);
    expect(agent.status).toBe(200);
    expect(await agent.text()).toContain('Agent desktop');
    // The desktop's own script, wherever its build puts it, is served too.
    const script = (await (await fetch(`${parley.url}/agent`)).text()).match(/src="(\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${parley.url}${script}`)).status).toBe(200);
    expect((await fetch(`${parley.url}/widget/parley.js`)).status).toBe(200);
  });

  it('publishes none of the demo pages, which parley demo still serves', async () => {
    for (const path of [
      '/npm-example',
      '/phone',
      '/phone/',
      '/csp.html',
      '/hostile.html',
      '/spa.html',
      '/index.html',
    ]) {
      expect((await fetch(parley.url + path)).status, path).toBe(404);
    }
    for (const path of ['/npm-example', '/phone', '/csp.html', '/hostile.html', '/spa.html']) {
      expect((await fetch(demo.url + path)).status, path).toBe(200);
    }
    expect((await fetch(`${parley.url}/demo/phone/config`)).status).toBe(404);
  });

  it('sends its Content-Security-Policy with every page it serves, and a stricter one with its 404s', async () => {
    for (const path of ['/', '/agent', '/agent/']) {
      const csp = (await fetch(parley.url + path)).headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
    }
    for (const path of ['/npm-example', '/nothing-here']) {
      const res = await fetch(parley.url + path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'");
    }
  });
});

describe('PARLEY_TRUST_PROXY', () => {
  const servers: TestParley[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  /** Two failed sign-ins (limit 1 a minute) from two addresses the proxy claims. */
  async function secondSignIn(trustProxy: string) {
    const parley = await startParley({ seedDemo: false, trustProxy, limits: { signInPerMinute: 1 } });
    servers.push(parley);
    const signIn = (forwardedFor: string) =>
      fetch(`${parley.url}/v1/AgentSessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ username: 'nobody', password: 'wrong' }),
      });
    expect((await signIn('203.0.113.1')).status).toBe(401);
    return (await signIn('203.0.113.2')).status;
  }

  it('counts each forwarded client apart behind a trusted proxy (loopback by default)', async () => {
    expect(await secondSignIn('loopback')).toBe(401);
    expect(await secondSignIn('10.0.0.0/8, 127.0.0.1')).toBe(401);
  });

  it('ignores X-Forwarded-For from a hop it does not trust', async () => {
    expect(await secondSignIn('0')).toBe(429);
    expect(await secondSignIn('10.0.0.0/8')).toBe(429);
  });
});
