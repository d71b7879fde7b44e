/**
 * One session's live `/webchat` connection: syncs missed messages on every connect, flushes
 * the outbox in order, refreshes an expiring token, and turns server events into store
 * updates. The chat client owns the session's lifecycle; this owns the socket.
 */
import type { MessageDTO } from '../../server/protocol';
import { type ChatState, isEnded, lastIndex } from '../state/chat-state';
import { messageFromAck } from '../state/sent-message';
import type { Store } from '../state/store';
import * as update from '../state/updates';
import type { Outbox } from './outbox';
import type { StoredSession } from './session-store';
import { connectWebchat, isAckError, request, type WebchatSocket } from './socket';

export interface ConnectionDeps {
  serverUrl: string;
  store: Store<ChatState>;
  outbox: Outbox;
  /** Messages new to the log (already merged into the store). */
  onFresh(messages: MessageDTO[]): void;
  onEnded(): void;
  /** The server refused the token. */
  onRefused(): void;
  /** A refreshed token to persist. */
  onToken(session: StoredSession): void;
}

export interface Connection {
  readonly connected: boolean;
  flush(): void;
  markRead(): void;
  typing(): void;
  updatePage(pageUrl: string): void;
  end(): Promise<boolean>;
  close(): void;
}

const TYPING_SHOWN_MS = 3_000;
const REFRESH_BEFORE_MS = 24 * 60 * 60 * 1000;

export function openConnection(session: StoredSession, deps: ConnectionDeps): Connection {
  const { store, outbox } = deps;
  const socket: WebchatSocket = connectWebchat(deps.serverUrl, session.token);
  /** clientIds sent on the current connection and not yet acknowledged. */
  let inflight = new Set<string>();
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  function markRead() {
    const index = lastIndex(store.get());
    if (socket.connected && index >= 0) socket.emit('channel:read', { index });
  }

  function receive(messages: MessageDTO[]) {
    const held = new Set(store.get().messages.map((message) => message.index));
    store.update(update.mergeMessages(messages));
    const fresh = messages.filter((m) => !held.has(m.index) && m.channelSid === session.channelSid);
    const typing = store.get().typing;
    if (typing && fresh.some((m) => m.authorName === typing.name))
      store.update(update.expireTyping(Infinity));
    if (!fresh.length) return;
    deps.onFresh(fresh);
    if (store.get().open) markRead();
    // System messages announce membership changes ("… joined the chat"): refresh the members
    // too, so the header never depends on a separate member event arriving.
    if (socket.connected && fresh.some((message) => message.authorRole === 'system')) void sync();
  }

  async function sync() {
    const reply = await request(socket, 'messages:sync', { afterIndex: lastIndex(store.get()) });
    if (!reply) return;
    if (isAckError(reply)) return console.error('[parley] sync failed:', reply.error.message);
    store.update(update.setMembers(reply.members));
    setChannel(reply.channel);
    receive(reply.messages);
    if (reply.hasMore && reply.messages.length) void sync();
  }

  function setChannel(channel: Parameters<typeof update.setChannel>[0]) {
    const wasEnded = isEnded(store.get());
    store.update(update.setChannel(channel));
    if (!wasEnded && isEnded(store.get())) deps.onEnded();
  }

  /** Sends the outbox in order, one at a time, while this connection lasts. */
  async function flush() {
    for (const entry of outbox.list(session.channelSid)) {
      if (!socket.connected) return;
      if (entry.failed || inflight.has(entry.clientId)) continue;
      inflight.add(entry.clientId);
      const { clientId, body, attributes } = entry;
      const reply = await request(socket, 'message:send', {
        clientId,
        body,
        ...(attributes && { attributes }),
      });
      if (!reply) return; // lost with the connection: the next connect retries it with the same clientId
      outbox.remove(clientId);
      // The code, not the server's text: the widget says what went wrong in the visitor's language.
      if (isAckError(reply)) store.update(update.failPending(clientId, reply.error.code));
      else {
        const { channelSid, identity } = session;
        const me = store.get().members.find((member) => member.identity === identity);
        // The visitor's own name is never shown on its messages; a transcript falls back to `from`.
        const authorName = me?.friendlyName ?? '';
        receive([
          messageFromAck(entry, reply, { channelSid, from: identity, authorRole: 'customer', authorName }),
        ]);
      }
    }
  }

  async function refreshIfExpiring() {
    if (Date.parse(session.expiresAt) - Date.now() > REFRESH_BEFORE_MS) return;
    const reply = await request(socket, 'session:refresh', {});
    if (!reply || isAckError(reply)) return;
    session = { ...session, token: reply.token, expiresAt: reply.expiresAt };
    deps.onToken(session);
    socket.auth = { token: reply.token };
  }

  socket.on('connect', () => {
    store.update(update.setConnected(true));
    // A send lost with the previous connection is no longer in flight: it is re-sent.
    inflight = new Set();
    void sync().then(flush);
    void refreshIfExpiring();
  });
  socket.on('disconnect', () => store.update(update.setConnected(false)));
  socket.on('connect_error', (err) => {
    if (err.message === 'unauthorized') deps.onRefused();
  });
  socket.on('message:new', (message) => receive([message]));
  socket.on('message:updated', (message) => store.update(update.mergeMessages([message])));
  socket.on('message:removed', (event) => store.update(update.removeMessage(event.channelSid, event.sid)));
  socket.on('member:updated', (member) => store.update(update.upsertMember(member)));
  socket.on('member:removed', (event) => store.update(update.removeMember(event.channelSid, event.identity)));
  socket.on('queue:position', (event) => store.update(update.setQueue(event)));
  socket.on('channel:updated', setChannel);
  socket.on('typing:start', (event) => {
    if (event.identity === session.identity || event.channelSid !== session.channelSid) return;
    store.update(update.setTyping(event.friendlyName, Date.now() + TYPING_SHOWN_MS));
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => store.update(update.expireTyping(Date.now())), TYPING_SHOWN_MS);
  });

  return {
    get connected() {
      return socket.connected;
    },
    flush: () => void flush(),
    markRead,
    typing: () => socket.connected && void socket.emit('typing:start'),
    updatePage: (pageUrl) => socket.connected && void socket.emit('context:update', { pageUrl }),
    async end() {
      if (!socket.connected) return false;
      const reply = await request(socket, 'chat:end', {});
      const channel = store.get().channel;
      if (!reply || isAckError(reply) || !channel) return false;
      setChannel({ ...channel, status: 'inactive' });
      return true;
    },
    close() {
      clearTimeout(typingTimer);
      socket.disconnect();
    },
  };
}
