/**
 * The conversation's lifecycle, without UI: resumes a stored session or, on first need, reads
 * the Flex Flow's settings and either starts a conversation or holds it behind the
 * pre-engagement form or the offline form. The live socket is ./connection.ts. The UI calls
 * these actions; it never touches the network.
 */
import type { MessageDTO, WebChannelRequest } from '../../server/protocol';
import type { ChatState } from '../state/chat-state';
import type { Store } from '../state/store';
import * as update from '../state/updates';
import type { WebchatEvents } from '../types';
import { type Connection, openConnection } from './connection';
import type { Emitter } from './emitter';
import { createClientId, type Outbox } from './outbox';
import type { SessionStore, StoredSession } from './session-store';
import type { loadSettings } from './settings';
import { createWebChannel, fetchHistory, sendOfflineMessage } from './web-channels';

type Engagement = Pick<
  WebChannelRequest,
  'customerFriendlyName' | 'preEngagementData' | 'pageUrl' | 'identify'
>;

export interface ChatClientDeps {
  serverUrl: string;
  flexFlowSid: string;
  store: Store<ChatState>;
  sessions: SessionStore;
  outbox: Outbox;
  events: Emitter<WebchatEvents>;
  /** Who the visitor is and what the page knows, read when a conversation starts. */
  engagement: () => Engagement;
  settings: () => ReturnType<typeof loadSettings>;
}

export interface ChatClient {
  /** Resumes a stored session; false when there is none. */
  resume(): boolean;
  /** Makes sure a conversation exists or the form in front of it shows (the window opened). */
  ensureStarted(): void;
  /** Starts the conversation with the pre-engagement form's answers. */
  submitForm(answers: Record<string, string>): void;
  sendOffline(message: { name: string; email: string; body: string }): Promise<void>;
  send(body: string, attributes?: Record<string, unknown>): void;
  /** Sends a message the server refused again, as a new message at the end. */
  resend(clientId: string): void;
  /** Drops a message the server refused. */
  discard(clientId: string): void;
  /** Shows the offline form (nobody can come to the queue): the visitor leaves an email. */
  offerOffline(): void;
  notifyTyping(): void;
  /** Tells the agent the page the visitor is on now. */
  updatePage(pageUrl: string): void;
  markRead(): void;
  end(): Promise<void>;
  /** Starts a new conversation for the same contact after one ended. */
  restart(): void;
  /** The current session (uploads authenticate with its token). */
  session(): StoredSession | null;
  /** Disconnects; with `forget`, the stored session and outbox go too (logout). */
  dispose(forget?: boolean): void;
}

const TYPING_THROTTLE_MS = 2_000;
/** While the visitor waits in a queue, how often to ask whether any agent can come. */
const AGENTS_CHECK_MS = 30_000;

