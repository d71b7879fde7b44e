/**
 * Connects the desk's store to the server: replays the server's view on every (re)connect,
 * turns server events into store updates, and exposes the agent's actions. Messages go
 * through an outbox so one written while offline is sent once the desk is back.
 */
import { messageFromAck } from '../../../../widget/state/sent-message.ts';
import type {
  Activity,
  MessageDTO,
  NewConversationRequest,
  Sid,
  TaskDTO,
  TransferRequest,
  TransferTargets,
  WrapUpRequest,
} from '../../../protocol.ts';
import * as chats from '../state/chat-updates.ts';
import type { DeskState } from '../state/desk-state.ts';
import * as desk from '../state/desk-updates.ts';
import { lastIndex, ownAuthor } from '../state/selectors.ts';
import type { Store } from '../state/store.ts';
import { type AgentSocket, openAgentSocket, request } from './agent-socket.ts';
import { createOutboxSender } from './outbox-sender.ts';
import { createClientId } from './outbox-storage.ts';

export interface DeskClient {
  /** A built-in activity's name or a custom activity's sid. */
  setActivity(activity: Activity | Sid): Promise<void>;
  accept(reservationSid: Sid): Promise<void>;
  reject(reservationSid: Sid): Promise<void>;
  /** Queues a message; `attributes` carry an attachment's `media`. */
  send(channelSid: Sid, body: string, attributes?: Record<string, unknown>): void;
  /** Tells the customer the agent is typing; throttled, so call it on every keystroke. */
  typing(channelSid: Sid): void;
  select(channelSid: Sid | null): void;
  wrap(taskSid: Sid): Promise<void>;
  /** Queues and agents the chat could go to. */
  transferTargets(): Promise<TransferTargets>;
  transfer(request: TransferRequest): Promise<void>;
  /** Starts an outbound SMS / WhatsApp-style conversation and opens it. */
  startConversation(request: NewConversationRequest): Promise<void>;
  /** Opens the supervisor view and keeps it live. */
  supervise(): Promise<void>;
  showChats(): void;
  /** Supervisors: follows a live chat read-only, from its first message on. */
  watch(chat: { channelSid: Sid; customerName: string; agentName: string }): Promise<void>;
  /** Leaves the watched chat first when the supervisor joined it. */
  stopWatching(): void;
  /** Supervisors: join the watched chat as a second agent (the visitor sees it), or leave it. */
  joinWatched(): Promise<void>;
  leaveWatched(): Promise<void>;
  /** A joined supervisor's message in the watched chat. */
  sendToWatched(body: string): Promise<void>;
  /** A staff-only note on a chat held or watched: the customer never sees it. */
  whisper(channelSid: Sid, body: string): Promise<void>;
  /** Opens "Search conversations" in the main area. */
  showSearch(): void;
  /** Completes the wrap-up, with its disposition and notes when the agent gave them. */
  complete(request: WrapUpRequest): Promise<void>;
  close(): void;
}

export interface DeskClientOptions {
  token: string;
  store: Store<DeskState>;
  /** The server refused the token: the agent must sign in again. */
  onUnauthorized(): void;
  socket?: AgentSocket;
}

const TYPING_THROTTLE_MS = 2_000;
const TYPING_SHOWN_MS = 4_000;

