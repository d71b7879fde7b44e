/**
 * One chaos run: `parley serve` in a child process, N visitors and M agents chatting over
 * loopback through outboxes, the server killed with SIGKILL K times at random moments and
 * started again on the same data, then the verdict (see verify.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaosAgent, ChaosVisitor } from './clients.ts';
import { ServerProcess } from './server-process.ts';
import { type Verdict, verify } from './verify.ts';

export interface ChaosOptions {
  visitors: number;
  agents: number;
  kills: number;
  /** How long the traffic runs while the kills happen, in ms. */
  durationMs: number;
  /** Mean time between two messages of one client, in ms. */
  messageIntervalMs: number;
  seed: number;
  /** SIGKILL (default): no shutdown code runs. SIGTERM: the graceful shutdown, mid-traffic. */
  signal?: 'SIGKILL' | 'SIGTERM';
  /** Progress lines go here (none by default). */
  log?: (line: string) => void;
}

export interface ChaosReport extends Verdict {
  options: Omit<ChaosOptions, 'log'>;
  sent: number;
  acked: number;
  attempts: number;
  ackTimeouts: number;
  deduplicated: number;
  ackErrors: Record<string, number>;
  kills: number;
  /** Enqueued but never acknowledged by the end (the outbox could not drain). */
  unacked: number;
  seconds: number;
}

const ADMIN_KEY = 'chaos-admin-key-0123456789';
const SECRET = 'chaos-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32), so a run can be repeated. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log = () => {}, ...shown } = options;
  const random = seeded(options.seed);
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chaos-'));
  const server = new ServerProcess({
    dataDir,
    adminKey: ADMIN_KEY,
    secret: SECRET,
    // The load comes from one address, far above what one visitor may send.
    env: {
      PARLEY_WEBCHANNELS_PER_MINUTE: '100000',
      PARLEY_SIGNIN_PER_MINUTE: '100000',
      PARLEY_MESSAGES_PER_MINUTE: '100000',
      PARLEY_MESSAGES_PER_MINUTE_PER_IP: '1000000',
      PARLEY_EVENT_BUDGETS: 'off',
    },
  });
  const clients: (ChaosVisitor | ChaosAgent)[] = [];
  try {
    const url = await server.start();
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };

    await call('POST', '/v1/TaskQueues', { friendlyName: 'Everyone', targetWorkers: '1==1' });
    const flexFlow = await call('POST', '/v1/FlexFlows', {
      friendlyName: 'Chaos webchat',
      channelType: 'web',
      contactIdentity: 'webchat',
      enabled: true,
      integrationType: 'task',
      allowedOrigins: ['*'],
    });
    const capacity = Math.min(100, Math.ceil(options.visitors / Math.max(1, options.agents)));
    for (let a = 0; a < options.agents; a++) {
      await call('POST', '/v1/Workers', {
        friendlyName: `Agent ${a}`,
        username: `chaos-agent-${a}`,
        password: 'chaos-password',
        capacity,
        activity: 'Available',
      });
      const session = await call('POST', '/v1/AgentSessions', {
        username: `chaos-agent-${a}`,
        password: 'chaos-password',
      });
      clients.push(new ChaosAgent(`a${a}`, url, session.token));
    }
    for (let v = 0; v < options.visitors; v++) {
      const session = await call(
        'POST',
        '/v1/WebChannels',
        { flexFlowSid: flexFlow.sid, customerFriendlyName: `Visitor ${v}` },
        { origin: 'https://shop.chaos.test' },
      );
      clients.push(new ChaosVisitor(`v${v}`, url, session.token, session.channelSid));
    }

    const pumps = clients.map((client) => client.pump());
    let talking = true;
    const talkers = clients.map(async (client) => {
      while (talking) {
        if (client instanceof ChaosVisitor) client.say();
        else client.say(random);
        await sleep(options.messageIntervalMs * (0.5 + random()));
      }
    });

    // The kills: mostly at random moments of an up-time, some right after a restart, while
    // every client is reconnecting and catching up.
    const meanUptime = options.durationMs / Math.max(1, options.kills);
    for (let k = 1; k <= options.kills; k++) {
      await sleep(random() < 0.2 ? random() * 100 : random() * 2 * meanUptime);
      await (options.signal === 'SIGTERM' ? server.stop() : server.kill());
      if (random() < 0.5) await sleep(random() * 300);
      await server.start();
      if (k % 10 === 0 || k === options.kills) log(`kill ${k}/${options.kills}`);
    }
    await sleep(500);
    talking = false;
    await Promise.all(talkers);
    for (const client of clients) client.finish();
    const drained = await Promise.race([
      Promise.all(pumps).then(() => true),
      sleep(60_000).then(() => false),
    ]);
    if (!drained) log('some outboxes did not drain within 60 s');

    // Every view should now converge on its own (broadcasts, gap resyncs); give it a moment.
    const api = (path: string) => call('GET', path);
    const deadline = Date.now() + 10_000;
    for (;;) {
      let behind = 0;
      for (const client of clients) {
        for (const view of client.views.values()) {
          const channel = (await api(`/v1/Channels/${view.channelSid}`)) as { lastMessageIndex: number };
          if (view.contiguous < channel.lastMessageIndex) behind++;
        }
      }
      if (behind === 0 || Date.now() > deadline) break;
      await sleep(200);
    }

    const verdict = await verify(
      api,
      clients.flatMap((c) => c.acked),
      clients.flatMap((c) => [...c.views.values()]),
    );
    const sum = (pick: (c: (typeof clients)[number]) => number) => clients.reduce((n, c) => n + pick(c), 0);
    const ackErrors: Record<string, number> = {};
    for (const c of clients)
      for (const [code, n] of Object.entries(c.stats.ackErrors)) ackErrors[code] = (ackErrors[code] ?? 0) + n;
    return {
      options: shown,
      ...verdict,
      sent: sum((c) => c.stats.enqueued),
      acked: sum((c) => c.stats.acked),
      attempts: sum((c) => c.stats.attempts),
      ackTimeouts: sum((c) => c.stats.ackTimeouts),
      deduplicated: sum((c) => c.stats.deduplicated),
      ackErrors,
      kills: server.starts - 1,
      unacked: sum((c) => c.outbox.length),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    for (const client of clients) client.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The run found nothing wrong. */
export const isClean = (r: ChaosReport) =>
  r.lost === 0 && r.duplicated === 0 && r.gaps === 0 && r.viewMismatches === 0 && r.unacked === 0;

export function formatReport(r: ChaosReport): string {
  const o = r.options;
  return [
    `chaos: ${o.visitors} visitors, ${o.agents} agents, ${r.kills} kills (${o.signal ?? 'SIGKILL'}) in ${r.seconds} s, seed ${o.seed}`,
    `  messages sent ${r.sent}, acknowledged ${r.acked}, unacknowledged at the end ${r.unacked}`,
    `  send attempts ${r.attempts} (ack lost with a connection ${r.ackTimeouts}, retries answered with the stored original ${r.deduplicated}, ack errors ${JSON.stringify(r.ackErrors)})`,
    `  stored ${r.storedMessages} messages in ${r.channels} channels`,
    `  lost ${r.lost}, duplicated ${r.duplicated}, index gaps ${r.gaps}, client views differing from the store ${r.viewMismatches}`,
    `  ${isClean(r) ? 'PASS' : 'FAIL'}`,
  ].join('\n');
}
