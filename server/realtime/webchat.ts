/**
 * Namespace `/webchat`: one visitor, one channel. The handshake carries the session token in
 * `auth` (never the URL); the connection's Origin must be one the Flex Flow allows.
 */
import type { Namespace, Socket } from 'socket.io';
import type { Core, Logger } from '../core/index.ts';
import { selfHost } from '../core/origins.ts';
import { sessionStartOf } from '../core/tokens.ts';
import { type VisitorSession, visitorSessionOf } from '../core/visitor-session.ts';
import { ParleyError } from '../errors.ts';
import type { WebchatClientEvents, WebchatServerEvents } from '../protocol.ts';
import { LIMITS } from '../schemas.ts';
import { type Budgets, guardsFor } from './budgets.ts';
import type { ConnectionGate } from './connection-gate.ts';
import { createDispatcher, handshakeError, on } from './handle.ts';
import { channelRoom } from './rooms.ts';
import { schemas } from './schemas.ts';
import { sentAck } from './sent-ack.ts';

interface VisitorData {
  contactSid: string;
  channelSid: string;
  identity: string;
  address: string;
  /**
   * What `session:refresh` needs of the token the socket connected with: the Flex Flow it was
   * issued on (absent from tokens issued before scoping) and when its session began, which caps
   * the session. The token itself is not kept: it was a third of an idle socket's own memory.
   */
  flexFlowSid: string | undefined;
  since: number;
}

/** The handshake's `auth` once read: the same empty object for every socket. */
const READ_AUTH = Object.freeze({});

export type WebchatNamespace = Namespace<
  WebchatClientEvents,
  WebchatServerEvents,
  Record<string, never>,
  VisitorData
>;

export interface WebchatOptions {
  budgets: Budgets | null;
  gate: ConnectionGate;
  /** Times each acknowledged request (delivery latency in /metrics). */
  timeRequest?: (event: string) => () => void;
}

export function attachWebchat(nsp: WebchatNamespace, core: Core, log: Logger, options: WebchatOptions) {
  const { budgets, gate } = options;
  const { conversations, flexFlows, tokens } = core;

  nsp.use(async (socket, next) => {
    try {
      const claims = tokens.verify(socket.handshake.auth?.token);
      if (claims?.kind !== 'visitor') return next(unauthorized());
      // Refused before any lookup: a flood of handshakes on one session costs a signature check.
      const address = gate.addressOf(socket);
      const full = gate.refusal(claims.channelSid, address);
      if (full) return next(full);
      // Who the token stands for, checked as every visitor route checks it (visitor-session.ts).
      const { origin, host } = socket.handshake.headers;
      let session: VisitorSession;
      try {
        session = await visitorSessionOf(core, socket.handshake.auth?.token, {
          origin,
          host: selfHost(host, core.publicUrl),
        });
      } catch (err) {
        if (err instanceof ParleyError && err.status === 403) {
          return next(
            handshakeError('forbidden_origin', `Origin ${origin ?? '(none)'} may not open this chat`),
          );
        }
        if (err instanceof ParleyError && err.status === 401) return next(unauthorized());
        throw err;
      }
      const { contact, channel } = session;
      const data: VisitorData = {
        contactSid: contact.sid,
        channelSid: channel.sid,
        identity: contact.identity,
        address,
        // Equal to the token's when it names one (visitorSessionOf checked).
        flexFlowSid: claims.flexFlowSid && channel.flexFlowSid,
        since: sessionStartOf(claims),
      };
      const refused = gate.admit(socket, data);
      if (refused) return next(refused);
      socket.data = data;
      socket.handshake.auth = READ_AUTH;
      next();
    } catch (err) {
      log.error({ err }, 'webchat handshake failed');
      next(new Error('internal'));
    }
  });

  type VisitorSocket = Socket & { data: VisitorData };
  // Defined once for the namespace: each handler reads the visitor from socket.data.
  const dispatch = createDispatcher<VisitorData>(
    {
      'messages:sync': on(schemas.sync, (socket, { afterIndex }) =>
        conversations.sync(socket.data.channelSid, afterIndex),
      ),
      'message:send': on(
        schemas.send,
        async (socket, req) => {
          const { channelSid, identity } = socket.data;
          const post = { channelSid, from: identity, origin: socket.id, ...req };
          const { message, created } = await conversations.post(post);
          return sentAck(message, created);
        },
        plainMessage,
      ),
      'typing:start': on(schemas.empty, (socket) =>
        conversations.typing(socket.data.channelSid, socket.data.identity),
      ),
      'channel:read': on(schemas.read, (socket, { index }) =>
        conversations.markRead(socket.data.channelSid, socket.data.identity, index),
      ),
      'context:update': on(schemas.pageContext, (socket, { pageUrl }) =>
        conversations.updatePageUrl(socket.data.channelSid, pageUrl),
      ),
      'chat:end': on(schemas.empty, async (socket) => {
        const channel = await conversations.getChannel(socket.data.channelSid);
        if (channel.status === 'active') await flexFlows.endByCustomer(channel);
        return { ok: true };
      }),
      // The session of the token this socket connected with, refreshed by the same rule as any
      // token: never past the session's absolute lifetime.
      'session:refresh': on(schemas.empty, async (socket) => {
        const { contactSid, channelSid, flexFlowSid, since } = socket.data;
        const claims = { kind: 'visitor' as const, contactSid, channelSid, since };
        return tokens.refresh(tokens.sign(flexFlowSid ? { ...claims, flexFlowSid } : claims).token);
      }),
    },
    log,
    core.track,
    guardsFor<VisitorData>(budgets, core.counter, ({ contactSid }) => `contact:${contactSid}`),
    options.timeRequest,
  );

  nsp.on('connection', (connected) => {
    const socket = connected as unknown as VisitorSocket;
    const { channelSid } = socket.data;
    void socket.join(channelRoom(channelSid));
    // A visitor waiting for an agent learns their place in line at once, then on every change.
    core.track(
      core.routing.queuePositions
        .current(channelSid)
        .then((position) => position && socket.emit('queue:position', position)),
    );
    socket.onAny(dispatch);
  });
}

/**
 * The widget's usual message, `{ clientId, body }` within their limits, accepted without the
 * schema (whose cost showed under load); anything else, attributes included, goes to it.
 */
function plainMessage(payload: unknown): { clientId: string; body: string } | null {
  if (typeof payload !== 'object' || payload === null || Object.getPrototypeOf(payload) !== Object.prototype)
    return null;
  const { clientId, body } = payload as Record<string, unknown>;
  if (typeof clientId !== 'string' || clientId.length < 1 || clientId.length > LIMITS.clientId) return null;
  if (typeof body !== 'string' || body.length < 1 || body.length > LIMITS.messageBody) return null;
  let keys = 0;
  for (const _ in payload) keys++;
  return keys === 2 ? { clientId, body } : null;
}

const unauthorized = () =>
  handshakeError('unauthorized', 'The session token is missing, invalid or expired: open a new chat');
