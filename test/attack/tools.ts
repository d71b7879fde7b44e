/**
 * What an attack is, and the attacker's tools: HTTP requests, sockets and uploads sent from
 * the attacker's own loopback address (so each attack meets the per-address limits afresh),
 * chats, Flex Flows and agents set up through the admin API.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import type { Target } from './target.ts';

export interface AttackOutcome {
  /** Requests, events or connections the attacker sent. */
  tried: number;
  /** What the server did, in a line. */
  seen: string;
  /** Each must hold for the attack to count as absorbed. */
  checks: Record<string, boolean>;
}

/** Where the attacker stands: a loopback address of its own, so attacks do not share budgets. */
export interface Attacker {
  target: Target;
  address: string;
  scale: number;
}

export interface Attack<P = unknown> {
  finding: string;
  name: string;
  /** `serve`: run against `parley serve` (no demo allowances) instead of `parley demo`. */
  mode?: 'demo' | 'serve';
  /** Sets the stage (unwatched): chats, flows, filled histories. */
  prepare?(attacker: Attacker): Promise<P>;
  /** The attack itself, watched. */
  run(attacker: Attacker, prepared: P): Promise<AttackOutcome>;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: attacks read whatever JSON the server answers
  body: any;
}

/**
 * A request from `address` (fetch cannot choose its source address). A body that is not a
 * string is sent as JSON.
 */
