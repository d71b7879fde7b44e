/**
 * The shape of everything the widget shows: one conversation, its members and messages,
 * the visitor's unsent messages, and the connection. Derived facts (who the agent is, whether
 * the chat ended) are small selectors here so components stay declarative.
 */
import type { ChannelDTO, MemberDTO, MessageDTO } from '../../server/protocol';

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  body: string;
  /** When the visitor wrote it (ISO), shown as its time until the server's replaces it. */
  dateCreated: string;
  /** Set when the server refused it for good (it is not retried). */
  failed?: string;
}

export type Phase =
  /** No conversation yet: the widget has not been opened, or a session was dropped. */
  | 'idle'
  /** Creating the conversation (`POST /v1/WebChannels`). */
  | 'starting'
  /** A conversation exists (it may be ended: see `isEnded`). */
  | 'ready'
  /** Creating the conversation failed; `error` says why. */
  | 'error';

export interface ChatState {
  open: boolean;
  phase: Phase;
  connected: boolean;
  /** The visitor's identity in the channel (messages from it are "mine"). */
  identity: string | null;
  /** The conversation's channel, known from the session before its details arrive. */
  channelSid: string | null;
  channel: ChannelDTO | null;
  members: MemberDTO[];
  /** Acknowledged messages, in index order, each index once. */
  messages: MessageDTO[];
  pending: PendingMessage[];
  /** Who is typing, until when (epoch ms). */
  typing: { name: string; until: number } | null;
  error: string | null;
}

export const initialChatState: ChatState = {
  open: false,
  phase: 'idle',
  connected: false,
  identity: null,
  channelSid: null,
  channel: null,
  members: [],
  messages: [],
  pending: [],
  typing: null,
  error: null,
};

export const isEnded = (state: ChatState): boolean => state.channel?.status === 'inactive';

/** The agent serving the visitor: the most recent agent member, if any joined. */
export const currentAgent = (state: ChatState): MemberDTO | undefined =>
  state.members.filter((member) => member.role === 'agent').at(-1);

/** The last message index the widget holds, -1 when it holds none. */
export const lastIndex = (state: ChatState): number => state.messages.at(-1)?.index ?? -1;
