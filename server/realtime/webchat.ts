/**
 * Namespace `/webchat`: one visitor, one channel. The handshake carries the session token in
 * `auth` (never the URL); the connection's Origin must be one the Flex Flow allows.
 */
import type { Namespace, Socket } from 'socket.io';
import { isErasedIdentity } from '../core/identity.ts';
import type { Core, Logger } from '../core/index.ts';
import { isOriginAllowed, selfHost } from '../core/origins.ts';
import type { WebchatClientEvents, WebchatServerEvents } from '../protocol.ts';
import { type Budgets, createEventGuard } from './budgets.ts';
import type { ConnectionGate } from './connection-gate.ts';
import { createHandle, handshakeError } from './handle.ts';
import { channelRoom } from './rooms.ts';
import { schemas } from './schemas.ts';

interface VisitorData {
  contactSid: string;
  channelSid: string;
  identity: string;
  address: string;
}

export type WebchatNamespace = Namespace<
  WebchatClientEvents,
  WebchatServerEvents,
  Record<string, never>,
  VisitorData
>;

export interface WebchatOptions {
  budgets: Budgets | null;
  gate: ConnectionGate;
}

export function attachWebchat(nsp: WebchatNamespace, core: Core, log: Logger, options: WebchatOptions) {
  const { budgets, gate } = options;
  const { store, conversations, flexFlows, tokens } = core;

  nsp.use(async (socket, next) => {
    try {
      const claims = tokens.verify(socket.handshake.auth?.token);
      if (claims?.kind !== 'visitor') return next(unauthorized());
      // Refused before any lookup: a flood of handshakes on one session costs a signature check.
      const address = gate.addressOf(socket);
      const full = gate.refusal(`channel:${claims.channelSid}`, address);
      if (full) return next(full);
      const [contact, channel] = await Promise.all([
        store.contacts.get(claims.contactSid),
        store.channels.get(claims.channelSid),
      ]);
      // An erased contact's tokens are revoked with it.
      if (!contact || !channel || channel.contactSid !== contact.sid || isErasedIdentity(contact.identity)) {
        return next(unauthorized());
      }
      const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
      const { origin, host } = socket.handshake.headers;
      if (!flexFlow || !isOriginAllowed(flexFlow.allowedOrigins, origin, selfHost(host, core.publicUrl))) {
        return next(
          handshakeError('forbidden_origin', `Origin ${origin ?? '(none)'} may not open this chat`),
        );
      }
      const refused = gate.admit(socket, `channel:${channel.sid}`, address);
      if (refused) return next(refused);
      socket.data = { contactSid: contact.sid, channelSid: channel.sid, identity: contact.identity, address };
      next();
    } catch (err) {
      log.error({ err }, 'webchat handshake failed');
      next(new Error('internal'));
    }
  });

  nsp.on(
    'connection',
    (socket: Socket<WebchatClientEvents, WebchatServerEvents, Record<string, never>, VisitorData>) => {
      const { channelSid, identity, contactSid, address } = socket.data;
      void socket.join(channelRoom(channelSid));
      // A visitor waiting for an agent learns their place in line at once, then on every change.
      core.track(
        core.routing.queuePositions
          .current(channelSid)
          .then((position) => position && socket.emit('queue:position', position)),
      );
      const admit =
        budgets &&
        createEventGuard(
          socket as unknown as Socket,
          { identity: `contact:${contactSid}`, address },
          budgets,
          core.counter,
        );
      const handle = createHandle(socket as unknown as Socket, log, core.track, admit ?? undefined);

      handle('messages:sync', schemas.sync, ({ afterIndex }) => conversations.sync(channelSid, afterIndex));
      handle('message:send', schemas.send, async (req) => {
        const { message } = await conversations.post({
          channelSid,
          from: identity,
          origin: socket.id,
          ...req,
        });
        return { sid: message.sid, index: message.index, message };
      });
      handle('typing:start', schemas.empty, () => conversations.typing(channelSid, identity));
      handle('channel:read', schemas.read, ({ index }) =>
        conversations.markRead(channelSid, identity, index),
      );
      handle('context:update', schemas.pageContext, ({ pageUrl }) =>
        conversations.updatePageUrl(channelSid, pageUrl),
      );
      handle('chat:end', schemas.empty, async () => {
        const channel = await conversations.getChannel(channelSid);
        if (channel.status === 'active') await flexFlows.endByCustomer(channel);
        return { ok: true };
      });
      // The token this socket connected with carries when the session began, which caps it.
      handle('session:refresh', schemas.empty, async () => tokens.refresh(socket.handshake.auth?.token));
    },
  );
}

const unauthorized = () =>
  handshakeError('unauthorized', 'The session token is missing, invalid or expired: open a new chat');
