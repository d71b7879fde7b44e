/**
 * The shape of everything the widget shows: one conversation, its members and messages,
 * the visitor's unsent messages, and the connection. Derived facts (who the agent is, whether
 * the chat ended) are small selectors here so components stay declarative.
 */
import type { ChannelDTO, MemberDTO, MessageDTO, UnavailableReason } from '../../server/protocol';
import type { FileAttachmentConfig, PreEngagementConfig } from '../types';

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  body: string;
  /** When the visitor wrote it (ISO), shown as its time until the server's replaces it. */
  dateCreated: string;
  /** The server's error code when it refused it for good: the visitor may retry or remove it. */
  failed?: string;
  /** Sent along (an attachment's `media`). */
  attributes?: Record<string, unknown>;
}

/** The Flex Flow's widget settings, the site's local options laid over them. */
export interface WidgetSettings {
  preEngagementConfig?: PreEngagementConfig;
  offlineMessage?: string;
  fileAttachment: FileAttachmentConfig;
  available: boolean;
  reason: UnavailableReason | null;
  /** Some agent is Available now; false while the visitor waits in a queue nobody serves. */
  agentsAvailable: boolean;
  welcomeMessage?: string;
  teamLine?: string;
  rating?: { enabled: boolean; question?: string };
}

/**
 * What stands before the conversation when there is none yet: the settings being fetched,
 * the pre-engagement form, or (nobody answers now) the offline form.
 */
export type Gate = 'loading' | 'form' | 'offline' | null;

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
  /** A returning visitor's earlier conversations, oldest first, shown above this one. */
  earlier: MessageDTO[];
  pending: PendingMessage[];
  /** Who is typing, until when (epoch ms). */
  typing: { name: string; until: number } | null;
  error: string | null;
  /** Messages from others that arrived while the window was closed. */
  unread: number;
  settings: WidgetSettings | null;
  gate: Gate;
  /** The offline form was sent. */
  offlineSent: boolean;
  /** The visitor ended this chat (not the agent or the bot). */
  endedByVisitor: boolean;
  /** Where the visitor's task waits for an agent, while it waits. */
  queue: { position: number; estimatedWaitSeconds: number | null } | null;
  /** About attachments: an upload in progress, or a problem (too large, wrong type, refused). */
  notice: { text: string; error: boolean } | null;
  /** A part of the widget loaded on demand (a lazy chunk) could not be fetched. */
  chunkFailed: boolean;
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
  earlier: [],
  pending: [],
  typing: null,
  error: null,
  unread: 0,
  settings: null,
  gate: null,
  offlineSent: false,
  endedByVisitor: false,
  notice: null,
  queue: null,
  chunkFailed: false,
};

export const isEnded = (state: ChatState): boolean => state.channel?.status === 'inactive';

/** A chat exists once someone wrote in it: before that there is nothing to end. */
export const hasStarted = (state: ChatState): boolean =>
  state.messages.length > 0 || state.pending.length > 0;

/** The message limit the server keeps (LIMITS.messageBody). */
export const MAX_MESSAGE_LENGTH = 4000;

/** The agent serving the visitor: the most recent agent member, if any joined. */
export const currentAgent = (state: ChatState): MemberDTO | undefined =>
  state.members.filter((member) => member.role === 'agent').at(-1);

/** The last message index the widget holds, -1 when it holds none. */
export const lastIndex = (state: ChatState): number => state.messages.at(-1)?.index ?? -1;

/** How far the agents have read. */
const agentsReadUpTo = (state: ChatState): number =>
  Math.max(-1, ...state.members.filter((m) => m.role === 'agent').map((m) => m.lastReadIndex));

/** The index of the visitor's newest message an agent has read ("Seen"), -1 when none. */
export const seenIndex = (state: ChatState): number => {
  const horizon = agentsReadUpTo(state);
  const mine = state.messages.filter((m) => m.from === state.identity && m.index <= horizon);
  return mine.at(-1)?.index ?? -1;
};

/**
 * The quick replies to offer: those of the newest message, while the visitor has not answered
 * (nothing of theirs after it, nothing pending).
 */
export const quickReplies = (state: ChatState): string[] => {
  const newest = state.messages.at(-1);
  const replies = newest?.attributes?.quickReplies;
  if (!newest || state.pending.length || newest.from === state.identity || !Array.isArray(replies)) return [];
  return replies.filter((reply): reply is string => typeof reply === 'string');
};
