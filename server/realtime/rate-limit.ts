/**
 * Message rate limits on `/webchat`: per connection and per address, in fixed one-minute
 * windows, in memory (each node counts its own connections). A send over the limit is acked
 * `{ error: { code: 'rate_limited' } }` and stored nowhere; the widget keeps it in its outbox.
 */
import type { Socket } from 'socket.io';
import { ParleyError } from '../errors.ts';

export interface MessageLimits {
  /** Messages one visitor connection may send per minute. */
  messagesPerMinute: number;
  /** Messages all visitor connections from one address may send per minute. */
  messagesPerMinutePerIp: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = { messagesPerMinute: 60, messagesPerMinutePerIp: 600 };

/** Counts hits per key in the current window; true while under the limit. */
export function windowCounter(limit: number, windowMs = 60_000, now = () => Date.now()) {
  const windows = new Map<string, { start: number; count: number }>();
  return (key: string): boolean => {
    const at = now();
    if (windows.size > 10_000) {
      for (const [k, w] of windows) if (at - w.start >= windowMs) windows.delete(k);
    }
    let window = windows.get(key);
    if (!window || at - window.start >= windowMs) {
      window = { start: at, count: 0 };
      windows.set(key, window);
    }
    window.count++;
    return window.count <= limit;
  };
}

/** The client's address: the proxy's X-Forwarded-For only when the proxy is on loopback. */
export function addressOf(socket: Socket): string {
  const direct = socket.handshake.address;
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  const loopback = direct === '127.0.0.1' || direct === '::1' || direct === '::ffff:127.0.0.1';
  if (loopback && typeof forwarded === 'string' && forwarded)
    return forwarded.split(',').at(-1)?.trim() ?? direct;
  return direct;
}

export function createMessageLimiter(limits: MessageLimits) {
  const perConnection = windowCounter(limits.messagesPerMinute);
  const perAddress = windowCounter(limits.messagesPerMinutePerIp);
  return {
    /** Throws rate_limited when this connection or its address has sent too much this minute. */
    check(socket: Socket) {
      if (!perConnection(socket.id)) {
        throw new ParleyError(
          'rate_limited',
          `Too many messages: at most ${limits.messagesPerMinute} a minute; wait a moment and send again`,
          429,
        );
      }
      if (!perAddress(addressOf(socket))) {
        throw new ParleyError(
          'rate_limited',
          'Too many messages from this address: wait a minute and try again',
          429,
        );
      }
    },
  };
}
