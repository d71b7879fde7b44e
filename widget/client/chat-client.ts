/**
 * The conversation, without UI: creates or resumes the visitor's session, keeps one `/webchat`
 * connection, syncs missed messages on every connect, flushes the outbox, and turns server
 * events into store updates. The UI calls its actions; it never touches the socket.
 */
import type { MessageDTO, WebChannelRequest } from '../../server/protocol';
import { type ChatState, isEnded, lastIndex } from '../state/chat-state';
import type { Store } from '../state/store';
import * as update from '../state/updates';
import type { WebchatEvents } from '../types';
import type { Emitter } from './emitter';
import { createClientId, type Outbox } from './outbox';
import type { SessionStore, StoredSession } from './session-store';
import { connectWebchat, isAckError, request, type WebchatSocket } from './socket';
import { createWebChannel } from './web-channels';

export interface ChatClientDeps {
  serverUrl: string;
  flexFlowSid: string;
  store: Store<ChatState>;
  sessions: SessionStore;
  outbox: Outbox;
  events: Emitter<WebchatEvents>;
  /** Who the visitor is and what the page knows, read when a conversation starts. */
  engagement: () => Pick<WebChannelRequest, 'customerFriendlyName' | 'preEngagementData'>;
}

export interface ChatClient {
  /** Resumes a stored session; false when there is none. */
  resume(): boolean;
  /** Makes sure a conversation exists (called when the window opens). */
  ensureStarted(): void;
  send(body: string): void;
  notifyTyping(): void;
  markRead(): void;
  end(): Promise<void>;
  /** Starts a new conversation for the same contact after one ended. */
  restart(): void;
  dispose(): void;
}

const TYPING_THROTTLE_MS = 2_000;
const TYPING_SHOWN_MS = 3_000;
const REFRESH_BEFORE_MS = 24 * 60 * 60 * 1000;

