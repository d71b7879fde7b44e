/**
 * The typed `/webchat` Socket.IO connection and a promise-returning request helper.
 * Types come from server/protocol.ts, so a renamed event or field fails the build.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, WebchatClientEvents, WebchatServerEvents } from '../../server/protocol';

export type WebchatSocket = Socket<WebchatServerEvents, WebchatClientEvents>;

/** How long an ack may take before the request counts as lost (it is then retried). */
const ACK_TIMEOUT_MS = 10_000;

export function connectWebchat(serverUrl: string, token: string): WebchatSocket {
  // WebSocket first: one round trip less, and its handshake always carries the Origin the
  // server checks (same-origin polling GETs carry none). Polling remains the fallback.
  return io(`${serverUrl}/webchat`, {
    auth: { token },
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  });
}

type RequestEvent = 'messages:sync' | 'message:send' | 'chat:end' | 'session:refresh';
type ReplyOf<E extends RequestEvent> = Parameters<Parameters<WebchatClientEvents[E]>[1]>[0];

/**
 * Emits a request event and resolves with its ack, or `undefined` when no ack came in time
 * (a dropped connection): callers treat that as "not done yet", never as an error reply.
 */
export function request<E extends RequestEvent>(
  socket: WebchatSocket,
  event: E,
  payload: Parameters<WebchatClientEvents[E]>[0],
): Promise<ReplyOf<E> | undefined> {
  return new Promise((resolve) => {
    // socket.io's typed `timeout().emit` overloads do not narrow over a union of events.
    const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emit(event: E, payload: unknown, ack: (err: Error | null, reply: ReplyOf<E>) => void): void;
    };
    timed.emit(event, payload, (err, reply) => resolve(err ? undefined : reply));
  });
}

export const isAckError = <T>(reply: Ack<T>): reply is { error: { code: string; message: string } } =>
  typeof reply === 'object' && reply !== null && 'error' in reply;
