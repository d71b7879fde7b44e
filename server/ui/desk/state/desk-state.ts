/**
 * The shape of everything the agent desktop shows. Chats are keyed by channel sid because
 * every server event about a conversation (message, typing, channel, member) names its channel.
 */
import type {
  AgentChatDTO,
  MessageDTO,
  OfferDTO,
  Sid,
  SupervisorSnapshot,
  WhisperDTO,
  WorkerDTO,
} from '../../../protocol.ts';

export type Connection = 'connecting' | 'online' | 'offline';

export interface ChatState {
  chat: AgentChatDTO;
  /** Every message held, in index order, each index once. */
  messages: MessageDTO[];
  /** Who is typing in this chat right now, if anyone. */
  typingName: string | null;
  /** The agent's read horizon: messages after it are unread. */
  readIndex: number;
  /** Staff-only notes on the chat, oldest first (absent until loaded). */
  whispers?: WhisperDTO[];
}

/** A message the agent wrote that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  channelSid: Sid;
  body: string;
  /** Sent with the message as they are: an attachment's `media`. */
  attributes?: Record<string, unknown>;
  createdAt: string;
}

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export interface DeskState {
  connection: Connection;
  worker: WorkerDTO | null;
  offers: OfferDTO[];
  chats: Record<Sid, ChatState>;
  selectedChannelSid: Sid | null;
  outbox: PendingMessage[];
  notices: Notice[];
  /** The id the next notice gets. */
  nextNoticeId: number;
  /** What the main area shows: the selected chat, (supervisors) the live queues, or the search. */
  view: 'chats' | 'supervisor' | 'search';
  /** The newest supervisor snapshot, once the supervisor view was opened. */
  supervision: SupervisorSnapshot | null;
  /** The live chat a supervisor is watching, read-only. */
  watching: WatchedChat | null;
}

export interface WatchedChat {
  channelSid: Sid;
  customerName: string;
  agentName: string;
  messages: MessageDTO[];
  /** Staff-only notes on the chat, oldest first. */
  whispers: WhisperDTO[];
  /** The supervisor joined the chat as a second agent and may write in it. */
  joined: boolean;
  /** The chat has ended (its channel is inactive): nobody can join or write any more. */
  ended?: boolean;
}

export function createDeskState(worker: WorkerDTO | null, outbox: PendingMessage[] = []): DeskState {
  return {
    connection: 'connecting',
    worker,
    offers: [],
    chats: {},
    selectedChannelSid: null,
    outbox,
    notices: [],
    nextNoticeId: 1,
    view: 'chats',
    supervision: null,
    watching: null,
  };
}