export function createChatClient(deps: ChatClientDeps): ChatClient {
  const { store, sessions, outbox, events } = deps;
  let session: StoredSession | null = null;
  let socket: WebchatSocket | null = null;
  let starting: Promise<void> | null = null;
  /** clientIds sent on the current connection and not yet acknowledged. */
  let inflight = new Set<string>();
  let lastTypingSent = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  function enter(next: StoredSession) {
    session = next;
    store.update(update.enterConversation(next.channelSid, next.identity, outbox.list(next.channelSid)));
    connect(next);
  }

  async function start(previousToken?: string) {
    store.update(update.startConversation);
    try {
      const created = await createWebChannel(deps.serverUrl, {
        flexFlowSid: deps.flexFlowSid,
        pageUrl: location.href,
        ...deps.engagement(),
        ...(previousToken ? { token: previousToken } : {}),
      });
      const next: StoredSession = {
        token: created.token,
        channelSid: created.channelSid,
        identity: created.identity,
        contactSid: created.contactSid,
        expiresAt: created.expiresAt,
      };
      sessions.save(next);
      enter(next);
    } catch (error) {
      store.update(update.failConversation(error instanceof Error ? error.message : String(error)));
    }
  }

  /** Tells the server the visitor has seen everything up to the newest message. */
  function markRead() {
    const index = lastIndex(store.get());
    if (socket?.connected && index >= 0) socket.emit('channel:read', { index });
  }

  function receive(messages: MessageDTO[]) {
    const held = new Set(store.get().messages.map((message) => message.index));
    store.update(update.mergeMessages(messages));
    const typing = store.get().typing;
    const fresh = messages.filter((m) => !held.has(m.index) && m.channelSid === session?.channelSid);
    for (const message of fresh) {
      if (typing && message.authorName === typing.name) store.update(update.expireTyping(Infinity));
      events.emit('message', message);
    }
    if (fresh.length && store.get().open) markRead();
    // System messages announce membership changes ("… joined the chat"): refresh the members
    // too, so the header never depends on a separate member event arriving.
    if (socket?.connected && fresh.some((message) => message.authorRole === 'system')) void sync(socket);
  }

  function connect(current: StoredSession) {
    socket?.disconnect();
    const sock = connectWebchat(deps.serverUrl, current.token);
    socket = sock;
    sock.on('connect', () => {
      store.update(update.setConnected(true));
      // A send lost with the previous connection is no longer in flight: it is re-sent.
      inflight = new Set();
      void sync(sock).then(() => flush(sock));
      void refreshIfExpiring(sock);
    });
    sock.on('disconnect', () => store.update(update.setConnected(false)));
    sock.on('connect_error', (err) => {
      if (err.message === 'unauthorized') dropSession();
    });
    sock.on('message:new', (message) => receive([message]));
    sock.on('member:updated', (member) => store.update(update.upsertMember(member)));
    sock.on('channel:updated', (channel) => {
      const wasEnded = isEnded(store.get());
      store.update(update.setChannel(channel));
      if (!wasEnded && isEnded(store.get())) events.emit('ended', channel);
    });
    sock.on('typing:start', (event) => {
      if (event.identity === session?.identity || event.channelSid !== session?.channelSid) return;
      store.update(update.setTyping(event.friendlyName, Date.now() + TYPING_SHOWN_MS));
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => store.update(update.expireTyping(Date.now())), TYPING_SHOWN_MS);
    });
  }

  async function sync(sock: WebchatSocket) {
    const reply = await request(sock, 'messages:sync', { afterIndex: lastIndex(store.get()) });
    if (!reply) return;
    if (isAckError(reply)) return console.error('[parley] sync failed:', reply.error.message);
    store.update(update.setChannel(reply.channel));
    store.update(update.setMembers(reply.members));
    receive(reply.messages);
  }

  /** Sends the outbox in order, one at a time, while this connection lasts. */
  async function flush(sock: WebchatSocket) {
    const channelSid = session?.channelSid;
    if (!channelSid) return;
    for (const entry of outbox.list(channelSid)) {
      if (!sock.connected || sock !== socket) return;
      if (entry.failed || inflight.has(entry.clientId)) continue;
      inflight.add(entry.clientId);
      const reply = await request(sock, 'message:send', { clientId: entry.clientId, body: entry.body });
      if (!reply) return; // lost with the connection: the next connect retries it with the same clientId
      outbox.remove(entry.clientId);
      if (isAckError(reply)) store.update(update.failPending(entry.clientId, reply.error.message));
      else receive([reply.message]);
    }
  }

  async function refreshIfExpiring(sock: WebchatSocket) {
    if (!session || Date.parse(session.expiresAt) - Date.now() > REFRESH_BEFORE_MS) return;
    const reply = await request(sock, 'session:refresh', {});
    if (!reply || isAckError(reply) || !session) return;
    session = { ...session, token: reply.token, expiresAt: reply.expiresAt };
    sessions.save(session);
    sock.auth = { token: reply.token };
  }

  /** The server no longer accepts the token: forget it; an open window starts afresh. */
  function dropSession() {
    socket?.disconnect();
    socket = null;
    session = null;
    sessions.clear();
    store.update(update.leaveConversation);
    if (store.get().open) ensureStarted();
  }

  function ensureStarted() {
    if (session || starting) return;
    starting = start().finally(() => {
      starting = null;
    });
  }

  return {
    resume() {
      const stored = sessions.load();
      if (stored) enter(stored);
      return stored !== null;
    },
    ensureStarted,
    send(text) {
      const body = text.trim();
      if (!body || !session) return;
      const entry = { clientId: createClientId(), body, dateCreated: new Date().toISOString() };
      outbox.add({ ...entry, channelSid: session.channelSid });
      store.update(update.addPending(entry));
      if (socket?.connected) void flush(socket);
    },
    notifyTyping() {
      const now = Date.now();
      if (!socket?.connected || now - lastTypingSent < TYPING_THROTTLE_MS) return;
      lastTypingSent = now;
      socket.emit('typing:start');
    },
    markRead,
    async end() {
      if (!socket?.connected) return;
      const reply = await request(socket, 'chat:end', {});
      if (reply && !isAckError(reply)) {
        const channel = store.get().channel;
        if (channel && channel.status === 'active') {
          store.update(update.setChannel({ ...channel, status: 'inactive' }));
          events.emit('ended', { ...channel, status: 'inactive' });
        }
      }
    },
    restart() {
      const previousToken = session?.token;
      socket?.disconnect();
      socket = null;
      session = null;
      outbox.clear();
      store.update(update.leaveConversation);
      starting = start(previousToken).finally(() => {
        starting = null;
      });
    },
    dispose() {
      clearTimeout(typingTimer);
      socket?.disconnect();
      socket = null;
    },
  };
}
