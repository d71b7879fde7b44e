/**
 * Bot flows against a visitor who means harm, on a real server with real sockets: a regex
 * condition built to backtrack, URL text built to escape its path segment, a destination on
 * the server's own network, and visitor text that would reach the logs through an error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { connectVisitor, next, openWebChannel, request, type VisitorSocket } from '../helpers/clients.ts';
import { lookupFlow } from '../helpers/flows.ts';
import { type StartOptions, startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley | undefined;
let visitor: VisitorSocket | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  visitor?.close();
  await parley?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => (receiver ? receiver.close(r) : r(null)));
  parley = visitor = receiver = undefined;
});

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

/** Starts Parley with `definition` as the web Flex Flow's bot, and a visitor on it. */
async function botChat(definition: unknown, options: StartOptions = {}) {
  parley = await startParley(options);
  const flow = await parley.api('POST', '/v1/Flows', { friendlyName: 'Safety', definition });
  expect(flow.status).toBe(201);
  await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integrationType: 'studio',
    integration: { flowSid: flow.body.sid },
  });
  const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
  visitor = await connectVisitor(parley.url, session.token);
  return { flowSid: flow.body.sid as string, channelSid: session.channelSid };
}

/** Sends `body` as the visitor; resolves with the bot's answer. */
async function ask(body: string): Promise<MessageDTO> {
  const socket = visitor as VisitorSocket;
  const answer = next<MessageDTO>(socket, 'message:new', (m) => m.authorRole === 'bot');
  await request(socket, 'message:send', { clientId: `c-${Math.random()}`, body });
  return answer;
}

/** A local HTTP service that records what reaches it; `/bounce` redirects to `?to=`. */
async function startReceiver() {
  const requests: string[] = [];
  receiver = createServer((req: IncomingMessage, res) => {
    requests.push(req.url ?? '');
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (req.url?.startsWith('/bounce') && to) res.writeHead(302, { location: to }).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}');
  });
  await new Promise<void>((r) => receiver?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, requests };
}

