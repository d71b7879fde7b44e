/**
 * Fuzz: malformed payloads, wrong types, `__proto__` / `constructor` keys, deep nesting and
 * oversize frames, to every socket event of both namespaces and every REST route (the
 * Twilio-shaped ones with forms: fields they do not read, text of the wrong kind, repeated and
 * garbled fields). The server (in this process) must never crash, answer each bad input with
 * an error, keep its memory bounded, and serve good traffic afterwards.
 */

import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, openWebChannel, request } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import {
  ACCOUNT_SID,
  basic,
  buildWorld,
  formBody,
  ROUTES,
  type Route,
  SOCKET_EVENTS,
  type World,
} from './authz-catalog.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const RUNS = 40;
const figures = { socketInputs: 0, socketErrors: 0, restInputs: 0, rest4xx: 0, rawFrames: 0 };
let parley: TestParley;
let world: World;
let heapBefore = 0;

beforeAll(async () => {
  parley = await startParley({
    // Validation is what is fuzzed here; budgets are attacked in test/attack.
    limits: { signInPerMinute: 100_000, webChannelsPerMinute: 100_000, eventBudgets: false },
  });
  world = await buildWorld(parley);
  heapBefore = heapUsed();
});
afterAll(async () => {
  console.log(`fuzz figures: ${JSON.stringify(figures)}`);
  await parley?.stop();
});

/** `{"__proto__": …}` as JSON.parse makes it: an own key, the way it arrives off the wire. */
const protoKeys = fc.constantFrom(
  JSON.parse('{"__proto__":{"polluted":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  JSON.parse('{"__proto__":{"__proto__":{"polluted":true}},"prototype":1}'),
  JSON.parse('{"toString":"x","valueOf":1,"hasOwnProperty":null}'),
);
const deep = fc.integer({ min: 50, max: 4000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
});
const wrongTypeFor = (value: unknown): fc.Arbitrary<unknown> => {
  const kinds: fc.Arbitrary<unknown>[] = [];
  if (typeof value !== 'string') kinds.push(fc.string({ maxLength: 20 }));
  if (typeof value !== 'number') kinds.push(fc.oneof(fc.integer(), fc.double({ noNaN: true })));
  if (typeof value !== 'boolean') kinds.push(fc.boolean());
  if (!Array.isArray(value)) kinds.push(fc.array(fc.integer(), { maxLength: 3 }));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) kinds.push(fc.constant({ a: 1 }));
  kinds.push(fc.constant(null));
  return fc.oneof(...kinds);
};

/** A valid example with one field given a value of the wrong type: always a bad input. */
function mistyped(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(example);
  if (keys.length === 0) {
    return fc.oneof(fc.integer(), fc.string({ minLength: 1 }), fc.boolean(), fc.array(fc.integer()));
  }
  return fc
    .constantFrom(...keys)
    .chain((key) => wrongTypeFor(example[key]).map((wrong) => ({ ...example, [key]: wrong })));
}

/** Anything at all: most of it bad, some of it accidentally valid. */
function hostile(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 5 }),
    protoKeys,
    protoKeys.map((extra) => Object.assign(JSON.parse(JSON.stringify(example)), extra)),
    deep,
    deep.map((nested) => ({ ...example, attributes: { nested } })),
    fc.string({ minLength: 1000, maxLength: 20_000 }).map((s) => ({ ...example, body: s, clientId: s })),
  );
}

/** Text a typed form field cannot take: not an integer, not true/false, not a JSON object. */
const wrongTextFor = (value: unknown): fc.Arbitrary<string> => {
  if (typeof value === 'number') return fc.constantFrom('one', '1.5', '', ' 1', '1e3', '0x1f', '--1');
  if (typeof value === 'boolean') return fc.constantFrom('yes', 'no', '1', '0', '', 'on');
  return fc.constantFrom('not json', '{', '[1]', '1', '"text"', 'null', '{"a":');
};

/**
 * A valid form (a Twilio-shaped route's) with one field the resource does not read, or one
 * typed field (an integer, a boolean, a JSON object) given text of another kind: always a bad
 * input. Form fields are all text, so a text field has no wrong type. (`__proto__`, which the
 * form parser drops, is sent by `hostileForm` and checked among the raw forms below.)
 */
function misfilled(example: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const stranger = fc
    .constantFrom('Colour', 'friendlyName', 'Sid', 'Integration.Colour', 'constructor', 'toString')
    .map((name) => ({ ...example, [name]: 'x' }));
  const typed = Object.keys(example).filter((key) => typeof example[key] !== 'string');
  if (typed.length === 0) return stranger;
  const mistyped = fc
    .constantFrom(...typed)
    .chain((key) => wrongTextFor(example[key]).map((wrong) => ({ ...example, [key]: wrong })));
  return fc.oneof(stranger, mistyped);
}

