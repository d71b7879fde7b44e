/**
 * Pure updates for the chats an agent holds: messages merge by index so a message that
 * arrives twice (an ack and its broadcast, a sync after a reconnect) is shown once.
 */
import type { AgentChatDTO, ChannelDTO, MemberDTO, MessageDTO, Sid } from '../../../protocol.ts';
import type { ChatState, DeskState } from './desk-state.ts';
import { ownMember } from './selectors.ts';
import type { Update } from './store.ts';

/** Tasks in these states are no longer the agent's: their chat leaves the list. */
const FINISHED = new Set(['completed', 'canceled']);

export function upsertChat(chat: AgentChatDTO): Update<DeskState> {
  return (state) => {
    const sid = chat.channel.sid;
    if (FINISHED.has(chat.task.status)) return removeChat(sid)(state);
    const held = state.chats[sid];
    const known = ownMember(chat, state.worker)?.lastReadIndex ?? -1;
    const next: ChatState = held
      ? { ...held, chat, readIndex: Math.max(held.readIndex, known) }
      : { chat, messages: [], typingName: null, readIndex: known };
    return { ...state, chats: { ...state.chats, [sid]: next } };
  };
}

export function removeChat(channelSid: Sid): Update<DeskState> {
  return (state) => {
    if (!state.chats[channelSid]) return state;
    const { [channelSid]: _removed, ...chats } = state.chats;
    const selectedChannelSid = state.selectedChannelSid === channelSid ? null : state.selectedChannelSid;
    return { ...state, chats, selectedChannelSid };
  };
}

/** Replaces the whole chat list (after `session:sync`), keeping what is held of each chat. */
export function replaceChats(chats: AgentChatDTO[]): Update<DeskState> {
  return (state) => {
    const current = new Set(chats.map((chat) => chat.channel.sid));
    const kept = Object.fromEntries(Object.entries(state.chats).filter(([sid]) => current.has(sid)));
    let next: DeskState = { ...state, chats: kept };
    for (const chat of chats) next = upsertChat(chat)(next);
    const selected = state.selectedChannelSid;
    return { ...next, selectedChannelSid: selected && next.chats[selected] ? selected : null };
  };
}

function mergeMessages(held: MessageDTO[], incoming: MessageDTO[]): MessageDTO[] {
  const byIndex = new Map(held.map((m) => [m.index, m]));
  for (const message of incoming) byIndex.set(message.index, message);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

export function addMessages(channelSid: Sid, messages: MessageDTO[]): Update<DeskState> {
  return (state) => {
    const held = state.chats[channelSid];
    if (!held || messages.length === 0) return state;
    const merged = mergeMessages(held.messages, messages);
    const authors = new Set(messages.map((m) => m.from));
    // A message from the typist means they stopped typing.
    const typingName = held.typingName && authorsInclude(held, authors) ? null : held.typingName;
    const lastIndex = merged[merged.length - 1]?.index ?? -1;
    const channel = {
      ...held.chat.channel,
      lastMessageIndex: Math.max(held.chat.channel.lastMessageIndex, lastIndex),
    };
    const chat = { ...held.chat, channel };
    return {
      ...state,
      chats: { ...state.chats, [channelSid]: { ...held, chat, messages: merged, typingName } },
    };
  };
}

function authorsInclude(held: ChatState, authors: Set<string>): boolean {
  return held.chat.members.some((m) => m.friendlyName === held.typingName && authors.has(m.identity));
}

export function updateChannel(channel: ChannelDTO): Update<DeskState> {
  return (state) => {
    const held = state.chats[channel.sid];
    if (!held) return state;
    const chat = { ...held.chat, channel };
    return { ...state, chats: { ...state.chats, [channel.sid]: { ...held, chat } } };
  };
}

export function updateMember(member: MemberDTO): Update<DeskState> {
  return (state) => {
    const held = state.chats[member.channelSid];
    if (!held) return state;
    const others = held.chat.members.filter((m) => m.sid !== member.sid);
    const chat = { ...held.chat, members: [...others, member] };
    const own = ownMember(chat, state.worker)?.sid === member.sid;
    const readIndex = own ? Math.max(held.readIndex, member.lastReadIndex) : held.readIndex;
    return { ...state, chats: { ...state.chats, [member.channelSid]: { ...held, chat, readIndex } } };
  };
}

/** A member left (an agent who transferred the chat, the bot). */
export function removeMember(channelSid: Sid, identity: string): Update<DeskState> {
  return (state) => {
    const held = state.chats[channelSid];
    if (!held) return state;
    const members = held.chat.members.filter((m) => m.identity !== identity);
    const chat = { ...held.chat, members };
    return { ...state, chats: { ...state.chats, [channelSid]: { ...held, chat } } };
  };
}

export function setTyping(channelSid: Sid, typingName: string | null): Update<DeskState> {
  return (state) => {
    const held = state.chats[channelSid];
    if (!held || held.typingName === typingName) return state;
    return { ...state, chats: { ...state.chats, [channelSid]: { ...held, typingName } } };
  };
}

/** Moves the agent's read horizon forward (never back: reads can arrive out of order). */
export function markRead(channelSid: Sid, index: number): Update<DeskState> {
  return (state) => {
    const held = state.chats[channelSid];
    if (!held || index <= held.readIndex) return state;
    return { ...state, chats: { ...state.chats, [channelSid]: { ...held, readIndex: index } } };
  };
}

export function selectChat(channelSid: Sid | null): Update<DeskState> {
  return (state) =>
    state.selectedChannelSid === channelSid ? state : { ...state, selectedChannelSid: channelSid };
}
