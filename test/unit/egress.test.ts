/**
 * The egress policy against real HTTP servers on 127.0.0.1: private and loopback destinations
 * refused by default, PARLEY_HTTP_ALLOW entries, redirects re-checked hop by hop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressPolicy, EgressError, parseAllowList } from '../../server/core/egress.ts';

let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to) {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: to }).end();
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 2_000).unref();
    } else {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${body}`));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const get = (policy: ReturnType<typeof createEgressPolicy>, url: string, method = 'GET', body?: string) =>
  policy.request({ method, url: new URL(url), body, timeoutMs: 1_000, maxBody: 1024 });

describe('the egress policy', () => {
  it('refuses loopback, private, link-local and unique-local addresses by default', async () => {
    const policy = createEgressPolicy();
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.1',
      '172.20.0.1',
      '169.254.169.254',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '[::ffff:127.0.0.1]',
      '0.0.0.0',
    ]) {
      await expect(get(policy, `http://${host}:${port}/`), host).rejects.toThrow(/destination not allowed/);
    }
    await expect(get(policy, `http://localhost:${port}/`)).rejects.toThrow(
      /is a loopback address: list it in PARLEY_HTTP_ALLOW/,
    );
    expect(seen).toEqual([]);
  });

  it('allows loopback in demo mode, and hosts or networks listed in PARLEY_HTTP_ALLOW', async () => {
    expect((await get(createEgressPolicy({ allowLoopback: true }), `http://127.0.0.1:${port}/a`)).body).toBe(
      'GET ',
    );
    expect(
      (await get(createEgressPolicy({ allow: ['127.0.0.0/8'] }), `http://127.0.0.1:${port}/b`)).status,
    ).toBe(200);
    expect(
      (await get(createEgressPolicy({ allow: ['localhost'] }), `http://localhost:${port}/c`)).status,
    ).toBe(200);
    await expect(
      get(createEgressPolicy({ allow: ['10.0.0.0/8'] }), `http://127.0.0.1:${port}/d`),
    ).rejects.toThrow(EgressError);
  });

  it('checks every redirect hop again', async () => {
    const policy = createEgressPolicy({ allow: ['127.0.0.1'] });
    seen.length = 0;
    const inside = `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://127.0.0.2:${port}/admin`)}`;
    await expect(get(policy, inside)).rejects.toThrow(/127\.0\.0\.2 is a loopback address/);
    expect(seen).toEqual([`GET /redirect?to=${encodeURIComponent(`http://127.0.0.2:${port}/admin`)}`]);
  });

  it('follows redirects as browsers do: 303 becomes GET, 307 keeps the method and body', async () => {
    const policy = createEgressPolicy({ allowLoopback: true });
    const to = encodeURIComponent('/echo');
    expect(
      (await get(policy, `http://127.0.0.1:${port}/redirect?to=${to}&status=303`, 'POST', 'x=1')).body,
    ).toBe('GET ');
    const kept = await get(policy, `http://127.0.0.1:${port}/redirect?to=${to}&status=307`, 'POST', 'x=1');
    expect(kept.body).toBe('POST x=1');
    expect(kept.url.pathname).toBe('/echo');
  });

  it('stops after five redirects and at its time bound', async () => {
    const policy = createEgressPolicy({ allowLoopback: true });
    await expect(get(policy, `http://127.0.0.1:${port}/loop`)).rejects.toThrow('more than 5 redirects');
    const started = Date.now();
    await expect(
      policy.request({
        method: 'GET',
        url: new URL(`http://127.0.0.1:${port}/slow`),
        timeoutMs: 200,
        maxBody: 10,
      }),
    ).rejects.toThrow('no answer within 0.2 s');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refuses other schemes and names a bad PARLEY_HTTP_ALLOW entry', async () => {
    await expect(get(createEgressPolicy(), 'file:///etc/passwd')).rejects.toThrow(
      'only http and https URLs are allowed',
    );
    expect(parseAllowList(' crm.internal, *.corp.example ,10.0.0.0/8,fd00::/8')).toEqual([
      'crm.internal',
      '*.corp.example',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(() => parseAllowList('10.0.0.0/40')).toThrow(
      /"10\.0\.0\.0\/40" is not a host name, an IP address or a CIDR network/,
    );
    expect(() => parseAllowList('http://crm/')).toThrow(/is not a host name/);
  });
});