/** Any form at all (a string is sent as is): most of it bad, some of it accidentally valid. */
function hostileForm(example: Record<string, unknown>): fc.Arbitrary<string | Record<string, unknown>> {
  const valid = formBody(example);
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })),
    fc
      .constantFrom(
        '__proto__[polluted]=true',
        '__proto__=x&constructor=y',
        'constructor[prototype][polluted]=true',
        'toString=x&valueOf=1&hasOwnProperty=',
      )
      .map((extra) => `${valid}&${extra}`),
    // Every field twice (a field read as one value takes the first).
    fc.constant(`${valid}&${valid}`),
    fc.string({ minLength: 1000, maxLength: 20_000 }).map((s) => ({ ...example, Body: s, FriendlyName: s })),
    // Past the parser's 1,000 fields.
    fc.integer({ min: 1001, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `F${i}=1`).join('&')),
  );
}

function assertNoPollution() {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}

describe('fuzzing the socket events', () => {
  const sockets: Record<string, Socket> = {};
  beforeAll(async () => {
    sockets['/webchat'] = await connectVisitor(parley.url, world.tokenA);
    sockets['/agent'] = await connectAgent(parley.url, world.agentToken);
  });
  afterAll(() => {
    for (const socket of Object.values(sockets)) socket.close();
  });

  for (const spec of SOCKET_EVENTS) {
    it(`answers every bad ${spec.namespace} ${spec.event} with an error naming the field`, async () => {
      const socket = sockets[spec.namespace] as Socket;
      const example = spec.example(world);
      await fc.assert(
        fc.asyncProperty(mistyped(example), async (payload) => {
          figures.socketInputs++;
          const reply = await request<{ error?: { code: string; message: string } }>(
            socket,
            spec.event,
            payload,
          );
          figures.socketErrors++;
          expect(reply.error?.code).toBe('invalid_request');
          expect(reply.error?.message.startsWith(`${spec.event}`)).toBe(true);
        }),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(hostile(example), async (payload) => {
          figures.socketInputs++;
          const reply = await request<{ error?: { code: string } }>(socket, spec.event, payload);
          if (reply?.error) figures.socketErrors++;
          // Whatever it was, the server answered, and not with its own failure.
          expect(reply?.error?.code).not.toBe('internal');
        }),
        { numRuns: RUNS },
      );
      expect(socket.connected).toBe(true);
      assertNoPollution();
    });
  }

  it('survives fire-and-forget events, unknown events and extra arguments', async () => {
    const socket = sockets['/webchat'] as Socket;
    for (const spec of SOCKET_EVENTS.filter((s) => s.namespace === '/webchat')) {
      socket.emit(spec.event);
      socket.emit(spec.event, 'x', 1, null);
      socket.emit(spec.event, JSON.parse('{"__proto__":{"polluted":1}}'));
    }
    socket.emit('no:such:event', { a: 1 });
    socket.emit('__proto__', {});
    socket.emit('constructor', {});
    const reply = await request(socket, 'messages:sync', { afterIndex: -1 });
    expect(reply).toHaveProperty('messages');
    assertNoPollution();
  });
});

