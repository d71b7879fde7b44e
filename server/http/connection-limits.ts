/**
 * The HTTP server's own defences against clients that hold connections open: a client must
 * send its headers within seconds and its whole request within minutes, idle keep-alive
 * connections close soon, and one address (other than a trusted proxy, which carries many
 * clients) may hold only so many TCP connections at once. Without these a single slow client
 * ("slowloris") can hold thousands of descriptors.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey, createWindows } from '../core/rate-counter.ts';
import type { TrustProxy } from './proxy-trust.ts';

export interface HttpConnectionLimits {
  /** Open TCP connections one address may hold (not counting trusted proxies). */
  tcpConnectionsPerIp: number;
  /** New TCP connections one address may open per 10 s; half the open limit by default. */
  tcpConnectionRatePerIp?: number;
  /** Time to send the request headers. */
  headersTimeoutMs: number;
  /** Time to send the whole request (uploads included). */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP_CONNECTION_LIMITS: HttpConnectionLimits = {
  tcpConnectionsPerIp: 1000,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 300_000,
};

const RATE_WINDOW_MS = 10_000;

export function limitHttpConnections(server: Server, limits: HttpConnectionLimits, trust: TrustProxy) {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  const open = new Map<string, number>();
  // A burst of connections is refused here, before any HTTP parsing or WebSocket upgrade:
  // destroying a socket costs far less than answering it.
  const ratePerWindow =
    limits.tcpConnectionRatePerIp ?? Math.max(50, Math.floor(limits.tcpConnectionsPerIp / 2));
  const recent = createWindows();
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? '';
    if (trust(peer, 0)) return;
    const address = addressKey(peer);
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.tcpConnectionsPerIp || recent.hit(address, RATE_WINDOW_MS) > ratePerWindow) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
