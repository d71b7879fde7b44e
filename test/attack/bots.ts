/**
 * Bot flows fed hostile text (findings 5 and 7): messages built to make a backtracking regex
 * run for minutes, URL text built to leave its path segment for another path of an internal
 * service, and (under `parley serve`, where loopback and private networks are refused unless
 * listed in PARLEY_HTTP_ALLOW) a request to the machine's own network, directly or through a
 * redirect of an allowed service.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'socket.io-client';
import { lookupFlow } from '../helpers/flows.ts';
import { type Attack, type Attacker, ask, botFlexFlow, connectSocket, nextEvent, openChat } from './tools.ts';

const trigger = (next: string) => ({
  name: 'Trigger',
  type: 'trigger',
  properties: {},
  transitions: [{ event: 'incomingMessage', next }],
});
const say = (name: string, body: string) => ({
  name,
  type: 'send-message',
  properties: { body },
  transitions: [],
});

/** Sends `body` as the visitor; the bot's answer and how long it took, or null after 10 s. */
async function toBot(socket: Socket, body: string) {
  const started = performance.now();
  const answer = nextEvent<{ body: string; authorRole: string }>(
    socket,
    'message:new',
    10_000,
    (m) => m.authorRole === 'bot',
  );
  await ask(socket, 'message:send', { clientId: `m-${Math.random()}`, body });
  const message = await answer;
  return { body: message?.body ?? null, ms: performance.now() - started };
}

async function botChat(attacker: Attacker, definition: unknown) {
  const chat = await openChat(attacker, await botFlexFlow(attacker.target, definition));
  return connectSocket(attacker, '/webchat', chat.token);
}

export const regexBacktracking: Attack<Socket> = {
  finding: '5',
  name: 'messages built to backtrack `^(\\w+\\s?)*$` in a regex condition',
  prepare: (attacker) =>
    botChat(attacker, {
      initial_state: 'Trigger',
      states: [
        trigger('check'),
        {
          name: 'check',
          type: 'split-based-on',
          properties: { input: '{{ trigger.message.Body }}' },
          transitions: [
            { event: 'noMatch', next: 'no' },
            { event: 'match', next: 'yes', conditions: [{ type: 'regex', value: '^(\\w+\\s?)*$' }] },
          ],
        },
        say('yes', 'words only'),
        say('no', 'not only words'),
      ],
    }),
  async run(attacker, socket) {
    const count = Math.max(3, Math.round(10 * attacker.scale));
    const answers = [];
    for (let i = 0; i < count; i++) {
      // 30 to 60 word characters, then one that fails the match at the very end.
      answers.push(await toBot(socket, `${'a'.repeat(30 + 3 * i)}!`));
    }
    answers.push(await toBot(socket, `${'ab '.repeat(20)}!`));
    socket.close();
    const slowest = Math.max(...answers.map((a) => a.ms));
    return {
      tried: answers.length,
      seen: `each answered "not only words"; slowest answer ${slowest.toFixed(0)} ms`,
      checks: {
        'the bot answers every message': answers.every((a) => a.body === 'not only words'),
        'each answer within a second': slowest < 1_000,
      },
    };
  },
};

/** A local HTTP service that records the paths asked of it; `/bounce?to=` redirects. */
async function internalService(host: string) {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (req.url?.startsWith('/bounce') && to) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const ESCAPES = [
  '../admin/users?delete=all#',
  '../../admin/users',
  '..%2Fadmin%2Fusers',
  '%2e%2e/admin',
  '/admin/users?delete=all',
  '1?delete=all&x=',
  '1#/../admin',
  '1\\..\\admin',
];

export const urlPathEscape: Attack<{ socket: Socket; service: Awaited<ReturnType<typeof internalService>> }> =
  {
    finding: '7',
    name: 'visitor text built to leave its URL path segment (`../admin/users?delete=all#`)',
    async prepare(attacker) {
      const service = await internalService('127.0.0.1');
      const socket = await botChat(
        attacker,
        lookupFlow(`${service.url}/orders/{{ trigger.message.Body }}?lang=en`),
      );
      return { socket, service };
    },
    async run(attacker, { socket, service }) {
      const rounds = Math.max(1, Math.round(2 * attacker.scale));
      const answers = [];
      for (let i = 0; i < rounds; i++) for (const text of ESCAPES) answers.push(await toBot(socket, text));
      socket.close();
      await service.close();
      // Each request stays at /orders/<one segment>?lang=en: never another path, never another query.
      const confined = service.paths.every((path) => {
        const url = new URL(path, 'http://x');
        return /^\/orders\/[^/]+$/.test(url.pathname) && url.search === '?lang=en';
      });
      return {
        tried: answers.length,
        seen: `the service saw ${service.paths.length} requests, e.g. ${service.paths[0]}`,
        checks: {
          'every request reaches the service': service.paths.length === answers.length,
          'each stays in its path segment and query': confined,
          'no /admin path is requested': !service.paths.some((p) => p.startsWith('/admin')),
        },
      };
    },
  };

interface EgressStage {
  direct: Socket;
  bounced: Socket;
  partner: Awaited<ReturnType<typeof internalService>>;
  internal: Awaited<ReturnType<typeof internalService>>;
}

export const privateDestination: Attack<EgressStage> = {
  finding: '7',
  name: 'bot requests to the private network, directly and through an allowed redirect',
  mode: 'serve',
  async prepare(attacker) {
    // 127.0.0.1 stands for a partner API listed in PARLEY_HTTP_ALLOW; 127.0.0.2 for an
    // internal service that is not.
    const partner = await internalService('127.0.0.1');
    const internal = await internalService('127.0.0.2');
    const direct = await botChat(attacker, lookupFlow(`${internal.url}/orders/{{ trigger.message.Body }}`));
    const bounced = await botChat(
      attacker,
      lookupFlow(`${partner.url}/bounce?to={{ trigger.message.Body }}`),
    );
    return { direct, bounced, partner, internal };
  },
  async run(attacker, { direct, bounced, partner, internal }) {
    const rounds = Math.max(1, Math.round(2 * attacker.scale));
    const sorry = 'Sorry, the order service is not reachable';
    const refusals = [];
    for (let i = 0; i < rounds; i++) {
      refusals.push(await toBot(direct, `${i}`));
      for (const to of [
        `${internal.url}/admin`,
        `http://localhost:${new URL(internal.url).port}/admin`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.1/',
        'http://[::1]/admin',
      ]) {
        refusals.push(await toBot(bounced, to));
      }
    }
    // The allowed partner itself still answers: the policy refuses destinations, not requests.
    const allowed = await toBot(bounced, '/orders/1');
    direct.close();
    bounced.close();
    await Promise.all([partner.close(), internal.close()]);
    return {
      tried: refusals.length + 1,
      seen: `${refusals.filter((a) => a.body === sorry).length} of ${refusals.length} refused along failed; the internal service saw ${internal.paths.length} requests`,
      checks: {
        'every private destination is refused': refusals.every((a) => a.body === sorry),
        'the internal service is never reached': internal.paths.length === 0,
        'the listed partner is still reached': allowed.body === 'Your order is shipped',
      },
    };
  },
};
