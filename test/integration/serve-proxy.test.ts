/**
 * deploy/nginx.conf in front of two real Parley nodes, run by a real nginx when one is
 * installed: HTTP goes to HTTPS, requests reach Parley over TLS, Socket.IO upgrades to a
 * WebSocket through it, and long-polling works, which needs every request of a session on the
 * same node (round-robin would send the second request to the other node, which refuses it).
 * The nodes share one PostgreSQL and one Redis, as in docker-compose.yml, so a file uploaded
 * through either is served by both. Only the addresses, ports and certificate differ from the
 * file operators deploy.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { get as httpsGet, request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFlexFlowSid } from '../../server/core/seed.ts';
import { openWebChannel, signIn } from '../helpers/clients.ts';
import { freePort } from '../helpers/ports.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { trackProcess } from '../helpers/processes.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { PNG } from '../helpers/uploads.ts';
import { root } from './serve-helpers.ts';

const hasNginx = spawnSync('sh', ['-c', 'command -v nginx && command -v openssl']).status === 0;

describe('the sample nginx proxy in front of two nodes', () => {
  if (!hasNginx) throw new Error('nginx and openssl are needed: apt-get install -y nginx-light openssl');
  let nodes: TestParley[] = [];
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  let nginx: ChildProcess | undefined;
  let dir = '';
  let https = '';
  let http = '';
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const shared = { trustProxy: '1', databaseUrl: await postgres.createDatabase(), redisUrl: redis.url };
    nodes = await Promise.all([startParley(shared), startParley(shared)]);
    dir = mkdtempSync(join(tmpdir(), 'parley-proxy-'));
    mkdirSync(join(dir, 'logs'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
        '-keyout',
        join(dir, 'privkey.pem'),
        '-out',
        join(dir, 'fullchain.pem'),
      ]),
      { stdio: 'pipe' },
    );
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const ports = nodes.map((node) => new URL(node.url).port);
    const config = readFileSync(join(root, 'deploy/nginx.conf'), 'utf8')
      .replace('worker_processes auto;', 'worker_processes 1;')
      .replace('worker_connections 8192;', 'worker_connections 256;')
      .replaceAll('/etc/nginx/certs', dir)
      .replace('server parley-1:3000', `server 127.0.0.1:${ports[0]}`)
      .replace('server parley-2:3000', `server 127.0.0.1:${ports[1]}`)
      .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
    expect(config).not.toMatch(/parley-\d:3000|listen 80;|listen 443/);
    writeFileSync(join(dir, 'nginx.conf'), config);
    nginx = spawn(
      'nginx',
      ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', `daemon off; pid ${dir}/nginx.pid; error_log stderr;`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    trackProcess(nginx, 'nginx');
    await listening(httpsPort);
    https = `https://localhost:${httpsPort}`;
    http = `http://127.0.0.1:${httpPort}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    if (nginx?.pid) {
      const exited = new Promise((resolve) => nginx?.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await Promise.all(nodes.map((node) => node.stop()));
    postgres?.stop();
    redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends plain HTTP to HTTPS', async () => {
    const res = await request(`${http}/agent`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toMatch(/^https:\/\/127\.0\.0\.1(:\d+)?\/agent$/);
  });

  it('reaches Parley over TLS', async () => {
    const res = await request(`${https}/readyz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ready' });
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });

  it('upgrades Socket.IO to a WebSocket through the proxy', async () => {
    const socket = await connected(['websocket']);
    expect(socket.io.engine.transport.name).toBe('websocket');
  });

  it('keeps a long-polling session on one node', async () => {
    const socket = await connected(['polling']);
    expect(socket.io.engine.transport.name).toBe('polling');
    // More round trips (each emit is a POST): each must land on the node holding the session,
    // else that request fails and the connection closes.
    const engine = socket.io.engine;
    for (let i = 0; i < 5; i++) {
      socket.emit('session:sync', {});
      await new Promise<void>((resolve, reject) => {
        engine.once('drain', () => resolve());
        engine.once('close', (reason: string) => reject(new Error(`polling session closed: ${reason}`)));
      });
    }
    expect(socket.connected).toBe(true);
  });

  it('shares attachments between the nodes both ways: uploaded through either, served by both', async () => {
    const [one, two] = nodes as [TestParley, TestParley];
    // Either node may be the one that seeded the shared database: ask once both are up.
    const flexFlowSid = (await demoFlexFlowSid(one.server.core.store)) ?? '';
    const chat = await openWebChannel(one.url, { flexFlowSid });
    const auth = { authorization: `Bearer ${chat.token}` };
    const upload = async (base: string) => {
      const res = await send(
        'POST',
        `${base}/media/${chat.channelSid}`,
        { ...auth, 'x-filename': 'receipt.png' },
        PNG,
      );
      expect(res.status).toBe(201);
      return JSON.parse(res.body.toString()).sid as string;
    };
    const bytesFrom = async (base: string, sid: string) => {
      const res = await send('GET', `${base}/media/${sid}`, auth);
      expect(res.status).toBe(200);
      return res.body;
    };
    // Through the proxy (whichever node it picks), then read from each node directly.
    const viaProxy = await upload(https);
    expect(await bytesFrom(one.url, viaProxy)).toEqual(PNG);
    expect(await bytesFrom(two.url, viaProxy)).toEqual(PNG);
    // The other way: straight to each node, then read through the proxy and from the other node.
    for (const [to, other] of [
      [one, two],
      [two, one],
    ] as const) {
      const sid = await upload(to.url);
      expect(await bytesFrom(https, sid)).toEqual(PNG);
      expect(await bytesFrom(other.url, sid)).toEqual(PNG);
    }
  });

  /** Connects to the main namespace through the proxy with only the given transports. */
  /** An agent desktop's socket through the proxy (the main namespace `/` refuses everyone). */
  async function connected(transports: ('websocket' | 'polling')[]): Promise<Socket> {
    const { token } = await signIn(nodes[0]?.url ?? '');
    const socket = io(`${https}/agent`, {
      transports,
      auth: { token },
      rejectUnauthorized: false,
      reconnection: false,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }
});

function request(url: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }),
      );
    }).on('error', reject);
  });
}

/** Resolves once something accepts connections on the port (nginx starting). */
async function listening(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A request with a body over HTTP or HTTPS (the proxy's certificate is the test's own). */
function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; body: Buffer }> {
  const requestOf = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requestOf(url, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
