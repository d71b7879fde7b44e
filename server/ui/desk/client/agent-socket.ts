/**
 * The typed Socket.IO connection to `/agent` and a promise-shaped request helper, so callers
 * handle a server error (`{ error }` ack), a timeout and being offline the same way.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, AgentClientEvents, AgentServerEvents } from '../../../protocol.ts';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Connects to the `/agent` namespace of the page's own origin: WebSocket first (no polling
 * round-trips before the first event), long-polling when a proxy refuses WebSockets.
 */
export function openAgentSocket(token: string): AgentSocket {
  return io('/agent', { auth: { token }, transports: ['websocket', 'polling'], tryAllTransports: true });
}

/** The server answered with an error ack: the message is meant for the agent. */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type RequestEvent = {
  [E in keyof AgentClientEvents]: Parameters<AgentClientEvents[E]> extends [unknown, unknown] ? E : never;
}[keyof AgentClientEvents];
type RequestOf<E extends RequestEvent> = Parameters<AgentClientEvents[E]>[0];
type ReplyOf<E extends RequestEvent> = Parameters<AgentClientEvents[E]>[1] extends (
  reply: Ack<infer T>,
) => void
  ? T
  : never;

/**
 * Sends a request and resolves with its reply. Rejects with a RequestError for an error ack,
 * or a plain Error when offline or when no ack came in time (the request may still have landed,
 * which is why sends carry a clientId).
 */
export async function request<E extends RequestEvent>(
  socket: AgentSocket,
  event: E,
  payload: RequestOf<E>,
): Promise<ReplyOf<E>> {
  if (!socket.connected) throw new Error('You are offline. Try again once the desk reconnects.');
  // TypeScript cannot resolve the typed emit for a generic event; the signature above keeps it typed.
  const timed = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<Ack<ReplyOf<E>>>;
  };
  const reply = await timed.emitWithAck(event, payload);
  if (reply && typeof reply === 'object' && 'error' in reply) {
    throw new RequestError(reply.error.code, reply.error.message);
  }
  return reply as ReplyOf<E>;
}
