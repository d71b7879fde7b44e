/**
 * The server under attack: `parley demo` (or `parley serve`, without the demo's allowances) as
 * a child process on loopback (its own data dir, no trusted proxy, so every connection counts
 * as the client it is), watched while an attack
 * runs: resident memory sampled from /proc, `/healthz` asked every 50 ms over one kept-alive
 * connection opened before the attack, and the event loop's worst delay read from /metrics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { trackProcess } from '../helpers/processes.ts';

const root = join(import.meta.dirname, '../..');
export const ADMIN_KEY = 'attack-admin-key-0123456789';
/**
 * The target's PARLEY_SECRET. Attackers never use it, except to stand in for time: the token an
 * endless refresh chain would hold on day 31 is signed with it, since no attack can wait a month.
 */
export const SECRET = 'attack-secret-0123456789abcdef';

export interface Target {
  url: string;
  pid: number;
  mode: 'demo' | 'serve';
  /** The demo's web Flex Flow (under `serve`, one made at start, handing chats to agents). */
  flexFlowSid: string;
  // biome-ignore lint/suspicious/noExplicitAny: attacks read whatever JSON the admin API answers
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  rssBytes(): number;
  /** CPU time the server has used so far (user + system), in ms. */
  cpuMs(): number;
  openDescriptors(): number;
  stop(): Promise<void>;
}

export async function startTarget(
  env: Record<string, string> = {},
  mode: 'demo' | 'serve' = 'demo',
): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-attack-'));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs(), join(root, 'bin/parley.js'), mode], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_ADMIN_KEY: ADMIN_KEY,
      PARLEY_SECRET: SECRET,
      PARLEY_TRUST_PROXY: '0',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackProcess(child, `parley ${mode}`);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Gracefully first (a profile or log is written on the way out), by force after 10 s.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`parley ${mode} did not start:\n${output}`)), 60_000);
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        const match = output.match(/(http:\/\/127\.0\.0\.1:\d+)/);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`parley ${mode} exited (${code}):\n${output}`)));
    });
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const pid = child.pid as number;
    return {
      url,
      pid,
      mode,
      flexFlowSid: await webFlexFlowOf(mode, admin),
      admin,
      rssBytes: () => rssOf(pid),
      cpuMs: () => cpuOf(pid),
      openDescriptors: () => readdirSync(`/proc/${pid}/fd`).length,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The demo's seeded web Flex Flow; `serve` seeds nothing, so one is made. */
async function webFlexFlowOf(mode: 'demo' | 'serve', admin: Target['admin']): Promise<string> {
  if (mode === 'demo') {
    const flows = await admin('GET', '/v1/FlexFlows');
    return flows.body.flexFlows.find((f: { channelType: string }) => f.channelType === 'web').sid;
  }
  const made = await admin('POST', '/v1/FlexFlows', {
    friendlyName: 'Web',
    channelType: 'web',
    integrationType: 'task',
    contactIdentity: 'webchat',
    enabled: true,
    allowedOrigins: ['self'],
  });
  if (made.status !== 201) throw new Error(`FlexFlows answered ${made.status}: ${JSON.stringify(made.body)}`);
  return made.body.sid;
}

/** utime + stime from /proc/PID/stat, in clock ticks of 10 ms. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** ATTACK_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under attack. */
const nodeArgs = () => (process.env.ATTACK_NODE_ARGS ?? '').split(' ').filter(Boolean);

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export interface Watch {
  /** Stops watching; the figures of the watched span. */
  stop(): Promise<{
    peakRssBytes: number;
    worstHealthzMs: number;
    healthzFailures: number;
    loopDelayMs: number;
    /** Server CPU used while watched: what the attack cost, however busy the machine. */
    cpuMs: number;
  }>;
}

/**
 * Asks `/healthz` every 50 ms over one kept-alive connection, opened before the attack so the
 * attack's own connection limits never refuse it. It runs in a worker thread of its own: the
 * attack's clients share this process, and their work (a thousand Socket.IO clients created at
 * once) must not be timed as the server's slowness.
 */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let running = true;
let worst = 0;
let failures = 0;
const healthz = () => new Promise((resolve) => {
  const started = performance.now();
  const req = request(workerData.url + '/healthz', { agent, timeout: 5000 }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : -1));
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => resolve(-1));
  req.end();
});
parentPort.on('message', () => { running = false; });
(async () => {
  await healthz();
  parentPort.postMessage({ ready: true });
  while (running) {
    const ms = await healthz();
    if (ms < 0) failures++;
    else worst = Math.max(worst, ms);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  agent.destroy();
  parentPort.postMessage({ worst, failures });
})();
`;

/** Watches memory and `/healthz` from now until `stop()`. */
export async function watch(target: Target): Promise<Watch> {
  const prober = new Worker(PROBE, { eval: true, workerData: { url: target.url } });
  const reports: ((report: { ready?: true; worst?: number; failures?: number }) => void)[] = [];
  prober.on('message', (report) => reports.shift()?.(report));
  const next = () => new Promise<{ worst?: number; failures?: number }>((resolve) => reports.push(resolve));
  await next(); // the probe's connection is open and answered once
  await loopDelayMs(target); // resets the server's delay figure
  let peakRssBytes = target.rssBytes();
  const cpuAtStart = target.cpuMs();
  const sampler = setInterval(() => {
    try {
      peakRssBytes = Math.max(peakRssBytes, target.rssBytes());
    } catch {
      // The process is gone: the attack's own checks say so.
    }
  }, 50);
  return {
    async stop() {
      const figures = next();
      prober.postMessage('stop');
      const { worst = 0, failures = 0 } = await figures;
      await prober.terminate();
      clearInterval(sampler);
      const cpuMs = target.cpuMs() - cpuAtStart;
      return {
        peakRssBytes,
        worstHealthzMs: worst,
        healthzFailures: failures,
        loopDelayMs: await loopDelayMs(target),
        cpuMs,
      };
    },
  };
}

/** The server's worst event-loop delay since the last call (its /metrics gauge). */
async function loopDelayMs(target: Target): Promise<number> {
  const res = await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const text = await res.text();
  const seconds = Number(/^parley_event_loop_delay_max_seconds (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  return seconds * 1000;
}