export function createChatClient(deps: ChatClientDeps): ChatClient {
  const { store, sessions, outbox, events } = deps;
  let session: StoredSession | null = null;
  let connection: Connection | null = null;
  let busy = false;
  /** The ended conversation's token: the next one is for the same contact. */
  let previousToken: string | undefined;
  let lastTypingSent = 0;
  let agentsCheck: ReturnType<typeof setTimeout> | null = null;

  /** Waiting in the queue: find out (and keep finding out) whether anyone can come. */
  function watchAgents(state: ChatState) {
    if (!state.queue || agentsCheck) return;
    agentsCheck = setTimeout(() => {
      agentsCheck = null;
      if (store.get().queue) watchAgents(store.get());
    }, AGENTS_CHECK_MS);
    void deps.settings().then(
      (settings) => store.update(update.setAgentsAvailable(settings.agentsAvailable)),
      () => undefined,
    );
  }
  store.subscribe(watchAgents);

  function enter(next: StoredSession) {
    session = next;
    store.update(update.enterConversation(next.channelSid, next.identity, outbox.list(next.channelSid)));
    connection?.close();
    connection = openConnection(next, {
      serverUrl: deps.serverUrl,
      store,
      outbox,
      onFresh: (messages: MessageDTO[]) => {
        for (const message of messages) events.emit('message', message);
        store.update(update.countUnread(messages.filter((m) => m.from !== next.identity).length));
      },
      onEnded: () => {
        const channel = store.get().channel;
        if (channel) events.emit('engagement:end', channel);
      },
      onRefused: dropSession,
      onToken: (refreshed) => {
        session = refreshed;
        sessions.save(refreshed);
      },
    });
    // A returning visitor sees their earlier conversations above this one.
    void fetchHistory(deps.serverUrl, next.token).then(
      ({ conversations }) =>
        store.update(
          update.setEarlier(
            next.channelSid,
            conversations.flatMap((c) => c.messages),
          ),
        ),
      () => undefined,
    );
  }

  async function start(extra: Engagement = {}) {
    store.update(update.startConversation);
    try {
      const created = await createWebChannel(deps.serverUrl, {
        flexFlowSid: deps.flexFlowSid,
        ...deps.engagement(),
        ...extra,
        preEngagementData: { ...deps.engagement().preEngagementData, ...extra.preEngagementData },
        ...(previousToken ? { token: previousToken } : {}),
      });
      const { token, channelSid, identity, contactSid, expiresAt } = created;
      const next = { token, channelSid, identity, contactSid, expiresAt };
      sessions.save(next);
      previousToken = undefined;
      enter(next);
      events.emit('engagement:start', { channelSid });
    } catch (error) {
      store.update(update.failConversation(error instanceof Error ? error.message : String(error)));
    }
  }

  /** Reads the settings once, then starts or shows the form that comes first. */
  async function begin() {
    let settings = store.get().settings;
    if (!settings) {
      store.update(update.setGate('loading'));
      try {
        settings = await deps.settings();
        store.update(update.setSettings(settings));
      } catch (error) {
        store.update(update.setGate(null));
        store.update(update.failConversation(error instanceof Error ? error.message : String(error)));
        return;
      }
    }
    if (!settings.available) store.update(update.setGate('offline'));
    else if (settings.preEngagementConfig) store.update(update.setGate('form'));
    else await start();
  }

  const once = (task: () => Promise<void>) => {
    if (busy) return;
    busy = true;
    void task().finally(() => {
      busy = false;
    });
  };

  /** The server no longer accepts the token: forget it; an open window starts afresh. */
  function dropSession() {
    connection?.close();
    connection = null;
    session = null;
    sessions.clear();
    store.update(update.leaveConversation);
    if (store.get().open) ensureStarted();
  }

  function ensureStarted() {
    if (!session && !store.get().gate) once(begin);
  }

  const client: ChatClient = {
    resume() {
      const stored = sessions.load();
      if (stored) {
        enter(stored);
        // The conversation needs no gate, but its settings (attachments) still apply.
        void deps.settings().then(
          (settings) => store.update(update.setSettings(settings)),
          () => undefined,
        );
      }
      return stored !== null;
    },
    ensureStarted,
    submitForm(answers) {
      const customerFriendlyName = answers.name || answers.friendlyName;
      once(() =>
        start({ preEngagementData: answers, ...(customerFriendlyName && { customerFriendlyName }) }),
      );
    },
    async sendOffline(message) {
      const { pageUrl, identify } = deps.engagement();
      await sendOfflineMessage(deps.serverUrl, {
        flexFlowSid: deps.flexFlowSid,
        ...message,
        ...(pageUrl && { pageUrl }),
        // A Flex Flow that requires verified users takes offline messages only with the proof.
        ...(identify && { identify }),
      });
      store.update(update.markOfflineSent);
    },
    resend(clientId) {
      const failed = store.get().pending.find((item) => item.clientId === clientId);
      store.update(update.removePending(clientId));
      if (failed) client.send(failed.body, failed.attributes);
    },
    discard(clientId) {
      store.update(update.removePending(clientId));
    },
    offerOffline() {
      store.update(update.setGate('offline'));
    },
    send(text, attributes) {
      const body = text.trim();
      if (!body || !session) return;
      const entry = {
        clientId: createClientId(),
        body,
        dateCreated: new Date().toISOString(),
        ...(attributes && { attributes }),
      };
      outbox.add({ ...entry, channelSid: session.channelSid });
      store.update(update.addPending(entry));
      connection?.flush();
    },
    notifyTyping() {
      const now = Date.now();
      if (!connection?.connected || now - lastTypingSent < TYPING_THROTTLE_MS) return;
      lastTypingSent = now;
      connection.typing();
    },
    markRead: () => connection?.markRead(),
    updatePage: (pageUrl) => connection?.updatePage(pageUrl),
    async end() {
      if (await connection?.end()) store.update(update.markEndedByVisitor);
    },
    restart() {
      previousToken = session?.token;
      connection?.close();
      connection = null;
      session = null;
      outbox.clear();
      store.update(update.leaveConversation);
      once(begin);
    },
    session: () => session,
    dispose(forget) {
      if (agentsCheck) clearTimeout(agentsCheck);
      agentsCheck = null;
      connection?.close();
      connection = null;
      if (forget) {
        sessions.clear();
        outbox.clear();
        session = null;
      }
    },
  };
  return client;
}
