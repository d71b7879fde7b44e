/**
 * Pure updates of ChatState. Every server event and user action becomes one of these, so
 * merging rules (no duplicates, pending replaced by the stored message) live in one place
 * and are unit-tested without a browser.
 */
import type { ChannelDTO, MemberDTO, MessageDTO, QueuePositionEvent } from '../../server/protocol';
import {
  type ChatState,
  type Gate,
  initialChatState,
  type PendingMessage,
  type WidgetSettings,
} from './chat-state';

/**
 * Merges messages by index (the server's gapless order) and drops the pending copies they
 * acknowledge (same clientId), so a retried send never shows twice.
 */
export const mergeMessages =
  (incoming: MessageDTO[]) =>
  (state: ChatState): ChatState => {
    if (incoming.length === 0) return state;
    const byIndex = new Map(state.messages.map((message) => [message.index, message]));
    for (const message of incoming) {
      if (message.channelSid === state.channelSid) byIndex.set(message.index, message);
    }
    const messages = [...byIndex.values()].sort((a, b) => a.index - b.index);
    const acknowledged = new Set(messages.map((message) => message.clientId).filter(Boolean));
    const pending = state.pending.filter((item) => !acknowledged.has(item.clientId));
    return { ...state, messages, pending };
  };

export const addPending =
  (item: PendingMessage) =>
  (state: ChatState): ChatState =>
    state.pending.some((p) => p.clientId === item.clientId)
      ? state
      : { ...state, pending: [...state.pending, item] };

export const failPending =
  (clientId: string, reason: string) =>
  (state: ChatState): ChatState => ({
    ...state,
    pending: state.pending.map((item) => (item.clientId === clientId ? { ...item, failed: reason } : item)),
  });

/** The visitor gave up on a message that could not be sent. */
export const removePending =
  (clientId: string) =>
  (state: ChatState): ChatState => ({
    ...state,
    pending: state.pending.filter((item) => item.clientId !== clientId),
  });

export const markEndedByVisitor = (state: ChatState): ChatState => ({ ...state, endedByVisitor: true });

/** Whether anyone can come to a visitor who waits in the queue (checked while they wait). */
export const setAgentsAvailable =
  (agentsAvailable: boolean) =>
  (state: ChatState): ChatState =>
    !state.settings || state.settings.agentsAvailable === agentsAvailable
      ? state
      : { ...state, settings: { ...state.settings, agentsAvailable } };

export const setChannel =
  (channel: ChannelDTO) =>
  (state: ChatState): ChatState =>
    channel.sid === state.channelSid ? { ...state, channel } : state;

export const setMembers =
  (members: MemberDTO[]) =>
  (state: ChatState): ChatState => ({ ...state, members });

export const upsertMember =
  (member: MemberDTO) =>
  (state: ChatState): ChatState => {
    if (member.channelSid !== state.channelSid) return state;
    const others = state.members.filter((m) => m.sid !== member.sid);
    return { ...state, members: [...others, member] };
  };

export const setTyping =
  (name: string, until: number) =>
  (state: ChatState): ChatState => ({ ...state, typing: { name, until } });

/** Clears the typing indicator once it has expired (or at once when `now` is Infinity). */
export const expireTyping =
  (now: number) =>
  (state: ChatState): ChatState =>
    state.typing && state.typing.until <= now ? { ...state, typing: null } : state;

export const setOpen =
  (open: boolean) =>
  (state: ChatState): ChatState =>
    state.open === open ? state : { ...state, open };

export const setConnected =
  (connected: boolean) =>
  (state: ChatState): ChatState =>
    state.connected === connected ? state : { ...state, connected };

export const startConversation = (state: ChatState): ChatState => ({
  ...state,
  phase: 'starting',
  error: null,
});

export const failConversation =
  (error: string) =>
  (state: ChatState): ChatState => ({ ...state, phase: 'error', error });

/**
 * Enters a conversation. A different channel than the one shown starts from an empty log;
 * the same channel (a resumed session) keeps what is already there.
 */
export const enterConversation =
  (channelSid: string, identity: string, pending: PendingMessage[]) =>
  (state: ChatState): ChatState => {
    const same = state.channelSid === channelSid;
    return {
      ...(same ? state : { ...initialChatState, open: state.open, settings: state.settings }),
      phase: 'ready',
      gate: null,
      channelSid,
      identity,
      pending,
      error: null,
    };
  };

/** Forgets the conversation (its session was dropped); the window stays as it is. */
export const leaveConversation = (state: ChatState): ChatState => ({
  ...initialChatState,
  open: state.open,
  settings: state.settings,
});

/** Counts messages from others that arrive while the window is closed; opening clears it. */
export const countUnread =
  (fresh: number) =>
  (state: ChatState): ChatState =>
    state.open || fresh === 0 ? state : { ...state, unread: state.unread + fresh };

export const clearUnread = (state: ChatState): ChatState =>
  state.unread === 0 ? state : { ...state, unread: 0 };

export const setSettings =
  (settings: WidgetSettings) =>
  (state: ChatState): ChatState => ({ ...state, settings });

export const setGate =
  (gate: Gate) =>
  (state: ChatState): ChatState =>
    state.gate === gate ? state : { ...state, gate };

export const setChunkFailed =
  (chunkFailed: boolean) =>
  (state: ChatState): ChatState => ({ ...state, chunkFailed });

export const setNotice =
  (notice: ChatState['notice']) =>
  (state: ChatState): ChatState => ({ ...state, notice });

/** A message deleted through the Channel API leaves the log (the other indexes stay). */
export const removeMessage =
  (channelSid: string, sid: string) =>
  (state: ChatState): ChatState =>
    channelSid === state.channelSid
      ? { ...state, messages: state.messages.filter((m) => m.sid !== sid) }
      : state;

export const removeMember =
  (channelSid: string, identity: string) =>
  (state: ChatState): ChatState =>
    channelSid === state.channelSid
      ? { ...state, members: state.members.filter((m) => m.identity !== identity) }
      : state;

export const setQueue =
  ({ channelSid, position, estimatedWaitSeconds }: QueuePositionEvent) =>
  (state: ChatState): ChatState =>
    channelSid !== state.channelSid
      ? state
      : { ...state, queue: position === null ? null : { position, estimatedWaitSeconds } };

/** The visitor's earlier conversations arrived (for the conversation still shown). */
export const setEarlier =
  (channelSid: string, earlier: MessageDTO[]) =>
  (state: ChatState): ChatState =>
    channelSid === state.channelSid ? { ...state, earlier } : state;

export const markOfflineSent = (state: ChatState): ChatState => ({ ...state, offlineSent: true });
