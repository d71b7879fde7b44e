/**
 * Surfaces found by the adversarial pass beyond issue 13's findings (finding "A" in
 * docs/security.md): socket events no handler knows, the main namespace `/` that needed no
 * token, and the admin key guessed over HTTP from one address.
 */
import { io } from 'socket.io-client';
import { ADMIN_KEY } from './target.ts';
import { type Attack, connectSocket, openChat, send, tally, untilDisconnected } from './tools.ts';

export const unknownEventFlood: Attack = {
  finding: 'A',
  name: 'events no handler knows, 60 KB each, from one socket',
  prepare: (attacker) => openChat(attacker),
  async run(attacker, chat) {
    const socket = await connectSocket(attacker, '/webchat', (chat as { token: string }).token);
    const cutOff = untilDisconnected(socket, 20_000);
    const pad = 'x'.repeat(60_000);
    const events = Math.round(20_000 * attacker.scale);
    let sent = 0;
    // Sent as fast as the socket takes them, each under a new name, until the server hangs up.
    for (; sent < events && socket.connected; sent++) {
      socket.emit(`made-up:${sent}`, { pad });
      if (sent % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const disconnected = await cutOff;
    socket.close();
    return {
      tried: sent,
      seen: disconnected ? `disconnected after ${sent} were sent` : 'still connected',
      checks: {
        'the socket is disconnected': disconnected,
        'well before the flood ends': sent < events,
      },
    };
  },
};

export const mainNamespace: Attack = {
  finding: 'A',
  name: 'sockets on the main namespace `/`, which takes no token',
  async run({ target, address, scale }) {
    const count = Math.round(200 * scale);
    const answers = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<string>((resolve) => {
            const socket = io(`${target.url}/`, {
              transports: ['websocket'],
              forceNew: true,
              reconnection: false,
              localAddress: address,
            } as Parameters<typeof io>[1]);
            const done = (answer: string) => {
              socket.close();
              resolve(answer);
            };
            socket.once('connect', () => done('connected'));
            socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
              done(err.data?.code ?? err.message),
            );
          }),
      ),
    );
    const connected = answers.filter((a) => a === 'connected').length;
    return {
      tried: count,
      seen: tally(answers.map((a) => ({ status: a === 'connected' ? 200 : 403, code: a }))),
      checks: { 'no socket joins the main namespace': connected === 0 },
    };
  },
};

export const keyGuessing: Attack = {
  finding: 'A',
  name: 'the admin key guessed from one address (Bearer on /v1, Basic on the Twilio-shaped API)',
  async run({ target, address, scale }) {
    const count = Math.round(400 * scale);
    const basic = (password: string) =>
      `Basic ${Buffer.from(`AC${'0'.repeat(32)}:${password}`).toString('base64')}`;
    const answers: { status: number; code?: string }[] = [];
    // Ten at a time, as a guesser keeping a few connections busy would.
    for (let i = 0; i < count; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, count - i) }, (_, k) => {
          const guess = `guess-${i + k}`;
          const [path, authorization] =
            (i + k) % 2 ? ['/v1/Workers', `Bearer ${guess}`] : ['/v2/Flows', basic(guess)];
          return send(`${target.url}${path}`, { method: 'GET', headers: { authorization }, address });
        }),
      );
      answers.push(...batch.map((r) => ({ status: r.status, code: String(r.body?.code ?? '') })));
    }
    const right = await send(`${target.url}/v1/Workers`, {
      method: 'GET',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      address,
    });
    const checked = answers.filter((a) => a.status === 401).length;
    return {
      tried: count + 1,
      seen: `${tally(answers)}; then the right key from there: ${right.status}`,
      checks: {
        'at most 30 guesses (and those in flight) are checked in a minute': checked <= 40,
        'the rest are refused with 429': checked + answers.filter((a) => a.status === 429).length === count,
        'the address stays refused, whatever key it sends': right.status === 429,
      },
    };
  },
};
