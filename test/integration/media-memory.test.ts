/**
 * Memory under uploads: 20 uploads at the size limit (10 MB each) sent at once to `parley serve`
 * running as its own process. Uploads stream to storage, so the server's resident memory grows
 * by far less than the 200 MB the bodies add up to (holding them whole took it past 500 MB).
 * Memory is read from /proc: the sampled peak and the kernel's high-water mark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openWebChannel } from '../helpers/clients.ts';
import { trackProcess } from '../helpers/processes.ts';
import { PNG, streamUpload } from '../helpers/uploads.ts';

const root = join(import.meta.dirname, '../..');
const ADMIN_KEY = 'memory-test-admin-key-0123456789';
const MB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'parley-memory-'));
let child: ChildProcess;
let url: string;

/** Resident memory of the server process, and its peak since it started, in bytes. */
function memory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

beforeAll(async () => {
  child = spawn(process.execPath, [join(root, 'bin/parley.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_ADMIN_KEY: ADMIN_KEY,
      PARLEY_SECRET: 'memory-test-secret-0123456789',
      PARLEY_UPLOADS_PER_MINUTE_PER_IP: '100',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackProcess(child, 'parley serve');
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /Parley listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`parley serve exited (${code}):\n${output}`)));
  });
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps resident memory growth well under 100 MB during 20 concurrent uploads at the 10 MB limit', async () => {
  const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const flow = await fetch(`${url}/v1/FlexFlows`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({
      friendlyName: 'Memory',
      channelType: 'web',
      contactIdentity: 'memory',
      enabled: true,
      integrationType: 'task',
      allowedOrigins: [url],
    }),
  });
  expect(flow.status).toBe(201);
  const flexFlowSid = ((await flow.json()) as { sid: string }).sid;
  const chats = await Promise.all(Array.from({ length: 21 }, () => openWebChannel(url, { flexFlowSid })));
  const [warmUp, ...rest] = chats;
  if (!warmUp) throw new Error('no chat opened');
  // One upload first, so the code it runs is loaded before the baseline is read.
  const first = await streamUpload(url, warmUp.channelSid, warmUp.token, {
    filename: 'warm.png',
    size: MB,
    head: PNG,
  });
  expect(first.status).toBe(201);
  const baseline = memory().rss;

  let sampledPeak = baseline;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, memory().rss);
  }, 20);
  const results = await Promise.all(
    rest.map((c, i) =>
      streamUpload(url, c.channelSid, c.token, { filename: `photo-${i}.png`, size: 10 * MB, head: PNG }),
    ),
  );
  clearInterval(sampler);
  const { peak } = memory();

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  expect(results.every((r) => r.body.size === 10 * MB)).toBe(true);
  const growth = Math.max(sampledPeak, peak) - baseline;
  console.log(
    `20 × 10 MB uploads: baseline RSS ${(baseline / MB).toFixed(0)} MB, ` +
      `peak ${(Math.max(sampledPeak, peak) / MB).toFixed(0)} MB, growth ${(growth / MB).toFixed(1)} MB`,
  );
  expect(growth).toBeLessThan(100 * MB);
}, 120_000);