export function connectDesk({
  token,
  store,
  onUnauthorized,
  socket = openAgentSocket(token),
}: DeskClientOptions): DeskClient {
  const typingSentAt = new Map<Sid, number>();
  const typingTimers = new Map<Sid, ReturnType<typeof setTimeout>>();

  const notifyError = (error: unknown) =>
    store.update(desk.addNotice(error instanceof Error ? error.message : String(error), 'error'));

  /** Marks the selected chat read up to its newest message, when the agent can see it. */
  function readSelected(): void {
    const state = store.get();
    const sid = state.selectedChannelSid;
    const chat = sid ? state.chats[sid] : undefined;
    if (!sid || !chat || document.visibilityState !== 'visible') return;
    const index = lastIndex(chat);
    if (index <= chat.readIndex) return;
    store.update(chats.markRead(sid, index));
    if (socket.connected) socket.emit('channel:read', { channelSid: sid, index });
  }

  async function syncMessages(channelSid: Sid): Promise<void> {
    const held = store.get().chats[channelSid];
    if (!held) return;
    const reply = await request(socket, 'messages:sync', { channelSid, afterIndex: lastIndex(held) });
    store.update(chats.updateChannel(reply.channel));
    for (const member of reply.members) store.update(chats.updateMember(member));
    receive(channelSid, reply.messages);
    // Long chats come a page at a time.
    if (reply.hasMore && reply.messages.length) await syncMessages(channelSid);
  }

  /** The watched chat's messages after those held; the server joins this socket to its room. */
  async function syncWatched(channelSid: Sid): Promise<void> {
    const held = store.get().watching;
    if (held?.channelSid !== channelSid) return;
    const afterIndex = held.messages[held.messages.length - 1]?.index ?? -1;
    const reply = await request(socket, 'messages:sync', { channelSid, afterIndex });
    store.update(desk.addWatchedMessages(channelSid, reply.messages));
    store.update(desk.setWatchedEnded(channelSid, reply.channel.status === 'inactive'));
    if (reply.hasMore && reply.messages.length) await syncWatched(channelSid);
  }

  /** A chat's whispers: loaded with it, and again after a reconnect (some may have been missed). */
  async function syncWhispers(channelSid: Sid): Promise<void> {
    const { whispers } = await request(socket, 'whispers:sync', { channelSid });
    store.update(desk.addWhispers(channelSid, whispers));
  }
  const syncChat = (channelSid: Sid) => Promise.all([syncMessages(channelSid), syncWhispers(channelSid)]);

  function receive(channelSid: Sid, messages: MessageDTO[]): void {
    store.update(chats.addMessages(channelSid, messages));
    for (const message of messages) if (message.clientId) store.update(desk.dequeueMessage(message.clientId));
    if (store.get().selectedChannelSid === channelSid) readSelected();
  }

  const outbox = createOutboxSender({
    socket,
    store,
    onStored: (channelSid, message) => receive(channelSid, [message]),
    onRefused: (error) => notifyError(new Error(`Message not sent: ${error.message}`)),
  });

  socket.on('connect', async () => {
    store.update(desk.setConnection('online'));
    try {
      store.update(desk.applySync(await request(socket, 'session:sync', {})));
      await Promise.all(Object.keys(store.get().chats).map(syncChat));
      if (store.get().view === 'supervisor') {
        store.update(desk.setSupervision(await request(socket, 'supervisor:sync', {})));
      }
      const watched = store.get().watching;
      // A new connection is in no channel room: syncing the watched chat joins it again.
      if (watched) await Promise.all([syncWatched(watched.channelSid), syncWhispers(watched.channelSid)]);
      readSelected();
      outbox.flush();
    } catch (error) {
      notifyError(error);
    }
  });
  socket.on('disconnect', (reason) => {
    outbox.reset();
    store.update(desk.setConnection('offline'));
    // The server ended the session (the worker was removed, disabled or given a new password):
    // asking again gets the handshake refused, which brings back the sign-in form.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => {
    if (error.message === 'unauthorized') onUnauthorized();
    else store.update(desk.setConnection('offline'));
  });

  socket.on('worker:updated', (worker) => store.update(desk.setWorker(worker)));
  socket.on('offer:new', (offer) => store.update(desk.addOffer(offer)));
  socket.on('offer:ended', ({ reservationSid, status }) => {
    const offer = store.get().offers.find((o) => o.reservation.sid === reservationSid);
    store.update(desk.removeOffer(reservationSid));
    if (offer && status === 'timeout') {
      store.update(desk.addNotice(`The chat from ${offer.customerName} timed out before it was accepted.`));
    } else if (offer && status === 'canceled') {
      store.update(desk.addNotice(`${offer.customerName} left before the chat was accepted.`));
    }
  });
  socket.on('chat:updated', (chat) => {
    const isNew = !store.get().chats[chat.channel.sid];
    store.update(chats.upsertChat(chat));
    if (isNew && store.get().chats[chat.channel.sid]) syncChat(chat.channel.sid).catch(notifyError);
  });
  socket.on('message:new', (message) => {
    store.update(desk.addWatchedMessages(message.channelSid, [message]));
    receive(message.channelSid, [message]);
  });
  // A reply's delivery status (SMS / WhatsApp-style channels) replaces it by index.
  socket.on('message:updated', (message) => receive(message.channelSid, [message]));
  socket.on('channel:updated', (channel) => {
    store.update(chats.updateChannel(channel));
    store.update(desk.setWatchedEnded(channel.sid, channel.status === 'inactive'));
  });
  socket.on('member:updated', (member) => store.update(chats.updateMember(member)));
  socket.on('member:removed', ({ channelSid, identity }) =>
    store.update(chats.removeMember(channelSid, identity)),
  );
  socket.on('supervisor:updated', (snapshot) => store.update(desk.setSupervision(snapshot)));
  socket.on('whisper:new', (whisper) => store.update(desk.addWhispers(whisper.channelSid, [whisper])));
  socket.on('typing:start', ({ channelSid, friendlyName, role }) => {
    if (role === 'agent') return;
    store.update(chats.setTyping(channelSid, friendlyName));
    clearTimeout(typingTimers.get(channelSid));
    typingTimers.set(
      channelSid,
      setTimeout(() => store.update(chats.setTyping(channelSid, null)), TYPING_SHOWN_MS),
    );
  });

  const onVisible = () => readSelected();
  document.addEventListener('visibilitychange', onVisible);

  return {
    async setActivity(activity) {
      store.update(desk.setWorker(await request(socket, 'activity:set', { activity })));
    },
    async accept(reservationSid) {
      const chat = await request(socket, 'reservation:accept', { reservationSid });
      store.update(desk.removeOffer(reservationSid));
      store.update(chats.upsertChat(chat));
      store.update(chats.selectChat(chat.channel.sid));
      await syncChat(chat.channel.sid);
    },
    async reject(reservationSid) {
      await request(socket, 'reservation:reject', { reservationSid });
      store.update(desk.removeOffer(reservationSid));
    },
    send(channelSid, body, attributes) {
      const createdAt = new Date().toISOString();
      const message = {
        clientId: createClientId(),
        channelSid,
        body,
        createdAt,
        ...(attributes && { attributes }),
      };
      store.update(desk.enqueueMessage(message));
      outbox.flush();
    },
    typing(channelSid) {
      const now = Date.now();
      if (!socket.connected || now - (typingSentAt.get(channelSid) ?? 0) < TYPING_THROTTLE_MS) return;
      typingSentAt.set(channelSid, now);
      socket.emit('typing:start', { channelSid });
    },
    select(channelSid) {
      // Picking a chat from the list while searching goes back to it.
      if (store.get().view === 'search') store.update(desk.setView('chats'));
      store.update(chats.selectChat(channelSid));
      readSelected();
    },
    async wrap(taskSid) {
      const task = await request(socket, 'task:wrap', { taskSid });
      updateTask(task.channelSid, task);
    },
    transferTargets() {
      return request(socket, 'transfer:targets', {});
    },
    async transfer(req) {
      await request(socket, 'task:transfer', req);
      // The chat is no longer this agent's; its chat:updated (completed) may still be on its way.
      const held = Object.values(store.get().chats).find((c) => c.chat.task.sid === req.taskSid);
      if (held) store.update(chats.removeChat(held.chat.channel.sid));
    },
    async startConversation(req) {
      const { channelSid } = await request(socket, 'interaction:create', req);
      store.update(chats.selectChat(channelSid));
    },
    async supervise() {
      store.update(desk.setSupervision(await request(socket, 'supervisor:sync', {})));
      store.update(desk.setView('supervisor'));
    },
    showChats() {
      store.update(desk.setView('chats'));
    },
    async watch({ channelSid, customerName, agentName }) {
      store.update(
        desk.setWatching({ channelSid, customerName, agentName, messages: [], whispers: [], joined: false }),
      );
      await Promise.all([syncWatched(channelSid), syncWhispers(channelSid)]);
    },
    stopWatching() {
      const watched = store.get().watching;
      store.update(desk.setWatching(null));
      if (!watched || !socket.connected) return;
      const { channelSid, joined } = watched;
      // The server stops sending the chat to this socket (and the visitor sees a joined supervisor leave).
      (async () => {
        if (joined) await request(socket, 'supervisor:leave', { channelSid });
        await request(socket, 'watch:stop', { channelSid });
      })().catch(notifyError);
    },
    async joinWatched() {
      const watched = store.get().watching;
      if (!watched) return;
      await request(socket, 'supervisor:join', { channelSid: watched.channelSid });
      store.update(desk.setJoined(watched.channelSid, true));
    },
    async leaveWatched() {
      const watched = store.get().watching;
      if (!watched) return;
      await request(socket, 'supervisor:leave', { channelSid: watched.channelSid });
      store.update(desk.setJoined(watched.channelSid, false));
    },
    async sendToWatched(body) {
      const watched = store.get().watching;
      if (!watched) return;
      const { channelSid } = watched;
      const sent = { clientId: createClientId(), body };
      const ack = await request(socket, 'message:send', { channelSid, ...sent });
      const message = messageFromAck(sent, ack, ownAuthor(store.get(), channelSid));
      store.update(desk.addWatchedMessages(channelSid, [message]));
    },
    async whisper(channelSid, body) {
      const whisper = await request(socket, 'whisper:send', { channelSid, body });
      store.update(desk.addWhispers(channelSid, [whisper]));
    },
    showSearch() {
      store.update(desk.setView('search'));
    },
    async complete(wrapUp) {
      const task = await request(socket, 'task:complete', wrapUp);
      updateTask(task.channelSid, task);
    },
    close() {
      document.removeEventListener('visibilitychange', onVisible);
      for (const timer of typingTimers.values()) clearTimeout(timer);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };

  function updateTask(channelSid: Sid, task: TaskDTO): void {
    const held = store.get().chats[channelSid];
    if (held) store.update(chats.upsertChat({ ...held.chat, task }));
  }
}
