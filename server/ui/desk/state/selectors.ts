/**
 * Values derived from the desk state. Kept apart from the updates so the UI and the socket
 * client agree on what "unread" and "the agent's member" mean.
 */
import type { Author } from '../../../../widget/state/sent-message.ts';
import type { AgentChatDTO, MemberDTO, MessageDTO, Sid, WorkerDTO } from '../../../protocol.ts';
import type { ChatState, DeskState } from './desk-state.ts';

/** The agent's own member in a chat: matched by identity, else the only agent member. */
export function ownMember(chat: AgentChatDTO, worker: WorkerDTO | null): MemberDTO | undefined {
  const agents = chat.members.filter((m) => m.role === 'agent');
  if (worker) {
    const mine = agents.find((m) => m.identity === worker.sid || m.identity === worker.username);
    if (mine) return mine;
  }
  return agents.length === 1 ? agents[0] : undefined;
}

/**
 * The signed-in worker as the author of a message it sends in a chat (agents post as their
 * worker sid): its member entry there when the desk holds the chat's members, else its own
 * name as an agent (a joined supervisor is an agent member too, named as the worker).
 */
export function ownAuthor(state: DeskState, channelSid: Sid): Author {
  const from = state.worker?.sid ?? '';
  const member = state.chats[channelSid]?.chat.members.find((m) => m.identity === from);
  return {
    channelSid,
    from,
    authorRole: member?.role ?? 'agent',
    authorName: member?.friendlyName ?? state.worker?.friendlyName ?? '',
  };
}

/** Messages after the agent's read horizon that someone else wrote. */
export function unreadCount(chat: ChatState): number {
  return chat.messages.filter((m) => m.index > chat.readIndex && m.authorRole !== 'agent').length;
}

/** How far the customer has read: the highest read horizon of the chat's customer members. */
export function customerReadIndex(chat: ChatState): number {
  return chat.chat.members
    .filter((m) => m.role === 'customer')
    .reduce((max, m) => Math.max(max, m.lastReadIndex), -1);
}

export function lastIndex(chat: ChatState): number {
  return chat.messages[chat.messages.length - 1]?.index ?? -1;
}

/** A chat the agent can still write in: assigned (not wrapping) and the channel active. */
export function canWrite(chat: ChatState): boolean {
  return chat.chat.task.status === 'assigned' && chat.chat.channel.status === 'active';
}

/** Chats in the order the list shows them: oldest first, like a queue. */
export function chatList(state: DeskState): ChatState[] {
  return Object.values(state.chats).sort((a, b) =>
    a.chat.task.dateCreated.localeCompare(b.chat.task.dateCreated),
  );
}

export function isSupervisor(worker: WorkerDTO | null): boolean {
  const roles = worker?.attributes.roles;
  return Array.isArray(roles) && roles.includes('supervisor');
}

/** What the bot and the customer said before an agent first joined. */
export function botTranscript(chat: ChatState): MessageDTO[] {
  const joined = chat.messages.findIndex((m) => m.attributes.event === 'member.joined');
  const before = joined < 0 ? chat.messages : chat.messages.slice(0, joined);
  return before.some((m) => m.authorRole === 'bot') ? before.filter((m) => m.authorRole !== 'system') : [];
}

/** An email conversation's subject (set from the first mail); null for other channels. */
export function emailSubject(chat: AgentChatDTO): string | null {
  const { channelType, subject } = chat.channel.attributes;
  return channelType === 'email' && typeof subject === 'string' && subject ? subject : null;
}

export function customerName(chat: AgentChatDTO): string {
  return chat.contact.friendlyName || chat.channel.attributes.from || 'Customer';
}
