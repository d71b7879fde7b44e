/**
 * Domain events the core emits and the transports publish (Socket.IO rooms today, anything
 * tomorrow). The core never knows who listens.
 */
import { EventEmitter } from 'node:events';
import type {
  AgentChatDTO,
  ChannelDTO,
  MemberDTO,
  MemberRemovedEvent,
  MessageDTO,
  MessageRemovedEvent,
  OfferDTO,
  QueuePositionEvent,
  ReservationDTO,
  TypingEvent,
  WhisperDTO,
  WorkerDTO,
} from '../protocol.ts';
import type { Rating, Task } from '../store/types.ts';

export interface DomainEvents {
  /** `origin`: the socket that sent it, answered by its ack (opaque to the core). */
  'message.created': [message: MessageDTO, origin?: string];
  'message.updated': [message: MessageDTO];
  'message.removed': [event: MessageRemovedEvent];
  'channel.updated': [channel: ChannelDTO];
  'member.updated': [member: MemberDTO];
  typing: [event: TypingEvent];
  'offer.created': [offer: OfferDTO];
  'offer.ended': [reservation: ReservationDTO];
  /** A chat an agent holds changed: assigned, wrapping, completed. */
  'chat.updated': [workerSid: string, chat: AgentChatDTO];
  'worker.updated': [worker: WorkerDTO];
  /** The worker's sessions ended (deleted, disabled, password changed): close its sockets. */
  'worker.revoked': [workerSid: string];
  'member.removed': [event: MemberRemovedEvent];
  /** The channel went from active to inactive: the chat ended. */
  'channel.closed': [channel: ChannelDTO];
  'task.created': [task: Task];
  /** Any change of a task's status, queue, priority or attributes. */
  'task.updated': [task: Task];
  'reservation.accepted': [reservation: ReservationDTO, task: Task];
  /** The visitor rated the chat of a task (once per task). */
  'task.rated': [task: Task, rating: Rating];
  /** A waiting visitor's place in line changed. */
  'queue.position': [event: QueuePositionEvent];
  /** A staff-only note on a chat: published to agents only. `origin` as for messages. */
  'whisper.created': [whisper: WhisperDTO, origin?: string];
}

export class EventBus extends EventEmitter<DomainEvents> {}
