/**
 * The typed `/webchat` Socket.IO connection and a promise-returning request helper.
 * Types come from server/protocol.ts, so a renamed event or field fails the build.
 */
import type { Ack, WebchatClientEvents, WebchatServerEvents } from '../../server/protocol';
import { NamespaceSocket } from './wire/namespace-socket';

type Reserved = {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (err: Error) => void;
};
type Listens = WebchatServerEvents & Reserved;
/** The client events without an acknowledgement, sent with `emit`. */
type Notification = {
  [E in keyof WebchatClientEvents]: Parameters<WebchatClientEvents[E]>[1] extends undefined ? E : never;
}[keyof WebchatClientEvents];

export interface WebchatSocket {
  readonly connected: boolean;
  /** Sent with every (re)connect: a refreshed token replaces it. */
  auth: { token: string };
  on<E extends keyof Listens>(event: E, listener: Listens[E]): void;
  emit<E extends Notification>(event: E, ...args: Parameters<WebchatClientEvents[E]>): void;
  disconnect(): void;
}

/** How long an ack may take before the request counts as lost (it is then retried). */
const ACK_TIMEOUT_MS = 10_000;

export function connectWebchat(serverUrl: string, token: string): WebchatSocket {
  // WebSocket first: one round trip less, and its handshake always carries the Origin the
  // server checks (same-origin polling GETs carry none). Polling remains the fallback.
  const { origin, pathname } = new URL(`${serverUrl}/webchat`);
  return new NamespaceSocket(origin, pathname, {
    auth: { token },
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  }) as unknown as WebchatSocket;
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
    (socket as unknown as NamespaceSocket)
      .timeout(ACK_TIMEOUT_MS)
      .emit(event, payload, (err: Error | null, reply: ReplyOf<E>) => resolve(err ? undefined : reply));
  });
}

export const isAckError = <T>(reply: Ack<T>): reply is { error: { code: string; message: string } } =>
  typeof reply === 'object' && reply !== null && 'error' in reply;