describe('raw Socket.IO frames', () => {
  /** Writes an engine.io message as is, bypassing the client's encoder. */
  const raw = (socket: Socket, frame: string) => {
    figures.rawFrames++;
    (socket.io.engine as unknown as { send(data: string): void }).send(frame);
  };
  const disconnected = (socket: Socket) =>
    new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

  it('closes the connection on a frame larger than maxHttpBufferSize and stays up', async () => {
    const socket = await connectVisitor(parley.url, world.tokenB);
    const closed = disconnected(socket);
    raw(socket, `2/webchat,["message:send",{"clientId":"big","body":"${'x'.repeat(70 * 1024)}"}]`);
    expect(await closed).toMatch(/transport (close|error)/);
    socket.close();
    const again = await connectVisitor(parley.url, world.tokenB);
    expect(await request(again, 'messages:sync', { afterIndex: -1 })).toHaveProperty('messages');
    again.close();
  });

  it('drops a connection that sends a malformed packet, and only that one', async () => {
    const bystander = await connectVisitor(parley.url, world.tokenB);
    const frames = [
      '2/webchat,["message:send"',
      '2/webchat,{"not":"an array"}',
      '9/webchat,[]',
      '2/webchat,[]',
      '2/webchat,[42]',
      '2/nowhere,["message:send",{}]',
      '51-/webchat,["message:send",{"_placeholder":true,"num":7}]',
      '2/webchat,99999999999999999999["messages:sync",{"afterIndex":-1}]',
    ];
    for (const frame of frames) {
      const socket = await connectVisitor(parley.url, world.tokenB);
      raw(socket, frame);
      // The server either ignores the packet or closes this connection; either way it answers others.
      await new Promise((resolve) => setTimeout(resolve, 30));
      socket.close();
    }
    expect(await request(bystander, 'messages:sync', { afterIndex: -1 })).toHaveProperty('messages');
    bystander.close();
  });

  let rawAcks = 0;
  it('answers deeply nested payloads (within the frame limit) with an error, not a crash', async () => {
    const socket = await connectVisitor(parley.url, world.tokenB);
    for (const depth of [1000, 10_000, 20_000]) {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const objects = `${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}`;
      for (const [_i, payload] of [
        nested,
        `{"clientId":"d${depth}","body":"x","attributes":{"n":${objects}}}`,
        `{"clientId":"e${depth}","body":"x","attributes":{"n":${nested}}}`,
      ].entries()) {
        const reply = new Promise((resolve) => {
          socket.once('message:new', resolve);
          setTimeout(() => resolve('no broadcast'), 2000);
        });
        const ackId = 100 + rawAcks++;
        const answered = new Promise<unknown>((resolve) => {
          const engine = socket.io.engine as unknown as {
            on(e: string, f: (d: string) => void): void;
            off(e: string, f: (d: string) => void): void;
          };
          const listener = (data: string) => {
            if (typeof data === 'string' && data.startsWith(`3/webchat,${ackId}`)) {
              engine.off('message', listener);
              resolve(JSON.parse(data.slice(`3/webchat,${ackId}`.length)));
            }
          };
          engine.on('message', listener);
        });
        raw(socket, `2/webchat,${ackId}["message:send",${payload}]`);
        const [ack] = (await answered) as [{ error?: { code: string } }];
        expect(ack.error?.code).toBe('invalid_request');
        await reply;
      }
    }
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe('fuzzing the REST API', () => {
  /**
   * A request with the admin key: JSON and Bearer, or for a Twilio-shaped route a form and
   * Basic, as Twilio's libraries send it. A string body is sent as is, as `type` if given.
   */
  const send = async (
    route: Pick<Route, 'method' | 'form'>,
    path: string,
    body: unknown,
    type = route.form ? 'application/x-www-form-urlencoded' : 'application/json',
  ) => {
    figures.restInputs++;
    const encode = (fields: unknown) =>
      route.form ? formBody(fields as Record<string, unknown>) : JSON.stringify(fields);
    const res = await fetch(parley.url + path, {
      method: route.method,
      headers: {
        'content-type': type,
        ...(route.form
          ? { authorization: basic(ACCOUNT_SID, parley.adminKey) }
          : { origin: parley.url, authorization: `Bearer ${parley.adminKey}` }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : encode(body),
    });
    const text = await res.text();
    if (res.status >= 400 && res.status < 500) figures.rest4xx++;
    const json = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, body: text && json ? JSON.parse(text) : text };
  };
  /** A 4xx in the route's shape: Parley's code names, Twilio's numbers. */
  const isError = (reply: { status: number; body: unknown }, route: Pick<Route, 'form'>) => {
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).toMatchObject({
      code: route.form ? expect.any(Number) : expect.any(String),
      message: expect.any(String),
      status: reply.status,
    });
  };

  for (const route of ROUTES.filter((r) => r.body)) {
    it(`answers every bad body of ${route.name} with a 4xx naming the field`, async () => {
      const example = route.body?.(world) ?? {};
      await fc.assert(
        fc.asyncProperty(route.form ? misfilled(example) : mistyped(example), async (body) => {
          const reply = await send(route, route.path(world), body);
          isError(reply, route);
          if (reply.status === 400) expect(reply.body.message).toMatch(/^body/);
        }),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(route.form ? hostileForm(example) : hostile(example), async (body) => {
          const reply = await send(route, route.path(world), body);
          expect(reply.status).toBeLessThan(500);
          if (reply.status >= 400) isError(reply, route);
        }),
        { numRuns: RUNS },
      );
      assertNoPollution();
    });
  }

  it('answers malformed JSON, wrong content types and oversize bodies with 4xx', async () => {
    const routes = ROUTES.filter((r) => r.body);
    for (const route of routes) {
      // JSON, and for a Twilio-shaped route JSON where it reads a form.
      for (const raw of [
        '{',
        '{"a":',
        'null',
        '[]',
        '"string"',
        '1e400',
        `{"body":"${'x'.repeat(70_000)}"}`,
      ]) {
        const reply = await send(route, route.path(world), raw, 'application/json');
        expect(reply.status, `${route.name} with ${raw.slice(0, 20)}`).toBeLessThan(500);
        expect(reply.status).toBeGreaterThanOrEqual(400);
      }
      const oversize = await send(
        route,
        route.path(world),
        `{"body":"${'x'.repeat(70_000)}"}`,
        'application/json',
      );
      expect(oversize.status).toBe(413);
      if (!route.form) continue;
      // Each names a field no resource reads. `__proto__` and a field with no name (`=x`),
      // which the parser drops, are refused too.
      for (const raw of [
        '=x',
        '=',
        '%',
        '%E0%A4%A',
        'Colour=blue',
        'Colour%3Dblue',
        'a[b]=1',
        '=x&Colour',
        '__proto__=1',
        '%5F%5Fproto%5F%5F=1',
      ]) {
        const reply = await send(route, route.path(world), raw);
        expect(reply.status, `${route.name} with ${raw}`).toBeLessThan(500);
        expect(reply.status, `${route.name} with ${raw}`).toBeGreaterThanOrEqual(400);
      }
      for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
        const reply = await send(route, route.path(world), formBody(route.body?.(world) ?? {}), type);
        // 404 where the path names nothing: that is checked before the body is read.
        expect([404, 415], `${route.name} as ${type}: ${reply.status}`).toContain(reply.status);
      }
      const tooLong = await send(route, route.path(world), `Body=${'x'.repeat(70_000)}`);
      expect(tooLong.status).toBe(413);
    }
  });

  it('answers bad path parameters and queries with 4xx on every route', async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '..%2F..%2Fetc%2Fpasswd',
        '%00',
        '__proto__',
        'constructor',
        `CH${'f'.repeat(500)}`,
        '%',
        '%E0%A4%A',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), junk, async (route, value) => {
        const path = route
          .path(world)
          .replace(/(CH|WT|WK|FO|FW|FN|WR)[0-9a-f]{32}/, encodeURIComponent(value));
        const query = `${path.includes('?') ? '&' : '?'}afterIndex=${encodeURIComponent(value)}&pageSize=${encodeURIComponent(value)}&status=${encodeURIComponent(value)}`;
        const reply = await send(route, path + query, route.body?.(world));
        expect(reply.status, `${route.name} → ${path}${query}`).toBeLessThan(500);
      }),
      { numRuns: RUNS * 4 },
    );
    const odd = await send(
      { method: 'GET' },
      '/v1/Channels/%E0%A4%A/Messages?afterIndex[]=1&pageSize[$gt]=1',
      undefined,
    );
    expect(odd.status).toBeLessThan(500);
    assertNoPollution();
  });
});

