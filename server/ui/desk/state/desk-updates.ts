/**
 * Pure updates for everything around the chats: the connection, the worker, offers, the
 * outbox of unacknowledged messages and the short notices shown to the agent.
 */
import type {
  AgentSyncReply,
  MessageDTO,
  OfferDTO,
  Sid,
  SupervisorSnapshot,
  WhisperDTO,
  WorkerDTO,
} from '../../../protocol.ts';
import { replaceChats } from './chat-updates.ts';
import type { Connection, DeskState, Notice, PendingMessage, WatchedChat } from './desk-state.ts';
import type { Update } from './store.ts';

export function setConnection(connection: Connection): Update<DeskState> {
  return (state) => (state.connection === connection ? state : { ...state, connection });
}

export function setWorker(worker: WorkerDTO): Update<DeskState> {
  return (state) => ({ ...state, worker });
}

/** The server's view after a (re)connect replaces ours, except messages already held. */
export function applySync(reply: AgentSyncReply): Update<DeskState> {
  return (state) => replaceChats(reply.chats)({ ...state, worker: reply.worker, offers: reply.offers });
}

export function addOffer(offer: OfferDTO): Update<DeskState> {
  return (state) => {
    const others = state.offers.filter((o) => o.reservation.sid !== offer.reservation.sid);
    return { ...state, offers: [...others, offer] };
  };
}

export function removeOffer(reservationSid: Sid): Update<DeskState> {
  return (state) => {
    const offers = state.offers.filter((o) => o.reservation.sid !== reservationSid);
    return offers.length === state.offers.length ? state : { ...state, offers };
  };
}

export function enqueueMessage(message: PendingMessage): Update<DeskState> {
  return (state) => ({ ...state, outbox: [...state.outbox, message] });
}

/** Drops an outbox entry once the server has stored it (by ack or by its broadcast). */
export function dequeueMessage(clientId: string): Update<DeskState> {
  return (state) => {
    const outbox = state.outbox.filter((m) => m.clientId !== clientId);
    return outbox.length === state.outbox.length ? state : { ...state, outbox };
  };
}

/** Adds a notice; only the newest few are kept, so a burst of errors cannot cover the desk. */
export function addNotice(text: string, tone: Notice['tone'] = 'info'): Update<DeskState> {
  return (state) => {
    const notice = { id: state.nextNoticeId, text, tone };
    return { ...state, notices: [...state.notices.slice(-3), notice], nextNoticeId: notice.id + 1 };
  };
}

export function setView(view: DeskState['view']): Update<DeskState> {
  return (state) => (state.view === view ? state : { ...state, view });
}

export function setSupervision(supervision: SupervisorSnapshot): Update<DeskState> {
  return (state) => ({ ...state, supervision });
}

/** Starts (or, with null, stops) watching a live chat. */
export function setWatching(watching: WatchedChat | null): Update<DeskState> {
  return (state) => ({ ...state, watching });
}

/** Messages of the watched chat, by index: a repeat replaces, order is kept. */
export function addWatchedMessages(channelSid: Sid, messages: MessageDTO[]): Update<DeskState> {
  return (state) => {
    const watched = state.watching;
    if (!watched || watched.channelSid !== channelSid || messages.length === 0) return state;
    const byIndex = new Map(watched.messages.map((m) => [m.index, m]));
    for (const message of messages) byIndex.set(message.index, message);
    const sorted = [...byIndex.values()].sort((a, b) => a.index - b.index);
    return { ...state, watching: { ...watched, messages: sorted } };
  };
}

/** Whispers of a chat held or watched, by sid: a repeat is dropped, oldest first. */
export function addWhispers(channelSid: Sid, whispers: WhisperDTO[]): Update<DeskState> {
  const merge = (held: WhisperDTO[] = []) => {
    const bySid = new Map(held.map((w) => [w.sid, w]));
    for (const whisper of whispers) bySid.set(whisper.sid, whisper);
    return [...bySid.values()].sort((a, b) => a.dateCreated.localeCompare(b.dateCreated));
  };
  return (state) => {
    if (whispers.length === 0) return state;
    const chat = state.chats[channelSid];
    const watched = state.watching?.channelSid === channelSid ? state.watching : null;
    if (!chat && !watched) return state;
    return {
      ...state,
      chats: chat
        ? { ...state.chats, [channelSid]: { ...chat, whispers: merge(chat.whispers) } }
        : state.chats,
      watching: watched ? { ...watched, whispers: merge(watched.whispers) } : state.watching,
    };
  };
}

/** The watched chat ended (its channel went inactive), or is live. */
export function setWatchedEnded(channelSid: Sid, ended: boolean): Update<DeskState> {
  return (state) =>
    state.watching?.channelSid === channelSid && Boolean(state.watching.ended) !== ended
      ? { ...state, watching: { ...state.watching, ended } }
      : state;
}

/** The watching supervisor joined (true) or left (false) the chat. */
export function setJoined(channelSid: Sid, joined: boolean): Update<DeskState> {
  return (state) =>
    state.watching?.channelSid === channelSid ? { ...state, watching: { ...state.watching, joined } } : state;
}

export function dismissNotice(id: number): Update<DeskState> {
  return (state) => ({ ...state, notices: state.notices.filter((n) => n.id !== id) });
}
