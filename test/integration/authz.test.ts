/**
 * The authorisation table: every socket event and REST route, against visitor A, visitor B,
 * the agent assigned A's chat, another agent, a supervisor, an expired token and no token;
 * the Twilio-shaped routes against the credentials Twilio's libraries send (HTTP Basic) too.
 * Each cell says what must happen; the test runs every cell against a real server.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '../../server/core/tokens.ts';
import type { MessageDTO, SyncReply } from '../../server/protocol.ts';
import { request } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import {
  ACCOUNT_SID,
  basic,
  buildWorld,
  connectAgent,
  connectVisitor,
  FAKE,
  formBody,
  ROUTES,
  type Route,
  SOCKET_EVENTS,
  type World,
} from './authz-catalog.ts';

const SECRET = 'test-secret-0123456789abcdef';
const REFUSED = ['forbidden', 'unauthorized', 'not_a_member'];

type Actor = 'visitorA' | 'visitorB' | 'assignedAgent' | 'otherAgent' | 'supervisor' | 'expired' | 'none';
const ACTORS: Actor[] = [
  'visitorA',
  'visitorB',
  'assignedAgent',
  'otherAgent',
  'supervisor',
  'expired',
  'none',
];

/**
 * What each actor may do with A's chat on `/agent`:
 * - `allow`: not refused (it may still fail for another reason, e.g. a conflict);
 * - `refuse`: answered forbidden;
 * - `no-connection`: the handshake itself is refused.
 */
type Outcome = 'allow' | 'refuse' | 'no-connection';

function agentOutcome(actor: Actor, event: (typeof SOCKET_EVENTS)[number]): Outcome {
  if (actor === 'visitorA' || actor === 'visitorB' || actor === 'expired' || actor === 'none')
    return 'no-connection';
  if (event.supervisorOnly) return actor === 'supervisor' ? 'allow' : 'refuse';
  if (!event.touchesChannel || actor === 'assignedAgent') return 'allow';
  if (actor === 'supervisor' && !event.writes) return 'allow';
  return 'refuse';
}

function webchatOutcome(actor: Actor): Outcome {
  return actor === 'visitorA' || actor === 'visitorB' ? 'allow' : 'no-connection';
}

let parley: TestParley;
let world: World;
const tokens: Record<Actor, Record<'/webchat' | '/agent', string>> = {} as never;

beforeAll(async () => {
  parley = await startParley();
  world = await buildWorld(parley);
  const past = createTokens(SECRET, () => new Date(Date.now() - 30 * 24 * 3600 * 1000));
  const expiredVisitor = past.sign({
    kind: 'visitor',
    contactSid: world.contactA,
    channelSid: world.channelA,
  });
  const expiredAgent = past.sign({ kind: 'agent', workerSid: world.agentSid });
  const both = (token: string) => ({ '/webchat': token, '/agent': token });
  Object.assign(tokens, {
    visitorA: both(world.tokenA),
    visitorB: both(world.tokenB),
    assignedAgent: both(world.agentToken),
    otherAgent: both(world.otherAgentToken),
    supervisor: both(world.supervisorToken),
    expired: { '/webchat': expiredVisitor.token, '/agent': expiredAgent.token },
    none: both(''),
  });
});
afterAll(async () => {
  await parley.stop();
});