describe('what the fuzz found', () => {
  it('changes only the fields an update of a Flex Flow names', async () => {
    const created = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Partial',
      channelType: 'custom',
      contactIdentity: 'partial',
      enabled: false,
      integrationType: 'task',
      longLived: true,
      allowedOrigins: ['https://shop.example'],
      integration: { priority: 3 },
    });
    const updated = await parley.api('POST', `/v1/FlexFlows/${created.body.sid}`, {
      friendlyName: 'Renamed',
    });
    expect(updated.body).toMatchObject({
      friendlyName: 'Renamed',
      longLived: true,
      allowedOrigins: ['https://shop.example'],
      integration: { priority: 3 },
    });
  });

  it('refuses attributes nested deeper than the limit, with a message saying so', async () => {
    let nested: unknown = 1;
    for (let i = 0; i < 12; i++) nested = { a: nested };
    const reply = await parley.api('POST', `/v1/Channels/${world.channelB}/Messages`, {
      from: 'system',
      body: 'x',
      attributes: { nested },
    });
    expect(reply).toMatchObject({ status: 400, body: { message: expect.stringMatching(/nest at most 10/) } });
  });
});

describe('after the fuzz', () => {
  it('keeps memory bounded and still serves a visitor and an agent', async () => {
    const growth = heapUsed() - heapBefore;
    console.log(`fuzz heap growth: ${(growth / 1024 / 1024).toFixed(1)} MB`);
    expect(growth).toBeLessThan(64 * 1024 * 1024);

    const session = await openWebChannel(parley.url, {
      flexFlowSid: world.flexFlowSid,
      customerFriendlyName: 'After',
    });
    const visitor = await connectVisitor(parley.url, session.token);
    const sent = await request<{ index: number }>(visitor, 'message:send', {
      clientId: 'after-1',
      body: 'still there?',
    });
    expect(sent.index).toBe(0);
    const stored = await parley.api('GET', `/v1/Channels/${session.channelSid}/Messages`);
    expect(stored.body.messages.map((m: { body: string }) => m.body)).toEqual(['still there?']);
    visitor.close();
    const agent = await connectAgent(parley.url, world.agentToken);
    expect(await request(agent, 'session:sync')).toHaveProperty('worker');
    agent.close();
    assertNoPollution();
  });
});