/** A pino logger whose lines are kept, to look for visitor text in them. */
function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('a regex condition', () => {
  it('answers a message built to backtrack within milliseconds, and /healthz with it', async () => {
    await botChat({
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
    });
    const attack = `${'a'.repeat(40)}!`;
    const started = performance.now();
    const [answer, health] = await Promise.all([
      ask(attack),
      (async () => {
        const t = performance.now();
        const res = await fetch(`${parley?.url}/healthz`);
        return { status: res.status, ms: performance.now() - t };
      })(),
    ]);
    expect(answer.body).toBe('not only words');
    // A backtracking engine takes minutes on this message; RE2 takes well under a millisecond.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(200);
  });

  it('that needs backtracking is refused by /v1/Flows/validate, naming the state and the fix', async () => {
    parley = await startParley();
    const res = await parley.api('POST', '/v1/Flows/validate', {
      definition: {
        initial_state: 'Trigger',
        states: [
          trigger('check'),
          {
            name: 'check',
            type: 'split-based-on',
            properties: { input: '{{ trigger.message.Body }}' },
            transitions: [
              { event: 'noMatch' },
              {
                event: 'match',
                conditions: [{ friendly_name: 'not spam', type: 'regex', value: '^(?!spam).*' }],
              },
            ],
          },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /state "check": the regex condition "not spam" \/\^\(\?!spam\)\.\*\/ cannot run: lookahead and lookbehind .* not supported: match the text itself/,
    );
  });
});

describe('make-http-request', () => {
  it('shows the bot typing while the request is out, and sends its messages without', async () => {
    let release: () => void = () => {};
    let arrival: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      arrival = resolve;
    });
    const service = createServer((_req, res) => {
      // Answered once the test has seen what the visitor sees while the request is out.
      release = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}');
      arrival();
    });
    receiver = service;
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/orders`;
    const typing: string[] = [];
    await botChat({
      initial_state: 'Trigger',
      states: [
        trigger('hello'),
        { ...say('hello', 'Looking it up'), transitions: [{ event: 'sent', next: 'lookup' }] },
        lookupFlow(url).states[1],
        say('found', 'Your order is {{ widgets.lookup.parsed.status }}'),
        say('sorry', 'Sorry, the order service is not reachable'),
      ],
    });
    const socket = visitor as VisitorSocket;
    socket.on('typing:start', (event: { identity: string; role: string }) =>
      typing.push(`${event.role} ${event.identity}`),
    );
    const bodies: string[] = [];
    socket.on('message:new', (m: MessageDTO) => {
      if (m.authorRole === 'bot') bodies.push(m.body);
    });
    const answered = next<MessageDTO>(socket, 'message:new', (m) => m.body.startsWith('Your order'));
    await request(socket, 'message:send', { clientId: 'c-1', body: '10001' });
    // The message before the request came without typing; the request, with it.
    await arrived;
    await expect.poll(() => typing).toEqual(['bot bot']);
    expect(bodies).toEqual(['Looking it up']);
    release();
    expect((await answered).body).toBe('Your order is shipped');
    expect(typing).toEqual(['bot bot']);
  });

  it('keeps visitor text inside the path segment it was written into', async () => {
    const service = await startReceiver();
    await botChat(lookupFlow(`${service.url}/orders/{{ trigger.message.Body }}?lang=en`));
    expect((await ask('../admin/users?delete=all#')).body).toBe('Your order is shipped');
    expect(service.requests).toEqual(['/orders/..%2Fadmin%2Fusers%3Fdelete%3Dall%23?lang=en']);
  });

  it('outside demo mode refuses the server’s own network, along failed, logging no visitor text', async () => {
    const service = await startReceiver();
    const { log, lines } = capturedLog();
    const { flowSid } = await botChat(lookupFlow(`${service.url}/orders/{{ trigger.message.Body }}`), {
      log,
      egress: { allowLoopback: false },
    });
    const secret = 'order-4471-of-visitor';
    expect((await ask(secret)).body).toBe('Sorry, the order service is not reachable');
    expect(service.requests).toEqual([]);
    const { executions } = (await parley?.api('GET', `/v1/Flows/${flowSid}/Executions`))?.body ?? {};
    const execution = (await parley?.api('GET', `/v1/Flows/${flowSid}/Executions/${executions[0].sid}`))
      ?.body;
    expect(
      execution.steps.find((s: { state: string; event: string | null }) => s.state === 'lookup' && s.event),
    ).toMatchObject({
      event: 'failed',
      error:
        'destination not allowed: 127.0.0.1 is a loopback address: list it in PARLEY_HTTP_ALLOW to allow it',
    });
    await parley?.server.core.idle();
    expect(lines.join('')).not.toContain(secret);
  });

  it('reaches a host listed in PARLEY_HTTP_ALLOW, and checks where it redirects again', async () => {
    const service = await startReceiver();
    const { flowSid } = await botChat(lookupFlow(`${service.url}/bounce?to={{ trigger.message.Body }}`), {
      egress: { allow: ['127.0.0.1'], allowLoopback: false },
    });
    expect((await ask('/orders/1')).body).toBe('Your order is shipped');
    expect(service.requests).toEqual(['/bounce?to=%2Forders%2F1', '/orders/1']);

    const elsewhere = `${service.url.replace('127.0.0.1', '127.0.0.2')}/admin`;
    expect((await ask(elsewhere)).body).toBe('Sorry, the order service is not reachable');
    const { executions } = (await parley?.api('GET', `/v1/Flows/${flowSid}/Executions`))?.body ?? {};
    const latest = (await parley?.api('GET', `/v1/Flows/${flowSid}/Executions/${executions[0].sid}`))?.body;
    expect(
      latest.steps.find((s: { state: string; event: string | null }) => s.state === 'lookup' && s.event)
        .error,
    ).toBe(
      'destination not allowed: 127.0.0.2 is a loopback address: list it in PARLEY_HTTP_ALLOW to allow it',
    );
  });
});

describe('a template error', () => {
  it('is logged with the state and the kind of error, never the visitor text', async () => {
    const { log, lines } = capturedLog();
    const { flowSid } = await botChat(
      {
        initial_state: 'Trigger',
        states: [
          trigger('handover'),
          {
            name: 'handover',
            type: 'send-to-flex',
            properties: { attributes: '{"said": {{ trigger.message.Body }}}' },
            transitions: [{ event: 'failedToEnqueue' }],
          },
        ],
      },
      { log },
    );
    const secret = 'my card is 4111-1111';
    await request(visitor as VisitorSocket, 'message:send', { clientId: 'c1', body: secret });
    await parley?.server.core.idle();
    const { executions } = (await parley?.api('GET', `/v1/Flows/${flowSid}/Executions`))?.body ?? {};
    expect(executions[0]).toMatchObject({
      status: 'ended',
      endReason: '"handover" failed: template failed (not JSON): the rendered text is not valid JSON',
    });
    const logged = lines.filter((line) => line.includes('bot execution ended'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('template failed (not JSON)');
    expect(lines.join('')).not.toContain('4111');
  });
});