async function connectAs(
  actor: Actor,
  namespace: '/webchat' | '/agent',
): Promise<Socket | { refused: string }> {
  try {
    const token = tokens[actor][namespace];
    return namespace === '/webchat'
      ? await connectVisitor(parley.url, token)
      : await connectAgent(parley.url, token);
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

/**
 * A request to a route as its callers send it: JSON from a page of Parley's own origin, or (a
 * Twilio-shaped route) a form from a backend.
 */
const call = (route: Route, auth: string | null) =>
  fetch(parley.url + route.path(world), {
    method: route.method,
    headers: {
      'content-type': route.form ? 'application/x-www-form-urlencoded' : 'application/json',
      ...(!route.form && { origin: parley.url }),
      ...(auth && { authorization: auth }),
    },
    body: route.body && (route.form ? formBody(route.body(world)) : JSON.stringify(route.body(world))),
  });

const messagesOfA = async (): Promise<MessageDTO[]> =>
  (await parley.api('GET', `/v1/Channels/${world.channelA}/Messages?pageSize=1000`)).body.messages;

describe('the authorisation table of the socket events', () => {
  // Events that end the chat or the task run after the others, so the others meet a live chat.
  const ending = ['chat:end', 'task:transfer', 'task:wrap', 'task:complete'];
  const ordered = [
    ...SOCKET_EVENTS.filter((e) => !ending.includes(e.event)),
    ...ending.flatMap((name) => SOCKET_EVENTS.filter((e) => e.event === name)),
  ];
  for (const spec of ordered) {
    for (const actor of ACTORS) {
      const expected = spec.namespace === '/agent' ? agentOutcome(actor, spec) : webchatOutcome(actor);
      it(`${spec.namespace} ${spec.event} by ${actor}: ${expected}`, async () => {
        const socket = await connectAs(actor, spec.namespace);
        if (expected === 'no-connection') {
          expect(socket).toMatchObject({ refused: 'unauthorized' });
          return;
        }
        if ('refused' in socket) throw new Error(`${actor} could not connect: ${socket.refused}`);
        const before = await messagesOfA();
        try {
          const reply = await request<{ error?: { code: string } } & Partial<SyncReply>>(
            socket,
            spec.event,
            spec.example(world),
          );
          if (expected === 'refuse') {
            expect(reply.error?.code).toBe('forbidden');
            // Nothing of the refused request reached A's chat.
            expect((await messagesOfA()).length).toBe(before.length);
          } else {
            expect(REFUSED).not.toContain(reply?.error?.code);
          }
          // Visitor B's requests only ever touch B's own channel.
          if (actor === 'visitorB' && reply?.channel) expect(reply.channel.sid).toBe(world.channelB);
          if (actor === 'visitorB' && spec.event === 'message:send') {
            expect((await messagesOfA()).length).toBe(before.length);
          }
        } finally {
          socket.close();
        }
      });
    }
  }

  it('refuses a channelSid smuggled into a visitor request, and still serves only its own chat', async () => {
    const socket = (await connectAs('visitorB', '/webchat')) as Socket;
    const smuggled = await request(socket, 'messages:sync', { afterIndex: -1, channelSid: world.channelA });
    expect(smuggled).toMatchObject({
      error: {
        code: 'invalid_request',
        message: expect.stringMatching(/^messages:sync\.channelSid is not a field/),
      },
    });
    const reply = await request<SyncReply>(socket, 'messages:sync', { afterIndex: -1 });
    expect(reply.channel.sid).toBe(world.channelB);
    socket.close();
  });

  it('lets the assigned agent read the chat no longer once the task is completed', async () => {
    const socket = (await connectAs('assignedAgent', '/agent')) as Socket;
    const reply = await request(socket, 'messages:sync', { channelSid: world.channelA, afterIndex: -1 });
    expect(reply).toMatchObject({ error: { code: 'forbidden' } });
    socket.close();
  });

  it('lets a supervisor watch live, and takes it away with the role', async () => {
    const { channelSid, token, identity } = await import('../helpers/clients.ts').then((c) =>
      c.openWebChannel(parley.url, { flexFlowSid: world.flexFlowSid, customerFriendlyName: 'Watched' }),
    );
    const supervisor = (await connectAs('supervisor', '/agent')) as Socket;
    expect(await request(supervisor, 'messages:sync', { channelSid, afterIndex: -1 })).toHaveProperty(
      'messages',
    );
    const live = new Promise<MessageDTO>((resolve) => supervisor.once('message:new', resolve));
    const visitor = await connectVisitor(parley.url, token);
    await request(visitor, 'message:send', { clientId: 'w1', body: 'is anyone there?' });
    expect((await live).from).toBe(identity);
    visitor.close();
    await parley.api('POST', `/v1/Workers/${world.supervisorSid}`, { attributes: { roles: [] } });
    expect(await request(supervisor, 'messages:sync', { channelSid, afterIndex: -1 })).toMatchObject({
      error: { code: 'forbidden' },
    });
    supervisor.close();
  });

  it('takes no visitor token on /agent and no agent token on /webchat', async () => {
    await expect(connectAgent(parley.url, world.tokenA)).rejects.toMatchObject({ message: 'unauthorized' });
    await expect(connectVisitor(parley.url, world.agentToken)).rejects.toMatchObject({
      message: 'unauthorized',
    });
  });
});

describe('the authorisation table of the REST routes', () => {
  const credentials: Record<string, (w: World) => string | null> = {
    'the admin key': () => `Bearer ${parley.adminKey}`,
    'no credentials': () => null,
    'a wrong key': () => 'Bearer not-the-admin-key',
    "visitor A's token": (w) => `Bearer ${w.tokenA}`,
    "the assigned agent's token": (w) => `Bearer ${w.agentToken}`,
    "the supervisor's token": (w) => `Bearer ${w.supervisorToken}`,
    "another agent's token": (w) => `Bearer ${w.otherAgentToken}`,
    'the key without Bearer': () => parley.adminKey,
  };
  // Staff routes and Twilio-shaped routes have tables of their own below.
  for (const route of ROUTES.filter((r) => r.access !== 'staff' && !r.form)) {
    for (const [who, header] of Object.entries(credentials)) {
      const admitted =
        route.access === 'public' ||
        (route.access === 'admin' && who === 'the admin key') ||
        (route.access === 'member' && who === "visitor A's token") ||
        ((route.access === 'holder' || route.access === 'supervisor') && who === 'the admin key');
      // Whether the agent still holds A's chat depends on the socket table above.
      if (route.access !== 'public' && route.access !== 'admin' && who === "the assigned agent's token")
        continue;
      // The supervisor loses the role in the socket table above (earlier-conversations.test.ts
      // admits a supervisor).
      if ((route.access === 'holder' || route.access === 'supervisor') && who === "the supervisor's token")
        continue;
      it(`${route.name} with ${who}: ${admitted ? 'admitted' : 'refused'}`, async () => {
        const res = await call(route, header(world));
        // Admitted: past the guard (a sign-in may still answer 401 invalid_credentials).
        if (admitted) {
          expect(res.status === 401 ? (await res.json()).code : 'past the guard').not.toBe('unauthorized');
          expect(res.status).not.toBe(403);
        } else if (route.access === 'member') {
          expect([401, 403]).toContain(res.status);
        } else if (route.access === 'holder' || route.access === 'supervisor') {
          // An agent with no part in the chat is known but refused; anyone else is unknown.
          expect(res.status).toBe(who === "another agent's token" ? 403 : 401);
        } else {
          expect(res.status).toBe(401);
          expect(await res.json()).toMatchObject({ code: 'unauthorized' });
        }
      });
    }
  }

  it('refuses the public widget endpoints from an origin the Flex Flow does not allow', async () => {
    for (const route of ROUTES.filter((r) => r.access === 'public' && r.name.includes('WebChannels'))) {
      const res = await fetch(parley.url + route.path(world), {
        method: route.method,
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        body: route.body ? JSON.stringify(route.body(world)) : undefined,
      });
      expect(res.status, route.name).toBe(403);
    }
  });
});

describe('the staff routes and API keys', () => {
  const staff = (w: World): Record<string, string> => ({
    'the admin key': `Bearer ${parley.adminKey}`,
    'an API key': `Bearer ${w.apiKeySecret}`,
    "the assigned agent's token": `Bearer ${w.agentToken}`,
    "another agent's token": `Bearer ${w.otherAgentToken}`,
  });
  const strangers = (w: World): Record<string, string | null> => ({
    'no credentials': null,
    'a wrong key': 'Bearer not-the-admin-key',
    "visitor A's token": `Bearer ${w.tokenA}`,
    'the key without Bearer': parley.adminKey,
  });
  for (const route of ROUTES.filter((r) => r.access === 'staff')) {
    it(`${route.name}: admits staff and the keys, refuses anyone else`, async () => {
      for (const [who, auth] of Object.entries(staff(world))) {
        const res = await call(route, auth);
        expect([401, 403], `${who}: ${res.status}`).not.toContain(res.status);
      }
      for (const [who, auth] of Object.entries(strangers(world))) {
        const res = await call(route, auth);
        expect(res.status, who).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'unauthorized' });
      }
    });
  }

  // Not a row of the table: without PARLEY_SMTP_URL the server answers 503, which the fuzz refuses.
  it('refuses a transcript by email to another origin and to a field it does not read', async () => {
    const ask = (origin: string, body: Record<string, unknown>) =>
      fetch(`${parley.url}/v1/WebChannels/Transcripts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ token: world.tokenA, email: 'ada@example.com', ...body }),
      });
    expect((await ask('https://evil.example', {})).status).toBe(403);
    const unknown = await ask(parley.url, { attributes: {} });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toContain('body.attributes');
  });

  it('admits an API key on every route the admin key opens but /v1/ApiKeys, and only the Bearer or Basic form', async () => {
    for (const route of ROUTES.filter((r) => r.access !== 'public' && r.access !== 'member')) {
      // Twilio's libraries send a key as Basic, its SID the username.
      const key = route.form ? basic(world.apiKeySid, world.apiKeySecret) : `Bearer ${world.apiKeySecret}`;
      const res = await call(route, key);
      if (route.refusesApiKeys) {
        // A leaked key must not mint its own replacement.
        expect(res.status, route.name).toBe(403);
        expect(await res.json()).toMatchObject({
          code: 'forbidden',
          message: 'API keys cannot manage API keys; use the admin key or the admin console',
        });
      } else expect([401, 403], `${route.name}: ${res.status}`).not.toContain(res.status);
    }
    expect(ROUTES.filter((r) => r.refusesApiKeys).map((r) => r.name)).toEqual([
      'POST /v1/ApiKeys',
      'GET /v1/ApiKeys',
      'GET /v1/ApiKeys/:sid',
      'DELETE /v1/ApiKeys/:sid',
    ]);
    const bare = await call(
      ROUTES.find((r) => r.name === 'GET /v1/Workers') as (typeof ROUTES)[number],
      world.apiKeySecret,
    );
    expect(bare.status).toBe(401);
  });
});

describe('the authorisation table of the Twilio-shaped routes', () => {
  // What Twilio's libraries send (HTTP Basic: a SID and its secret), and the tokens of Parley's
  // own people, as a Basic password and as the desk and the widget send them (Bearer).
  const credentials: Record<string, (w: World) => string | null> = {
    'the admin key under an account SID': () => basic(ACCOUNT_SID, parley.adminKey),
    'an API key under its own SID': (w) => basic(w.apiKeySid, w.apiKeySecret),
    'no credentials': () => null,
    'a wrong key under an account SID': () => basic(ACCOUNT_SID, 'not-the-admin-key'),
    'the admin key under a username that is no SID': () => basic('admin', parley.adminKey),
    "an API key's secret under an account SID": (w) => basic(ACCOUNT_SID, w.apiKeySecret),
    "an API key's secret under another key's SID": (w) => basic(FAKE.SK, w.apiKeySecret),
    "visitor A's token under an account SID": (w) => basic(ACCOUNT_SID, w.tokenA),
    "the assigned agent's token under an account SID": (w) => basic(ACCOUNT_SID, w.agentToken),
    "the supervisor's token under an account SID": (w) => basic(ACCOUNT_SID, w.supervisorToken),
    "visitor A's token": (w) => `Bearer ${w.tokenA}`,
    "the assigned agent's token": (w) => `Bearer ${w.agentToken}`,
    "the supervisor's token": (w) => `Bearer ${w.supervisorToken}`,
  };
  const admitted = new Set(['the admin key under an account SID', 'an API key under its own SID']);
  /**
   * Whether Twilio's shape answers (docs/twilio.md, "Which shape answers"): Basic credentials,
   * a form, or a path only Twilio has. A Bearer token or none, without a form, on a path
   * Parley's JSON API shares (`GET /v1/FlexFlows`) is Parley's JSON API's to refuse.
   */
  const twilioAnswers = (route: Route, auth: string | null) =>
    /^Basic /.test(auth ?? '') ||
    route.body !== undefined ||
    /^\/(v2\/|v1\/(Workspaces|Conversations)(\/|$))/.test(route.path(world));

  for (const route of ROUTES.filter((r) => r.form)) {
    for (const [who, header] of Object.entries(credentials)) {
      const admits = admitted.has(who);
      it(`${route.name} with ${who}: ${admits ? 'admitted' : 'refused'}`, async () => {
        const auth = header(world);
        const res = await call(route, auth);
        const body = res.status === 204 ? null : await res.json();
        if (admits) {
          expect([401, 403], `${res.status} ${JSON.stringify(body)}`).not.toContain(res.status);
          // Answered by the Twilio-shaped surface: an error with Twilio's numeric code, a
          // resource with its url, a list with its meta.
          if (res.status >= 400)
            expect(body).toMatchObject({ code: expect.any(Number), more_info: expect.any(String) });
          else if (body) expect(body.url ?? body.meta).toBeDefined();
        } else {
          expect(res.status).toBe(401);
          expect(body).toMatchObject({ code: twilioAnswers(route, auth) ? 20003 : 'unauthorized' });
        }
      });
    }
  }
});

describe('the table covers everything', () => {
  it('refuses every documented admin route without the admin key', async () => {
    const { readFile } = await import('node:fs/promises');
    const docs = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const routes = new Set(
      [...docs.matchAll(/`(GET|POST|PATCH|DELETE) (\/v1\/[^`?\s]*|\/metrics)/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      ),
    );
    const open = /^(POST|GET) \/v1\/(WebChannels|AgentSessions|AdminSessions)/;
    const admin = [...routes].filter((r) => !open.test(r));
    expect(admin.length).toBeGreaterThan(30);
    for (const route of admin) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await fetch(parley.url + path.replace(/:\w+/g, 'X1'), {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      });
      expect(res.status, route).toBe(401);
    }
  });

  it('has a row for every client event in the wire contract', async () => {
    const { readFile } = await import('node:fs/promises');
    const protocol = await readFile(new URL('../../server/protocol.ts', import.meta.url), 'utf8');
    for (const [name, namespace] of [
      ['WebchatClientEvents', '/webchat'],
      ['AgentClientEvents', '/agent'],
    ] as const) {
      const body = protocol.split(`export interface ${name} {`)[1]?.split('\n}')[0] ?? '';
      const events = [...body.matchAll(/^\s+'([a-z]+:[a-z]+)':/gm)].map((m) => m[1]);
      expect(events.length).toBeGreaterThan(0);
      const covered = SOCKET_EVENTS.filter((e) => e.namespace === namespace).map((e) => e.event);
      expect(covered.sort(), `${name} events without a row in authz-catalog.ts`).toEqual(
        expect.arrayContaining(events),
      );
    }
  });
});
