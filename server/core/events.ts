/**
 * Domain events the core emits and the transports publish (Socket.IO rooms today, anything
 * tomorrow). The core never knows who listens.
 */
import { EventEmitter } from 'node:events';
import type {
  AgentChatDTO,
  ChannelDTO,
  MemberDTO,
  MessageDTO,
  OfferDTO,
  ReservationDTO,
  TypingEvent,
  WorkerDTO,
} from '../protocol.ts';

export interface DomainEvents {
  'message.created': [message: MessageDTO];
  'channel.updated': [channel: ChannelDTO];
  'member.updated': [member: MemberDTO];
  typing: [event: TypingEvent];
  'offer.created': [offer: OfferDTO];
  'offer.ended': [reservation: ReservationDTO];
  /** A chat an agent holds changed: assigned, wrapping, completed. */
  'chat.updated': [workerSid: string, chat: AgentChatDTO];
  'worker.updated': [worker: WorkerDTO];
}

export class EventBus extends EventEmitter<DomainEvents> {}