export function send(
  url: string,
  {
    method = 'POST',
    body,
    headers = {},
    address,
  }: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    address?: string;
  },
): Promise<Reply> {
  const text = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' || body === undefined ? {} : { 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { ...type, ...headers }, localAddress: address },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          data += chunk;
        });
        res.on('end', () => {
          let parsed: unknown = data;
          try {
            parsed = data ? JSON.parse(data) : null;
          } catch {
            // Not JSON: the text itself.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** A POST to a public route, from the attacker's address, with the site's own Origin. */
export const postPublic = ({ target, address }: Attacker, path: string, body: unknown) =>
  send(`${target.url}${path}`, { body, headers: { origin: target.url }, address });

export async function openChat(attacker: Attacker, flexFlowSid = attacker.target.flexFlowSid, extra = {}) {
  const res = await postPublic(attacker, '/v1/WebChannels', {
    flexFlowSid,
    customerFriendlyName: 'Mallory',
    ...extra,
  });
  if (res.status !== 201) throw new Error(`WebChannels answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { token: string; channelSid: string; contactSid: string; identity: string };
}

export function connectSocket(
  { target, address }: Attacker,
  namespace: string,
  token: string,
): Promise<Socket> {
  const socket = io(`${target.url}${namespace}`, {
    auth: { token },
    transports: ['websocket'],
    extraHeaders: { origin: target.url },
    forceNew: true,
    reconnection: false,
    localAddress: address,
  } as Parameters<typeof io>[1]);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The handshake's answer for a token: `connected`, or the refusal's message. */
export async function handshake(attacker: Attacker, namespace: string, token: string): Promise<string> {
  try {
    (await connectSocket(attacker, namespace, token)).close();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

export function ask<T>(
  socket: Socket,
  event: string,
  payload: unknown = {},
  timeoutMs = 10_000,
): Promise<T | null> {
  return new Promise((resolve) => {
    socket
      .timeout(timeoutMs)
      .emit(event, payload, (err: Error | null, reply: T) => resolve(err ? null : reply));
  });
}

/** The socket's TCP connection, to stop and resume reading it. */
export function tcpOf(socket: Socket): TcpSocket | undefined {
  const transport = (socket.io.engine as unknown as { transport: { ws?: { _socket?: TcpSocket } } })
    .transport;
  return transport.ws?._socket;
}

export const untilDisconnected = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (socket.disconnected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/** Resolves with the first `event` that passes `accept` within `ms`, else null. */
export const nextEvent = <T>(
  socket: Socket,
  event: string,
  ms: number,
  accept: (v: T) => boolean = () => true,
) =>
  new Promise<T | null>((resolve) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      resolve(null);
    }, ms);
    const listener = (value: T) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(value);
    };
    socket.on(event, listener);
  });

let flexFlows = 0;

/** A web Flex Flow open to the target's origin: straight to agents unless `integration` says otherwise. */
export async function webFlexFlow(target: Target, fields: Record<string, unknown> = {}): Promise<string> {
  const n = ++flexFlows;
  const res = await target.admin('POST', '/v1/FlexFlows', {
    friendlyName: `attack ${n}`,
    channelType: 'web',
    integrationType: 'task',
    contactIdentity: `attack-${process.pid}-${n}`,
    enabled: true,
    allowedOrigins: ['self'],
    ...fields,
  });
  if (res.status !== 201) throw new Error(`FlexFlows answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.sid;
}

/** A Flex Flow that hands chats straight to agents (no bot), open to the demo's origin. */
export const taskFlexFlow = (target: Target) => webFlexFlow(target);

/** A web Flex Flow whose bot is `definition` (a Studio-format flow). */
export async function botFlexFlow(target: Target, definition: unknown): Promise<string> {
  const flow = await target.admin('POST', '/v1/Flows', {
    friendlyName: `attack bot ${++flexFlows}`,
    definition,
  });
  if (flow.status !== 201) throw new Error(`Flows answered ${flow.status}: ${JSON.stringify(flow.body)}`);
  return webFlexFlow(target, { integrationType: 'studio', integration: { flowSid: flow.body.sid } });
}

/** Fills the attacker's own chat with `count` messages of 4,000 characters. */
export async function fillChat(attacker: Attacker, token: string, count: number) {
  const socket = await connectSocket(attacker, '/webchat', token);
  const body = 'x'.repeat(4_000);
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, (_, k) =>
        ask(socket, 'message:send', { clientId: `fill-${i + k}`, body }),
      ),
    );
  }
  socket.close();
}

/** An agent made through the admin API, signed in from the attacker's address. */
export async function makeAgent(attacker: Attacker, name: string, attributes: Record<string, unknown> = {}) {
  const username = `${name.toLowerCase()}-${process.pid}-${++flexFlows}`;
  const password = 'attack-agent-password';
  const made = await attacker.target.admin('POST', '/v1/Workers', {
    friendlyName: name,
    username,
    password,
    attributes,
  });
  if (made.status !== 201) throw new Error(`Workers answered ${made.status}: ${JSON.stringify(made.body)}`);
  const session = await postPublic(attacker, '/v1/AgentSessions', { username, password });
  if (session.status !== 201) throw new Error(`AgentSessions answered ${session.status}`);
  return { sid: made.body.sid as string, username, password, token: session.body.token as string };
}

/** The smallest valid PNG: a 1×1 transparent pixel. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Uploads `size` bytes (a PNG head, then zeros) to a chat from `address`, written in 64 KiB
 * pieces as the server reads them, so the attacker's own memory stays small.
 */
export function upload(
  { target }: Attacker,
  address: string,
  channelSid: string,
  token: string,
  size: number,
): Promise<{ status: number; code?: string }> {
  const filler = Buffer.alloc(65_536);
  return new Promise((resolve) => {
    let answered = false;
    const req = httpRequest(`${target.url}/media/${channelSid}`, {
      method: 'POST',
      localAddress: address,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'x-filename': 'photo.png',
        'content-length': String(size),
      },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = JSON.parse(text).code;
        } catch {
          // A success answers the media record; only refusals carry a code.
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    // A refusal may close the connection while the body is still going out.
    req.on('error', () => {
      if (!answered) resolve({ status: 0, code: 'connection closed' });
    });
    let sent = 0;
    const write = () => {
      while (!answered && sent < size) {
        const piece =
          sent === 0
            ? PNG.subarray(0, Math.min(PNG.length, size))
            : filler.subarray(0, Math.min(65_536, size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered) req.end();
    };
    write();
  });
}

/** Counts each status (and refusal code) of a list of answers, as `201×10, 429 rate_limited×3`. */
export function tally(answers: { status: number; code?: string }[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const key = a.code && a.status >= 300 ? `${a.status} ${a.code}` : String(a.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key}×${n}`).join(', ');
}

/** The attacker's `k`-th other address (127.0.k.N beside 127.0.0.N), for attacks from many. */
export const otherAddress = ({ address }: Attacker, k: number) =>
  address.replace(/^127\.0\.0\./, `127.0.${k}.`);

/** The claims of a visitor token, as anyone holding it can read them. */
export const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
    since?: number;
    iat?: number;
    exp: number;
    contactSid: string;
    channelSid: string;
  };
